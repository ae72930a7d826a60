"""A built-in object as its Go struct would encode it: the view field ownership is computed on.

kube-apiserver tracks field ownership on typed objects: a value read into a Go struct and
reflected back. That round trip drops what the struct cannot hold and what `omitempty`
leaves out (an empty string, a zero number, an empty list or map, a nil pointer), and
writes what Go always writes: struct fields (`resources: {}`), non-omitempty scalars
(`name: ""`), nil non-omitempty pointers and slices (`selector: null`), a zero Time held by
value (`lastTransitionTime: null`), but not one tagged `omitzero` (v1.35's
creationTimestamp). Those writes are visible in managedFields: a container added by an
update is owned down to `f:resources: {}`. So the field manager compares these views, not
the stored dicts, for every built-in kind.

The Go struct facts (JSON names in struct order, omitempty, pointers, inlining) come from
the protobuf schema table (protobuf/table.json.gz), generated from the Go types. Kinds the
table does not know (custom resources) have no view: their objects are used as they are.
"""

from __future__ import annotations

import threading
from typing import Any

from ..protobuf import table as pbtable

_REPEATED, _POINTER, _NILLABLE, _OMITEMPTY, _INLINE, _OMITZERO = 1, 2, 4, 8, 16, 32
_SCALAR_ZERO = {"string": "", "bool": False, "int32": 0, "int64": 0}
# Zero values Go writes for the special forms held by value (they are structs: never omitted).
_SPECIAL_ZERO: dict[str, Any] = {
    "time": None,
    "microtime": None,
    "duration": "0s",
    "quantity": "0",
    "intorstring": 0,
    "raw": None,
    "fieldsv1": None,
}

# Field kinds in a compiled entry.
_SCALAR, _MESSAGE, _SPECIAL, _OPAQUE = range(4)

_lock = threading.Lock()
_compiled: dict[str, _Message] = {}


class _Message:
    __slots__ = ("entries", "has_type_meta", "name")

    def __init__(self, name: str, has_type_meta: bool) -> None:
        self.name = name
        self.has_type_meta = has_type_meta
        # (json name, kind, sub message, element is a message (maps/lists), flags, zero)
        self.entries: list[tuple[str, int, _Message | None, bool, int, Any]] = []


def kind_view(group: str, version: str, kind: str) -> _Message | None:
    """The struct view of a built-in kind, or None when the kind has no Go struct here."""
    raw = pbtable.raw_table()
    gv = f"{group}/{version}" if group else version
    name = (raw["kinds"].get(gv) or {}).get(kind)
    if not name:
        return None
    return _message(name)


def _message(name: str) -> _Message:
    found = _compiled.get(name)
    if found is not None:
        return found
    with _lock:
        pending: dict[str, _Message] = {}
        msg = _compile(name, pending)
        _compiled.update(pending)
        return msg


def _compile(name: str, pending: dict[str, _Message]) -> _Message:
    found = _compiled.get(name) or pending.get(name)
    if found is not None:
        return found
    _special, has_type_meta, fields = pbtable.raw_table()["messages"][name]
    msg = _Message(name, bool(has_type_meta))
    pending[name] = msg
    for _number, json_name, ftype, flags in fields:
        msg.entries.append(_entry(json_name, ftype, flags, pending))
    return msg


def _entry(json_name: str, ftype: str, flags: int, pending: dict[str, _Message]) -> tuple[Any, ...]:
    is_map = ftype.startswith("map:")
    target = ftype[4:] if is_map else ftype
    nilable = bool(flags & (_POINTER | _NILLABLE | _REPEATED)) or is_map
    if target in _SCALAR_ZERO or target == "bytes":
        zero = None if nilable or target == "bytes" else _SCALAR_ZERO[target]
        return (json_name, _SCALAR, None, False, flags | (_NILLABLE if is_map else 0), zero)
    sub = _compile(target, pending)
    special = pbtable.raw_table()["messages"][target][0]
    if special:
        zero = None if nilable else _SPECIAL_ZERO.get(special)
        kind = _OPAQUE if is_map or flags & _REPEATED else _SPECIAL
        return (json_name, kind, None, False, flags | (_NILLABLE if is_map else 0), zero)
    element_is_message = is_map or bool(flags & _REPEATED)
    return (json_name, _MESSAGE, sub, element_is_message, flags | (_NILLABLE if is_map else 0), None)


def view(obj: dict[str, Any], msg: _Message) -> dict[str, Any]:
    """obj as the struct msg would write it (obj is not modified; the result is new)."""
    out: dict[str, Any] = {}
    if msg.has_type_meta:
        for key in ("apiVersion", "kind"):
            found = obj.get(key)
            if found:
                out[key] = found
    _fill(obj, msg, out)
    return out


def _fill(obj: dict[str, Any], msg: _Message, out: dict[str, Any]) -> None:
    get = obj.get
    for name, kind, sub, element_is_message, flags, zero in msg.entries:
        if flags & _INLINE:
            if sub is not None:
                _fill(obj, sub, out)
            continue
        found = get(name)
        if found is None:
            if flags & _OMITZERO:  # Go 1.24 omitzero: a zero value is left out (creationTimestamp)
                continue
            if flags & (_POINTER | _NILLABLE | _REPEATED):
                if not flags & _OMITEMPTY:
                    out[name] = None
            elif kind == _MESSAGE:
                out[name] = view({}, sub)  # type: ignore[arg-type]
            elif kind == _SCALAR:
                if not flags & _OMITEMPTY:
                    out[name] = zero
            else:
                out[name] = zero
            continue
        if flags & _OMITEMPTY:
            if flags & (_NILLABLE | _REPEATED):
                if not found and isinstance(found, (list, dict, str)):
                    continue
            elif (
                kind == _SCALAR and not flags & _POINTER and not found and not isinstance(found, (list, dict))
            ):
                continue
        if kind == _MESSAGE:
            out[name] = _message_value(found, sub, element_is_message)  # type: ignore[arg-type]
        else:
            out[name] = found


def _message_value(found: Any, sub: _Message, element_is_message: bool) -> Any:
    if not element_is_message:
        return view(found, sub) if isinstance(found, dict) else found
    if isinstance(found, list):
        return [view(item, sub) if isinstance(item, dict) else item for item in found]
    if isinstance(found, dict):
        return {key: view(item, sub) if isinstance(item, dict) else item for key, item in found.items()}
    return found
