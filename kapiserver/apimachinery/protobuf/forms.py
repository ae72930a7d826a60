"""The wire forms whose JSON is not field-by-field: times, durations, quantities and friends.

Each Go type here marshals to JSON through its own methods, so its protobuf message and
its JSON value have different shapes:

========================  ===============================  ================================
message                   protobuf                         JSON
========================  ===============================  ================================
metav1.Time               {seconds, nanos}; empty = zero   "2008-01-01T01:01:01Z"; zero = null
metav1.MicroTime          {seconds, nanos}                 "2008-01-01T01:01:01.000000Z"
metav1.Duration           {duration: int64 nanoseconds}    "1h0m0s" (Go Duration.String)
resource.Quantity         {string}                         "100m" (the same string)
intstr.IntOrString        {type, intVal, strVal}           8080 or "http"
runtime.RawExtension      {raw: bytes}                     the embedded JSON value
metav1.FieldsV1           {Raw: bytes}                     the embedded JSON object
[]string types (Verbs)    {repeated string items}          ["get", "list"]
========================  ===============================  ================================

metav1.Time keeps whole seconds on the protobuf wire (its ProtoTime drops nanoseconds, and
its Unmarshal ignores them), so both directions truncate to the second, as upstream does.
Quantities pass through as strings: canonicalising them ("1000m" -> "1") is the job of the
quantity code shared with the JSON path, not of the codec.

Decoders take the message body ``buf[pos:stop]``; encoders return the body to be wrapped.
"""

from __future__ import annotations

import base64
import datetime as _dt
import functools
import re
from typing import Any

import orjson

from .. import gotime
from .wire import ProtobufError, read_varint, skip_field, to_int32, to_int64, varint

_EPOCH = _dt.datetime(1970, 1, 1)
K8S_MAGIC = b"k8s\x00"


def scan(buf: bytes, pos: int, stop: int) -> dict[int, Any]:
    """The last value of each field of a small message: ints for varints, bytes otherwise."""
    found: dict[int, Any] = {}
    while pos < stop:
        key, pos = read_varint(buf, pos)
        wire_type = key & 7
        if wire_type == 0:
            found[key >> 3], pos = read_varint(buf, pos)
        elif wire_type == 2:
            size, pos = read_varint(buf, pos)
            if pos + size > stop:
                raise ProtobufError("proto: unexpected end of data")
            found[key >> 3] = buf[pos : pos + size]
            pos += size
        else:
            pos = skip_field(buf, pos, stop, key)
    if pos != stop:
        raise ProtobufError("proto: unexpected end of data")
    return found


def scan_strings(buf: bytes, pos: int, stop: int) -> list[str]:
    """The items of a []string message (Verbs, ExtraValue, ...)."""
    items: list[str] = []
    while pos < stop:
        key, pos = read_varint(buf, pos)
        if key != 0x0A:
            pos = skip_field(buf, pos, stop, key)
            continue
        size, pos = read_varint(buf, pos)
        items.append(buf[pos : pos + size].decode("utf-8", "replace"))
        pos += size
    if pos != stop:
        raise ProtobufError("proto: unexpected end of data")
    return items


# Time and MicroTime -----------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def format_time(seconds: int) -> str:
    try:
        when = _EPOCH + _dt.timedelta(seconds=seconds)
    except OverflowError:
        raise ProtobufError(f"Time.MarshalJSON: year outside of range [0,9999] ({seconds}s)") from None
    return (
        when.strftime("%Y-%m-%dT%H:%M:%SZ")
        if when.year >= 1000
        else f"{when.year:04d}" + when.strftime("-%m-%dT%H:%M:%SZ")
    )


def decode_time(buf: bytes, pos: int, stop: int) -> str | None:
    if pos == stop:
        return None  # Time.Unmarshal of no bytes is the zero time, which is JSON null
    # The common body is exactly "08 <seconds varint> 10 00"; scan() handles the rest.
    return format_time(to_int64(scan(buf, pos, stop).get(1, 0)))


def decode_micro_time(buf: bytes, pos: int, stop: int) -> str | None:
    if pos == stop:
        return None
    found = scan(buf, pos, stop)
    micros = to_int32(found.get(2, 0)) // 1000
    return format_time(to_int64(found.get(1, 0)))[:-1] + f".{micros:06d}Z"


_JSON_TYPES = {bool: "bool", int: "number", float: "number", list: "array", dict: "object"}


def parse_time(text: str, layout: str = gotime.RFC3339) -> tuple[int, int]:
    """Time's (or, with RFC3339_MICRO, MicroTime's) JSON text -> (unix seconds, nanoseconds),
    read as their UnmarshalJSON does, with Go's time.Parse and its error text."""
    if not isinstance(text, str):
        kind = _JSON_TYPES.get(type(text), type(text).__name__)
        raise ProtobufError(f"json: cannot unmarshal {kind} into Go value of type string")
    return _parse_time(text, layout)


@functools.lru_cache(maxsize=4096)
def _parse_time(text: str, layout: str) -> tuple[int, int]:
    try:
        return gotime.parse(layout, text)
    except gotime.ParseError as exc:
        raise ProtobufError(str(exc)) from None


