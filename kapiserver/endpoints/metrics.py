"""The API server's request metrics (upstream k8s.io/apiserver/pkg/endpoints/metrics).

Upstream instruments each installed route, so only requests that reach a resource handler
are counted (not 401s, 404s for unknown paths, or 405s for verbs a resource lacks), plus the
health roots and aggregated discovery. Labels and the reported verb follow its MonitorRequest:
LIST for GETs of collections, WATCH, APPLY for apply patches, CONNECT for the connect
subresources, the HTTP method otherwise.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager

from aiohttp import web

from kapiserver.apimachinery import errors
from kapiserver.metrics import Counter, Gauge, Histogram, Registry, Stability

from .request_info import RequestInfo

COMPONENT = "apiserver"
_APPLY_PATCH = "application/apply-patch+yaml"
_CONNECT_SUBRESOURCES = frozenset({"log", "exec", "portforward", "attach", "proxy"})
_VALID_VERBS = frozenset({"APPLY", "CONNECT", "CREATE", "DELETE", "DELETECOLLECTION", "GET", "LIST", "PATCH", "POST",
                          "PROXY", "PUT", "UPDATE", "WATCH", "WATCHLIST"})
_DRY_RUN_VALUES = frozenset({"All"})
_FALSE = ("0", "false")
_LATENCY_BUCKETS = (0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30,
                    45, 60)
_SIZE_BUCKETS = tuple(1000.0 * 10**i for i in range(7))
_REQUEST_LABELS = ("verb", "dry_run", "group", "version", "resource", "subresource", "scope", "component", "code")
_ROUTE_LABELS = ("verb", "group", "version", "resource", "subresource", "scope", "component")


def route_scope(info: RequestInfo, namespaced: bool) -> str:
    """The scope upstream's installer gives the route the request took."""
    if info.name or info.verb == "create":
        return "resource"
    return "namespace" if namespaced and info.namespace else "cluster"


def reported_verb(method: str, scope: str, info: RequestInfo, query: Mapping[str, str], content_type: str) -> str:
    method = method.upper()
    verb = method
    if method in ("GET", "HEAD"):
        verb = "LIST" if scope not in ("resource", "") else "GET"
    if method == "GET" and query.get("watch", "false").lower() not in _FALSE:
        verb = "WATCH"
    if info.verb == "watch":  # also the legacy /watch/ paths
        verb = "WATCH"
    if verb == "PATCH" and content_type == _APPLY_PATCH:
        verb = "APPLY"
    if info.is_resource_request and info.subresource in _CONNECT_SUBRESOURCES:
        verb = "CONNECT"
    return verb if verb in _VALID_VERBS else "other"


def dry_run_label(values: list[str]) -> str:
    if not values:
        return ""
    if any(value not in _DRY_RUN_VALUES for value in values):
        return "invalid"
    return ",".join(sorted(set(values)))


class RequestMetrics:
    """apiserver_request_total, _duration_seconds, _longrunning_requests and _response_sizes, in
    the server's registry."""

    def __init__(self, registry: Registry | None = None):
        self.registry = registry if registry is not None else Registry()
        self.total = Counter("apiserver_request_total", "Counter of apiserver requests broken out for each verb, dry "
                             "run value, group, version, resource, scope, component, and HTTP response code.",
                             _REQUEST_LABELS, Stability.STABLE)
        self.latency = Histogram("apiserver_request_duration_seconds", "Response latency distribution in seconds "
                                 "for each verb, dry run value, group, version, resource, subresource, scope and "
                                 "component.", _REQUEST_LABELS[:-1], Stability.STABLE, buckets=_LATENCY_BUCKETS)
        self.longrunning = Gauge("apiserver_longrunning_requests", "Gauge of all active long-running apiserver "
                                 "requests broken out by verb, group, version, resource, scope and component. Not all "
                                 "requests are tracked this way.", _ROUTE_LABELS, Stability.STABLE)
        self.response_sizes = Histogram("apiserver_response_sizes", "Response size distribution in bytes for each "
                                        "group, version, verb, resource, subresource, scope and component.",
                                        _ROUTE_LABELS, Stability.STABLE, buckets=_SIZE_BUCKETS)
        for family in (self.total, self.latency, self.longrunning, self.response_sizes):
            self.registry.register(family)

    def observe(self, verb: str, dry_run: str, route: tuple[str, ...], code: int, elapsed: float,
                response_size: int | None = None) -> None:
        """route: (group, version, resource, subresource, scope, component)."""
        labels = (verb, dry_run, *route)
        self.total.inc((*labels, str(code)))
        self.latency.observe(labels, elapsed)
        if response_size is not None:
            self.response_sizes.observe((verb, *route), response_size)

    @asynccontextmanager
    async def longrunning_request(self, verb: str, route: tuple[str, ...]) -> AsyncIterator[None]:
        labels = (verb, *route)
        self.longrunning.add(labels, 1)
        try:
            yield
        finally:
            self.longrunning.add(labels, -1)

    async def instrument(self, request: web.Request, info: RequestInfo, namespaced: bool,
                         serve: Callable[[], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
        """Serve a request that reached a resource handler, and record it."""
        scope = route_scope(info, namespaced)
        route = (info.api_group, info.api_version, info.resource, info.subresource, scope, COMPONENT)
        return await self._record(request, info, route, serve, sized=info.verb in ("get", "list"))

    async def instrument_path(self, request: web.Request, info: RequestInfo, component: str,
                              serve: Callable[[], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
        """Serve a non-resource path upstream instruments (health roots, aggregated discovery):
        the path is its subresource label."""
        return await self._record(request, info, ("", "", "", request.path, "", component), serve, sized=False)

    async def _record(self, request: web.Request, info: RequestInfo, route: tuple[str, ...],
                      serve: Callable[[], Awaitable[web.StreamResponse]], sized: bool) -> web.StreamResponse:
        verb = reported_verb(request.method, route[4], info, request.query, request.headers.get("Content-Type", ""))
        started = time.monotonic()
        code = 500
        size: int | None = None
        try:
            if verb in ("WATCH", "CONNECT"):
                async with self.longrunning_request(verb, route):
                    response = await serve()
            else:
                response = await serve()
            code = response.status
            if sized and isinstance(response, web.Response):
                size = response.content_length
            return response
        except errors.StatusError as exc:
            code = exc.code
            raise
        finally:
            self.observe(verb, dry_run_label(request.query.getall("dryRun", [])), route, code,
                         time.monotonic() - started, size)
