"""CEL types as the checker sees them (k8s.io/apiserver pkg/cel types.go, common/escaping.go).

One small class stands for every CEL type the checker needs: the primitives, lists, maps,
optionals, objects with declared fields, and Kubernetes' opaque library types. Each also
carries upstream's size estimates (the largest number of elements, the smallest serialized
size) that the cost estimator uses. Which type a value has is decided by whoever declares
the variables: apiextensions derives `self` from a CRD's structural schema
(apiextensions/schema/cel/model.py), admission declares `object`, `request` and the rest.
"""

from __future__ import annotations

import re
from typing import Any

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
                 schema: Any = None, name: str = ""):
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
                 "Semver": "kubernetes.Semver", "Format": "kubernetes.NamedFormat",
                 "Authorizer": "kubernetes.authorization.Authorizer",
                 "PathCheck": "kubernetes.authorization.PathCheck",
                 "GroupCheck": "kubernetes.authorization.GroupCheck",
                 "ResourceCheck": "kubernetes.authorization.ResourceCheck",
                 "Decision": "kubernetes.authorization.Decision"}

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
