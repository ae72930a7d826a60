"""CEL types of schema values (k8s.io/apiserver pkg/cel/common SchemaDeclType, escaping.go).

A rule sees `self` typed by its schema: objects with properties are objects whose fields are
the (escaped) property names, objects with additionalProperties are maps, arrays are lists,
strings with format byte/duration/date/date-time are bytes/duration/timestamp, int-or-string
is dyn, and a value without a type (x-kubernetes-preserve-unknown-fields) has no CEL type:
its field is simply not declared. Each type also carries upstream's size estimates (the
largest number of elements, the smallest serialized size) that the cost estimator uses.
"""

from __future__ import annotations

import re
from typing import Any

from ..structural import Structural

MAX_REQUEST_SIZE_BYTES = 3 * 1024 * 1024
_RESERVED = frozenset(("true", "false", "null", "in", "as", "break", "const", "continue", "else", "for", "function",
                       "if", "import", "let", "loop", "package", "namespace", "return", "var", "void", "while"))
_IDENT = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")


class T:
    """A CEL type. kind: int uint double bool string bytes null duration timestamp dyn type
    list map object opt, or an opaque Kubernetes type (Quantity, IP, CIDR, URL, Semver, Format)."""

    __slots__ = ("elem", "fields", "key", "kind", "max_elements", "min_size", "name", "schema")

    def __init__(self, kind: str, elem: T | None = None, key: T | None = None,
                 fields: dict[str, tuple[T, str]] | None = None, max_elements: int = 0, min_size: int = 1,
                 schema: Structural | None = None, name: str = ""):
        self.kind = kind
        self.elem = elem
        self.key = key
        self.fields = fields
        self.max_elements = max_elements
        self.min_size = min_size
        self.schema = schema
        self.name = name

    def __str__(self) -> str:
        if self.kind == "list":
            return f"list({self.elem})"
        if self.kind == "map":
            return f"map({self.key}, {self.elem})"
        if self.kind == "opt":
            return f"optional_type({self.elem})"
        if self.kind == "object":
            return self.name or "object"
        if self.kind == "null":
            return "null_type"
        return _OPAQUE_NAMES.get(self.kind, self.kind)

    __repr__ = __str__


_OPAQUE_NAMES = {"Quantity": "kubernetes.Quantity", "IP": "net.IP", "CIDR": "net.CIDR", "URL": "kubernetes.URL",
                 "Semver": "kubernetes.Semver", "Format": "kubernetes.NamedFormat"}

INT, UINT, DOUBLE, BOOL = T("int"), T("uint"), T("double"), T("bool", min_size=4)
STRING, BYTES, NULL, DYN = T("string", min_size=2), T("bytes", min_size=2), T("null"), T("dyn")
DURATION, TIMESTAMP, TYPE = T("duration", min_size=3), T("timestamp", min_size=21), T("type")


def list_of(elem: T, max_elements: int = 0) -> T:
    return T("list", elem=elem, max_elements=max_elements, min_size=2)


def map_of(key: T, value: T, max_elements: int = 0) -> T:
    return T("map", elem=value, key=key, max_elements=max_elements, min_size=2)


def opt_of(inner: T) -> T:
    return T("opt", elem=inner)


def escape(ident: str) -> str | None:
    """A property name as CEL sees it, or None when it cannot be a CEL identifier."""
    if not ident or ident[0].isdigit():
        return None
    if ident in _RESERVED:
        return f"__{ident}__"
    out = re.sub(r"(__|[-./]|[^a-zA-Z0-9\-./_])", _escape_match, ident)
    if "\x00" in out:
        return None
    return out


def _escape_match(m: re.Match[str]) -> str:
    text = m.group()
    return {"__": "__underscores__", ".": "__dot__", "-": "__dash__", "/": "__slash__"}.get(text, "\x00")


def _string_max(s: Structural) -> int:
    if s.int_or_string:
        return MAX_REQUEST_SIZE_BYTES - 2
    return {"duration": 32, "date": 12, "date-time": 32}.get(s.format, MAX_REQUEST_SIZE_BYTES - 2)


