"""The `default` values of the OpenAPI 3 definitions (openapi-gen's zero defaults and markers).

The bundled definitions are the v2 form, from which upstream prunes defaults; the v3
documents keep them. openapi-gen writes one where a Go field cannot be absent from the
JSON Go produces (mustEnforceDefault): a struct held by value defaults to `{}`, a string,
number or bool without `omitempty` to its zero value, and the element of a slice or the
value of a map follows the same rule (a slice of strings has items defaulting to "").
Pointers, slices, maps and the types with their own JSON form (Time, Quantity,
IntOrString, RawExtension, ...) get none. `+default=` markers in the Go sources add the
few explicit ones listed in _MARKERS.

The Go facts (pointer, omitempty, element types) are read from the protobuf schema
table, which was generated from the same Go structs. Kinds outside k8s.io/api and
apimachinery (CustomResourceDefinition, APIService, version.Info) are not in that table;
their defaults are listed in _OTHER.
"""

from __future__ import annotations

import functools
import gzip
from typing import Any

import orjson

from kapiserver.apimachinery.protobuf import table

# (definition, property) -> the value of its `+default=` marker.
_MARKERS: dict[tuple[str, str], Any] = {
    ("io.k8s.api.autoscaling.v1.ScaleSpec", "replicas"): 0,
    ("io.k8s.api.certificates.v1beta1.PodCertificateRequestSpec", "maxExpirationSeconds"): 86400,
    ("io.k8s.api.core.v1.AzureDiskVolumeSource", "cachingMode"): "ReadWrite",
    ("io.k8s.api.core.v1.AzureDiskVolumeSource", "fsType"): "ext4",
    ("io.k8s.api.core.v1.AzureDiskVolumeSource", "kind"): "Shared",
    ("io.k8s.api.core.v1.AzureDiskVolumeSource", "readOnly"): False,
    ("io.k8s.api.core.v1.ContainerPort", "protocol"): "TCP",
    ("io.k8s.api.core.v1.FileKeySelector", "optional"): False,
    ("io.k8s.api.core.v1.GRPCAction", "service"): "",
    ("io.k8s.api.core.v1.ISCSIPersistentVolumeSource", "iscsiInterface"): "default",
    ("io.k8s.api.core.v1.ISCSIVolumeSource", "iscsiInterface"): "default",
    ("io.k8s.api.core.v1.LocalObjectReference", "name"): "",
    ("io.k8s.api.core.v1.RBDPersistentVolumeSource", "keyring"): "/etc/ceph/keyring",
    ("io.k8s.api.core.v1.RBDPersistentVolumeSource", "pool"): "rbd",
    ("io.k8s.api.core.v1.RBDPersistentVolumeSource", "user"): "admin",
    ("io.k8s.api.core.v1.RBDVolumeSource", "keyring"): "/etc/ceph/keyring",
    ("io.k8s.api.core.v1.RBDVolumeSource", "pool"): "rbd",
    ("io.k8s.api.core.v1.RBDVolumeSource", "user"): "admin",
    ("io.k8s.api.core.v1.ReplicationControllerSpec", "minReadySeconds"): 0,
    ("io.k8s.api.core.v1.ReplicationControllerSpec", "replicas"): 1,
    ("io.k8s.api.core.v1.ScaleIOPersistentVolumeSource", "fsType"): "xfs",
    ("io.k8s.api.core.v1.ScaleIOPersistentVolumeSource", "storageMode"): "ThinProvisioned",
    ("io.k8s.api.core.v1.ScaleIOVolumeSource", "fsType"): "xfs",
    ("io.k8s.api.core.v1.ScaleIOVolumeSource", "storageMode"): "ThinProvisioned",
    ("io.k8s.api.core.v1.ServicePort", "protocol"): "TCP",
    ("io.k8s.api.resource.v1.DeviceToleration", "operator"): "Equal",
    ("io.k8s.api.resource.v1beta1.DeviceToleration", "operator"): "Equal",
    ("io.k8s.api.resource.v1beta2.DeviceToleration", "operator"): "Equal",
}

