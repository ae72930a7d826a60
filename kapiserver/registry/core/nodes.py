"""nodes (upstream pkg/registry/core/node, SetDefaults_NodeStatus, v1 NodeSpec conversion).

Nodes may set status on create (the kubelet registers with it); updates of the main
resource keep the stored status, `nodes/status` keeps the stored spec. Stored under
/registry/minions, as upstream keys them. `nodes/proxy` is listed, not yet served.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import field, meta
from kapiserver.apimachinery.types import Object
from kapiserver.registry import subresources
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec, Subresource
from kapiserver.registry.strategy import Strategy
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

from .nodes_validation import validate_node, validate_node_update
from .proxy import ProxyREST

# NodeSystemInfo fields without omitempty: Go writes them even when empty.
NODE_INFO_FIELDS = ("machineID", "systemUUID", "bootID", "kernelVersion", "osImage", "containerRuntimeVersion",
                    "kubeletVersion", "kubeProxyVersion", "operatingSystem", "architecture")
ROLE_LABEL_PREFIX = "node-role.kubernetes.io/"
ROLE_LABEL = "kubernetes.io/role"
CONFIG_SOURCE_WARNING = "spec.configSource: the feature is removed"


def _spec(node: Object) -> dict[str, Any]:
    spec = node.get("spec")
    if not isinstance(spec, dict):
        spec = node["spec"] = {}
    return spec


def default_node(node: Object) -> None:
    """SetDefaults_NodeStatus, podCIDR/podCIDRs made consistent and the always-written status parts
    filled in, as the v1 -> internal -> v1 round trip of a request body leaves them."""
    spec = _spec(node)
    single, plural = spec.get("podCIDR") or "", list(spec.get("podCIDRs") or [])
    if single and (not plural or plural[0] != single):
        plural = [single]
    if plural:
        spec["podCIDRs"] = plural
        spec["podCIDR"] = plural[0]
    status = node.get("status")
    if not isinstance(status, dict):
        status = node["status"] = {}
    if status.get("allocatable") is None and status.get("capacity") is not None:
        status["allocatable"] = meta.deep_copy(status["capacity"])
    _fill_zero_status(status)


def _fill_zero_status(status: dict[str, Any]) -> None:
    """The parts of NodeStatus that Go's encoder always writes (structs and non-omitempty fields)."""
    endpoints = status.get("daemonEndpoints")
    if not isinstance(endpoints, dict):
        endpoints = status["daemonEndpoints"] = {}
    kubelet = endpoints.get("kubeletEndpoint")
    if not isinstance(kubelet, dict):
        kubelet = endpoints["kubeletEndpoint"] = {}
    kubelet.setdefault("Port", 0)
    info = status.get("nodeInfo")
    if not isinstance(info, dict):
        info = status["nodeInfo"] = {}
    for name in NODE_INFO_FIELDS:
        info.setdefault(name, "")


class NodeStrategy(Strategy):
    def default(self, obj: Object) -> None:
        default_node(obj)

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        _spec(obj).pop("configSource", None)
        status = obj.get("status")
        if isinstance(status, dict):
            status.pop("config", None)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        if "status" in old:
            obj["status"] = meta.deep_copy(old["status"])
        else:
            obj.pop("status", None)
        if (old.get("spec") or {}).get("configSource") is None:
            _spec(obj).pop("configSource", None)

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_node(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_node(obj) + validate_node_update(obj, old)

    def warnings_on_create(self, ctx: RequestContext, obj: Object) -> list[str]:
        return [CONFIG_SOURCE_WARNING] if (obj.get("spec") or {}).get("configSource") is not None else []

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        return self.warnings_on_create(ctx, obj)


class NodeStatusStrategy(NodeStrategy):
    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        obj["spec"] = meta.deep_copy(old.get("spec") or {})
        if (old.get("status") or {}).get("config") is None:
            status = obj.get("status")
            if isinstance(status, dict):
                status.pop("config", None)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_node_update(obj, old)

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        return []


# -- printing ----------------------------------------------------------------------------


def node_status(node: Object) -> str:
    """`Ready`, `NotReady` or `Unknown` from the Ready condition, then `SchedulingDisabled`."""
    conditions = {c.get("type"): c for c in (node.get("status") or {}).get("conditions") or []
                  if isinstance(c, dict)}
    ready = conditions.get("Ready")
    states = ["Unknown"] if ready is None else ["Ready" if ready.get("status") == "True" else "NotReady"]
    if (node.get("spec") or {}).get("unschedulable"):
        states.append("SchedulingDisabled")
    return ",".join(states)


def node_roles(node: Object) -> str:
    roles = set()
    for key, value in (node.get("metadata", {}).get("labels") or {}).items():
        if key.startswith(ROLE_LABEL_PREFIX) and key[len(ROLE_LABEL_PREFIX):]:
            roles.add(key[len(ROLE_LABEL_PREFIX):])
        elif key == ROLE_LABEL and value:
            roles.add(value)
    return ",".join(sorted(roles)) or "<none>"


def _address(node: Object, kind: str) -> str:
    for address in (node.get("status") or {}).get("addresses") or []:
        if isinstance(address, dict) and address.get("type") == kind:
            return str(address.get("address") or "")
    return "<none>"


def _row(node: Object) -> list[object]:
    info = (node.get("status") or {}).get("nodeInfo") or {}
    return [name_of(node), node_status(node), node_roles(node), age(node), info.get("kubeletVersion") or "",
            _address(node, "InternalIP"), _address(node, "ExternalIP"), info.get("osImage") or "<unknown>",
            info.get("kernelVersion") or "<unknown>", info.get("containerRuntimeVersion") or "<unknown>"]


ADDRESSES_DESCRIPTION = (
    "List of addresses reachable to the node. Queried from cloud provider, if available. More info: "
    "https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is declared as mergeable, but "
    "the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should "
    "instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that "
    "addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be "
    "possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API "
    "(status.hostIP).")

NODE_PRINTER = Printer((
    NAME_COLUMN,
    Column("Status", "string", "", "The status of the node"),
    Column("Roles", "string", "", "The roles of the node"),
    AGE_COLUMN,
    Column("Version", "string", "", "Kubelet Version reported by the node."),
    Column("Internal-IP", "string", "", ADDRESSES_DESCRIPTION, 1),
    Column("External-IP", "string", "", ADDRESSES_DESCRIPTION, 1),
    Column("OS-Image", "string", "", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 "
                                     "(wheezy)).", 1),
    Column("Kernel-Version", "string", "", "Kernel Version reported by the node from 'uname -r' (e.g. "
                                           "3.16.0-0.bpo.4-amd64).", 1),
    Column("Container-Runtime", "string", "", "ContainerRuntime Version reported by the node through runtime remote "
                                              "API (e.g. containerd://1.4.2).", 1),
), _row)


def _fields(node: Object) -> dict[str, str]:
    return {"spec.unschedulable": "true" if (node.get("spec") or {}).get("unschedulable") else "false"}


NODES = ResourceSpec(
    group="", version="v1", kind="Node", plural="nodes", singular="node", namespaced=False,
    strategy=NodeStrategy(), short_names=("no",), printer=NODE_PRINTER, fields=_fields, storage_path="minions",
    subresources=(Subresource("proxy", lambda store: ProxyREST("Node")), subresources.status(NodeStatusStrategy())),
)