def encode_time(text: str) -> bytes:
    seconds, _ = parse_time(text)
    return b"\x08" + varint(seconds) + b"\x10\x00"


def encode_micro_time(text: str) -> bytes:
    seconds, nanos = parse_time(text, gotime.RFC3339_MICRO)
    return b"\x08" + varint(seconds) + b"\x10" + varint(nanos // 1000 * 1000)


# Duration (Go time.Duration) -----------------------------------------------------------


def _frac(value: int, precision: int) -> tuple[str, int]:
    """Go's fmtFrac: the fraction digits of value/10**precision without trailing zeros."""
    digits = ""
    printed = False
    for _ in range(precision):
        digit = value % 10
        printed = printed or digit != 0
        if printed:
            digits = str(digit) + digits
        value //= 10
    return ("." + digits if printed else ""), value


def format_duration(nanos: int) -> str:
    """Go's time.Duration.String(): "1h0m0s", "1.5s", "300ms", "0s"."""
    if nanos == 0:
        return "0s"
    sign = "-" if nanos < 0 else ""
    u = abs(nanos)
    if u < 1_000_000_000:
        if u < 1_000:
            return f"{sign}{u}ns"
        precision, unit = (3, "µs") if u < 1_000_000 else (6, "ms")
        fraction, whole = _frac(u, precision)
        return f"{sign}{whole}{fraction}{unit}"
    fraction, u = _frac(u, 9)
    text = f"{u % 60}{fraction}s"
    u //= 60
    if u:
        text = f"{u % 60}m{text}"
        u //= 60
        if u:
            text = f"{u}h{text}"
    return sign + text


_UNITS = {
    "ns": 1,
    "us": 1_000,
    "µs": 1_000,
    "μs": 1_000,
    "ms": 1_000_000,
    "s": 10**9,
    "m": 60 * 10**9,
    "h": 3600 * 10**9,
}
_DURATION_PART = re.compile(r"(\d*)(?:\.(\d*))?([^\d.]+)")


def parse_duration(text: str) -> int:
    """Go's time.ParseDuration: "1h30m", "-1.5s", "0"."""
    body = text[1:] if text[:1] in ("-", "+") else text
    if body == "0":
        return 0
    if not body:
        raise ProtobufError(f'time: invalid duration "{text}"')
    total = 0
    pos = 0
    while pos < len(body):
        m = _DURATION_PART.match(body, pos)
        if m is None or (not m.group(1) and not m.group(2)) or m.group(3) not in _UNITS:
            raise ProtobufError(f'time: invalid duration "{text}"')
        unit = _UNITS[m.group(3)]
        total += int(m.group(1) or 0) * unit
        if m.group(2):
            total += int(float(int(m.group(2))) * (unit / 10 ** len(m.group(2))))
        pos = m.end()
    if total >= 1 << 63:
        raise ProtobufError(f'time: invalid duration "{text}"')
    return -total if text.startswith("-") else total


def decode_duration(buf: bytes, pos: int, stop: int) -> str:
    return format_duration(to_int64(scan(buf, pos, stop).get(1, 0)))


def encode_duration(text: str) -> bytes:
    return b"\x08" + varint(parse_duration(text))


# Quantity and IntOrString ---------------------------------------------------------------


def decode_quantity(buf: bytes, pos: int, stop: int) -> str:
    raw = scan(buf, pos, stop).get(1)
    return raw.decode() if raw else "0"


def encode_quantity(value: str | float) -> bytes:
    text = value if isinstance(value, str) else str(value)
    data = text.strip().encode()
    return b"\x0a" + varint(len(data)) + data


def decode_int_or_string(buf: bytes, pos: int, stop: int) -> int | str:
    found = scan(buf, pos, stop)
    if found.get(1, 0) == 1:
        return bytes(found.get(3, b"")).decode("utf-8", "replace")
    return to_int32(found.get(2, 0))


def encode_int_or_string(value: int | str) -> bytes:
    if isinstance(value, str):
        data = value.encode()
        return b"\x08\x01\x10\x00\x1a" + varint(len(data)) + data
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProtobufError(f"IntOrString: cannot take {type(value).__name__} {value!r}")
    return b"\x08\x00\x10" + varint(value) + b"\x1a\x00"


# Embedded JSON: RawExtension and FieldsV1 -----------------------------------------------


def decode_embedded(buf: bytes, pos: int, stop: int) -> Any:
    raw = scan(buf, pos, stop).get(1)
    if not raw:
        return None  # nil Raw marshals as null
    if raw[:4] == K8S_MAGIC:
        from . import envelope  # an object nested in its own envelope (watch events, lists)

        return envelope.decode_object(bytes(raw))
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ProtobufError(f"embedded object is not JSON: {exc}") from None


def encode_embedded(value: Any) -> bytes:
    data = orjson.dumps(value)
    return b"\x0a" + varint(len(data)) + data


def decode_bytes(data: bytes) -> str:
    return base64.b64encode(data).decode()


def encode_bytes(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (ValueError, TypeError) as exc:
        raise ProtobufError(f"illegal base64 data: {exc}") from None
