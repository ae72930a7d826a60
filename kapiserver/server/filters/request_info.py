"""Computes the RequestInfo once per request (upstream WithRequestInfo)."""

from __future__ import annotations

from aiohttp import web

from kapiserver.endpoints.request_info import parse_request_info

from . import Handler

INFO_KEY = "kapiserver.request_info"


async def with_request_info(request: web.Request, handler: Handler) -> web.StreamResponse:
    request[INFO_KEY] = parse_request_info(request.method, request.path, request.query_string)
    return await handler(request)
