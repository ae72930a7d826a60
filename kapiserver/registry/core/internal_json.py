"""Bad values as kube-apiserver prints them: json.Marshal of its internal types.

Since apimachinery v0.34 a field error renders a struct, slice or map bad value with
json.Marshal. Validation upstream runs on the internal types of k8s.io/kubernetes/pkg/apis
(core.PodTemplateSpec, batch.SuccessPolicy, ...), which carry no json tags: every field is
written, under its Go name, in declaration order, nil pointers, slices and maps as null and
other zero values as themselves (`{"Name":"c","Image":"","Command":null,...}`). Types they
embed from apimachinery (ObjectMeta, LabelSelector, Time) keep their json tags and
omitempty, and an embedded ObjectMeta is flattened into its parent.

Layouts come from the protobuf schema table, which lists the v1 fields in Go order with
their JSON names; `marshal` reads a v1 dict through them. Where an internal type differs
from its v1 twin (pkg/apis/core/types.go against k8s.io/api/core/v1), `_INTERNAL` says how:
the PodSpec keeps the host namespace fields in its PodSecurityContext and has no
serviceAccount alias, a few structs order their fields differently, and a projected token's
expirationSeconds is a plain int64 (as is a limited priority level's nominalConcurrencyShares,
an int32 in pkg/apis/flowcontrol). Other groups' internal types mirror their v1 twins. Fields added to both after v1.31 are assumed to sit in
the same place in both, as the PRs that add them do.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from kapiserver.apimachinery import quantity
from kapiserver.apimachinery.protobuf import table

from .podspec.access import as_int
from .podspec.godiff import go_field_name

Layout = tuple[tuple[str, str, str, int], ...]
"""(Go name, v1 JSON name, table type, table flags) of each field, in internal Go order."""

# Go names that the JSON name does not spell (json:"iqn" on IQN, json:"monitors" on CephMonitors).
_GO_NAMES = {
    ("core.v1.VolumeSource", "cephfs"): "CephFS",
    ("core.v1.VolumeSource", "storageos"): "StorageOS",
    ("core.v1.ISCSIVolumeSource", "iqn"): "IQN",
    ("core.v1.ISCSIVolumeSource", "chapAuthDiscovery"): "DiscoveryCHAPAuth",
    ("core.v1.ISCSIVolumeSource", "chapAuthSession"): "SessionCHAPAuth",
    ("core.v1.GlusterfsVolumeSource", "endpoints"): "EndpointsName",
    ("core.v1.RBDVolumeSource", "monitors"): "CephMonitors",
    ("core.v1.RBDVolumeSource", "image"): "RBDImage",
    ("core.v1.RBDVolumeSource", "pool"): "RBDPool",
    ("core.v1.RBDVolumeSource", "user"): "RadosUser",
    ("core.v1.AzureDiskVolumeSource", "diskURI"): "DataDiskURI",
    ("core.v1.PhotonPersistentDiskVolumeSource", "pdID"): "PdID",
    ("core.v1.ScaleIOVolumeSource", "sslEnabled"): "SSLEnabled",
}

_HOST_FIELDS = (("HostNetwork", "hostNetwork", "bool", 0), ("HostPID", "hostPID", "bool", 0),
                ("HostIPC", "hostIPC", "bool", 0),
                ("ShareProcessNamespace", "shareProcessNamespace", "bool", table.FLAG_POINTER),
                ("HostUsers", "hostUsers", "bool", table.FLAG_POINTER))

# Internal field order where it differs from v1, by JSON name; "+" marks the host fields the
# internal PodSecurityContext gains from the v1 PodSpec.
_INTERNAL_ORDER = {
    "core.v1.PodSpec": (
        "volumes", "initContainers", "containers", "ephemeralContainers", "restartPolicy",
        "terminationGracePeriodSeconds", "activeDeadlineSeconds", "dnsPolicy", "nodeSelector",
        "serviceAccountName", "automountServiceAccountToken", "nodeName", "securityContext",
        "imagePullSecrets", "hostname", "subdomain", "setHostnameAsFQDN", "affinity", "schedulerName",
        "tolerations", "hostAliases", "priorityClassName", "priority", "preemptionPolicy", "dnsConfig",
        "readinessGates", "runtimeClassName", "overhead", "enableServiceLinks", "topologySpreadConstraints",
        "os", "schedulingGates", "resourceClaims", "resources", "hostnameOverride", "workloadRef"),
    "core.v1.PodSecurityContext": (
        "+", "seLinuxOptions", "windowsOptions", "runAsUser", "runAsGroup", "runAsNonRoot",
        "supplementalGroups", "supplementalGroupsPolicy", "fsGroup", "fsGroupChangePolicy", "sysctls",
        "seccompProfile", "appArmorProfile", "seLinuxChangePolicy"),
    "core.v1.VolumeSource": (
        "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs",
        "iscsi", "glusterfs", "persistentVolumeClaim", "rbd", "quobyte", "flexVolume", "cinder", "cephfs",
        "flocker", "downwardAPI", "fc", "azureFile", "configMap", "vsphereVolume", "azureDisk",
        "photonPersistentDisk", "projected", "portworxVolume", "scaleIO", "storageos", "csi", "ephemeral",
        "image"),
}
# Fields held by value internally where v1 has a pointer.
_NOT_POINTERS = {("core.v1.ServiceAccountTokenProjection", "expirationSeconds"),
                 ("flowcontrol.v1.LimitedPriorityLevelConfiguration", "nominalConcurrencyShares")}
# v1 PodSpec fields the conversion moves (into the PodSecurityContext) or folds away.
_PODSPEC_MOVED = {"serviceAccount", "hostNetwork", "hostPID", "hostIPC", "shareProcessNamespace", "hostUsers"}


def _entry(message: str) -> list[Any] | None:
    entry: list[Any] | None = table.raw_table()["messages"].get(message)
    return entry


def _is_tagged(message: str) -> bool:
    """apimachinery's own types (metav1) keep their json tags inside internal structs."""
    return message.startswith("apis.")


