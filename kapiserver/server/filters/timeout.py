"""Bounds every short request (upstream WithTimeoutForNonLongRunningRequests): 504 after
--request-timeout. Watches and other long-running requests are exempt."""

from __future__ import annotations

import asyncio

from aiohttp import web

from kapiserver.apimachinery import errors
from kapiserver.endpoints.request_info import RequestInfo

from . import Filter, Handler
from .request_info import INFO_KEY

LONG_RUNNING_VERBS = frozenset({"watch", "proxy"})
LONG_RUNNING_SUBRESOURCES = frozenset({"attach", "exec", "proxy", "log", "portforward"})


def is_long_running(info: RequestInfo) -> bool:
    return info.verb in LONG_RUNNING_VERBS or info.subresource in LONG_RUNNING_SUBRESOURCES


def with_timeout(seconds: float) -> Filter:
    async def bounded(request: web.Request, handler: Handler) -> web.StreamResponse:
        info: RequestInfo = request[INFO_KEY]
        if is_long_running(info):
            return await handler(request)
        try:
            async with asyncio.timeout(seconds):
                return await handler(request)
        except TimeoutError:
            raise errors.timeout("request did not complete within requested timeout - context deadline exceeded",
                                 0) from None

    return bounded
