"""Writing answers: objects in the negotiated encoding, Status errors, watch streams.

`write_status` is the only place a StatusError becomes an HTTP response.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson
from aiohttp import web

from kapiserver.apimachinery import codec, errors, protobuf
from kapiserver.apimachinery.types import Object

from . import negotiation

log = logging.getLogger(__name__)


def encode(obj: Object, media_type: str, pretty: bool = False) -> bytes:
    if media_type == negotiation.PROTOBUF:
        return protobuf.encode_object(obj)
    if media_type == negotiation.YAML:
        return codec.yaml_dumps(obj)
    if pretty:
        return orjson.dumps(obj, option=orjson.OPT_INDENT_2)
    return orjson.dumps(obj)


def warning_headers(warnings: list[str]) -> list[tuple[str, str]]:
    """RFC 7234 warnings as upstream sends them: `299 - "text"`, line breaks written as
    spaces (as Go's net/http writes every header value)."""
    out = []
    for text in warnings:
        escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("\r", " ")
        out.append(("Warning", f'299 - "{escaped}"'))
    return out


def _protobuf_encodable(obj: Object) -> bool:
    group, version = protobuf.split_api_version(str(obj.get("apiVersion", "")))
    return protobuf.is_encodable(group, version, str(obj.get("kind", "")))


def write_object(status: int, obj: Object, choice: negotiation.MediaChoice,
                 warnings: list[str] | None = None, content_type: str | None = None) -> web.Response:
    media_type = choice.media_type
    if media_type == negotiation.PROTOBUF and not _protobuf_encodable(obj):
        media_type = negotiation.JSON
    body = encode(obj, media_type, choice.pretty)
    response = web.Response(status=status, body=body)
    response.headers["Content-Type"] = content_type or media_type
    for name, value in warning_headers(warnings or []):
        response.headers.add(name, value)
    return response


def write_status(err: errors.StatusError, accept: str = "", warnings: list[str] | None = None,
                 protobuf_ok: bool = True) -> web.Response:
    """A Status body in what the client accepts (JSON when in doubt)."""
    serializers: tuple[str, ...] = (negotiation.JSON, negotiation.YAML)
    if protobuf_ok:
        serializers += (negotiation.PROTOBUF,)
    try:
        choice = negotiation.negotiate_output(accept, serializers)
    except errors.StatusError:
        choice = negotiation.MediaChoice(negotiation.JSON)
    if choice.conversion is not None:
        choice = negotiation.MediaChoice(choice.media_type)
    response = write_object(err.code, err.status, choice, warnings)
    retry = err.status.get("details", {}).get("retryAfterSeconds")
    if retry and err.code in (429, 500, 503, 504):
        response.headers["Retry-After"] = str(retry)
    return response


def write_document(body: bytes, content_type: str, max_age: int) -> web.Response:
    """A 200 with a document clients may cache for max_age seconds."""
    return web.Response(body=body, headers={"Content-Type": content_type, "Cache-Control": f"public, max-age={max_age}"})


def write_raw_json(status: int, value: Any) -> web.Response:
    return web.Response(status=status, body=orjson.dumps(value), headers={"Content-Type": negotiation.JSON})
