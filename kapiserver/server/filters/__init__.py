"""HTTP filters, one per module, each `async (request, next_handler) -> response`.

`handler_chain.build_handler_chain` lists them outermost first.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Filter = Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]
