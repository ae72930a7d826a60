"""The FieldsV1 form of a field set: the JSON trie stored in `managedFields[].fieldsV1`.

Keys are serialized path elements: `f:<name>`, `k:<json object of the key fields>`,
`v:<json value>`, `i:<index>`; `"."` marks that the element owning the object is itself a
member. Keys are written in structured-merge-diff's element order (fields, keys, values,
indexes, each sorted), members and children interleaved, `"."` first, exactly as
`Set.ToJSON` writes them, so the dict built here serializes to the same bytes (key order
is dict order). JSON inside `k:` and `v:` keys is written as Go's encoding/json writes it.

Reading follows `Set.FromJSON`: an element type it does not know is dropped (a newer
server may write more), a malformed element is an error.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from . import value as values
from .fieldpath import INDEX, KEY, VALUE, PathElement, Set, sort_key

_INTEGER = re.compile(r"[+-]?[0-9]+")


class FieldsError(ValueError):
    """A FieldsV1 document that does not describe a field set."""


def serialize_path_element(pe: PathElement) -> str:
    if isinstance(pe, str):
        return "f:" + pe
    tag = pe[0]
    if tag == KEY:
        inner = ",".join(values.json_string(name) + ":" + values.to_json(values.thaw(v)) for name, v in pe[1])
        return "k:{" + inner + "}"
    if tag == VALUE:
        return "v:" + values.to_json(values.thaw(pe[1]))
    if tag == INDEX:
        return f"i:{pe[1]}"
    raise FieldsError("invalid PathElement")


class UnknownPathElementType(FieldsError):
    pass


def deserialize_path_element(text: str) -> PathElement:
    """Upstream DeserializePathElement; UnknownPathElementType for a type letter it lacks."""
    if len(text) < 2:
        raise FieldsError("key must be 2 characters long:")
    kind, sep, rest = text[0], text[1], text[2:]
    if sep != ":":
        raise FieldsError(f"missing colon: {text}")
    if kind == "f":
        return rest
    if kind == "v":
        return (VALUE, values.freeze(_json(rest)))
    if kind == "k":
        try:
            fields = _json(rest)
        except FieldsError as exc:
            raise FieldsError(f"ReadObjectCB: {exc}") from None
        if not isinstance(fields, dict):
            raise FieldsError(f"ReadObjectCB: expect {{ or n, but found {rest[:1]}")
        return (KEY, tuple(sorted((name, values.freeze(v)) for name, v in fields.items())))
    if kind == "i":
        if not _INTEGER.fullmatch(rest):
            raise FieldsError(f'strconv.Atoi: parsing "{rest}": invalid syntax')
        return (INDEX, int(rest))
    raise UnknownPathElementType("unknown path element type")


def _json(text: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise FieldsError(str(exc)) from None


def set_to_fields(fieldset: Set) -> dict[str, Any]:
    """The FieldsV1 object of a set (upstream SetToFields / Set.ToJSON), a new dict each
    time; built once per set, as an object's unchanged owners are written on every write."""
    memo = fieldset.memo
    if memo is None:
        memo = fieldset.memo = {}
    built = memo.get("fields")
    if built is None:
        built = memo["fields"] = {}
        _emit(fieldset, built)
    return _copy(built)


def _copy(node: dict[str, Any]) -> dict[str, Any]:
    return {key: _copy(sub) if sub else {} for key, sub in node.items()}


def _emit(node: Set, out: dict[str, Any]) -> None:
    members, children = node.members, node.children
    if not children:
        for pe in sorted(members, key=sort_key):
            out[serialize_path_element(pe)] = {}
        return
    for pe in sorted(members | children.keys(), key=sort_key):
        child = children.get(pe)
        if child is None:
            out[serialize_path_element(pe)] = {}
            continue
        inner: dict[str, Any] = {}
        if pe in members and (child.members or child.children):
            inner["."] = {}
        _emit(child, inner)
        out[serialize_path_element(pe)] = inner


def fields_to_set(fields: Any) -> Set:
    """The set a FieldsV1 object (a dict, or its JSON bytes) describes; FieldsError if malformed."""
    if isinstance(fields, (bytes, bytearray, memoryview, str)):
        fields = _json(bytes(fields).decode() if not isinstance(fields, str) else fields)
    if fields is None:
        return Set()
    if not isinstance(fields, dict):
        raise FieldsError(f"ReadMapCB: expect {{ or n, but found {_json_kind(fields)}")
    children, _ = _read(fields)
    return children if children is not None else Set()


def _read(node: dict[str, Any]) -> tuple[Set | None, bool]:
    """(the set below this object or None, whether the object marks its owner a member)."""
    children: Set | None = None
    is_member = False
    for key, sub in node.items():
        if key == ".":
            is_member = True
            continue
        try:
            pe = deserialize_path_element(key)
        except UnknownPathElementType:
            continue
        except FieldsError as exc:
            raise FieldsError(f"parsing key as path element: {exc}") from None
        if sub is None:
            grandchildren, child_is_member = None, True
        elif isinstance(sub, dict):
            grandchildren, child_is_member = _read(sub)
        else:
            raise FieldsError(f"ReadMapCB: expect {{ or n, but found {_json_kind(sub)}")
        if child_is_member or grandchildren is not None:
            if children is None:
                children = Set()
            if child_is_member:
                children.members.add(pe)
            if grandchildren is not None:
                children.children[pe] = grandchildren
    if children is None:
        is_member = True
    return children, is_member


def _json_kind(value: Any) -> str:
    text = orjson.dumps(value).decode()
    return text[:1]