def schema_type(s: Structural | None, is_resource_root: bool = False) -> T | None:
    """The CEL type of values of schema s (SchemaDeclType); None when s gives none."""
    if s is None:
        return None
    if s.int_or_string:
        max_el = s.max_length * 4 if s.max_length is not None else _string_max(s)
        return T("dyn", max_elements=max(max_el, 0), min_size=1, schema=s)
    if s.type == "array":
        if s.items is None:
            return None
        item = schema_type(s.items, s.items.embedded)
        if item is None:
            return None
        max_items = max(s.max_items, 0) if s.max_items is not None else (MAX_REQUEST_SIZE_BYTES - 2) // (item.min_size + 1)
        out = list_of(item, max_items)
        out.schema = s
        return out
    if s.type == "object" or is_resource_root:
        if s.additional is not None:
            value = schema_type(s.additional, s.additional.embedded)
            if value is None:
                return None
            max_props = (max(s.max_properties, 0) if s.max_properties is not None
                         else (MAX_REQUEST_SIZE_BYTES - 2) // (value.min_size + 6))
            out = map_of(STRING, value, max_props)
            out.schema = s
            return out
        return _object_type(s, is_resource_root or s.embedded)
    if s.type == "string":
        if s.format == "byte":
            return T("bytes", max_elements=max(s.max_length, 0) if s.max_length is not None else _string_max(s),
                     min_size=2, schema=s)
        if s.format == "duration":
            return T("duration", max_elements=_string_max(s), min_size=3, schema=s)
        if s.format in ("date", "date-time"):
            return T("timestamp", max_elements=_string_max(s), min_size=12 if s.format == "date" else 21, schema=s)
        if s.max_length is not None:
            max_el = max(s.max_length, 0) * 4
        elif s.raw.get("enum"):
            max_el = max((len(v) for v in s.raw["enum"] if isinstance(v, str)), default=0)
        else:
            max_el = _string_max(s)
        return T("string", max_elements=max_el, min_size=2, schema=s)
    if s.type == "boolean":
        return T("bool", min_size=4, schema=s)
    if s.type == "number":
        return T("double", min_size=1, schema=s)
    if s.type == "integer":
        return T("int", min_size=1, schema=s)
    return None


def _object_type(s: Structural, with_meta: bool) -> T:
    fields: dict[str, tuple[T, str]] = {}
    required = set(s.raw.get("required") or ())
    min_size = 2
    props = dict(s.properties)
    if with_meta:
        meta = _META
        props.setdefault("apiVersion", Structural(raw={"type": "string"}, type="string"))
        props.setdefault("kind", Structural(raw={"type": "string"}, type="string"))
        if "metadata" not in props or not props["metadata"].properties:
            props["metadata"] = meta
    for name, prop in props.items():
        field_type = schema_type(prop, prop.embedded)
        if field_type is None:
            continue
        escaped = escape(name)
        if escaped is not None:
            fields[escaped] = (field_type, name)
        if name in required and not prop.has_default:
            min_size += len(name) + field_type.min_size + 4
    return T("object", fields=fields, min_size=min_size, schema=s, name="object")


_META = Structural(raw={"type": "object"}, type="object", properties={
    "name": Structural(raw={"type": "string"}, type="string"),
    "generateName": Structural(raw={"type": "string"}, type="string"),
})


def is_assignable(param: T, arg: T) -> bool:
    """Whether a value of type arg may be passed where param is expected (dyn matches all)."""
    if param.kind == "dyn" or arg.kind == "dyn":
        return True
    if param.kind != arg.kind:
        return param.kind in ("object", "map") and arg.kind in ("object", "map") and False
    if param.kind in ("list", "opt"):
        return param.elem is None or arg.elem is None or is_assignable(param.elem, arg.elem)
    if param.kind == "map":
        return (param.key is None or arg.key is None or is_assignable(param.key, arg.key)) and \
            (param.elem is None or arg.elem is None or is_assignable(param.elem, arg.elem))
    return True


def common_type(a: T, b: T) -> T | None:
    """The type two branches or elements share (None if they conflict)."""
    if a.kind == "dyn":
        return b if b.kind != "dyn" else a
    if b.kind == "dyn":
        return a
    if a.kind == "null" and b.kind in ("object", "map", "list", "opt", "bytes", "string", "timestamp", "duration"):
        return b
    if b.kind == "null" and a.kind in ("object", "map", "list", "opt", "bytes", "string", "timestamp", "duration"):
        return a
    if a.kind != b.kind:
        return None
    if a.kind in ("list", "opt"):
        inner = common_type(a.elem or DYN, b.elem or DYN)
        return T(a.kind, elem=inner or DYN, max_elements=max(a.max_elements, b.max_elements)) if inner else None
    if a.kind == "map":
        value = common_type(a.elem or DYN, b.elem or DYN)
        key = common_type(a.key or DYN, b.key or DYN)
        return map_of(key, value) if key and value else None
    return a


def describe(value: Any) -> str:
    """A CEL type name for an argument list in messages."""
    return str(value)
