"""Serving one APIService's group version (upstream kube-aggregator handler_proxy.go).

A local APIService hands the request to the delegate chain. A remote one forwards it to the
extension server its Service resolves to, as the authenticated user: method, path, the
query (re-encoded in key order, as upstream's url.Values.Encode), the body, and the headers
but hop-by-hop ones and credentials. The answer streams back as it comes, so watches pass
through, and a connection upgrade (WebSocket: exec, attach, port-forward) becomes a tunnel
(upgrade.py). Failures are plain-text answers, as upstream's http.Error: 503 "service
unavailable" while the APIService is not Available or its Service cannot be resolved, 503
with the dial error when the server cannot be reached, 502 when it answers with a redirect.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import gzip
import logging
import ssl
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

import aiohttp
from aiohttp import web
from multidict import CIMultiDict

from kapiserver.apimachinery.types import Object
from kapiserver.apimachinery.user import UserInfo
from kapiserver.endpoints.scope import USER_KEY
from kapiserver.server import httperrors, serving
from kapiserver.server.genericapiserver import Delegate

from . import helpers, transport, upgrade
from .plaintext import text_error
from .resolver import Location, ResolveError, ServiceResolver
from .tasks import Spawn, loop_spawn

log = logging.getLogger(__name__)

HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
                        "transfer-encoding", "upgrade", "proxy-connection"})
# Credentials this server consumed (upstream's authentication and impersonation filters delete them).
_CONSUMED = frozenset({"authorization", "host", "content-length"})
_REDIRECT_MESSAGE = "the backend attempted to redirect this request, which is not permitted"
_IDLE_CHECK_SECONDS = 5.0


@dataclass(slots=True)
class HandlingInfo:
    """upstream proxyHandlingInfo: how to serve one APIService, replaced whole on every update."""

    name: str
    local: bool
    service_namespace: str = ""
    service_name: str = ""
    service_port: int = 443
    available: bool = False
    context: object | None = None  # ssl.SSLContext
    session: aiohttp.ClientSession | None = None
    transport_error: str = ""
    # What the TLS context was built from: an update that keeps it keeps the session too.
    spec_key: tuple[object, ...] = ()

    @property
    def server_name(self) -> str:
        return f"{self.service_name}.{self.service_namespace}.svc"


def handling_info(api_service: Object, client_cert: transport.ProxyClientCert | None) -> HandlingInfo:
    name = str((api_service.get("metadata") or {}).get("name") or "")
    ref = helpers.service_ref(api_service)
    if ref is None:
        return HandlingInfo(name, local=True)
    spec = helpers.spec(api_service)
    info = HandlingInfo(name, local=False, service_namespace=str(ref.get("namespace") or ""),
                        service_name=str(ref.get("name") or ""), service_port=helpers.service_port(ref),
                        available=helpers.is_condition_true(api_service),
                        spec_key=(spec.get("caBundle"), bool(spec.get("insecureSkipTLSVerify"))))
    try:
        ca_bundle = _ca_bundle(spec.get("caBundle"))
        info.context = transport.ssl_context(ca_bundle, bool(spec.get("insecureSkipTLSVerify")), client_cert)
    except (ssl.SSLError, OSError, ValueError) as exc:  # a broken caBundle or an unreadable client certificate
        info.transport_error = f"unable to load root certificates: {exc}"
        log.warning("APIService %s: %s", name, info.transport_error)
    return info


def _ca_bundle(value: object) -> bytes:
    return base64.b64decode(value) if isinstance(value, str) and value else b""


def encoded_query(query_string: str) -> str:
    pairs = parse_qsl(query_string, keep_blank_values=True)
    return urlencode(sorted(pairs, key=lambda pair: pair[0]))


def forwarded_headers(request: web.Request) -> CIMultiDict[str]:
    headers: CIMultiDict[str] = CIMultiDict()
    for name, value in request.headers.items():
        lowered = name.lower()
        if lowered in HOP_BY_HOP or lowered in _CONSUMED or lowered.startswith("impersonate-"):
            continue
        headers.add(name, value)
    peer = request.remote or ""
    if peer:
        prior = request.headers.get("X-Forwarded-For")
        headers["X-Forwarded-For"] = f"{prior}, {peer}" if prior else peer
    return headers


class FetchError(Exception):
    """The aggregator could not read a document from an extension server."""


class ProxyHandler:
    """One APIService's handler; `update` swaps in new handling info, `close` frees its session."""

    def __init__(self, delegate: Delegate, resolver: ServiceResolver,
                 client_cert: transport.ProxyClientCert | None, reject_redirects: bool = True,
                 spawn: Spawn = loop_spawn):
        self._spawn = spawn
        self._delegate = delegate
        self._resolver = resolver
        self._client_cert = client_cert
        self._reject_redirects = reject_redirects
        self.info: HandlingInfo | None = None

    def update(self, api_service: Object) -> None:
        old = self.info
        new = handling_info(api_service, self._client_cert)
        if old is not None and not old.local and not new.local and old.context is not None \
                and not new.transport_error and old.spec_key == new.spec_key:
            new.context, new.session = old.context, old.session
            old = None
        self.info = new
        if old is not None and old.session is not None:
            self._spawn(_close_later(old.session), f"close-{old.name}")

    def set_available(self) -> None:
        if self.info is not None:
            self.info.available = True

    async def close(self) -> None:
        if self.info is not None and self.info.session is not None:
            await self.info.session.close()
        self.info = None

    def session(self, info: HandlingInfo) -> aiohttp.ClientSession:
        if info.session is None or info.session.closed:
            info.session = transport.new_session(info.context)  # type: ignore[arg-type]
        return info.session

    def resolve(self, info: HandlingInfo) -> Location:
        return self._resolver.resolve(info.service_namespace, info.service_name, info.service_port)

    async def fetch(self, path: str, user: UserInfo, headers: dict[str, str] | None = None,
                    available_only: bool = False, timeout: float = 5.0) -> tuple[int, CIMultiDict[str], bytes]:
        """GET `path` from the extension server as `user` (the aggregator's own discovery and OpenAPI
        downloads, which upstream makes through this same handler). Raises FetchError."""
        info = self.info
        if info is None or info.local:
            raise FetchError("local APIService")
        if available_only and not info.available:
            return 503, CIMultiDict(), b"service unavailable\n"
        if info.transport_error:
            raise FetchError(info.transport_error)
        try:
            location = self.resolve(info)
        except ResolveError as exc:
            raise FetchError(str(exc)) from exc
        sent: CIMultiDict[str] = CIMultiDict(headers or {})
        transport.set_auth_proxy_headers(sent, user)
        sent["Host"] = f"{info.server_name}:{info.service_port}"
        url = f"https://{location.host_port}{path}"
        try:
            async with asyncio.timeout(timeout):
                async with self.session(info).get(url, headers=sent, allow_redirects=False,
                                                  server_hostname=info.server_name) as response:
                    body = await response.read()
                    if response.headers.get("Content-Encoding", "").lower() == "gzip":
                        body = gzip.decompress(body)
                    return response.status, CIMultiDict(response.headers), body
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise FetchError(httperrors.describe(exc, location.host, location.port, info.server_name)) from exc

    async def handle(self, request: web.Request, available_only: bool = True) -> web.StreamResponse:
        info = self.info
        if info is None or info.local:
            return await self._delegate.handle(request)
        if available_only and not info.available:
            return text_error("service unavailable", 503)
        if info.transport_error:
            return text_error(info.transport_error, 500)
        user = request.get(USER_KEY)
        if user is None:
            return text_error("missing user", 500)
        try:
            location = self.resolve(info)
        except ResolveError as exc:
            log.error("error resolving %s/%s: %s", info.service_namespace, info.service_name, exc)
            return text_error("service unavailable", 503)
        headers = forwarded_headers(request)
        transport.set_auth_proxy_headers(headers, user)
        path_qs = request.raw_path.split("?", 1)[0]
        if request.query_string:
            path_qs += "?" + encoded_query(request.query_string)
        if upgrade.is_upgrade(request):
            return await upgrade.tunnel(request, location, info.server_name, info.context, path_qs, headers)
        return await self._forward(request, info, location, path_qs, headers)

    async def _forward(self, request: web.Request, info: HandlingInfo, location: Location, path_qs: str,
                       headers: CIMultiDict[str]) -> web.StreamResponse:
        body = await request.read() if request.body_exists else None
        url = f"https://{location.host_port}{path_qs}"
        headers["Host"] = f"{info.server_name}:{info.service_port}"
        try:
            upstream = await self.session(info).request(request.method, url, data=body, headers=headers,
                                                        allow_redirects=False, server_hostname=info.server_name)
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            message = httperrors.describe(exc, location.host, location.port, info.server_name)
            log.info("proxying %s to %s: %s", request.path, info.name, message)
            return text_error(message, 503)
        async with upstream:
            if self._reject_redirects and 300 <= upstream.status <= 399 and upstream.headers.get("Location"):
                return web.Response(status=502, body=_REDIRECT_MESSAGE.encode(),
                                    headers={"Content-Type": "text/plain; charset=utf-8"})
            return await _relay(request, upstream)


