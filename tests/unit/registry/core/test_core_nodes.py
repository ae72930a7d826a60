"""Nodes: defaults, validation (taints, pod CIDRs, resources, update rules), printing, field selection."""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import field
from kapiserver.registry.core import nodes
from kapiserver.registry.core.nodes_validation import validate_node, validate_node_update
from kapiserver.registry.rest import RequestContext

CTX = RequestContext(api_version="v1")


def messages(errs: field.ErrorList) -> list[str]:
    return [str(e) for e in errs]


def node(spec: dict[str, Any] | None = None, status: dict[str, Any] | None = None, **meta: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {"metadata": {"name": "n1", "resourceVersion": "1", **meta}, "spec": spec or {}}
    if status is not None:
        obj["status"] = status
    return obj


def test_defaults_pod_cidrs_and_allocatable() -> None:
    obj = node({"podCIDR": "10.244.0.0/24"}, {"capacity": {"cpu": "4"}})
    nodes.default_node(obj)
    assert obj["spec"] == {"podCIDR": "10.244.0.0/24", "podCIDRs": ["10.244.0.0/24"]}
    assert obj["status"]["allocatable"] == {"cpu": "4"}
    other = node({"podCIDR": "10.1.0.0/24", "podCIDRs": ["10.2.0.0/24", "fd00::/64"]})
    nodes.default_node(other)
    assert other["spec"] == {"podCIDR": "10.1.0.0/24", "podCIDRs": ["10.1.0.0/24"]}


def test_taints_are_reported_under_metadata() -> None:
    obj = node({"taints": [{"key": "a", "effect": "NoSchedule"}, {"key": "a", "effect": "NoSchedule"},
                           {"key": "b", "value": "x y"}, {"key": "c", "effect": "Sometimes"}]})
    assert messages(validate_node(obj)) == [
        ('metadata.taints[1]: Duplicate value: {"Key":"a","Value":"","Effect":"NoSchedule","TimeAdded":null}: '
        "taints must be unique by key and effect pair"),
        ('metadata.taints[2].value: Invalid value: "x y": a valid label must be an empty string or consist of '
        "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
        "'MyValue',  or 'my_value',  or '12345', regex used for validation is "
        "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"),
        "metadata.taints[2].effect: Required value",
        ('metadata.taints[3].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", '
        '"PreferNoSchedule", "NoExecute"')]


def test_pod_cidrs() -> None:
    assert messages(validate_node(node({"podCIDRs": ["10.0.0.0/24", "10.1.0.0/24"]}))) == [
        ('spec.podCIDRs: Invalid value: ["10.0.0.0/24","10.1.0.0/24"]: may specify no more than one CIDR '
        "for each IP family")]
    assert validate_node(node({"podCIDRs": ["10.0.0.0/24", "fd00::/64"]})) == []


def test_resources() -> None:
    obj = node(status={"capacity": {"cpu": "-1", "pods": "1500m", "example.com/gpu": "1"}})
    assert messages(validate_node(obj)) == [
        'status.capacity.cpu: Invalid value: "-1": must be greater than or equal to 0',
        'status.capacity.pods: Invalid value: "1500m": must be an integer']


def test_update_rules() -> None:
    old = node({"podCIDRs": ["10.0.0.0/24"], "providerID": "cloud://a", "externalID": "x"})
    new = node({"podCIDRs": ["10.9.0.0/24"], "providerID": "cloud://b"},
               {"addresses": [{"type": "InternalIP", "address": "1.1.1.1"},
                              {"type": "InternalIP", "address": "1.1.1.1"}]})
    assert messages(validate_node_update(new, old)) == [
        'status.addresses[1]: Duplicate value: {"Type":"InternalIP","Address":"1.1.1.1"}',
        'spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid',
        'spec.providerID: Forbidden: node updates may not change providerID except from "" to valid',
        "spec.externalID: Forbidden: may not be updated"]


def test_status_set_on_create_kept_on_update() -> None:
    strategy = nodes.NodeStrategy()
    obj = node({"configSource": {"configMap": {}}}, {"phase": "Running", "config": {}})
    assert strategy.warnings_on_create(CTX, obj) == ["spec.configSource: the feature is removed"]
    strategy.prepare_for_create(CTX, obj)
    assert obj["status"] == {"phase": "Running"} and "configSource" not in obj["spec"]
    new = node({"unschedulable": True}, {"phase": "Other"})
    strategy.prepare_for_update(CTX, new, obj)
    assert new["status"] == {"phase": "Running"}
    status_update = node({"unschedulable": False}, {"phase": "New"})
    nodes.NodeStatusStrategy().prepare_for_update(CTX, status_update, new)
    assert status_update["spec"] == {"unschedulable": True} and status_update["status"] == {"phase": "New"}


def test_printer() -> None:
    obj = node({"unschedulable": True}, {
        "conditions": [{"type": "MemoryPressure", "status": "False"}, {"type": "Ready", "status": "False"}],
        "addresses": [{"type": "ExternalIP", "address": "5.5.5.5"}, {"type": "InternalIP", "address": "10.0.0.1"}],
        "nodeInfo": {"kubeletVersion": "v1.35.0", "osImage": "Ubuntu"}},
        labels={"node-role.kubernetes.io/worker": "", "node-role.kubernetes.io/": "x", "kubernetes.io/role": "infra"})
    row = nodes.NODES.printer.row(obj)
    assert row[:3] == ["n1", "NotReady,SchedulingDisabled", "infra,worker"]
    assert row[4:] == ["v1.35.0", "10.0.0.1", "5.5.5.5", "Ubuntu", "<unknown>", "<unknown>"]
    bare = nodes.NODES.printer.row(node())
    assert bare[1:3] == ["Unknown", "<none>"] and bare[5:7] == ["<none>", "<none>"]
    assert [(c.name, c.priority) for c in nodes.NODES.printer.columns][4:6] == [("Version", 0), ("Internal-IP", 1)]


def test_facts_and_fields() -> None:
    spec = nodes.NODES
    assert spec.short_names == ("no",) and not spec.namespaced and spec.key_root == "/registry/minions"
    assert spec.field_set(node({"unschedulable": True})) == {"metadata.name": "n1", "spec.unschedulable": "true"}
    assert spec.field_set({}) == {"metadata.name": "", "spec.unschedulable": "false"}
    assert sorted(sub.name for sub in spec.subresources) == ["proxy", "status"]


def test_defaults_write_the_status_go_always_writes() -> None:
    obj: dict[str, Any] = {"metadata": {"name": "bare"}}
    nodes.default_node(obj)
    assert obj["spec"] == {}
    assert obj["status"] == {"daemonEndpoints": {"kubeletEndpoint": {"Port": 0}},
                             "nodeInfo": {name: "" for name in nodes.NODE_INFO_FIELDS}}