# Where a default sits: on the property, its items, or its additionalProperties.
SELF, ITEMS, VALUES, VALUE_ITEMS = "self", "items", "additionalProperties", "additionalProperties.items"
Placement = tuple[str, str, Any]  # (property, where, value)

_EXT = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1."
_AGG = "io.k8s.kube-aggregator.pkg.apis.apiregistration.v1."
_OTHER: dict[str, tuple[Placement, ...]] = {
    _EXT + "CustomResourceColumnDefinition": (("jsonPath", SELF, ""), ("name", SELF, ""), ("type", SELF, "")),
    _EXT + "CustomResourceConversion": (("strategy", SELF, ""),),
    _EXT + "CustomResourceDefinition": (("metadata", SELF, {}), ("spec", SELF, {}), ("status", SELF, {})),
    _EXT + "CustomResourceDefinitionCondition": (("status", SELF, ""), ("type", SELF, "")),
    _EXT + "CustomResourceDefinitionList": (("items", ITEMS, {}), ("metadata", SELF, {})),
    _EXT + "CustomResourceDefinitionNames": (
        ("categories", ITEMS, ""),
        ("kind", SELF, ""),
        ("plural", SELF, ""),
        ("shortNames", ITEMS, ""),
    ),
    _EXT + "CustomResourceDefinitionSpec": (
        ("group", SELF, ""),
        ("names", SELF, {}),
        ("scope", SELF, ""),
        ("versions", ITEMS, {}),
    ),
    _EXT + "CustomResourceDefinitionStatus": (
        ("acceptedNames", SELF, {}),
        ("conditions", ITEMS, {}),
        ("storedVersions", ITEMS, ""),
    ),
    _EXT + "CustomResourceDefinitionVersion": (
        ("additionalPrinterColumns", ITEMS, {}),
        ("name", SELF, ""),
        ("selectableFields", ITEMS, {}),
        ("served", SELF, False),
        ("storage", SELF, False),
    ),
    _EXT + "CustomResourceSubresourceScale": (
        ("specReplicasPath", SELF, ""),
        ("statusReplicasPath", SELF, ""),
    ),
    _EXT + "JSONSchemaProps": (
        ("allOf", ITEMS, {}),
        ("anyOf", ITEMS, {}),
        ("definitions", VALUES, {}),
        ("oneOf", ITEMS, {}),
        ("patternProperties", VALUES, {}),
        ("properties", VALUES, {}),
        ("required", ITEMS, ""),
        ("x-kubernetes-list-map-keys", ITEMS, ""),
        ("x-kubernetes-validations", ITEMS, {}),
    ),
    _EXT + "SelectableField": (("jsonPath", SELF, ""),),
    _EXT + "ServiceReference": (("name", SELF, ""), ("namespace", SELF, "")),
    _EXT + "ValidationRule": (("rule", SELF, ""),),
    _EXT + "WebhookConversion": (("conversionReviewVersions", ITEMS, ""),),
    _AGG + "APIService": (("metadata", SELF, {}), ("spec", SELF, {}), ("status", SELF, {})),
    _AGG + "APIServiceCondition": (("status", SELF, ""), ("type", SELF, "")),
    _AGG + "APIServiceList": (("items", ITEMS, {}), ("metadata", SELF, {})),
    _AGG + "APIServiceSpec": (("groupPriorityMinimum", SELF, 0), ("versionPriority", SELF, 0)),
    _AGG + "APIServiceStatus": (("conditions", ITEMS, {}),),
    "io.k8s.apimachinery.pkg.version.Info": tuple(
        (name, SELF, "")
        for name in (
            "buildDate",
            "compiler",
            "gitCommit",
            "gitTreeState",
            "gitVersion",
            "goVersion",
            "major",
            "minor",
            "platform",
        )
    ),
}

