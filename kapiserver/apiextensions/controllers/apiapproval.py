"""The KubernetesAPIApprovalPolicyConformant condition (upstream controller/apiapproval).

CRDs of the protected groups (*.k8s.io, *.kubernetes.io) say whether their
`api-approved.kubernetes.io` annotation approves them; other CRDs get no such condition.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import meta
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import RequestContext

from .. import helpers
from .informer import CRDInformer
from .status import update_status
from .workqueue import WorkQueue

_REASONS = {helpers.APPROVAL_INVALID: ("False", "InvalidAnnotation"),
            helpers.APPROVAL_MISSING: ("False", "MissingAnnotation"),
            helpers.APPROVED: ("True", "ApprovedAnnotation"),
            helpers.APPROVAL_BYPASSED: ("False", "UnapprovedAnnotation")}


def calculate_condition(crd: Object) -> dict[str, Any] | None:
    if not helpers.is_protected_community_group(helpers.group(crd)):
        return None
    state, reason = helpers.api_approval_state((crd.get("metadata") or {}).get("annotations"))
    status, why = _REASONS.get(state, ("Unknown", "UnknownAnnotation"))
    return helpers.condition(helpers.KUBERNETES_API_APPROVAL_POLICY_CONFORMANT, status, why, reason)


class APIApprovalController:
    def __init__(self, informer: CRDInformer, status_rest: Any, ctx: RequestContext):
        self._informer = informer
        self._status = status_rest
        self._ctx = ctx
        self._last_seen: dict[str, str] = {}
        self.queue = WorkQueue("apiapproval", self.sync)
        informer.handlers.append(self)

    def on_add(self, crd: Object) -> None:
        self.queue.add(meta.name(crd))

    def on_update(self, old: Object, new: Object) -> None:
        self.queue.add(meta.name(new))

    def on_delete(self, crd: Object) -> None:
        self._last_seen.pop(meta.name(crd), None)

    async def sync(self, name: str) -> None:
        crd = self._informer.get(name)
        if crd is None:
            return
        value = ((crd.get("metadata") or {}).get("annotations") or {}).get(helpers.API_APPROVED_ANNOTATION, "")
        if self._last_seen.get(name) == value and name in self._last_seen:
            return
        condition = calculate_condition(crd)
        if condition is None:
            return
        if helpers.conditions_equivalent(condition, helpers.find_condition(crd, condition["type"])):
            return
        updated = meta.deep_copy(crd)
        helpers.set_condition(updated, condition)
        out = await update_status(self._status, self._ctx, updated)
        if out is not None:
            self._informer.mutation(out)
            self._last_seen[name] = value