async def _close_later(session: aiohttp.ClientSession, delay: float = 60.0) -> None:
    """Requests still streaming through an old session (watches) keep it for a while."""
    await asyncio.sleep(delay)
    with contextlib.suppress(Exception):
        await session.close()


async def _relay(request: web.Request, upstream: aiohttp.ClientResponse) -> web.StreamResponse:
    """Copy the answer as it arrives. A stream that goes quiet (a watch) is checked for a client that
    left, and the server's shutdown ends it like its own watches."""
    response = web.StreamResponse(status=upstream.status, reason=upstream.reason)
    for name, value in upstream.headers.items():
        if name.lower() not in HOP_BY_HOP:
            response.headers.add(name, value)
    if upstream.content_length is not None:
        response.content_length = upstream.content_length
    await response.prepare(request)
    with serving.long_running(request):
        try:
            while True:
                try:
                    chunk = await asyncio.wait_for(upstream.content.readany(), _IDLE_CHECK_SECONDS)
                except TimeoutError:
                    if request.transport is None or request.transport.is_closing():
                        return response
                    continue
                if not chunk:
                    break
                await response.write(chunk)
        except asyncio.CancelledError:
            if not serving.shutting_down(request):
                raise
            return response
        except (ConnectionError, aiohttp.ClientPayloadError):
            return response
    with contextlib.suppress(ConnectionError):
        await response.write_eof()
    return response
