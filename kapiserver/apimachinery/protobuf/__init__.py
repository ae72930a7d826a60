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
    "is_encodable",
    "iter_frames",
    "split_api_version",
]
