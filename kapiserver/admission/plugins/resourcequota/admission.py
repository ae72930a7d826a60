"""ResourceQuota (upstream k8s.io/apiserver/pkg/admission/plugin/resourcequota: admission.go, the
evaluation loop of controller.go and resource_access.go).

Validating, for creates and updates of namespaced objects (not the creation of a Namespace):
the request is checked against the namespace's quotas (controller.check_request) and, unless it
is a dry run, the quotas whose usage changed are written back through resourcequotas/status
before the object is stored, so that the next request sees the new usage. A write that loses a
race (409) is retried up to three times against the quota read again. Deletions refund nothing;
upstream leaves that to the quota controller, which kapiserver does not run.

Upstream batches the requests of a namespace and runs them on five workers; here one request
at a time per namespace holds that namespace's lock, which keeps the same guarantee within a
process (the resourceVersion precondition keeps it across replicas). The accessor remembers
the quotas it wrote (the last hundred) and prefers them over older versions from the watch
cache, as upstream's does over its informer.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable

from kapiserver.apimachinery import errors, meta
from kapiserver.apimachinery.types import Object

from ...interfaces import Attributes, Operation
from .controller import changed, check_request, timed_out
from .generic import Evaluator
from .registry import IGNORED_RESOURCES, Registry

PLUGIN_NAME = "ResourceQuota"
# How often a request re-checks quotas whose status write lost a race.
RETRIES = 3
EVALUATION_TIMEOUT_SECONDS = 10.0
_UPDATED_CACHE_SIZE = 100

# The quotas of a namespace: from the watch cache, or (consistent=True) from storage.
QuotaLister = Callable[[str, bool], Awaitable[list[Object]]]
# Writes a quota's status, conditional on its resourceVersion; returns what was stored.
QuotaStatusWriter = Callable[[Object], Awaitable[Object]]


def _rv(obj: Object) -> int:
    try:
        return int(meta.resource_version(obj))
    except ValueError:
        return -1


class QuotaAccessor:
    """upstream quotaAccessor: listed quotas, each replaced by the newer version this process wrote."""

    def __init__(self, list_quotas: QuotaLister, update_status: QuotaStatusWriter):
        self._list = list_quotas
        self._update = update_status
        self._updated: OrderedDict[str, Object] = OrderedDict()

    def _check_cache(self, quota: Object) -> Object:
        key = f"{meta.namespace(quota)}/{meta.name(quota)}"
        cached = self._updated.get(key)
        if cached is None:
            return quota
        if _rv(quota) >= _rv(cached):
            del self._updated[key]
            return quota
        self._updated.move_to_end(key)
        return cached

    async def get_quotas(self, namespace: str, consistent: bool = False) -> list[Object]:
        return [self._check_cache(q) for q in await self._list(namespace, consistent)]

    async def update_quota_status(self, quota: Object) -> None:
        stored = await self._update(quota)
        self._updated[f"{meta.namespace(stored)}/{meta.name(stored)}"] = stored
        self._updated.move_to_end(f"{meta.namespace(stored)}/{meta.name(stored)}")
        while len(self._updated) > _UPDATED_CACHE_SIZE:
            self._updated.popitem(last=False)


class ResourceQuota:
    def __init__(self, list_quotas: QuotaLister, update_status: QuotaStatusWriter):
        self.accessor = QuotaAccessor(list_quotas, update_status)
        self.registry = Registry()
        self._locks: dict[str, tuple[asyncio.Lock, list[int]]] = {}

    def handles(self, operation: Operation) -> bool:
        return operation in (Operation.CREATE, Operation.UPDATE)

    async def validate(self, attrs: Attributes) -> None:
        if not attrs.namespace or (attrs.operation == Operation.CREATE and attrs.kind.group == ""
                                   and attrs.kind.kind == "Namespace"):
            return
        group_resource = (attrs.resource.group, attrs.resource.resource)
        if group_resource in IGNORED_RESOURCES:
            return
        evaluator = self.registry.get(*group_resource)
        if not evaluator.handles(attrs):
            return
        try:
            async with asyncio.timeout(EVALUATION_TIMEOUT_SECONDS):
                if not await self.accessor.get_quotas(attrs.namespace):
                    return  # the common case: no quota, nothing to serialize
                async with self._namespace_lock(attrs.namespace):
                    quotas = await self.accessor.get_quotas(attrs.namespace)
                    if quotas:
                        await self._check_quotas(quotas, attrs, evaluator, RETRIES)
        except TimeoutError:
            raise timed_out() from None

    @contextlib.asynccontextmanager
    async def _namespace_lock(self, namespace: str) -> AsyncIterator[None]:
        """One evaluation at a time per namespace; the lock is dropped when nobody waits on it."""
        lock, users = self._locks.setdefault(namespace, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                yield
        finally:
            users[0] -= 1
            if not users[0]:
                del self._locks[namespace]

    async def _check_quotas(self, quotas: list[Object], attrs: Attributes, evaluator: Evaluator,
                            retries: int) -> None:
        """checkQuotas for one request: check, persist what changed, retry what lost a race."""
        updated = check_request(quotas, attrs, evaluator)
        if attrs.dry_run:
            return
        failed: list[Object] = []
        last_error: errors.StatusError | None = None
        for quota in changed(quotas, updated):
            try:
                await self.accessor.update_quota_status(quota)
            except errors.StatusError as exc:
                failed.append(quota)
                last_error = exc
        if last_error is None:
            return
        if retries <= 0:
            raise last_error
        names = {meta.name(q) for q in failed}
        fresh = await self.accessor.get_quotas(attrs.namespace, consistent=True)
        await self._check_quotas([q for q in fresh if meta.name(q) in names], attrs, evaluator, retries - 1)
