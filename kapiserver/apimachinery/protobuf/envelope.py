"""The ``k8s\\0`` + runtime.Unknown envelope, and the length-delimited watch stream.

An object travels as ``6b 38 73 00`` then a runtime.Unknown message: typeMeta (1) with
apiVersion and kind, raw (2) = the object's own message, contentEncoding (3) and
contentType (4), both empty (upstream's protobuf.Serializer).

A protobuf watch stream is a sequence of frames, each a 4-byte big-endian length and a
metav1.WatchEvent message written by the *raw* serializer, so without magic or envelope:
type (1), object (2) = RawExtension whose raw is the enveloped object. That is what
kube-apiserver writes (watch.go: the stream serializer is protobuf's RawSerializer with
LengthDelimitedFramer; the embedded encoder is the enveloping Serializer) and what
client-go's streaming decoder reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from . import codec, table
from .forms import K8S_MAGIC, scan
from .wire import ProtobufError, varint

MAGIC = K8S_MAGIC
_WATCH_EVENT = "apis.meta.v1.WatchEvent"


# What hostile or cut-off bytes can raise inside the walkers (reads past the end, bad UTF-8
# in an envelope, a varint where the envelope expects bytes, absurd nesting through
# embedded envelopes).
_MALFORMED = (IndexError, UnicodeDecodeError, ValueError, OverflowError, RecursionError, TypeError)


def _malformed(exc: BaseException) -> ProtobufError:
    if isinstance(exc, IndexError):
        return ProtobufError("proto: unexpected end of data")
    if isinstance(exc, RecursionError):
        return ProtobufError("proto: objects nested too deeply")
    return ProtobufError(f"proto: invalid data: {exc}")


def split_api_version(api_version: str) -> tuple[str, str]:
    group, _, version = api_version.rpartition("/")
    return group, version


def is_encodable(group: str, version: str, kind: str) -> bool:
    """Whether the kind has a protobuf form; custom resources and Table must be answered in JSON."""
    return table.kind_message(group, version, kind) is not None


def _message_for(api_version: str, kind: str) -> table.Message:
    if not kind:
        raise ProtobufError("Object 'Kind' is missing in the protobuf envelope")
    if not api_version:
        raise ProtobufError(f"Object 'apiVersion' is missing for kind {kind!r} in the protobuf envelope")
    group, version = split_api_version(api_version)
    msg = table.kind_message(group, version, kind)
    if msg is None:
        raise ProtobufError(f'no kind "{kind}" is registered for version "{api_version}" in protobuf')
    return msg


def decode_object(data: bytes, default_gvk: tuple[str, str, str] | None = None) -> dict[str, Any]:
    """Enveloped protobuf -> the dict upstream's JSON encoding of the same object would give.

    ``default_gvk`` (group, version, kind) fills in what the envelope leaves empty, as the
    request's resource does upstream. Raises ProtobufError for anything malformed or unknown.
    """
    if not isinstance(data, bytes):
        data = bytes(data)  # bytearray or memoryview: the walkers slice and decode bytes
    if not data:
        raise ProtobufError("empty data")
    if data[:4] != MAGIC:
        raise ProtobufError(
            "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]"
        )
    if len(data) == 4:
        raise ProtobufError("empty body")
    try:
        envelope = scan(data, 4, len(data))
        type_meta = scan(envelope.get(1, b""), 0, len(envelope.get(1, b"")))
        api_version = bytes(type_meta.get(1, b"")).decode()
        kind = bytes(type_meta.get(2, b"")).decode()
        if default_gvk is not None:
            group, version, default_kind = default_gvk
            kind = kind or default_kind
            if not split_api_version(api_version)[1] and version:
                api_version = f"{group}/{version}" if group else version
        msg = _message_for(api_version, kind)
        raw = envelope.get(2, b"")
        body = codec.decode(raw, 0, len(raw), msg)
    except ProtobufError:
        raise
    except _MALFORMED as exc:
        raise _malformed(exc) from None
    if not msg.has_type_meta:
        return body
    result = {"kind": kind, "apiVersion": api_version}
    result.update(body)
    return result


def encode_object(obj: dict[str, Any], gvk: tuple[str, str, str] | None = None) -> bytes:
    """A JSON-shaped dict -> enveloped protobuf bytes, as upstream's protobuf.Serializer writes it.

    The kind comes from the dict's apiVersion and kind, or from ``gvk`` when given (needed
    for the few kinds without TypeMeta, such as WatchEvent, whose envelope stays empty).
    """
    if gvk is not None:
        group, version, kind = gvk
        api_version = f"{group}/{version}" if group else version
    else:
        api_version, kind = obj.get("apiVersion") or "", obj.get("kind") or ""
    msg = _message_for(api_version, kind)
    body = bytearray()
    try:
        codec.encode(obj, msg, body)
    except ProtobufError:
        raise
    except (AttributeError, TypeError, ValueError, KeyError) as exc:
        raise ProtobufError(f"cannot encode {kind} as protobuf: {exc}") from None
    if not msg.has_type_meta:
        api_version = kind = ""
    av, k = api_version.encode(), kind.encode()
    type_meta = b"\x0a" + varint(len(av)) + av + b"\x12" + varint(len(k)) + k
    return b"".join(
        (
            MAGIC,
            b"\x0a",
            varint(len(type_meta)),
            type_meta,
            b"\x12",
            varint(len(body)),
            body,
            b"\x1a\x00\x22\x00",
        )
    )


def encode_message(obj: dict[str, Any], message_name: str) -> bytes:
    """One message body without envelope (the raw serializer), e.g. "apis.meta.v1.WatchEvent"."""
    body = bytearray()
    try:
        codec.encode(obj, table.message(message_name), body)
    except ProtobufError:
        raise
    except (AttributeError, TypeError, ValueError, KeyError) as exc:
        raise ProtobufError(f"cannot encode {message_name} as protobuf: {exc}") from None
    return bytes(body)


def decode_message(data: bytes, message_name: str) -> dict[str, Any]:
    if not isinstance(data, bytes):
        data = bytes(data)
    try:
        return codec.decode(data, 0, len(data), table.message(message_name))
    except ProtobufError:
        raise
    except _MALFORMED as exc:
        raise _malformed(exc) from None


# Watch streams ----------------------------------------------------------------------------


def encode_watch_event(event_type: str, obj: bytes | dict[str, Any]) -> bytes:
    """One frame of a protobuf watch stream.

    ``obj`` is either the enveloped object (so one encoding is shared by every watcher, as
    the watch cache does) or a dict to encode now.
    """
    raw = obj if isinstance(obj, (bytes, bytearray)) else encode_object(obj)
    event_type_bytes = event_type.encode()
    extension = b"\x0a" + varint(len(raw)) + raw
    event = b"".join(
        (b"\x0a", varint(len(event_type_bytes)), event_type_bytes, b"\x12", varint(len(extension)), extension)
    )
    return len(event).to_bytes(4, "big") + event


def iter_frames(data: bytes) -> Iterator[bytes]:
    """Split a complete watch stream body into frame payloads; a cut-off frame is an error."""
    pos = 0
    while pos < len(data):
        if pos + 4 > len(data):
            raise ProtobufError("watch stream: truncated frame header")
        size = int.from_bytes(data[pos : pos + 4], "big")
        pos += 4
        if pos + size > len(data):
            raise ProtobufError("watch stream: truncated frame")
        yield data[pos : pos + size]
        pos += size


def decode_watch_event(payload: bytes) -> dict[str, Any]:
    """A frame payload -> {"type": ..., "object": {...}}, the JSON watch event's shape."""
    return decode_message(payload, _WATCH_EVENT)
