"""TLS serving with aiohttp: the only module that opens sockets (upstream SecureServingInfo.Serve)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections.abc import Iterator
from dataclasses import dataclass

from aiohttp import web

from .filters import Handler

log = logging.getLogger(__name__)

WATCHES_KEY = "kapiserver.watches"
SHUTTING_DOWN_KEY = "kapiserver.shutting_down"


@dataclass(slots=True)
class Serving:
    runner: web.AppRunner
    site: web.TCPSite
    app: web.Application

    @property
    def port(self) -> int:
        server = self.site._server  # aiohttp exposes no public accessor for the bound sockets
        assert server is not None and getattr(server, "sockets", None)
        return int(server.sockets[0].getsockname()[1])  # type: ignore[union-attr]


def make_app(handler: Handler, max_body: int) -> web.Application:
    app = web.Application(client_max_size=max_body + 1024 * 1024, handler_args={"max_field_size": 1 << 16})
    app[WATCHES_KEY] = set()
    app[SHUTTING_DOWN_KEY] = False

    async def catch_all(request: web.Request) -> web.StreamResponse:
        return await handler(request)

    app.router.add_route("*", "/{tail:.*}", catch_all)
    return app


async def start(handler: Handler, host: str, port: int, ssl_context: ssl.SSLContext | None, max_body: int,
                shutdown_timeout: float) -> Serving:
    app = make_app(handler, max_body)
    runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=shutdown_timeout)
    await runner.setup()
    site = web.TCPSite(runner, host or None, port, ssl_context=ssl_context, backlog=1024, reuse_address=True)
    await site.start()
    return Serving(runner, site, app)


@contextlib.contextmanager
def long_running(request: web.Request) -> Iterator[None]:
    """Mark the running handler as a stream the shutdown ends (cancels) instead of waiting for."""
    watches: set[asyncio.Task[object]] | None = request.app.get(WATCHES_KEY)
    task = asyncio.current_task()
    if watches is not None and task is not None:
        watches.add(task)
    try:
        yield
    finally:
        if watches is not None and task is not None:
            watches.discard(task)


def shutting_down(request: web.Request) -> bool:
    return bool(request.app.get(SHUTTING_DOWN_KEY))


async def stop(serving: Serving) -> None:
    """Stop accepting, end the watches, then let in-flight requests finish."""
    serving.app[SHUTTING_DOWN_KEY] = True
    watches: set[asyncio.Task[object]] = serving.app[WATCHES_KEY]
    for task in list(watches):
        task.cancel()
    await serving.runner.cleanup()
