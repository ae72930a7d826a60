"""What the rbac registry's escalation check skips (upstream IsOnlyMutatingGCFields, EscalationAllowed)."""

from __future__ import annotations

from kapiserver.apimachinery.user import UserInfo
from kapiserver.registry.rbac.escalation import escalation_allowed, is_only_mutating_gc_fields
from kapiserver.registry.rest import RequestContext

ROLE = {"metadata": {"name": "r", "namespace": "ns"}, "rules": [{"verbs": ["get"]}]}


def test_gc_only_changes_skip_the_check() -> None:
    gc = {**ROLE, "metadata": {**ROLE["metadata"], "finalizers": ["x"], "ownerReferences": [{"uid": "1"}]}}
    assert is_only_mutating_gc_fields(gc, ROLE)
    assert not is_only_mutating_gc_fields({**ROLE, "rules": [{"verbs": ["*"]}]}, ROLE)
    assert not is_only_mutating_gc_fields(ROLE, None)


def test_system_masters_may_escalate() -> None:
    assert escalation_allowed(RequestContext(user=UserInfo("admin", groups=("system:masters",))))
    assert not escalation_allowed(RequestContext(user=UserInfo("jane", groups=("system:authenticated",))))
