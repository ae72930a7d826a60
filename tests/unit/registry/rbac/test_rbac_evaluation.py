"""RBAC rule matching, describers and the escalation message (upstream evaluation_helpers,
rbac describers, CompactRules / CompactString, ConfirmNoEscalation's message)."""

from __future__ import annotations

import pytest

from kapiserver.apimachinery.user import UserInfo
from kapiserver.registry.authorization.decision import Attributes
from kapiserver.registry.rbac import evaluation

USER = UserInfo("alice", groups=("dev", "system:authenticated"))


def res(verb: str, resource: str, group: str = "", sub: str = "", name: str = "", ns: str = "") -> Attributes:
    return Attributes(USER, verb, True, namespace=ns, api_group=group, resource=resource, subresource=sub, name=name)


@pytest.mark.parametrize(("rule", "attrs", "allowed"), [
    ({"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]}, res("get", "pods"), True),
    ({"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]}, res("list", "pods"), False),
    ({"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}, res("delete", "deployments", "apps"), True),
    ({"verbs": ["get"], "apiGroups": ["apps"], "resources": ["pods"]}, res("get", "pods"), False),
    ({"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]}, res("get", "pods", sub="log"), False),
    ({"verbs": ["get"], "apiGroups": [""], "resources": ["pods/log"]}, res("get", "pods", sub="log"), True),
    ({"verbs": ["update"], "apiGroups": ["*"], "resources": ["*/scale"]},
     res("update", "deployments", "apps", "scale"), True),
    ({"verbs": ["update"], "apiGroups": ["*"], "resources": ["*/scale"]}, res("update", "deployments", "apps"), False),
    ({"verbs": ["get"], "apiGroups": [""], "resources": ["cm"], "resourceNames": ["a"]},
     res("get", "cm", name="a"), True),
    ({"verbs": ["get"], "apiGroups": [""], "resources": ["cm"], "resourceNames": ["a"]},
     res("get", "cm", name="b"), False),
    ({"verbs": ["list"], "apiGroups": [""], "resources": ["cm"], "resourceNames": ["a"]}, res("list", "cm"), False),
    ({"verbs": ["get"], "nonResourceURLs": ["/healthz"]}, Attributes(USER, "get", False, path="/healthz"), True),
    ({"verbs": ["get"], "nonResourceURLs": ["/apis/*"]}, Attributes(USER, "get", False, path="/apis/apps"), True),
    ({"verbs": ["get"], "nonResourceURLs": ["/apis/*"]}, Attributes(USER, "get", False, path="/api"), False),
    ({"verbs": ["get"], "nonResourceURLs": ["*"]}, Attributes(USER, "get", False, path="/x"), True),
    ({"verbs": ["get"], "nonResourceURLs": ["/x"]}, Attributes(USER, "post", False, path="/x"), False),
])
def test_rule_allows(rule: dict, attrs: Attributes, allowed: bool) -> None:
    assert evaluation.rule_allows(attrs, rule) is allowed


def test_applies_to_user() -> None:
    sa = UserInfo("system:serviceaccount:ns:robot", groups=("system:serviceaccounts",))
    assert evaluation.applies_to_user(sa, {"kind": "ServiceAccount", "name": "robot"}, "ns")
    assert not evaluation.applies_to_user(sa, {"kind": "ServiceAccount", "name": "robot"}, "")
    assert evaluation.applies_to_user(sa, {"kind": "ServiceAccount", "name": "robot", "namespace": "ns"}, "")
    assert evaluation.applies_to_user(sa, {"kind": "Group", "name": "system:serviceaccounts"}, "")
    assert evaluation.applies_to_user(USER, {"kind": "User", "name": "alice"}, "")
    assert not evaluation.applies_to_user(USER, {"kind": "User", "name": "bob"}, "")


def test_describe_binding() -> None:
    crb = {"metadata": {"name": "x"}, "roleRef": {"kind": "ClusterRole", "name": "y"}}
    assert evaluation.describe_binding(crb, {"kind": "User", "name": "z"}) == \
        'ClusterRoleBinding "x" of ClusterRole "y" to User "z"'
    rb = {"metadata": {"name": "rb", "namespace": "ns"}, "roleRef": {"kind": "Role", "name": "r"}}
    assert evaluation.describe_binding(rb, {"kind": "ServiceAccount", "name": "robot"}) == \
        'RoleBinding "rb/ns" of Role "r" to ServiceAccount "robot/ns"'


def test_escalation_message_compacts_and_sorts() -> None:
    missing = [{"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]},
               {"verbs": ["delete"], "apiGroups": [""], "resources": ["pods"]},
               {"verbs": ["get"], "apiGroups": ["apps"], "resources": ["deployments"]},
               {"verbs": ["get"], "nonResourceURLs": ["/x"]}]
    assert evaluation.escalation_message(USER, missing, []) == (
        'user "alice" (groups=["dev" "system:authenticated"]) is attempting to grant RBAC permissions not '
        'currently held:\n'
        '{APIGroups:[""], Resources:["pods"], Verbs:["get" "delete"]}\n'
        '{APIGroups:["apps"], Resources:["deployments"], Verbs:["get"]}\n'
        '{NonResourceURLs:["/x"], Verbs:["get"]}')


def test_compact_string_with_names() -> None:
    rule = {"verbs": ["get"], "apiGroups": [""], "resources": ["cm"], "resourceNames": ["a"]}
    assert evaluation.compact_string(rule) == '{APIGroups:[""], Resources:["cm"], ResourceNames:["a"], Verbs:["get"]}'
