"""Bad values as upstream prints them in field errors: Go's %#v of the internal type.

A field error whose value is a struct, a map or a slice renders with %#v
(`v1.LabelSelector{MatchLabels:map[string]string{"a":"b"}, MatchExpressions:...}`).
Struct layouts come from the protobuf schema table, which lists fields in Go order. Go
prints pointer fields as addresses, which nobody can reproduce; here a pointer prints as
`&` and its value, which keeps the message readable.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import field
from kapiserver.apimachinery.protobuf import table
from kapiserver.registry.core.podspec.access import GoValue
from kapiserver.registry.core.podspec.godiff import go_field_name

_SPECIAL_TYPES = {"api.resource.Quantity": "resource.Quantity", "util.intstr.IntOrString": "intstr.IntOrString",
                  "apis.meta.v1.Time": "v1.Time", "apis.meta.v1.MicroTime": "v1.MicroTime",
                  "apis.meta.v1.Duration": "v1.Duration"}
_ZERO_TIME = "{Time:time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC)}"
_SCALAR_TYPES = {"string": "string", "bool": "bool", "int32": "int32", "int64": "int64", "bytes": "[]uint8",
                 "double": "float64"}


def _type_name(message: str) -> str:
    """"batch.v1.JobSpec" -> "batch.JobSpec"; meta types keep their v1 package."""
    parts = message.split(".")
    if parts[0] == "apis" and parts[1] == "meta":
        return "v1." + parts[-1]
    if len(parts) >= 3:
        return parts[0] + "." + parts[-1]
    return parts[-1]


def _entry(message: str) -> list[Any] | None:
    entry: list[Any] | None = table.raw_table()["messages"].get(message)
    return entry


def _is_struct(ftype: str) -> bool:
    entry = _entry(ftype)
    return entry is not None and not entry[0]


def _label(ftype: str) -> str:
    if ftype.startswith("map:"):
        return "map[string]" + _label(ftype[4:])
    if _is_struct(ftype):
        return _type_name(ftype)
    if ftype in _SPECIAL_TYPES:
        return _SPECIAL_TYPES[ftype]
    return _SCALAR_TYPES.get(ftype, ftype)


def _fields(message: str) -> list[tuple[str, str, int]]:
    entry = _entry(message)
    out: list[tuple[str, str, int]] = []
    for _, name, ftype, flags in (entry[2] if entry else []):
        if flags & table.FLAG_INLINE:
            out.extend(_fields(ftype))
        else:
            out.append((name, ftype, flags))
    return out


def _zero(ftype: str, flags: int) -> str:
    label = _label(ftype)
    if flags & table.FLAG_REPEATED:
        return f"[]{label}(nil)"
    if ftype.startswith("map:"):
        return f"{label}(nil)"
    if flags & (table.FLAG_POINTER | table.FLAG_NILLABLE):
        return f"(*{label})(nil)"
    if _is_struct(ftype):
        return render(None, ftype)
    if label in ("v1.Time", "v1.MicroTime"):
        return label + _ZERO_TIME
    if ftype == "bool":
        return "false"
    if ftype == "string" or label == "resource.Quantity":
        return '""'
    return "0"


def _value(value: Any, ftype: str, flags: int) -> str:
    if value is None:
        return _zero(ftype, flags)
    label = _label(ftype)
    if flags & table.FLAG_REPEATED:
        items = ", ".join(_value(item, ftype, 0) for item in (value if isinstance(value, list) else []))
        return f"[]{label}{{{items}}}"
    if ftype.startswith("map:"):
        inner = ", ".join(f"{field.go_quote(str(k))}:{_value(v, ftype[4:], 0)}"
                          for k, v in sorted((value if isinstance(value, dict) else {}).items()))
        return f"{label}{{{inner}}}"
    prefix = "&" if flags & table.FLAG_POINTER else ""
    if _is_struct(ftype):
        return prefix + render(value, ftype)
    if label in ("v1.Time", "v1.MicroTime"):
        return prefix + f"{label}{{Time:time.Date({field.go_quote(str(value))})}}"
    if label == "intstr.IntOrString":
        kind = "intstr.String, IntVal:0, StrVal:" + field.go_quote(value) if isinstance(value, str) else \
            f"intstr.Int, IntVal:{value}, StrVal:\"\""
        return prefix + f"intstr.IntOrString{{Type:{kind}}}"
    if isinstance(value, bool):
        return prefix + ("true" if value else "false")
    if isinstance(value, (int, float)):
        return prefix + str(value)
    return prefix + field.go_quote(str(value))


def _go_name(name: str, ftype: str) -> str:
    """The Go field name; embedded ObjectMeta / ListMeta are named after their type."""
    if ftype in ("apis.meta.v1.ObjectMeta", "apis.meta.v1.ListMeta") and name == "metadata":
        return ftype.rsplit(".", 1)[1]
    return go_field_name(name)


def render(value: Any, message: str) -> str:
    """%#v of a struct of type `message` (a protobuf table name such as "batch.v1.JobSpec")."""
    obj = value if isinstance(value, dict) else {}
    parts = [f"{_go_name(name, ftype)}:{_value(obj.get(name), ftype, flags)}" for name, ftype, flags in _fields(message)]
    return f"{_type_name(message)}{{{', '.join(parts)}}}"


def struct(value: Any, message: str) -> GoValue:
    return GoValue(render(value, message))


def string_map(value: Any) -> GoValue:
    """%#v of a map[string]string (nil when absent)."""
    return GoValue(_value(value, "map:string", 0))


def label_selector(value: Any) -> GoValue:
    return struct(value, "apis.meta.v1.LabelSelector")


def optional(value: Any, message: str) -> Any:
    """A *struct field's bad value: "null" when nil (as upstream prints a nil pointer), else %#v."""
    return None if value is None else struct(value, message)
