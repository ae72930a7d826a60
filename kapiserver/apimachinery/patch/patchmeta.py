"""Patch metadata lookup (upstream strategicpatch/meta.go), read from OpenAPI definitions.

Strategic merge patch asks, at every map or list it descends into, for the field's patch
strategy (`merge`, `replace`, `retainKeys`, or `merge,retainKeys`) and merge key.
kube-apiserver answers from the Go struct tags of the built-in types
(`PatchMetaFromStruct`); the same facts are published as the `x-kubernetes-patch-strategy`
and `x-kubernetes-patch-merge-key` extensions of the v1.35 definitions, so
`PatchMetaFromDefinitions` reads those while keeping the struct lookup's behaviour, which
clients can see in errors:

- a field missing from a struct fails with `unable to find api field in struct <Type> for
  the json field "<key>"` (after a case-insensitive second try, as Go's JSON field
  matching does);
- descending into a map-typed field (labels, resources, CRD `properties`) fails with
  `merging an object in json but data type is not struct, instead is: map`;
- asking for list metadata of a field that is not a list fails with `expected slice or
  array type, but got: struct`;
- types with no published fields (RawExtension, FieldsV1, apiextensions JSON) behave as
  structs with no JSON fields, and Quantity, IntOrString, Time and MicroTime as structs.

Go also looks through pointers: list metadata of a `*Struct` field is the struct's. The
definitions do not record pointers, so a field referring to a struct definition is taken
to be a pointer (as optional struct fields are; upstream's own tests rely on it) and any
other non-list field not to be. Only malformed patches (a list where a struct or scalar is
expected, or a parallel-list directive naming such a field) can tell the difference.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from .. import definitions as builtin
from ..golang import quote
from ..types import Object
from .strategic_errors import MergePatchError

PATCH_STRATEGY = "x-kubernetes-patch-strategy"
PATCH_MERGE_KEY = "x-kubernetes-patch-merge-key"
_REF_PREFIX = "#/definitions/"

# Definitions serialized as JSON scalars whose Go types are structs.
_SCALAR_STRUCTS = {
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
    "io.k8s.apimachinery.pkg.api.resource.Quantity",
    "io.k8s.apimachinery.pkg.apis.meta.v1.Time",
    "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime",
}


@dataclass(frozen=True, slots=True)
class PatchMeta:
    """A field's patch strategies (split at commas, as the struct tag is) and merge key."""

    patch_strategies: tuple[str, ...] = ()
    patch_merge_key: str = ""


class LookupPatchMeta(Protocol):
    """What strategic merge patch needs to know of a type (upstream's LookupPatchMeta)."""

    def lookup_patch_metadata_for_struct(self, key: str) -> tuple[LookupPatchMeta, PatchMeta]:
        """The type of field `key` of this struct and the field's patch metadata."""
        ...

    def lookup_patch_metadata_for_slice(self, key: str) -> tuple[LookupPatchMeta, PatchMeta]:
        """The element type of list field `key` and the field's patch metadata."""
        ...

    def name(self) -> str:
        """The Go kind of this type (`struct`, `map`, `slice`, `string`, ...), used in errors."""
        ...


class PatchMetaFromDefinitions:
    """LookupPatchMeta over Swagger 2.0 definitions, answering as PatchMetaFromStruct does."""

    __slots__ = ("_definitions", "_schema", "_type_name")

    def __init__(self, schema: Object, definitions: Mapping[str, Object], type_name: str = "") -> None:
        self._schema, self._type_name = _resolve(schema, definitions, type_name)
        self._definitions = definitions

    def __repr__(self) -> str:
        return f"PatchMetaFromDefinitions({self._type_name or self.name()})"

    def name(self) -> str:
        return _go_kind(self._schema, self._type_name)

    def lookup_patch_metadata_for_struct(self, key: str) -> tuple[PatchMetaFromDefinitions, PatchMeta]:
        kind = self.name()
        if kind != "struct":
            raise MergePatchError(
                f"merging an object in json but data type is not struct, instead is: {kind}"
            )
        field = _find_field(self._schema.get("properties", {}), key)
        if field is None:
            struct_name = self._type_name.rsplit(".", 1)[-1]
            raise MergePatchError(
                f"unable to find api field in struct {struct_name} for the json field {quote(key)}"
            )
        return PatchMetaFromDefinitions(field, self._definitions), _patch_meta(field)

    def lookup_patch_metadata_for_slice(self, key: str) -> tuple[PatchMetaFromDefinitions, PatchMeta]:
        field, meta = self.lookup_patch_metadata_for_struct(key)
        if field.name() != "slice":
            if field.name() == "struct" and field._type_name:
                return field, meta  # a pointer field: Go looks through it to the struct
            raise MergePatchError(f"expected slice or array type, but got: {self.name()}")
        element = PatchMetaFromDefinitions(field._schema.get("items", {}), self._definitions)
        if element.name() == "slice":
            raise MergePatchError("unexpected slice of slice")
        return element, meta


def from_definition(name: str, definitions: Mapping[str, Object] | None = None) -> PatchMetaFromDefinitions:
    """The patch metadata of definition `name` (`io.k8s.api.core.v1.Pod`), built-in by default."""
    table = builtin.load() if definitions is None else definitions
    if name not in table:
        raise KeyError(name)
    return PatchMetaFromDefinitions({"$ref": _REF_PREFIX + name}, table)


def _resolve(schema: Object, definitions: Mapping[str, Object], type_name: str) -> tuple[Object, str]:
    """Follow `$ref`s; the last definition name reached is the Go type's name."""
    seen = 0
    while isinstance(schema.get("$ref"), str) and seen < 32:
        ref = schema["$ref"]
        name = ref.removeprefix(_REF_PREFIX)
        schema, type_name = definitions.get(name, {}), name
        seen += 1
    return schema, type_name


def _go_kind(schema: Object, type_name: str) -> str:
    if "properties" in schema or type_name in _SCALAR_STRUCTS:
        return "struct"
    kind = schema.get("type")
    if kind == "object":
        return "map" if "additionalProperties" in schema else "struct"
    if kind == "array":
        return "slice"
    if kind == "string":
        return "slice" if schema.get("format") == "byte" else "string"
    if kind == "integer":
        return {"int32": "int32", "int64": "int64"}.get(schema.get("format", ""), "int")
    if kind == "number":
        return "float32" if schema.get("format") == "float" else "float64"
    if kind == "boolean":
        return "bool"
    return "struct" if type_name else "interface"


def _find_field(properties: Mapping[str, Object], key: str) -> Object | None:
    """Go's JSON field match: exact name first, else the first case-insensitive match."""
    if key in properties:
        return properties[key]
    folded = key.casefold()
    for name, field in properties.items():
        if name.casefold() == folded:
            return field
    return None


def _patch_meta(field: Object) -> PatchMeta:
    strategy: Any = field.get(PATCH_STRATEGY)
    merge_key: Any = field.get(PATCH_MERGE_KEY, "")
    strategies = tuple(strategy.split(",")) if isinstance(strategy, str) else ()
    return PatchMeta(strategies, merge_key if isinstance(merge_key, str) else "")
