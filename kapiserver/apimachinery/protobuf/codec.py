"""Message bodies <-> JSON-shaped dicts, driven by the compiled table.

Decoding yields the dict that Go's encoding/json would write for the struct gogo-protobuf
decoded: fields in Go struct order, omitempty zero values dropped, non-omitempty ones
written as their zero (``""``, ``0``, ``false``, ``null`` for nil slices, maps and
pointers), structs always present (``"status": {}``), inlined structs merged.

Encoding yields what gogo-protobuf writes for the struct encoding/json would decode from
the dict: fields in number order, value fields always (their zero when the JSON has none),
pointers and collections only when set, map entries sorted by key. Keys the schema does not
know are ignored, as Go's decoder ignores unknown JSON fields.

Both walkers are plain loops over precomputed tuples, with the one-byte varint case inline:
this code runs for every protobuf request and watch event.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from . import forms
from .table import (
    BOOL,
    BYTES,
    CONST,
    DURATION,
    FIELDSV1,
    INT32,
    INT64,
    INTORSTRING,
    LAZY,
    MAP,
    MERGE,
    MESSAGE,
    MICROTIME,
    OMIT,
    QUANTITY,
    RAW,
    SPECIAL_WIRE_ZERO,
    STRING,
    STRINGS,
    TIME,
    Field,
    Message,
)  # fmt: skip
from .wire import ProtobufError, read_varint, skip_field, varint

_MISSING: Any = object()
_ONE_BYTE = tuple(bytes([i]) for i in range(128))  # varints below 128, the common lengths
_b64encode = base64.b64encode

DECODERS: dict[int, Callable[[bytes, int, int], Any]] = {
    TIME: forms.decode_time,
    MICROTIME: forms.decode_micro_time,
    DURATION: forms.decode_duration,
    QUANTITY: forms.decode_quantity,
    INTORSTRING: forms.decode_int_or_string,
    RAW: forms.decode_embedded,
    FIELDSV1: forms.decode_embedded,
    STRINGS: forms.scan_strings,
}


def _encode_strings(items: list[str]) -> bytes:
    out = bytearray()
    for item in items:
        data = (item or "").encode()
        out += b"\x0a"
        out += varint(len(data))
        out += data
    return bytes(out)


ENCODERS: dict[int, Callable[[Any], bytes]] = {
    TIME: forms.encode_time,
    MICROTIME: forms.encode_micro_time,
    DURATION: forms.encode_duration,
    QUANTITY: forms.encode_quantity,
    INTORSTRING: forms.encode_int_or_string,
    RAW: forms.encode_embedded,
    FIELDSV1: forms.encode_embedded,
    STRINGS: _encode_strings,
}
# JSON of a map entry without a value: gogo starts each entry from an empty value (a
# non-nil []byte{} or []string{}, a zero struct). Immutable only, as these are shared.
_MAP_VALUE_ZERO: dict[int, Any] = {
    STRING: "",
    BYTES: "",
    TIME: None,
    MICROTIME: None,
    DURATION: "0s",
    QUANTITY: "0",
    INTORSTRING: 0,
    RAW: None,
    FIELDSV1: None,
}
_TRUNCATED = "proto: unexpected end of data"


def _more(buf: bytes, pos: int, first: int) -> tuple[int, int]:
    """Finish a varint whose first byte (already read) had the continuation bit."""
    rest, pos = read_varint(buf, pos)
    return (first & 0x7F) | (rest << 7), pos


# Decoding --------------------------------------------------------------------------------


def decode(buf: bytes, pos: int, end: int, msg: Message) -> dict[str, Any]:
    """The JSON-shaped dict of the message body ``buf[pos:end]``."""
    out: dict[str, Any] = {}
    by_key = msg.by_key
    last = 0
    shuffled = False
    while pos < end:
        key = buf[pos]
        pos += 1
        if key >= 0x80:
            key, pos = _more(buf, pos, key)
        f = by_key.get(key)
        if f is None:
            pos = _unexpected(buf, pos, end, key, msg, out)
            continue
        if f.number < last:
            shuffled = True
        last = f.number
        kind = f.kind
        if key & 7:  # length-delimited
            size = buf[pos]
            pos += 1
            if size >= 0x80:
                size, pos = _more(buf, pos, size)
            stop = pos + size
            if stop > end:
                raise ProtobufError(_TRUNCATED)
            if kind == STRING:
                value: Any = buf[pos:stop].decode("utf-8", "replace")
            elif kind == MESSAGE:
                value = decode(buf, pos, stop, f.message)  # type: ignore[arg-type]
            elif kind == MAP:
                entries = out.get(f.name)
                if entries is None:
                    entries = out[f.name] = {}
                name, value = _map_entry(buf, pos, stop, f)
                entries[name] = value
                pos = stop
                continue
            elif kind == BYTES:
                value = _b64encode(buf[pos:stop]).decode()
            else:
                value = DECODERS[kind](buf, pos, stop)
            pos = stop
        else:
            value = buf[pos]
            pos += 1
            if value >= 0x80:
                value, pos = _more(buf, pos, value)
            value = _varint_value(kind, value)
        if f.repeated:
            items = out.get(f.name)
            if items is None:
                out[f.name] = [value]
            else:
                items.append(value)
        elif f.omit_zero and not value:
            out.pop(f.name, None)
        else:
            out[f.name] = value
    if pos != end:
        raise ProtobufError(_TRUNCATED)
    if msg.finish or shuffled:
        return _finish(out, msg)
    return out


def _varint_value(kind: int, value: int) -> Any:
    if kind == BOOL:
        return value != 0
    if kind == INT32:
        value &= 0xFFFFFFFF
        return value - 0x100000000 if value >= 0x80000000 else value
    return value - (1 << 64) if value >= (1 << 63) else value


def _finish(out: dict[str, Any], msg: Message) -> dict[str, Any]:
    """Rebuild in Go struct order, writing what encoding/json writes for absent fields."""
    result: dict[str, Any] = {}
    get = out.get
    for name, mode, fill in msg.order:
        value = get(name, _MISSING)
        if value is _MISSING:
            if mode == OMIT:
                continue
            value = fill if mode == CONST else decode(b"", 0, 0, fill)
        if mode == MERGE:
            result.update(value)
        else:
            result[name] = value
    return result


def _unexpected(buf: bytes, pos: int, end: int, key: int, msg: Message, out: dict[str, Any]) -> int:
    """A key the table does not list: a packed repeated field, a wrong wire type, or unknown."""
    f = msg.packed.get(key)
    if f is not None:
        size, pos = read_varint(buf, pos)
        stop = pos + size
        if stop > end:
            raise ProtobufError(_TRUNCATED)
        items = out.setdefault(f.name, [])
        while pos < stop:
            value, pos = read_varint(buf, pos)
            items.append(_varint_value(f.kind, value))
        if pos != stop:
            raise ProtobufError(_TRUNCATED)
        return pos
    for f in msg.fields:
        if f.number == key >> 3:
            raise ProtobufError(f"proto: wrong wireType = {key & 7} for field {f.name.lstrip(chr(0))}")
    return skip_field(buf, pos, end, key)


def _map_entry(buf: bytes, pos: int, stop: int, f: Field) -> tuple[str, Any]:
    name = ""
    value: Any = _MISSING
    kind = f.map_kind
    while pos < stop:
        key, pos = read_varint(buf, pos)
        if key == 0x0A or key == 0x12:
            size, pos = read_varint(buf, pos)
            end = pos + size
            if end > stop:
                raise ProtobufError(_TRUNCATED)
            if key == 0x0A:
                name = buf[pos:end].decode("utf-8", "replace")
            elif kind == STRING:
                value = buf[pos:end].decode("utf-8", "replace")
            elif kind == MESSAGE:
                value = decode(buf, pos, end, f.map_message)  # type: ignore[arg-type]
            elif kind == BYTES:
                value = _b64encode(buf[pos:end]).decode()
            else:
                value = DECODERS[kind](buf, pos, end)
            pos = end
        else:
            pos = skip_field(buf, pos, stop, key)
    if pos != stop:
        raise ProtobufError(_TRUNCATED)
    if value is _MISSING:
        if kind == MESSAGE:
            value = decode(b"", 0, 0, f.map_message)  # type: ignore[arg-type]
        elif kind == STRINGS:
            value = []
        else:
            value = _MAP_VALUE_ZERO[kind]
    return name, value


# Encoding --------------------------------------------------------------------------------


def encode(obj: dict[str, Any], msg: Message, out: bytearray) -> None:
    """Append the message body for ``obj`` to ``out``."""
    get = obj.get
    for f in msg.fields:
        kind = f.kind
        if f.inline:
            value: Any = obj
        else:
            value = get(f.name)
            if value is None:
                zero = f.zero
                if zero is not None:
                    out += _lazy_zero(f) if zero is LAZY else zero
                continue
        if kind == STRING:
            for item in value if f.repeated else (value,):
                data = item.encode() if item else b""
                size = len(data)
                out += f.tag
                out += _ONE_BYTE[size] if size < 128 else varint(size)
                out += data
        elif kind == MESSAGE:
            for item in value if f.repeated else (value,):
                sub = bytearray()
                encode(item if item is not None else {}, f.message, sub)  # type: ignore[arg-type]
                size = len(sub)
                out += f.tag
                out += _ONE_BYTE[size] if size < 128 else varint(size)
                out += sub
        elif kind == BOOL or kind == INT32 or kind == INT64:
            for item in value if f.repeated else (value,):
                out += f.tag
                if item.__class__ is int and 0 <= item < 128 and kind != BOOL:
                    out += _ONE_BYTE[item]
                else:
                    out += varint(_int_value(kind, item))
        elif kind == MAP:
            _encode_map(value, f, out)
        elif kind == BYTES:
            data = forms.encode_bytes(value)
            out += f.tag
            out += varint(len(data))
            out += data
        else:
            encoder = ENCODERS[kind]
            for item in value if f.repeated else (value,):
                data = encoder(item) if item is not None else b""
                out += f.tag
                out += varint(len(data))
                out += data


def _int_value(kind: int, value: Any) -> int:
    if kind == BOOL:
        if not isinstance(value, bool):
            raise ProtobufError(f"expected a boolean, got {type(value).__name__}")
        return 1 if value else 0
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise ProtobufError(f"expected an integer, got {type(value).__name__} {value!r}")
    return value


def _lazy_zero(f: Field) -> bytes:
    """The bytes of a value struct missing from the JSON: its zero value, encoded once."""
    body = bytearray()
    encode({}, f.message, body)  # type: ignore[arg-type]
    f.zero = f.tag + varint(len(body)) + bytes(body)
    return f.zero


def _encode_map(value: dict[str, Any], f: Field, out: bytearray) -> None:
    kind = f.map_kind
    for name in sorted(value):
        item = value[name]
        data = name.encode()
        entry = bytearray(b"\x0a")
        entry += varint(len(data))
        entry += data
        if kind == STRING:
            body = (item or "").encode()
        elif kind == BYTES:
            if item is None:  # a nil []byte value is not written
                body = None
            else:
                body = forms.encode_bytes(item)
        elif kind == MESSAGE:
            sub = bytearray()
            encode(item if item is not None else {}, f.map_message, sub)  # type: ignore[arg-type]
            body = bytes(sub)
        else:
            body = ENCODERS[kind](item) if item is not None else _zero_body(kind)
        if body is not None:
            entry += b"\x12"
            entry += varint(len(body))
            entry += body
        out += f.tag
        out += varint(len(entry))
        out += entry


def _zero_body(kind: int) -> bytes:
    return b"" if kind == STRINGS else SPECIAL_WIRE_ZERO[kind]
