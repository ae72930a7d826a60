"""Plain-text error answers, as Go's http.Error writes them (the proxy's failures are not Status objects)."""

from __future__ import annotations

from aiohttp import web


def text_error(message: str, code: int) -> web.Response:
    """The message and a newline, as plain text the client must not sniff."""
    return web.Response(status=code, body=(message + "\n").encode(),
                        headers={"Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff"})
