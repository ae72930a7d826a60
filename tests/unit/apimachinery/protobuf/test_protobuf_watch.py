"""Protobuf watch streams: length-prefixed frames of raw WatchEvent messages.

kube-apiserver writes each event with the stream serializer (protobuf's RawSerializer,
no magic, no envelope) inside a 4-byte big-endian length frame; the event's object is a
RawExtension whose raw bytes are the enveloped object (``k8s\\0`` + runtime.Unknown).
"""

from __future__ import annotations

import pytest

from kapiserver.apimachinery import protobuf
from kapiserver.apimachinery.protobuf import wire

POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "p", "resourceVersion": "5"},
    "spec": {"containers": [{"name": "c"}]},
}


def test_frame_layout() -> None:
    obj = protobuf.encode_object(POD)
    frame = protobuf.encode_watch_event("ADDED", obj)
    payload = frame[4:]
    assert int.from_bytes(frame[:4], "big") == len(payload)
    extension = b"\x0a" + wire.varint(len(obj)) + obj
    assert payload == b"\x0a\x05ADDED\x12" + wire.varint(len(extension)) + extension
    assert not payload.startswith(protobuf.MAGIC)  # the event itself is not enveloped


def test_dict_and_preencoded_object_give_the_same_frame() -> None:
    assert protobuf.encode_watch_event("MODIFIED", POD) == protobuf.encode_watch_event(
        "MODIFIED", protobuf.encode_object(POD)
    )


def test_stream_round_trip() -> None:
    status = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": "too old",
              "reason": "Expired", "code": 410}  # fmt: skip
    bookmark = {"apiVersion": "v1", "kind": "Pod", "metadata": {"resourceVersion": "9",
                "annotations": {"k8s.io/initial-events-end": "true"}}}  # fmt: skip
    stream = b"".join(
        (
            protobuf.encode_watch_event("ADDED", POD),
            protobuf.encode_watch_event("BOOKMARK", bookmark),
            protobuf.encode_watch_event("ERROR", status),
        )
    )
    events = [protobuf.decode_watch_event(payload) for payload in protobuf.iter_frames(stream)]
    assert [e["type"] for e in events] == ["ADDED", "BOOKMARK", "ERROR"]
    assert events[0]["object"] == protobuf.decode_object(protobuf.encode_object(POD))
    assert events[1]["object"]["metadata"]["annotations"] == {"k8s.io/initial-events-end": "true"}
    assert events[2]["object"] == status


def test_large_object_frame() -> None:
    big = dict(POD, metadata={"name": "p", "annotations": {"a": "x" * 70000}})
    frame = protobuf.encode_watch_event("ADDED", big)
    (payload,) = list(protobuf.iter_frames(frame))
    assert protobuf.decode_watch_event(payload)["object"]["metadata"]["annotations"]["a"] == "x" * 70000


@pytest.mark.parametrize("cut", [1, 3, 4, 10, -1])
def test_truncated_stream_is_an_error(cut: int) -> None:
    frame = protobuf.encode_watch_event("ADDED", POD)
    with pytest.raises(protobuf.ProtobufError):
        list(protobuf.iter_frames(frame[:cut]))


def test_buffers_other_than_bytes_are_accepted() -> None:
    data = protobuf.encode_object(POD)
    expected = protobuf.decode_object(data)
    assert protobuf.decode_object(bytearray(data)) == expected
    assert protobuf.decode_object(memoryview(data)) == expected  # type: ignore[arg-type]
