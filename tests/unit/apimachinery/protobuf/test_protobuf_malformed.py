"""Bad input fails with ProtobufError (a ValueError fit for a 400), never with anything else."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kapiserver.apimachinery import protobuf
from kapiserver.apimachinery.protobuf import wire

POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "p", "labels": {"a": "b"}, "creationTimestamp": "2024-01-01T00:00:00Z"},
    "spec": {"containers": [{"name": "c", "image": "i", "ports": [{"containerPort": 80}]}], "priority": -5},
}
ENCODED = protobuf.encode_object(POD)


def ld(number: int, payload: bytes) -> bytes:
    return bytes([number << 3 | 2, len(payload)]) + payload


def enveloped(api_version: bytes, kind: bytes, body: bytes = b"") -> bytes:
    return b"k8s\x00" + ld(1, ld(1, api_version) + ld(2, kind)) + ld(2, body)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty data"),
        (b"k8s\x00", "empty body"),
        (b'{"kind":"Pod"}', "does not appear to be a protobuf message"),
        (b"k8s\x01" + ENCODED[4:], "does not appear to be a protobuf message"),
        (
            enveloped(b"example.com/v1", b"Widget"),
            'no kind "Widget" is registered for version "example.com/v1"',
        ),
        (enveloped(b"v1", b""), "Kind"),
        (enveloped(b"", b"Pod"), "apiVersion"),
        (enveloped(b"apps/v1", b"Pod"), 'no kind "Pod"'),
        (enveloped(b"meta.k8s.io/v1", b"Table"), 'no kind "Table"'),
    ],
)
def test_rejected_envelopes(data: bytes, message: str) -> None:
    with pytest.raises(protobuf.ProtobufError, match=message):
        protobuf.decode_object(data)


def test_error_is_a_value_error() -> None:
    assert issubclass(protobuf.ProtobufError, ValueError)


@pytest.mark.parametrize("cut", range(5, len(ENCODED) - 4, 7))
def test_every_truncation_is_rejected(cut: int) -> None:
    """Cutting inside the envelope's raw field changes its length prefix: always an error."""
    with pytest.raises(protobuf.ProtobufError):
        protobuf.decode_object(ENCODED[:cut])


def test_wrong_wire_type_for_known_field() -> None:
    body = b"\x0a\x00" + b"\x10\x01"  # metadata, then spec (field 2) as a varint
    with pytest.raises(protobuf.ProtobufError, match="wrong wireType = 0 for field spec"):
        protobuf.decode_object(enveloped(b"v1", b"Pod", body))


def test_unknown_fields_are_skipped() -> None:
    """Fields from a newer client (any wire type) are skipped, as gogo-protobuf does."""
    unknown = b"\xf8\x07\x05" + b"\xfa\x07\x02hi" + b"\xfd\x07abcd" + b"\xf9\x07" + b"12345678"
    got = protobuf.decode_object(enveloped(b"v1", b"ConfigMap", unknown + ld(2, ld(1, b"k") + ld(2, b"v"))))
    assert got["data"] == {"k": "v"}


def test_packed_repeated_varints_are_accepted() -> None:
    """supplementalGroups (repeated int64) as a packed field decodes like the unpacked form."""
    security_context = b"\x22\x03\x01\x02\x03"  # field 4, packed [1, 2, 3]
    spec = ld(14, security_context)
    got = protobuf.decode_object(enveloped(b"v1", b"Pod", ld(2, spec)))
    assert got["spec"]["securityContext"] == {"supplementalGroups": [1, 2, 3]}


def test_bad_embedded_json_is_rejected() -> None:
    body = ld(1, b"") + ld(2, ld(1, b"{not json")) + b"\x18\x01"
    with pytest.raises(protobuf.ProtobufError, match="not JSON"):
        protobuf.decode_object(enveloped(b"apps/v1", b"ControllerRevision", body))


def test_deeply_nested_envelopes_are_rejected() -> None:
    inner = protobuf.encode_object({"apiVersion": "v1", "kind": "List", "metadata": {}, "items": []})
    for _ in range(600):
        inner = enveloped_list(inner)
    with pytest.raises(protobuf.ProtobufError):
        protobuf.decode_object(inner)


def enveloped_list(item: bytes) -> bytes:
    """A v1 List whose one item is a RawExtension holding ``item`` (a nested envelope)."""
    raw = b"\x0a" + wire.varint(len(item)) + item
    body = b"\x0a\x00" + b"\x12" + wire.varint(len(raw)) + raw
    type_meta = ld(1, b"v1") + ld(2, b"List")
    return b"k8s\x00" + ld(1, type_meta) + b"\x12" + wire.varint(len(body)) + body


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        ({"apiVersion": "example.com/v1", "kind": "Widget"}, 'no kind "Widget"'),
        ({"kind": "Pod"}, "apiVersion"),
        ({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": 5}}, "cannot encode Pod"),
        ({"apiVersion": "v1", "kind": "Pod", "metadata": "x"}, "cannot encode Pod"),
        ({"apiVersion": "v1", "kind": "Pod", "metadata": {"generation": "7"}}, "expected an integer"),
        ({"apiVersion": "v1", "kind": "Pod", "metadata": {"creationTimestamp": "today"}}, "parsing time"),
        ({"apiVersion": "v1", "kind": "Secret", "data": {"k": "***"}}, "base64"),
    ],
)
def test_unencodable_objects(obj: dict[str, Any], message: str) -> None:
    with pytest.raises(protobuf.ProtobufError, match=message):
        protobuf.encode_object(obj)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=200))
def test_random_bodies_never_crash(body: bytes) -> None:
    try:
        protobuf.decode_object(enveloped(b"v1", b"Pod", body[:127]))
    except protobuf.ProtobufError:
        pass


@settings(max_examples=300)
@given(st.integers(min_value=0, max_value=len(ENCODED) - 1), st.integers(min_value=0, max_value=255))
def test_mutated_bytes_never_crash(index: int, byte: int) -> None:
    data = bytearray(ENCODED)
    data[index] = byte
    try:
        protobuf.decode_object(bytes(data))
    except protobuf.ProtobufError:
        pass
