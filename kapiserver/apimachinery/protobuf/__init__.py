"""Kubernetes protobuf (``application/vnd.kubernetes.protobuf``) for built-in kinds.

The server keeps objects as JSON-shaped dicts; this package converts between those dicts
and the protobuf bytes kubectl and client-go send and accept, with one schema table
(table.json.gz, generated from upstream's .proto files and Go struct tags) instead of code
per kind. Modules, bottom up:

- wire.py      varints, keys, skipping unknown fields; ProtobufError
- forms.py     the special wire forms (Time, Duration, Quantity, IntOrString, RawExtension, ...)
- table.py     loads the table lazily and compiles messages on first use
- codec.py     message body <-> dict walkers
- envelope.py  the ``k8s\\0`` + runtime.Unknown envelope and watch frames

Custom resources have no protobuf form: ``is_encodable`` tells the server to answer them
in JSON, as kube-apiserver does. Nor does metav1.Table (upstream has no message for it).

Known gaps: the apiextensions.k8s.io and apiregistration.k8s.io kinds are not in the table
(their .proto files live outside k8s.io/api); quantities pass through as sent, without
upstream's canonical re-formatting ("1000m" stays "1000m"); RawExtension and FieldsV1
bodies are re-serialised compactly by orjson rather than kept byte-for-byte.
"""

from __future__ import annotations

from typing import Any

from .envelope import (
    MAGIC,
    decode_message,
    decode_object,
    decode_watch_event,
    encode_message,
    encode_object,
    encode_watch_event,
    is_encodable,
    iter_frames,
    split_api_version,
)
from .wire import ProtobufError


def go_shaped(obj: dict[str, Any]) -> dict[str, Any]:
    """obj as Go's struct for its kind would hold it (a protobuf round trip is that struct round
    trip): empty omitempty fields gone, always-written ones present. Kinds without a protobuf
    form (custom resources) come back unchanged. Raises ProtobufError for values the struct
    cannot hold (an unparseable timestamp)."""
    group, version = split_api_version(str(obj.get("apiVersion", "")))
    if not is_encodable(group, version, str(obj.get("kind", ""))):
        return obj
    return decode_object(encode_object(obj))


MEDIA_TYPE = "application/vnd.kubernetes.protobuf"
STREAM_MEDIA_TYPE = "application/vnd.kubernetes.protobuf;stream=watch"

__all__ = [
    "MAGIC",
    "MEDIA_TYPE",
    "STREAM_MEDIA_TYPE",
    "ProtobufError",
    "decode_message",
    "decode_object",
    "decode_watch_event",
    "encode_message",
    "encode_object",
    "encode_watch_event",
    "go_shaped",
    "is_encodable",
    "iter_frames",
    "split_api_version",
]
