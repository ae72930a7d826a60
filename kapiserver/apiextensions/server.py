"""The apiextensions server of the chain (upstream apiextensions-apiserver apiserver.go, New()).

It sits last before not-found, so custom resources never shadow built-in ones. It serves
apiextensions.k8s.io/v1 CustomResourceDefinitions like any group, custom resources through
the CRD handler, the discovery documents of CRD groups, and runs the controllers that
bring CRDs to life: started by the post-start hooks upstream names
(`start-apiextensions-informers`, `start-apiextensions-controllers`, `crd-informer-synced`),
stopped before shutdown. All of them are tasks of one TaskGroup the server owns.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from typing import Any

from kapiserver.apimachinery import errors
from kapiserver.endpoints.installer import InstalledGroupVersion
from kapiserver.registry.loopback import SYSTEM_USER
from kapiserver.registry.provider import StorageProvider
from kapiserver.registry.rest import RequestContext
from kapiserver.server.config import Config
from kapiserver.server.filters.request_info import INFO_KEY
from kapiserver.server.genericapiserver import Delegate, GenericAPIServer, write_discovery
from kapiserver.storage.interface import Storage

from . import conversion, helpers
from .controllers import apiapproval, establishing, finalizer, naming, publishing
from .controllers.informer import CRDInformer
from .crds import CUSTOM_RESOURCE_DEFINITIONS
from .handler import CRDHandler

log = logging.getLogger(__name__)

StorageFor = Callable[[str], Storage]
ResourceEnabled = Callable[[str, str, str], bool]
_SYNC_TIMEOUT = 30.0


class ApiextensionsServer(GenericAPIServer):
    def __init__(self, config: Config, delegate: Delegate, storage_for: StorageFor,
                 enabled: ResourceEnabled | None = None,
                 converters: Mapping[str, conversion.ConverterFactory] = conversion.DEFAULT_FACTORIES):
        super().__init__("apiextensions-apiserver", config, delegate)
        provider = StorageProvider(helpers.GROUP, [CUSTOM_RESOURCE_DEFINITIONS])
        info = provider.new_rest_storage(lambda spec: storage_for(spec.key_root), enabled or (lambda g, v, r: True))
        self.crd_handler: CRDHandler | None = None
        self._tasks: asyncio.TaskGroup | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._running = asyncio.Event()
        if info is None:
            return
        self.install_api_groups(info)
        entries = {entry.path: entry.rest for entry in info.versions[helpers.VERSION]}
        status_rest = entries[f"{helpers.RESOURCE}/status"]
        ctx = RequestContext(user=SYSTEM_USER)
        self.informer = CRDInformer(entries[helpers.RESOURCE], ctx)
        self.crd_handler = CRDHandler(self.informer, storage_for, config.admission, converters, config.metrics)
        self.naming = naming.NamingController(self.informer, status_rest, ctx)
        self.establishing = establishing.EstablishingController(self.informer, status_rest, ctx)
        self.approval = apiapproval.APIApprovalController(self.informer, status_rest, ctx)
        self.finalizer = finalizer.FinalizerController(self.informer, status_rest, ctx, self.crd_handler.store_for)
        self.publishing = publishing.PublishingController(self.informer, self.discovery, self.crd_handler.resources_for)
        self.add_post_start_hook("start-apiextensions-informers", self._start_informers)
        self.add_post_start_hook("start-apiextensions-controllers", self._start_controllers)
        self.add_post_start_hook("crd-informer-synced", self._wait_synced)
        self.add_pre_shutdown_hook("stop-apiextensions-controllers", self.stop)

    def installed_group_versions(self) -> list[InstalledGroupVersion]:
        custom = self.crd_handler.installed_group_versions() if self.crd_handler is not None else []
        return super().installed_group_versions() + custom

    # -- lifecycle -------------------------------------------------------------------------

    async def _supervise(self) -> None:
        async with asyncio.TaskGroup() as tasks:
            self._tasks = tasks
            self._running.set()
            await asyncio.Future()  # until cancelled

    async def _start_informers(self) -> None:
        self._supervisor = asyncio.create_task(self._supervise(), name="apiextensions-controllers")
        await self._running.wait()
        assert self._tasks is not None
        self._tasks.create_task(self.informer.run(), name="crd-informer")

    async def _start_controllers(self) -> None:
        assert self._tasks is not None
        for queue in (self.naming.queue, self.establishing.queue, self.approval.queue, self.publishing.queue):
            self._tasks.create_task(queue.run(), name=f"crd-{queue.name}")
        for worker in range(finalizer.WORKERS):
            self._tasks.create_task(self.finalizer.queue.run(), name=f"crd-finalizer-{worker}")

    async def _wait_synced(self) -> None:
        """The CRDs that existed at start are listed and published before the server is ready."""
        async with asyncio.timeout(_SYNC_TIMEOUT):
            await self.informer.synced.wait()
            await self.publishing.queue.wait_idle()

    async def stop(self) -> None:
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
            self._supervisor = None

    # -- serving ---------------------------------------------------------------------------

    async def handle(self, request: Any) -> Any:
        info = request[INFO_KEY]
        if self.crd_handler is None:
            return await super().handle(request)
        if info.is_resource_request:
            if info.api_group == helpers.GROUP:
                return await super().handle(request)
            return await self.crd_handler.serve(request, info, self.delegate)
        parts = request.path.strip("/").split("/")
        if parts[0] == "apis" and len(parts) in (2, 3) and parts[1] in self.publishing.published:
            return self._serve_discovery(request, parts)
        return await super().handle(request)

    def _serve_discovery(self, request: Any, parts: list[str]) -> Any:
        if request.method not in ("GET", "HEAD"):
            raise errors.method_not_allowed_generic()
        group = self.discovery.group(parts[1])
        if group is None:
            raise errors.not_found_generic()
        if len(parts) == 2:
            doc = self.discovery.api_group(parts[1])
            if doc is None:
                raise errors.not_found_generic()
            return write_discovery(request, doc)
        found = next((v for v in group.versions if v.version == parts[2]), None)
        if found is None:
            raise errors.not_found_generic()
        return write_discovery(request, found.api_resource_list())


def new_apiextensions_server(config: Config, delegate: Delegate, storage_for: StorageFor | None = None,
                             enabled: ResourceEnabled | None = None,
                             converters: Mapping[str, conversion.ConverterFactory] = conversion.DEFAULT_FACTORIES,
                             ) -> GenericAPIServer:
    if storage_for is None:
        return GenericAPIServer("apiextensions-apiserver", config, delegate)
    return ApiextensionsServer(config, delegate, storage_for, enabled, converters)
