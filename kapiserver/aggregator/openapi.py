"""Extension servers' OpenAPI in ours (upstream kube-aggregator controllers/openapi and openapiv3).

/openapi/v2: the aggregator downloads each remote APIService's /openapi/v2 (as
system:aggregator, with the last ETag), keeps only its group version's paths, and the
documents merge them in, highest priority first. /openapi/v3: the extension server's own
index entries join ours (an entry we serve ourselves keeps ours), and a request for one of
them is proxied to the server, which answers it, hash redirects included. An APIService
that is not Available, or whose server cannot be read, contributes nothing until the next
try. Downloads happen when an APIService changes and once a minute.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import orjson

from kapiserver.apimachinery.user import UserInfo
from kapiserver.endpoints.openapi import aggregate

from . import helpers
from .proxy import FetchError, ProxyHandler
from .tasks import Spawn, loop_spawn
from .workqueue import Controller

log = logging.getLogger(__name__)

REFRESH_SECONDS = 60.0
_USER = UserInfo("system:aggregator")
_TIMEOUT = 60.0  # upstream specDownloadTimeout


@dataclass(slots=True)
class _Spec:
    handler: ProxyHandler
    group: str
    version: str
    priority: tuple[int, int]
    etag: str = ""
    v2: dict[str, Any] | None = None
    v3: dict[str, dict[str, Any]] = field(default_factory=dict)


class OpenAPIAggregator:
    """The aggregator's `Extensions` for the OpenAPI documents, and the controller that fills it."""

    def __init__(self) -> None:
        self.generation = 0
        self._specs: dict[str, _Spec] = {}
        self.controller = Controller("openapi-aggregation", self.sync)

    def start(self, spawn: Spawn = loop_spawn) -> None:
        self.controller.start(resync=lambda: list(self._specs), period=REFRESH_SECONDS, spawn=spawn)

    def add_api_service(self, api_service: dict[str, Any], handler: ProxyHandler) -> None:
        if helpers.is_local(api_service):
            return
        name = str((api_service.get("metadata") or {}).get("name") or "")
        group, version = helpers.group_version(api_service)
        spec = helpers.spec(api_service)
        priority = (int(spec.get("groupPriorityMinimum") or 0), int(spec.get("versionPriority") or 0))
        known = self._specs.get(name)
        if known is None:
            self._specs[name] = _Spec(handler, group, version, priority)
        else:
            known.handler, known.priority = handler, priority
        self.controller.queue.add(name)

    def remove_api_service(self, name: str) -> None:
        if self._specs.pop(name, None) is not None:
            self.generation += 1

    # -- Extensions ---------------------------------------------------------------------

    def v2_specs(self) -> list[dict[str, Any]]:
        ordered = sorted(self._specs.items(), key=lambda item: (-item[1].priority[0], -item[1].priority[1], item[0]))
        return [spec.v2 for _, spec in ordered if spec.v2 is not None]

    def v3_paths(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for spec in self._specs.values():
            for key, entry in spec.v3.items():
                out.setdefault(key, entry)
        return out

    def handler_for_v3(self, key: str) -> ProxyHandler | None:
        """The extension server that serves /openapi/v3/<key>."""
        for spec in self._specs.values():
            if key in spec.v3:
                return spec.handler
        return None

    # -- downloads ----------------------------------------------------------------------

    async def sync(self, name: str) -> None:
        spec = self._specs.get(name)
        if spec is None:
            return
        before = (spec.v2, spec.v3)
        try:
            await self._download_v2(spec)
            await self._download_v3(spec)
        except FetchError as exc:
            log.info("OpenAPI of APIService %s: %s", name, exc)
            spec.v2, spec.v3, spec.etag = None, {}, ""
        if (spec.v2, spec.v3) != before:
            self.generation += 1

    async def _download_v2(self, spec: _Spec) -> None:
        headers = {"Accept": "application/json"}
        if spec.etag:
            headers["If-None-Match"] = spec.etag
        code, answer, body = await spec.handler.fetch("/openapi/v2", _USER, headers, available_only=True,
                                                      timeout=_TIMEOUT)
        if code == 304 and spec.v2 is not None:
            return
        if code == 404:
            spec.v2, spec.etag = None, ""
            return
        if code != 200:
            raise FetchError(f"invalid status code: {code}")
        try:
            document = orjson.loads(body)
        except ValueError as exc:
            raise FetchError(str(exc)) from exc
        prefix = f"/apis/{spec.group}/{spec.version}/"
        spec.v2 = aggregate.filter_spec_by_paths(document, [prefix])
        spec.etag = answer.get("ETag", "")

    async def _download_v3(self, spec: _Spec) -> None:
        code, _, body = await spec.handler.fetch("/openapi/v3", _USER, {"Accept": "application/json"},
                                                 available_only=True, timeout=_TIMEOUT)
        if code == 404:  # an older server without OpenAPI v3
            spec.v3 = {}
            return
        if code != 200:
            raise FetchError(f"invalid status code: {code}")
        try:
            paths = orjson.loads(body).get("paths") or {}
        except (ValueError, AttributeError) as exc:
            raise FetchError(str(exc)) from exc
        spec.v3 = {str(key): value for key, value in paths.items() if isinstance(value, dict)}
