"""The structural view of a CRD schema (apiextensions-apiserver pkg/apiserver/schema.Structural).

A structural schema says, for every position of an object, its type and its properties,
items or additionalProperties; the value validations (allOf, anyOf, oneOf, not, enum, ...)
hang off it but never add structure. Pruning, defaulting, embedded-resource metadata and
CEL all walk this tree, so it is built once per CRD version from the JSON schema dict
(`new_structural`) and shared.

A missing key in the schema dict is Go's zero value, as everywhere in kapiserver. A
`default: null` is no default, as upstream (Default.Object == nil).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_UNSUPPORTED = (("id", "id"), ("$schema", "schema"), ("$ref", "$ref"), ("patternProperties", "patternProperties"),
                ("dependencies", "dependencies"), ("additionalItems", "additionalItems"),
                ("definitions", "definitions"))


class StructuralError(ValueError):
    """The schema cannot be read as a structural schema; str() is upstream's NewStructural error."""


@dataclass(slots=True, eq=False)
class Structural:
    """One node of the structural tree; `raw` is the schema dict it was built from."""

    raw: dict[str, Any]
    type: str = ""
    nullable: bool = False
    default: Any = None
    has_default: bool = False
    properties: dict[str, Structural] = field(default_factory=dict)
    items: Structural | None = None
    additional: Structural | None = None
    """additionalProperties as a schema."""
    additional_allowed: bool = False
    """additionalProperties given (a schema, or `true`/`false`): keys beyond `properties` are not
    unknown fields. Upstream: AdditionalProperties != nil."""
    preserve_unknown: bool = False
    embedded: bool = False
    int_or_string: bool = False
    list_type: str | None = None
    list_map_keys: list[str] = field(default_factory=list)
    map_type: str | None = None
    validations: list[dict[str, Any]] = field(default_factory=list)
    max_length: int | None = None
    max_items: int | None = None
    max_properties: int | None = None
    format: str = ""


def _check_unsupported(schema: dict[str, Any]) -> None:
    for key, name in _UNSUPPORTED:
        if schema.get(key):
            raise StructuralError(f"OpenAPIV3Schema '{name}' is not supported")


def new_structural(schema: dict[str, Any] | None) -> Structural | None:
    """Build the structural tree; raises StructuralError as upstream's NewStructural does."""
    if schema is None:
        return None
    if not isinstance(schema, dict):
        raise StructuralError("OpenAPIV3Schema must be an object")
    _check_unsupported(schema)
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(key) or ():
            _check_nested(sub)
    if schema.get("not") is not None:
        _check_nested(schema["not"])
    preserve = schema.get("x-kubernetes-preserve-unknown-fields")
    if preserve is False:
        raise StructuralError("internal error: 'x-kubernetes-preserve-unknown-fields' must be true or undefined")
    s = Structural(raw=schema, type=schema.get("type") or "", nullable=bool(schema.get("nullable")))
    if "default" in schema and schema["default"] is not None:
        s.default, s.has_default = schema["default"], True
    items = schema.get("items")
    if isinstance(items, list):
        raise StructuralError("OpenAPIV3Schema 'items' must be a schema, but is an array")
    s.items = new_structural(items)
    for name, prop in (schema.get("properties") or {}).items():
        child = new_structural(prop)
        if child is not None:
            s.properties[name] = child
    additional = schema.get("additionalProperties")
    if additional is not None:
        s.additional_allowed = True
        if isinstance(additional, dict):
            s.additional = new_structural(additional)
    s.preserve_unknown = preserve is True
    s.embedded = bool(schema.get("x-kubernetes-embedded-resource"))
    s.int_or_string = bool(schema.get("x-kubernetes-int-or-string"))
    s.list_type = schema.get("x-kubernetes-list-type")
    s.list_map_keys = list(schema.get("x-kubernetes-list-map-keys") or ())
    s.map_type = schema.get("x-kubernetes-map-type")
    s.validations = list(schema.get("x-kubernetes-validations") or ())
    s.max_length = schema.get("maxLength")
    s.max_items = schema.get("maxItems")
    s.max_properties = schema.get("maxProperties")
    s.format = schema.get("format") or ""
    return s


def _check_nested(schema: Any) -> None:
    if not isinstance(schema, dict):
        return
    _check_unsupported(schema)
    items = schema.get("items")
    if isinstance(items, list):
        raise StructuralError("OpenAPIV3Schema 'items' must be a schema, but is an array")
    if isinstance(items, dict):
        _check_nested(items)
    for prop in (schema.get("properties") or {}).values():
        _check_nested(prop)
    additional = schema.get("additionalProperties")
    if isinstance(additional, dict):
        _check_nested(additional)
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(key) or ():
            _check_nested(sub)
    if schema.get("not") is not None:
        _check_nested(schema["not"])


def as_resource_root(s: Structural | None) -> Structural:
    """The root of a resource is an embedded resource (apiVersion, kind, metadata are implicit)."""
    if s is None:
        return Structural(raw={}, embedded=True)
    if s.embedded:
        return s
    clone = Structural(**{name: getattr(s, name) for name in Structural.__slots__})
    clone.embedded = True
    return clone


def child_for_key(s: Structural | None, key: str) -> Structural | None:
    """The schema of an object's field: its property, else additionalProperties."""
    if s is None:
        return None
    prop = s.properties.get(key)
    if prop is not None:
        return prop
    return s.additional
