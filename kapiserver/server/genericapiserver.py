"""GenericAPIServer: one server of the delegation chain (upstream server.GenericAPIServer).

It answers the groups it installed and passes everything else to its delegate; the last
delegate answers 404. The head of the chain also serves the root documents (/api, /apis,
/version, health checks, OpenAPI), prepared by `prepare_run`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from aiohttp import web

from kapiserver.apimachinery import errors
from kapiserver.endpoints import discovery as discovery_docs
from kapiserver.endpoints import installer, negotiation
from kapiserver.endpoints.openapi.aggregate import Extensions
from kapiserver.endpoints.request_info import RequestInfo
from kapiserver.endpoints.responses import write_object
from kapiserver.registry.provider import APIGroupInfo

from .config import Config
from .filters.request_info import INFO_KEY
from .healthz import HealthCheck

log = logging.getLogger(__name__)

PathHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]
HookFunc = Callable[[], Awaitable[None]]


class Delegate(Protocol):
    async def handle(self, request: web.Request) -> web.StreamResponse: ...


class NotFound:
    """The end of the chain (upstream notfoundhandler)."""

    async def handle(self, request: web.Request) -> web.StreamResponse:
        raise errors.not_found_generic()


@dataclass(frozen=True, slots=True)
class Hook:
    name: str
    run: HookFunc


_DISCOVERY_SERIALIZERS = (negotiation.JSON, negotiation.YAML, negotiation.PROTOBUF)


def write_discovery(request: web.Request, doc: dict[str, Any]) -> web.Response:
    choice = negotiation.negotiate_output(request.headers.get("Accept", ""), _DISCOVERY_SERIALIZERS)
    return write_object(200, doc, choice)


class GenericAPIServer:
    def __init__(self, name: str, config: Config, delegate: Delegate):
        self.name = name
        self.config = config
        self.delegate = delegate
        self.discovery: discovery_docs.DiscoveryRegistry = config.discovery
        self._group_versions: dict[tuple[str, str], installer.InstalledGroupVersion] = {}
        self._paths: dict[str, PathHandler] = {}
        self.post_start_hooks: list[Hook] = []
        self.pre_shutdown_hooks: list[Hook] = []
        self.health_checks: list[HealthCheck] = []
        self.readiness_checks: list[HealthCheck] = []
        # Set on the head of the chain when other servers' OpenAPI documents merge into ours (the aggregator).
        self.openapi_extensions: Extensions | None = None

    # -- installation -------------------------------------------------------------------

    def install_api_groups(self, *infos: APIGroupInfo, priority: int = 0) -> None:
        for info in infos:
            versions = installer.install(info, self.config.admission)
            for group_version in versions:
                self._group_versions[(info.group, group_version.version)] = group_version
                self._install_version_paths(group_version)
            if info.group:
                self._paths[f"/apis/{info.group}"] = self._api_group_handler(info.group)
            self.discovery.add_group(info.group, versions, priority)

    def installed_group_versions(self) -> list[installer.InstalledGroupVersion]:
        """Every group version this server serves (for metrics over all resources)."""
        return list(self._group_versions.values())

    def uninstall_api_group(self, group: str) -> None:
        for key in [k for k in self._group_versions if k[0] == group]:
            del self._group_versions[key]
            self._paths.pop(f"/apis/{group}/{key[1]}", None)
        self._paths.pop(f"/apis/{group}", None)
        self.discovery.remove_group(group)

    def _install_version_paths(self, group_version: installer.InstalledGroupVersion) -> None:
        path = f"/apis/{group_version.group}/{group_version.version}" if group_version.group \
            else f"/api/{group_version.version}"

        async def resource_list(request: web.Request) -> web.StreamResponse:
            return write_discovery(request, group_version.api_resource_list())

        self._paths[path] = resource_list

    def _api_group_handler(self, group: str) -> PathHandler:
        async def api_group(request: web.Request) -> web.StreamResponse:
            doc = self.discovery.api_group(group)
            if doc is None:
                raise errors.not_found_generic()
            return write_discovery(request, doc)

        return api_group

    def handle_path(self, path: str, handler: PathHandler) -> None:
        self._paths[path] = handler

    def add_post_start_hook(self, name: str, run: HookFunc) -> None:
        if any(h.name == name for h in self.post_start_hooks):
            raise ValueError(f"unable to add {name!r} because it was already registered")
        self.post_start_hooks.append(Hook(name, run))

    def add_pre_shutdown_hook(self, name: str, run: HookFunc) -> None:
        self.pre_shutdown_hooks.append(Hook(name, run))

    def chain(self) -> list[GenericAPIServer]:
        """This server and every GenericAPIServer it delegates to, head first."""
        servers: list[GenericAPIServer] = [self]
        nxt = self.delegate
        while isinstance(nxt, GenericAPIServer):
            servers.append(nxt)
            nxt = nxt.delegate
        return servers

    # -- serving ------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        info: RequestInfo = request[INFO_KEY]
        if info.is_resource_request:
            group_version = self._group_versions.get((info.api_group, info.api_version))
            if group_version is not None:
                return await installer.dispatch(group_version, request, info, self.config.metrics)
            return await self.delegate.handle(request)
        handler = self._paths.get(request.path.rstrip("/") or "/")
        if handler is not None:
            return await handler(request)
        return await self.delegate.handle(request)
