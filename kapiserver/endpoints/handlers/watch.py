"""Watch streams (upstream handlers/watch.go): chunked JSON lines or length-prefixed protobuf frames.

The stream ends when the client goes away, when timeoutSeconds (or upstream's randomized
default of 30-60 minutes) passes, or when the server shuts down.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
from typing import Any

import orjson
from aiohttp import web

from kapiserver.apimachinery import errors, protobuf
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import ListOptions, RequestContext
from kapiserver.storage.interface import WatchEvent

from .. import negotiation
from ..request_info import RequestInfo
from ..scope import RequestScope
from .transform import transform

MIN_REQUEST_TIMEOUT = 1800
WATCHES_KEY = "kapiserver.watches"


def watch_timeout(options: ListOptions) -> float:
    if options.timeout_seconds:
        return float(options.timeout_seconds)
    return MIN_REQUEST_TIMEOUT * (1 + random.random())


def _encode_event(kind: str, obj: Object, media_type: str) -> bytes:
    if media_type == negotiation.PROTOBUF:
        return protobuf.encode_watch_event(kind, obj)
    return orjson.dumps({"type": kind, "object": obj}) + b"\n"


def _encode_shared(event: WatchEvent, media_type: str) -> bytes:
    """Encode an event once for every watcher that sends it unchanged."""
    data = event.encoded.get(media_type)
    if data is None:
        data = event.encoded[media_type] = _encode_event(event.type, event.object, media_type)
    return data


async def serve_watch(request: web.Request, scope: RequestScope, info: RequestInfo,
                      options: ListOptions) -> web.StreamResponse:
    ctx = scope.context(request, info)
    choice = scope.negotiate(request, stream=True)
    if choice.media_type == negotiation.YAML:
        raise errors.not_acceptable([f"{m};stream=watch" for m in scope.serializers if m != negotiation.YAML])
    # The storage learns the chosen timeout too (upstream: the context's deadline), for the
    # bookmark the watch cache sends just before it.
    timeout = watch_timeout(options)
    events = scope.rest.watch(ctx, dataclasses.replace(options, timeout_seconds=max(1, int(timeout))))
    media_type = choice.media_type
    content_type = media_type if media_type == negotiation.JSON else media_type + ";stream=watch"
    response = web.StreamResponse(status=200, headers={"Content-Type": content_type, "Cache-Control": "no-cache"})
    response.enable_chunked_encoding()
    await response.prepare(request)
    watches: set[asyncio.Task[Any]] | None = request.app.get(WATCHES_KEY)
    task = asyncio.current_task()
    if watches is not None and task is not None:
        watches.add(task)
    try:
        async with asyncio.timeout(timeout):
            await _pump(response, scope, ctx, events, choice, media_type)
    except TimeoutError:
        pass
    except asyncio.CancelledError:
        if not request.app.get("kapiserver.shutting_down"):
            raise
    except (ConnectionResetError, ConnectionError):
        return response
    finally:
        if watches is not None and task is not None:
            watches.discard(task)
        await events.aclose()
    try:
        await response.write_eof()
    except (ConnectionResetError, ConnectionError):
        pass
    return response


async def _pump(response: web.StreamResponse, scope: RequestScope, ctx: RequestContext, events: Any,
                choice: negotiation.MediaChoice, media_type: str) -> None:
    first_table = True
    try:
        async for event in events:
            if choice.conversion is None:
                await response.write(_encode_shared(event, media_type))
                continue
            obj = _event_object(scope, ctx, event, choice, first_table)
            if choice.conversion.kind == "Table" and event.type != "BOOKMARK":
                first_table = False
            await response.write(_encode_event(event.type, obj, media_type))
    except errors.StatusError as err:
        await response.write(_encode_event("ERROR", err.status, media_type))


def _event_object(scope: RequestScope, ctx: RequestContext, event: WatchEvent,
                  choice: negotiation.MediaChoice, first_table: bool) -> Object:
    obj = event.object
    if choice.conversion is None or event.type in ("BOOKMARK", "ERROR"):
        return obj
    converted = transform(scope, ctx, obj, choice.conversion)
    if choice.conversion.kind == "Table" and not first_table:
        converted["columnDefinitions"] = []
    return converted
