"""Reading a JSON body as a typed built-in object, the way Go's decoder reads it into a struct.

Built-in kinds are Go structs upstream: a field of the wrong JSON type is a decode error
(`json: cannot unmarshal ...`), and fields the struct does not declare are dropped — and
reported, for fieldValidation=Warn (a warning) or Strict (an error). The OpenAPI definitions
(definitions.py) describe those structs; each definition is compiled once into a small tree.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from . import definitions, quantity
from .types import Object

_INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
# Definitions whose JSON form is looser than their schema says.
_QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
_INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
_FREE_FORM = frozenset({
    "io.k8s.apimachinery.pkg.runtime.RawExtension", "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray",
})


class TypeMismatch(ValueError):
    """A value of the wrong JSON type; str() is Go's decoder message."""


@dataclass(slots=True)
class Node:
    kind: str  # "struct" | "map" | "list" | "string" | "int" | "number" | "bool" | "any" | "quantity" | "intorstring"
    go_type: str
    struct_name: str = ""
    fields: dict[str, Node] = field(default_factory=dict)
    item: Node | None = None
    int_format: str = ""
    preserve_unknown: bool = False


def _go_name(definition: str) -> str:
    parts = definition.split(".")
    return f"{parts[-2]}.{parts[-1]}"


@functools.cache
def compile_definition(name: str) -> Node:
    """The tree for a definition; recursive definitions (JSONSchemaProps) tie back lazily."""
    if name == _QUANTITY:
        return Node("quantity", "resource.Quantity")
    if name == _INT_OR_STRING:
        return Node("intorstring", "intstr.IntOrString")
    if name in _FREE_FORM:
        return Node("any", _go_name(name))
    schema = definitions.load().get(name, {})
    node = Node("struct", _go_name(name), struct_name=name.rsplit(".", 1)[-1],
                preserve_unknown=bool(schema.get("x-kubernetes-preserve-unknown-fields")))
    if "properties" not in schema and schema.get("type") != "object":
        return _compile(schema, name)
    _PENDING[name] = node
    try:
        for prop, sub in schema.get("properties", {}).items():
            node.fields[prop] = _compile(sub, name)
    finally:
        _PENDING.pop(name, None)
    if not schema.get("properties"):
        node.kind = "any"
    return node


_PENDING: dict[str, Node] = {}


def _compile(schema: Object, owner: str) -> Node:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        target = ref.rsplit("/", 1)[-1]
        if target in _PENDING:
            return _PENDING[target]
        return compile_definition(target)
    if schema.get("x-kubernetes-preserve-unknown-fields") and "properties" not in schema:
        return Node("any", "interface {}")
    kind = schema.get("type")
    if kind == "string":
        if schema.get("format") == "int-or-string":
            return Node("intorstring", "intstr.IntOrString")
        return Node("string", "string")
    if kind == "integer":
        fmt = schema.get("format", "int64")
        return Node("int", fmt if fmt in _INT_RANGES else "int", int_format=fmt)
    if kind == "number":
        return Node("number", "float64")
    if kind == "boolean":
        return Node("bool", "bool")
    if kind == "array":
        item = _compile(schema.get("items", {}), owner)
        return Node("list", "[]" + item.go_type, item=item)
    if kind == "object":
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            item = _compile(extra, owner)
            return Node("map", "map[string]" + item.go_type, item=item)
        return Node("any", "map[string]interface {}")
    return Node("any", "interface {}")


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


class _Walker:
    def __init__(self, root_struct: str):
        self.unknown: list[str] = []
        self.root_struct = root_struct

    def mismatch(self, value: Any, node: Node, go_path: str, struct: str) -> TypeMismatch:
        what = _json_kind(value)
        if what == "number" and node.kind == "int":
            what = f"number {value}"
        where = f"Go struct field {struct}.{go_path}" if go_path else "Go value"
        return TypeMismatch(f"json: cannot unmarshal {what} into {where} of type {node.go_type}")

    def walk(self, value: Any, node: Node, path: str, go_path: str, struct: str) -> None:
        """`path` names fields as strict decoding reports them (with list indices), `go_path`
        as Go's type errors do (without)."""
        if value is None:
            return
        kind = node.kind
        if kind == "any":
            return
        if kind == "struct":
            if not isinstance(value, dict):
                raise self.mismatch(value, node, go_path, struct)
            self.walk_struct(value, node, path, go_path)
        elif kind == "map":
            if not isinstance(value, dict):
                raise self.mismatch(value, node, go_path, struct)
            assert node.item is not None
            for key, item in value.items():
                self.walk(item, node.item, f"{path}[{key}]", go_path, struct)
                if node.item.kind == "quantity" and item is not None:
                    value[key] = _canonical_quantity(item)
        elif kind == "list":
            if not isinstance(value, list):
                raise self.mismatch(value, node, go_path, struct)
            assert node.item is not None
            for index, item in enumerate(value):
                self.walk(item, node.item, f"{path}[{index}]", go_path, struct)
                if node.item.kind == "quantity" and item is not None:
                    value[index] = _canonical_quantity(item)
        elif kind == "string":
            if not isinstance(value, str):
                raise self.mismatch(value, node, go_path, struct)
        elif kind == "int":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise self.mismatch(value, node, go_path, struct)
            low, high = _INT_RANGES.get(node.int_format, _INT_RANGES["int64"])
            if isinstance(value, float) and not value.is_integer() or not low <= value <= high:
                raise self.mismatch(value, node, go_path, struct)
        elif kind == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise self.mismatch(value, node, go_path, struct)
        elif kind == "bool":
            if not isinstance(value, bool):
                raise self.mismatch(value, node, go_path, struct)
        elif kind in ("quantity", "intorstring") and (isinstance(value, bool)
                                                       or not isinstance(value, (str, int, float))):
            raise self.mismatch(value, node, go_path, struct)

    def walk_struct(self, value: dict[str, Any], node: Node, path: str, go_path: str) -> None:
        unknown = []
        for key, item in value.items():
            child = node.fields.get(key)
            child_path = f"{path}.{key}" if path else key
            if child is None:
                if not node.preserve_unknown:
                    unknown.append(key)
                    self.unknown.append(child_path)
                continue
            self.walk(item, child, child_path, f"{go_path}.{key}" if go_path else key, node.struct_name)
            if child.kind == "quantity" and item is not None:
                value[key] = _canonical_quantity(item)
        for key in unknown:
            del value[key]


def _canonical_quantity(value: Any) -> str:
    """A Quantity decodes from a string or a number and is stored in canonical form, as Go's does."""
    try:
        return quantity.canonical(quantity.from_json(value))
    except quantity.QuantityError as exc:
        raise TypeMismatch(str(exc)) from exc


def decode_typed(obj: Object, definition: str) -> list[str]:
    """Check obj against its definition, drop undeclared fields; returns their paths.

    Raises TypeMismatch with Go's message for the first value of the wrong type.
    """
    node = compile_definition(definition)
    walker = _Walker(node.struct_name)
    walker.walk_struct(obj, node, "", "")
    return walker.unknown
