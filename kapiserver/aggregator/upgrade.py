"""Connection upgrades through the proxy (upstream UpgradeAwareHandler's tryUpgrade).

The request goes to the extension server over a connection of its own; if the server
switches protocols (101) the same answer goes back to the client and from then on bytes
are copied both ways until either side closes; any other answer is relayed as it is.

kubectl v1.35 speaks WebSocket for exec, attach and port-forward; client-go's SPDY executor
(and kubectl's fallback) asks for SPDY/3.1. aiohttp's parser only switches protocols for
WebSocket, so a SPDY request reaches the handler as a plain one without a body: its client sends
nothing more until it has the 101, and from then on the connection's bytes go to the tunnel
(`set_parser`), as for WebSocket.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from typing import Any

from aiohttp import web
from multidict import CIMultiDict

from kapiserver.server import httperrors, serving

from .plaintext import text_error
from .resolver import Location

_TUNNEL_UPGRADES = frozenset({"websocket", "tcp", "spdy/3.1"})
_HEAD_LIMIT = 64 * 1024
_COPY_SIZE = 64 * 1024


def is_upgrade(request: web.Request) -> bool:
    connection = {token.strip().lower() for token in request.headers.get("Connection", "").split(",")}
    return "upgrade" in connection and request.headers.get("Upgrade", "").lower() in _TUNNEL_UPGRADES


class _ClientToBackend:
    """Fed by aiohttp with every byte the client sends after the upgrade (the payload parser seam)."""

    def __init__(self, writer: asyncio.StreamWriter):
        self._writer = writer
        self.closed = asyncio.Event()

    def feed_data(self, data: bytes) -> tuple[bool, bytes]:
        if not self._writer.is_closing():
            self._writer.write(data)
        return False, b""

    def feed_eof(self) -> None:
        with contextlib.suppress(Exception):
            if self._writer.can_write_eof():
                self._writer.write_eof()
        self.closed.set()


def _request_head(request: web.Request, path_qs: str, host: str, headers: CIMultiDict[str]) -> bytes:
    lines = [f"{request.method} {path_qs} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines += ["Connection: Upgrade", f"Upgrade: {request.headers.get('Upgrade', '')}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _parse_head(head: bytes) -> tuple[int, str, list[tuple[str, str]]]:
    lines = head.decode("latin-1").split("\r\n")
    _, code, *reason = lines[0].split(" ", 2)
    fields = []
    for line in lines[1:]:
        if ":" in line:
            name, _, value = line.partition(":")
            fields.append((name.strip(), value.strip()))
    return int(code), (reason[0] if reason else ""), fields


async def tunnel(request: web.Request, location: Location, server_name: str, context: Any, path_qs: str,
                 headers: CIMultiDict[str]) -> web.StreamResponse:
    try:
        reader, writer = await asyncio.open_connection(location.host, location.port, ssl=context,
                                                       server_hostname=server_name, limit=_HEAD_LIMIT)
    except (OSError, ssl.SSLError, TimeoutError) as exc:
        return text_error(httperrors.describe(exc, location.host, location.port, server_name), 503)
    try:
        writer.write(_request_head(request, path_qs, f"{server_name}:{location.port}", headers))
        head = await reader.readuntil(b"\r\n\r\n")
        code, reason, fields = _parse_head(head[:-4])
        if code != 101:
            return await _relay_plain(request, reader, code, reason, fields)
        response = web.StreamResponse(status=101, reason=reason or "Switching Protocols")
        for name, value in fields:
            response.headers.add(name, value)
        await response.prepare(request)
        with serving.long_running(request):
            try:
                await _pump(request, reader, writer)
            except asyncio.CancelledError:
                if not serving.shutting_down(request):
                    raise
        return response
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError) as exc:
        return text_error(httperrors.describe(exc, location.host, location.port, server_name), 503)
    finally:
        writer.close()


async def _pump(request: web.Request, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    protocol = request.protocol
    client = request.transport
    assert protocol is not None and client is not None
    inbound = _ClientToBackend(writer)
    protocol.keep_alive(False)
    protocol.set_parser(inbound)  # type: ignore[arg-type]
    try:
        while not client.is_closing():
            chunk = await reader.read(_COPY_SIZE)
            if not chunk:
                break
            client.write(chunk)
    finally:
        with contextlib.suppress(Exception):
            client.close()
        inbound.closed.set()


async def _relay_plain(request: web.Request, reader: asyncio.StreamReader, code: int, reason: str,
                       fields: list[tuple[str, str]]) -> web.StreamResponse:
    """A refused upgrade: the server's own answer, body read by its length (or to the end)."""
    response = web.StreamResponse(status=code, reason=reason or None)
    length: int | None = None
    for name, value in fields:
        lowered = name.lower()
        if lowered == "content-length":
            length = int(value)
        elif lowered not in ("connection", "transfer-encoding", "keep-alive", "upgrade"):
            response.headers.add(name, value)
    body = await reader.readexactly(length) if length is not None else await reader.read()
    response.content_length = len(body)
    await response.prepare(request)
    await response.write(body)
    await response.write_eof()
    return response
