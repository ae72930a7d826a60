"""Protocol buffer wire primitives: varints, tags, skipping unknown fields.

Only what Kubernetes' proto2 messages use: varint (wire type 0) and length-delimited
(wire type 2). Fixed 32/64-bit fields never occur in the API, but they are skipped
correctly when a newer client sends one in a field we do not know, as gogo-protobuf does.

Readers take ``(buf, pos)`` and return ``(value, new_pos)``; ``buf`` is ``bytes`` so
indexing yields ints without a copy. Bounds are checked by the callers against the end
of the enclosing message, which is where truncation shows.
"""

from __future__ import annotations

VARINT = 0
FIXED64 = 1
LENGTH = 2
START_GROUP = 3
END_GROUP = 4
FIXED32 = 5

_MASK64 = (1 << 64) - 1


class ProtobufError(ValueError):
    """Malformed protobuf input, or an object that has no protobuf form.

    The message is written to be shown to the client in a 400 BadRequest Status.
    """


def read_varint(buf: bytes, pos: int) -> tuple[int, int]:
    """Decode a base-128 varint; at most 10 bytes, as Go's decoders enforce."""
    result = 0
    shift = 0
    while True:
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result & _MASK64, pos
        shift += 7
        if shift >= 70:
            raise ProtobufError("proto: integer overflow in varint")


def to_int32(value: int) -> int:
    """The Go int32 conversion of a decoded varint (negative numbers take 10 bytes)."""
    value &= 0xFFFFFFFF
    return value - 0x100000000 if value >= 0x80000000 else value


def to_int64(value: int) -> int:
    return value - (1 << 64) if value >= (1 << 63) else value


# Encoding -------------------------------------------------------------------------

_SMALL = [bytes([i]) for i in range(128)]


def varint(value: int) -> bytes:
    """Encode a varint; negative ints are sign-extended to 64 bits as Go does for int32/int64."""
    if 0 <= value < 128:
        return _SMALL[value]
    if value < 0:
        value &= _MASK64
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def tag(number: int, wire_type: int) -> bytes:
    return varint((number << 3) | wire_type)


def length_delimited(number: int, payload: bytes | bytearray) -> bytes:
    return tag(number, LENGTH) + varint(len(payload)) + payload


def skip_field(buf: bytes, pos: int, end: int, key: int) -> int:
    """Step over the value of an unknown field (gogo's skipGenerated)."""
    wire_type = key & 7
    if wire_type == VARINT:
        _, pos = read_varint(buf, pos)
    elif wire_type == LENGTH:
        size, pos = read_varint(buf, pos)
        pos += size
    elif wire_type == FIXED64:
        pos += 8
    elif wire_type == FIXED32:
        pos += 4
    elif wire_type == START_GROUP:
        depth = 1
        while depth:
            if pos >= end:
                raise ProtobufError("proto: unexpected end of group")
            inner, pos = read_varint(buf, pos)
            if inner & 7 == START_GROUP:
                depth += 1
            elif inner & 7 == END_GROUP:
                depth -= 1
            else:
                pos = skip_field(buf, pos, end, inner)
    else:
        raise ProtobufError(f"proto: illegal wireType {wire_type}")
    if pos > end:
        raise ProtobufError("proto: unexpected end of data")
    return pos
