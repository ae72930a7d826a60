"""The aggregator at the head of the chain (upstream kube-aggregator apiserver.go and
kube-apiserver's CreateAggregatorServer).

It serves apiregistration.k8s.io, and routes every other request by APIService: the group
version of a remote APIService (and /openapi/v3 documents of its server) goes to the proxy,
everything else to the delegate chain. Controllers keep the rest in step, each started by
the post-start hook upstream names: the APIService cache and its handlers (registration:
proxy handlers, priorities, discovery, OpenAPI), availability (local and remote),
autoregistration of local APIServices, and the downloads of extension servers' discovery
and OpenAPI documents. /readyz waits for `autoregister-completion`: every built-in APIService
seen Available once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from kapiserver.apimachinery import meta
from kapiserver.apimachinery.types import Object
from kapiserver.endpoints.request_info import RequestInfo
from kapiserver.registry.core.endpoints import ENDPOINTS
from kapiserver.registry.core.services import SERVICES
from kapiserver.registry.discovery.endpointslices import ENDPOINTSLICES
from kapiserver.registry.loopback import Client
from kapiserver.registry.provider import ResourceEnabled
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.store import Store
from kapiserver.server.config import Config
from kapiserver.server.filters.request_info import INFO_KEY
from kapiserver.server.genericapiserver import Delegate, GenericAPIServer, write_discovery
from kapiserver.server.healthz import HealthCheck
from kapiserver.storage.factory import StorageFactory

from . import apiservices, helpers, priorities
from .autoregister import AutoRegisterController, GroupVersionRegistration
from .availability import RESYNC_SECONDS, LocalAvailability, RemoteAvailability
from .informer import Informer
from .openapi import OpenAPIAggregator
from .proxy import ProxyHandler
from .remote_discovery import DiscoveryManager
from .resolver import Location, ServiceResolver
from .tasks import Supervisor
from .transport import ProxyClientCert

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AggregatorConfig:
    """upstream aggregator ExtraConfig."""

    proxy_client_cert: ProxyClientCert | None = None
    # --enable-aggregator-routing: dial endpoints rather than the cluster IP (see resolver.py)
    enable_aggregator_routing: bool = False
    # --aggregator-reject-forwarding-redirect
    reject_forwarding_redirects: bool = True
    # Awaited before autoregistration starts, so existing CRDs' APIServices are not taken for stale.
    wait_for_crd_sync: Callable[[], Awaitable[None]] | None = None


def _loopback(config: Config) -> Callable[[], Location | None]:
    def location() -> Location | None:
        host = config.bind_address
        if host in ("0.0.0.0", "::", ""):
            host = "127.0.0.1"
        return Location(host, config.secure_port) if config.secure_port else None

    return location


class APIAggregator(GenericAPIServer):
    def __init__(self, config: Config, delegate: Delegate, storage: StorageFactory, enabled: ResourceEnabled,
                 extra: AggregatorConfig | None = None):
        super().__init__("kube-aggregator", config, delegate)
        self.extra = extra = extra or AggregatorConfig()
        self._tasks = Supervisor()
        self.discovery.set_version_priorities(priorities.API_VERSION_PRIORITIES)
        info = apiservices.provider().new_rest_storage(lambda spec: storage.storage_for(spec.key_root), enabled)
        if info is None:
            raise ValueError("API group/version apiregistration.k8s.io/v1 must be enabled")
        self.install_api_groups(info)
        self.discovery.set_version_priorities({(helpers.GROUP, "v1"): priorities.APIREGISTRATION_PRIORITY})

        def store(spec: ResourceSpec) -> Store:
            return Store(spec, storage.storage_for(spec.key_root))

        api_store = store(apiservices.APISERVICES)
        self.api_services = Informer("apiservices", api_store)
        self.services = Informer("services", store(SERVICES))
        self.slices = Informer("endpointslices", store(ENDPOINTSLICES))
        self.endpoints = Informer("endpoints", store(ENDPOINTS))
        self.resolver = ServiceResolver(self.services, self.slices, self.endpoints,
                                        endpoint_routing=extra.enable_aggregator_routing, loopback=_loopback(config))
        self._client = Client(apiservices.APISERVICES, api_store)
        status_store = api_store.with_strategy(apiservices.APIServiceStatusStrategy())
        self._status_client = Client(apiservices.APISERVICES, status_store)
        self.proxy_handlers: dict[str, ProxyHandler] = {}
        self.remote_discovery = DiscoveryManager(self.discovery)
        self.openapi = OpenAPIAggregator()
        self.openapi_extensions = self.openapi
        self.local_availability = LocalAvailability(self.api_services, self._update_status)
        self.remote_availability = RemoteAvailability(self.api_services, self.services, self.slices, self.endpoints,
                                                      self.resolver, extra.proxy_client_cert, self._update_status)
        self.autoregister = AutoRegisterController(self.api_services, self._client)
        registration = self._registration = GroupVersionRegistration(self.discovery, self.autoregister)
        registration.register_builtins()
        self._pending = {meta.name(s) for s in registration.builtin}
        self.api_services.add_event_handler(self.add_api_service, lambda old, new: self.add_api_service(new),
                                            self.remove_api_service)
        self.health_checks.append(HealthCheck("autoregister-completion", self._autoregister_completion))
        self._add_hooks()

    # -- the registration controller (upstream APIServiceRegistrationController) --------

    def add_api_service(self, api_service: Object) -> None:
        name = meta.name(api_service)
        if helpers.is_condition_true(api_service):
            self._pending.discard(name)
        group, version = helpers.group_version(api_service)
        spec = helpers.spec(api_service)
        priority = (int(spec.get("groupPriorityMinimum") or 0), int(spec.get("versionPriority") or 0))
        self.discovery.set_version_priorities({(group, version): priority})
        handler = self.proxy_handlers.get(name)
        if handler is None:
            handler = self.proxy_handlers[name] = ProxyHandler(self.delegate, self.resolver,
                                                               self.extra.proxy_client_cert,
                                                               self.extra.reject_forwarding_redirects,
                                                               self._tasks.spawn)
        was_remote = handler.info is not None and not handler.info.local
        handler.update(api_service)
        if helpers.is_local(api_service):
            if was_remote:
                self.remote_discovery.remove_api_service(name)
                self.openapi.remove_api_service(name)
            return
        self.remote_discovery.add_api_service(api_service, handler)
        self.openapi.add_api_service(api_service, handler)

    def remove_api_service(self, api_service: Object) -> None:
        name = meta.name(api_service)
        group, version = helpers.group_version(api_service)
        builtin = priorities.builtin_priority(group, version)
        if builtin is not None:
            self.discovery.set_version_priorities({(group, version): builtin})
        elif group != helpers.GROUP:
            self.discovery.remove_version_priority(group, version)
        self.remote_discovery.remove_api_service(name)
        self.openapi.remove_api_service(name)
        handler = self.proxy_handlers.pop(name, None)
        if handler is not None:
            self._tasks.spawn(handler.close(), f"close-{name}")

    def resolve_service(self, namespace: str, name: str, port: int) -> tuple[str, int]:
        """The address to dial for a Service: the resolver webhook clients are given (upstream shares
        the aggregator's with admission and CRD conversion webhooks). Raises ResolveError."""
        location = self.resolver.resolve(namespace, name, port)
        return location.host, location.port

    async def _update_status(self, api_service: Object) -> None:
        await self._status_client.update(api_service)

    async def _autoregister_completion(self) -> None:
        if self._pending:
            raise RuntimeError(f"missing APIService: [{' '.join(sorted(self._pending))}]")

    # -- lifecycle ----------------------------------------------------------------------

    def _add_hooks(self) -> None:
        informers = (self.api_services, self.services, self.slices, self.endpoints)
        spawn = self._tasks.spawn

        async def start_informers() -> None:
            await self._tasks.start()
            for informer in informers:
                informer.start(spawn)
            await asyncio.wait_for(asyncio.gather(*(i.wait_synced() for i in informers)), 60)

        async def local_available() -> None:
            self.local_availability.controller.start(self._names, RESYNC_SECONDS, spawn)

        async def remote_available() -> None:
            self.remote_availability.controller.start(self._names, RESYNC_SECONDS, spawn)

        async def registration() -> None:
            await self.api_services.wait_synced()

        async def discovery() -> None:
            self.remote_discovery.start(spawn)
            known = [name for name, handler in self.proxy_handlers.items()
                     if handler.info is not None and not handler.info.local]
            await asyncio.gather(*(self.remote_discovery.sync(name) for name in known))

        async def autoregistration() -> None:
            if self.extra.wait_for_crd_sync is not None:
                await self.extra.wait_for_crd_sync()
            self._registration.sync_custom()
            self.discovery.listeners.append(self._registration.sync_custom)
            self.autoregister.start(spawn)

        async def openapi() -> None:
            self.openapi.start(spawn)

        async def noop() -> None:
            return None

        hooks: list[tuple[str, Callable[[], Awaitable[None]]]] = [
            ("start-kube-aggregator-informers", start_informers),
            ("apiservice-status-local-available-controller", local_available),
            ("apiservice-status-remote-available-controller", remote_available),
            ("apiservice-registration-controller", registration),
            ("apiservice-discovery-controller", discovery),
            ("kube-apiserver-autoregistration", autoregistration),
            ("apiservice-openapi-controller", openapi),
            ("apiservice-openapiv3-controller", noop),
        ]
        if self.extra.proxy_client_cert is not None:
            hooks.insert(0, ("aggregator-reload-proxy-client-cert", noop))
        for name, run in hooks:
            self.add_post_start_hook(name, run)
        self.add_pre_shutdown_hook("kube-aggregator", self._stop)

    def _names(self) -> list[str]:
        return [meta.name(s) for s in self.api_services.list()]

    async def _stop(self) -> None:
        """Cancel every informer and controller, then close what talks to extension servers."""
        await self._tasks.stop()
        await self.remote_availability.close()
        for handler in list(self.proxy_handlers.values()):
            await handler.close()

    # -- serving ------------------------------------------------------------------------

    def _remote_handler(self, path: str) -> ProxyHandler | None:
        parts = path.strip("/").split("/")
        if parts[0] == "api":
            name = helpers.LEGACY_API_SERVICE_NAME
        elif parts[0] == "apis" and len(parts) >= 3:
            name = helpers.api_service_name(parts[1], parts[2])
        else:
            return None
        handler = self.proxy_handlers.get(name)
        if handler is None or handler.info is None or handler.info.local:
            return None
        return handler

    async def handle(self, request: web.Request) -> web.StreamResponse:
        info: RequestInfo = request[INFO_KEY]
        path = request.path
        if info.is_resource_request and info.api_group == helpers.GROUP and info.api_prefix == "apis":
            return await super().handle(request)
        handler = self._remote_handler(path)
        if handler is not None:
            return await handler.handle(request)
        if path.startswith("/openapi/v3/"):
            remote = self.openapi.handler_for_v3(path[len("/openapi/v3/"):])
            if remote is not None and path not in self._paths:
                return await remote.handle(request)
        parts = path.strip("/").split("/")
        if len(parts) == 2 and parts[0] == "apis" and request.method in ("GET", "HEAD"):
            doc = self.discovery.api_group(parts[1])
            if doc is not None and not self.discovery.group(parts[1]):
                return write_discovery(request, doc)
        return await super().handle(request)


def new_aggregator(config: Config, delegate: Delegate, storage: StorageFactory, enabled: ResourceEnabled,
                   extra: AggregatorConfig | None = None) -> APIAggregator:
    return APIAggregator(config, delegate, storage, enabled, extra)
