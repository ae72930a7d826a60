"""The services REST (upstream pkg/registry/core/service/storage REST): the generic Store plus
the hooks that reserve and release what a Service holds outside its own object.

- begin_create: keep clusterIP and clusterIPs in step, then settle the IP families and
  reserve cluster IPs and node ports; the reservation is undone if the object is not stored.
- begin_update: fill in the allocated values a resubmitted manifest left out, normalize, then
  reserve what the change needs; what it gives up is released only once it is stored.
- after_delete: delete the Service's Endpoints of the same name (so a new Service of that
  name does not inherit stale endpoints) and release its IPs and ports. Dry runs keep all.
"""

from __future__ import annotations

import logging
from typing import Protocol

from kapiserver.apimachinery import errors, meta
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import CreateOptions, DeleteOptions, RequestContext, UpdateOptions
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.store import FinishFunc, Store
from kapiserver.storage.interface import Storage

from . import services_prepare as prepare
from .services_alloc import ServiceAllocator, Transaction

log = logging.getLogger(__name__)


class EndpointsDeleter(Protocol):
    async def delete(self, name: str, namespace: str = "", uid: str | None = None) -> None: ...


def _finisher(txn: Transaction) -> FinishFunc:
    async def finish(success: bool) -> None:
        if success:
            await txn.commit()
        else:
            await txn.revert()

    return finish


class ServiceREST(Store):
    def __init__(self, spec: ResourceSpec, storage: Storage, allocator: ServiceAllocator,
                 endpoints: EndpointsDeleter | None = None):
        super().__init__(spec, storage)
        self.allocator = allocator
        self.endpoints = endpoints

    async def begin_create(self, ctx: RequestContext, obj: Object, options: CreateOptions) -> FinishFunc | None:
        prepare.normalize_cluster_ips(obj, None)
        return _finisher(await self.allocator.allocate_create(obj, options.is_dry_run))

    async def begin_update(self, ctx: RequestContext, obj: Object, old: Object,
                           options: UpdateOptions) -> FinishFunc | None:
        prepare.patch_allocated_values(obj, old)
        prepare.normalize_cluster_ips(obj, old)
        return _finisher(await self.allocator.allocate_update(obj, old, options.is_dry_run))

    async def after_delete(self, ctx: RequestContext, obj: Object, options: DeleteOptions) -> None:
        if options.is_dry_run:
            return
        namespace, name = meta.namespace(obj), meta.name(obj)
        if self.endpoints is not None:
            try:
                await self.endpoints.delete(name, namespace)
            except errors.StatusError as err:
                if err.reason != "NotFound":
                    log.error("delete service endpoints %s/%s failed: %s", name, namespace, err)
        await self.allocator.release_allocated_resources(obj)
