"""Extension servers' discovery in ours (upstream kube-aggregator handler_discovery.go).

For each remote APIService the aggregator reads the extension server's aggregated discovery
(GET /apis as apidiscovery.k8s.io/v2 or v2beta1, with the last ETag), falling back to the
legacy /apis/<group>/<version> resource list, and puts that group version's entry into the
DiscoveryRegistry; /apis (legacy and aggregated) then lists it. A failed read keeps the last
entry (or an empty one) marked Stale. APIServices on the same Service share one read.
Everything is read again when an APIService changes and once a minute.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import orjson

from kapiserver.apimachinery.user import SYSTEM_PRIVILEGED_GROUP, UserInfo
from kapiserver.endpoints.discovery import DiscoveryRegistry, RemoteVersion, aggregated_resources

from . import helpers
from .proxy import FetchError, ProxyHandler
from .tasks import Spawn, loop_spawn
from .workqueue import Controller

log = logging.getLogger(__name__)

REFRESH_SECONDS = 60.0
AGGREGATED_ACCEPT = ("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
                     "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList")
_DISCOVERY_USER = UserInfo("system:kube-aggregator", groups=(SYSTEM_PRIVILEGED_GROUP,))
_LEGACY_USER = UserInfo("system:kube-aggregator")
ServiceKey = tuple[str, str, int]


@dataclass(slots=True)
class _Cached:
    discovery: dict[tuple[str, str], dict[str, Any]]
    etag: str = ""
    updated: float = 0.0


@dataclass(slots=True)
class _Info:
    handler: ProxyHandler
    service: ServiceKey
    marked_dirty: float = field(default_factory=time.monotonic)


def is_aggregated(content_type: str) -> bool:
    """Whether a Content-Type names APIGroupDiscoveryList v2 or v2beta1 (discovery.ContentTypeIsGVK)."""
    params = {}
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        params[key.strip()] = value.strip()
    return params.get("g") == "apidiscovery.k8s.io" and params.get("as") == "APIGroupDiscoveryList" and \
        params.get("v") in ("v2", "v2beta1")


class DiscoveryManager:
    def __init__(self, registry: DiscoveryRegistry):
        self._registry = registry
        self._services: dict[str, _Info] = {}
        self._cache: dict[ServiceKey, _Cached] = {}
        self.controller = Controller("discovery-manager", self.sync)

    def start(self, spawn: Spawn = loop_spawn) -> None:
        self.controller.start(resync=self._mark_all_dirty, period=REFRESH_SECONDS, spawn=spawn)

    def _mark_all_dirty(self) -> list[str]:
        now = time.monotonic()
        for info in self._services.values():
            info.marked_dirty = now
        return list(self._services)

    def add_api_service(self, api_service: dict[str, Any], handler: ProxyHandler) -> None:
        ref = helpers.service_ref(api_service)
        if ref is None:
            return
        name = str((api_service.get("metadata") or {}).get("name") or "")
        key = (str(ref.get("namespace") or ""), str(ref.get("name") or ""), helpers.service_port(ref))
        self._services[name] = _Info(handler, key)
        self._forget_unused()
        self.controller.queue.add(name)

    def remove_api_service(self, name: str) -> None:
        if self._services.pop(name, None) is not None:
            self._forget_unused()
            self.controller.queue.add(name)

    def _forget_unused(self) -> None:
        used = {info.service for info in self._services.values()}
        for key in [k for k in self._cache if k not in used]:
            del self._cache[key]

    async def sync(self, name: str) -> None:
        group, version = helpers.name_to_group_version(name)
        info = self._services.get(name)
        if info is None:
            self._registry.remove_remote_version(group, version)
            return
        cached, error = await self._fresh(info, group, version)
        entry = cached.discovery.get((group, version)) if cached is not None else None
        resources = list((entry or {}).get("resources") or [])
        if error is not None:
            log.info("discovery of APIService %s: %s", name, error)
        self._registry.set_remote_version(RemoteVersion(group, version, resources, fresh=error is None))

    async def _fresh(self, info: _Info, group: str, version: str) -> tuple[_Cached | None, str | None]:
        """upstream fetchFreshDiscoveryForService: the cached read when newer than the last change."""
        cached = self._cache.get(info.service)
        if cached is not None and cached.updated > info.marked_dirty:
            return cached, None
        started = time.monotonic()
        headers = {"Accept": AGGREGATED_ACCEPT}
        if cached is not None and cached.etag:
            headers["If-None-Match"] = cached.etag
        try:
            code, answer_headers, body = await info.handler.fetch("/apis", _DISCOVERY_USER, headers)
        except FetchError as exc:
            return cached, str(exc)
        if code == 304 and cached is not None:
            cached.updated = started
            return cached, None
        if code == 503:
            service = f"{info.service[0]}/{info.service[1]}:{info.service[2]}"
            return cached, f"service {service} returned non-success response code: {code}"
        if code == 200 and is_aggregated(answer_headers.get("Content-Type", "")):
            try:
                fresh = _Cached(_parse_aggregated(body), answer_headers.get("ETag", ""), started)
            except (ValueError, TypeError) as exc:
                return cached, str(exc)
            self._cache[info.service] = fresh
            return fresh, None
        return await self._legacy(info, group, version, started)

    async def _legacy(self, info: _Info, group: str, version: str, started: float) -> tuple[_Cached | None, str | None]:
        path = f"/apis/{group}/{version}" if group else f"/api/{version}"
        try:
            code, _, body = await info.handler.fetch(path, _LEGACY_USER, {"Accept": "application/json"})
        except FetchError as exc:
            return None, str(exc)
        if code != 200:
            return None, f"failed to download legacy discovery for {path}: {body.decode(errors='replace')}"
        try:
            listing = orjson.loads(body).get("resources") or []
            resources = aggregated_resources(listing)
        except (ValueError, AttributeError, KeyError) as exc:
            return None, str(exc)
        # not kept: one legacy read covers one group version, and a Service may serve several
        return _Cached({(group, version): {"version": version, "resources": resources}}, "", started), None


def _parse_aggregated(body: bytes) -> dict[tuple[str, str], dict[str, Any]]:
    parsed = orjson.loads(body)
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for group in parsed.get("items") or []:
        name = str((group.get("metadata") or {}).get("name") or "")
        for version in group.get("versions") or []:
            for resource in version.get("resources") or []:
                # upstream fills missing response kinds so old clients do not crash on nil
                resource.setdefault("responseKind", {"group": "", "version": "", "kind": ""})
                for sub in resource.get("subresources") or []:
                    sub.setdefault("responseKind", {"group": "", "version": "", "kind": ""})
            out[(name, str(version.get("version") or ""))] = version
    return out
