"""The bootstrap configuration of API Priority and Fairness (upstream
k8s.io/apiserver/pkg/apis/flowcontrol/bootstrap/default.go, v1.35): the mandatory and the
suggested FlowSchemas and PriorityLevelConfigurations, in upstream's order.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import meta
from kapiserver.apimachinery.types import Object

from .defaults import default_priority_level

GROUP = "flowcontrol.apiserver.k8s.io"
AUTOUPDATE_ANNOTATION = "apf.kubernetes.io/autoupdate-spec"
ALL_RESOURCES = {"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"], "clusterScope": True, "namespaces": ["*"]}
ALL_URLS = {"verbs": ["*"], "nonResourceURLs": ["*"]}


def _meta(name: str) -> Object:
    return {"name": name, "annotations": {AUTOUPDATE_ANNOTATION: "true"}}


def _plc(name: str, spec: Object) -> Object:
    return {"apiVersion": f"{GROUP}/v1", "kind": "PriorityLevelConfiguration", "metadata": _meta(name), "spec": spec}


def _limited(shares: int, lendable: int, queues: int = 0, hand: int = 0, limit: int = 0) -> Object:
    response: Object = {"type": "Reject"}
    if queues:
        response = {"type": "Queue", "queuing": {"queues": queues, "handSize": hand, "queueLengthLimit": limit}}
    return {"type": "Limited", "limited": {"nominalConcurrencyShares": shares, "limitResponse": response,
                                           "lendablePercent": lendable}}


def _fs(name: str, level: str, precedence: int, method: str, *rules: Object) -> Object:
    spec: Object = {"priorityLevelConfiguration": {"name": level}, "matchingPrecedence": precedence}
    if method:
        spec["distinguisherMethod"] = {"type": method}
    spec["rules"] = list(rules)
    return {"apiVersion": f"{GROUP}/v1", "kind": "FlowSchema", "metadata": _meta(name), "spec": spec}


def _groups(*names: str) -> list[Object]:
    return [{"kind": "Group", "group": {"name": n}} for n in names]


def _users(*names: str) -> list[Object]:
    return [{"kind": "User", "user": {"name": n}} for n in names]


def _kube_system_sa(name: str) -> list[Object]:
    return [{"kind": "ServiceAccount", "serviceAccount": {"name": name, "namespace": "kube-system"}}]


def _everything(subjects: list[Object]) -> Object:
    return {"subjects": subjects, "resourceRules": [dict(ALL_RESOURCES)], "nonResourceRules": [dict(ALL_URLS)]}


def mandatory_priority_level_list() -> list[Object]:
    return [
        _plc("catch-all", _limited(5, 0)),
        _plc("exempt", {"type": "Exempt", "exempt": {"nominalConcurrencyShares": 0, "lendablePercent": 0}}),
    ]


def mandatory_flow_schema_list() -> list[Object]:
    return [
        _fs("exempt", "exempt", 1, "", _everything(_groups("system:masters"))),
        _fs("catch-all", "catch-all", 10000, "ByUser", _everything(_groups("system:unauthenticated",
                                                                           "system:authenticated"))),
    ]


def suggested_priority_level_list() -> list[Object]:
    return [
        _plc("system", _limited(30, 33, 64, 6, 50)),
        _plc("node-high", _limited(40, 25, 64, 6, 50)),
        _plc("leader-election", _limited(10, 0, 16, 4, 50)),
        _plc("workload-high", _limited(40, 50, 128, 6, 50)),
        _plc("workload-low", _limited(100, 90, 128, 6, 50)),
        _plc("global-default", _limited(20, 50, 128, 6, 50)),
    ]


def _resource_rule(verbs: list[str], groups: list[str], resources: list[str], cluster_scope: bool) -> Object:
    rule: Object = {"verbs": verbs, "apiGroups": groups, "resources": resources}
    if cluster_scope:
        rule["clusterScope"] = True
    rule["namespaces"] = ["*"]
    return rule


def suggested_flow_schema_list() -> list[Object]:
    nodes = _groups("system:nodes")
    return [
        _fs("system-nodes", "system", 500, "ByUser", _everything(nodes)),
        _fs("system-node-high", "node-high", 400, "ByUser", {
            "subjects": nodes,
            "resourceRules": [_resource_rule(["*"], [""], ["nodes", "nodes/status"], True),
                              _resource_rule(["*"], ["coordination.k8s.io"], ["leases"], False)]}),
        _fs("probes", "exempt", 2, "", {
            "subjects": _groups("system:unauthenticated", "system:authenticated"),
            "nonResourceRules": [{"verbs": ["get"], "nonResourceURLs": ["/healthz", "/readyz", "/livez"]}]}),
        _fs("system-leader-election", "leader-election", 100, "ByUser", {
            "subjects": _users("system:kube-controller-manager", "system:kube-scheduler") + _kube_system_sa("*"),
            "resourceRules": [_resource_rule(["get", "create", "update"], ["coordination.k8s.io"], ["leases"],
                                             False)]}),
        _fs("kube-controller-manager", "workload-high", 800, "ByNamespace",
            _everything(_users("system:kube-controller-manager"))),
        _fs("kube-scheduler", "workload-high", 800, "ByNamespace", _everything(_users("system:kube-scheduler"))),
        _fs("kube-system-service-accounts", "workload-high", 900, "ByNamespace", _everything(_kube_system_sa("*"))),
        _fs("service-accounts", "workload-low", 9000, "ByUser", _everything(_groups("system:serviceaccounts"))),
        _fs("global-default", "global-default", 9900, "ByUser",
            _everything(_groups("system:unauthenticated", "system:authenticated"))),
    ]


def mandatory_flow_schemas() -> dict[str, Object]:
    return {meta.name(fs): fs for fs in mandatory_flow_schema_list()}


def mandatory_priority_levels() -> dict[str, Object]:
    return {meta.name(pl): pl for pl in mandatory_priority_level_list()}


def semantic_equal(a: Any, b: Any) -> bool:
    """equality.Semantic.DeepEqual over JSON forms: a missing field equals its zero value."""
    if isinstance(a, dict) or isinstance(b, dict):
        a, b = a or {}, b or {}
        if not isinstance(a, dict) or not isinstance(b, dict):
            return False
        return all(semantic_equal(a.get(k), b.get(k)) for k in set(a) | set(b))
    if isinstance(a, list) or isinstance(b, list):
        a, b = a or [], b or []
        return isinstance(a, list) and isinstance(b, list) and len(a) == len(b) and all(
            semantic_equal(x, y) for x, y in zip(a, b))
    if a in (None, False, 0, "") and b in (None, False, 0, ""):
        return True
    return bool(a == b)


def priority_level_spec_equalish(expected: Object, actual: Object, name: str) -> bool:
    """upstream plcOps.SpecEqualish: the exempt level's tunables do not count."""
    wanted = meta.deep_copy({"spec": expected})
    default_priority_level(wanted)
    if name == "exempt":
        exempt = actual.get("exempt")
        if not isinstance(exempt, dict):
            return False
        wanted["spec"]["exempt"]["nominalConcurrencyShares"] = exempt.get("nominalConcurrencyShares")
        wanted["spec"]["exempt"]["lendablePercent"] = exempt.get("lendablePercent")
    return semantic_equal(wanted["spec"], actual)