@cache
def layout(message: str) -> Layout:
    """The internal struct's fields, its embedded structs flattened as encoding/json does."""
    entry = _entry(message)
    fields: list[tuple[str, str, str, int]] = []
    for _, name, ftype, flags in entry[2] if entry else []:
        if flags & table.FLAG_INLINE:
            fields.extend(layout(ftype))
        elif message == "core.v1.PodSpec" and name in _PODSPEC_MOVED:
            continue
        else:
            if (message, name) in _NOT_POINTERS:
                flags &= ~table.FLAG_POINTER
            fields.append((_GO_NAMES.get((message, name)) or go_field_name(name), name, ftype, flags))
    order = _INTERNAL_ORDER.get(message)
    if order:
        by_name = {f[1]: f for f in fields}
        fields = [f for name in order for f in (_HOST_FIELDS if name == "+" else (by_name[name],))]
    return tuple(fields)


def marshal(value: Any, message: str) -> Any:
    """json.Marshal of the internal struct `message` (a table name such as "core.v1.PodSpec") read
    from its v1 dict, as a value field.render_value prints unchanged. None stands for a nil pointer."""
    if value is None:
        return None
    return _struct(value, message)


def marshal_list(value: Any, message: str) -> Any:
    """A []T of internal structs: null when nil."""
    if not isinstance(value, list):
        return None
    return [_struct(item, message) for item in value]


def _struct(value: Any, message: str) -> dict[str, Any]:
    obj = value if isinstance(value, dict) else {}
    if _is_tagged(message):
        return _tagged(obj, message)
    if message == "core.v1.PodTemplateSpec" or message == "core.v1.PersistentVolumeClaimTemplate":
        return {**_tagged(_dict(obj.get("metadata")), "apis.meta.v1.ObjectMeta"),
                **_fields(obj, message, skip="metadata")}
    if message == "core.v1.PodSpec":
        obj = _convert_pod_spec(obj)
    return _fields(obj, message)


def _fields(obj: dict[str, Any], message: str, skip: str = "") -> dict[str, Any]:
    return {go: _value(obj.get(name), ftype, flags) for go, name, ftype, flags in layout(message) if name != skip}


def _convert_pod_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """upstream Convert_v1_PodSpec_To_core_PodSpec: serviceAccount stands in for an empty
    serviceAccountName; the host namespace fields move into an always-present securityContext."""
    out = dict(spec)
    if not spec.get("serviceAccountName"):
        out["serviceAccountName"] = spec.get("serviceAccount")
    context = dict(_dict(spec.get("securityContext")))
    for _, name, _, _ in _HOST_FIELDS:
        context[name] = spec.get(name)
    out["securityContext"] = context
    return out


def _value(value: Any, ftype: str, flags: int) -> Any:
    if flags & table.FLAG_REPEATED:
        if not isinstance(value, list):
            return None
        return [_item(item, ftype) for item in value]
    if ftype.startswith("map:"):
        if not isinstance(value, dict):
            return None
        return {str(k): _item(v, ftype[4:]) for k, v in sorted(value.items())}
    if value is None and flags & (table.FLAG_POINTER | table.FLAG_NILLABLE):
        return None
    return _item(value, ftype)


def _item(value: Any, ftype: str) -> Any:
    """One value of type `ftype`, its zero value when absent."""
    if ftype == "string" or ftype == "bytes":
        return value if isinstance(value, str) else ("" if ftype == "string" else None)
    if ftype == "bool":
        return value is True
    if ftype in ("int32", "int64"):
        return as_int(value)
    special = (_entry(ftype) or ["", 0, []])[0]
    if special == "quantity":
        return _quantity(value)
    if special == "intorstring":
        return value if isinstance(value, (int, str)) and not isinstance(value, bool) else 0
    if special in ("time", "microtime"):
        return value if isinstance(value, str) else None
    if special:
        return value
    return _struct(value, ftype)


def _tagged(obj: dict[str, Any], message: str) -> dict[str, Any]:
    """A json-tagged (metav1) struct: fields under their JSON names, empty ones left out where the
    tag says omitempty (which spares structs held by value), a zero Time where it says omitzero."""
    out: dict[str, Any] = {}
    for _, name, ftype, flags in (_entry(message) or ["", 0, []])[2]:
        value = obj.get(name)
        by_value = not flags & (table.FLAG_POINTER | table.FLAG_REPEATED) and _entry(ftype) is not None
        if flags & table.FLAG_OMITEMPTY and not by_value and value in (None, "", 0, False, [], {}):
            continue
        if flags & table.FLAG_OMITZERO and value is None:
            continue
        out[name] = _value(value, ftype, flags)
    return out


def _quantity(value: Any) -> str:
    """A Quantity writes its canonical String() form."""
    try:
        return quantity.canonical(quantity.from_json(value))
    except quantity.QuantityError:
        return str(value)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
