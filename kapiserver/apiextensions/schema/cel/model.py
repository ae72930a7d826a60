"""CEL types of structural schema values (k8s.io/apiserver pkg/cel/common SchemaDeclType, as
apiextensions schema/cel/model adapts it to structural schemas).

A rule sees `self` typed by its schema: objects with properties are objects whose fields are
the (escaped) property names, objects with additionalProperties are maps, arrays are lists,
strings with format byte/duration/date/date-time are bytes/duration/timestamp, int-or-string
is dyn, and a value without a type (x-kubernetes-preserve-unknown-fields) has no CEL type:
its field is simply not declared. Size estimates follow the schema's limits, or what fits in
a request.
"""

from __future__ import annotations

from kapiserver.cel.types import MAX_REQUEST_SIZE_BYTES, STRING, T, escape, list_of, map_of

from ..structural import Structural


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