_NO_MARKER = object()
_ZERO: dict[str, Any] = {"string": "", "int32": 0, "int64": 0, "bool": False}
_PREFIXES = ("io.k8s.api.", "io.k8s.apimachinery.pkg.")


@functools.cache
def _messages() -> dict[str, Any]:
    raw: dict[str, Any] = orjson.loads(gzip.decompress(table.TABLE_PATH.read_bytes()))
    return raw["messages"]  # type: ignore[no-any-return]


def _element(type_name: str) -> Any:
    """The default of a value of this type held directly (as a slice element or map value)."""
    if type_name in _ZERO:
        return _ZERO[type_name]
    message = _messages().get(type_name)
    if message is None or message[0]:
        return None  # bytes, or a type with its own JSON form
    return {}


def _fields(message_name: str) -> list[tuple[str, list[Any]]]:
    """(owner, field) of a message, with inlined members (TypeMeta, embedded structs) flattened in.

    The owner is the message that declares the field: an embedded LocalObjectReference
    brings its `+default=""` marker along.
    """
    out = []
    for field in _messages()[message_name][2]:
        if field[3] & table.FLAG_INLINE and field[2] in _messages():
            out.extend(_fields(field[2]))
        else:
            out.append((message_name, field))
    return out


def _derived(message_name: str) -> list[Placement]:
    out: list[Placement] = []
    for owner, (_, name, type_name, flags) in _fields(message_name):
        marker = _MARKERS.get(("io.k8s.api." + owner, name), _NO_MARKER)
        if marker is not _NO_MARKER:
            out.append((name, SELF, marker))
        elif type_name.startswith("map:"):
            value_type = type_name[4:]
            if _messages().get(value_type, [""])[0] == "strings":
                out.append((name, VALUE_ITEMS, ""))  # map[string]ExtraValue, a named []string
            else:
                out.append((name, VALUES, _element(value_type)))
        elif _messages().get(type_name, [""])[0] == "strings":
            out.append((name, ITEMS, ""))  # a named []string (Verbs)
        elif flags & table.FLAG_REPEATED:
            if not flags & table.FLAG_POINTER:
                out.append((name, ITEMS, _element(type_name)))
        elif flags & table.FLAG_POINTER or type_name == "bytes":
            continue
        elif type_name in _ZERO:
            if not flags & table.FLAG_OMITEMPTY:
                out.append((name, SELF, _ZERO[type_name]))
        else:
            out.append((name, SELF, _element(type_name)))
    return [placement for placement in out if placement[2] is not None]


@functools.cache
def placements(definition: str) -> tuple[Placement, ...]:
    """Where the v3 form of a definition carries defaults."""
    if definition in _OTHER:
        found = list(_OTHER[definition])
    else:
        message = next((definition[len(p) :] for p in _PREFIXES if definition.startswith(p)), None)
        found = _derived(message) if message is not None and message in _messages() else []
    by_place = {(name, where): value for name, where, value in found}
    for (name, prop), value in _MARKERS.items():
        if name == definition:
            by_place[(prop, SELF)] = value
    return tuple((name, where, value) for (name, where), value in by_place.items())


def apply(definition: str, schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of `schema` (v2 form) with its defaults; the input is not changed."""
    found = placements(definition)
    properties = schema.get("properties")
    if not found or not isinstance(properties, dict):
        return schema
    properties = dict(properties)
    for name, where, value in found:
        prop = properties.get(name)
        if not isinstance(prop, dict):
            continue
        prop = dict(prop)
        if where == SELF:
            prop["default"] = value
        elif where == VALUE_ITEMS:
            values = prop.get(VALUES)
            if isinstance(values, dict) and isinstance(values.get(ITEMS), dict):
                prop[VALUES] = {**values, ITEMS: {**values[ITEMS], "default": value}}
        elif isinstance(prop.get(where), dict):
            prop[where] = {**prop[where], "default": value}
        properties[name] = prop
    return {**schema, "properties": properties}
