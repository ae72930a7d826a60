"""Deleting a CRD's custom resources before the CRD (upstream controller/finalizer/crd_finalizer.go).

A deleted CRD keeps the `customresourcecleanup.apiextensions.k8s.io` finalizer until its
custom resources are gone: Terminating becomes "InstanceDeletionInProgress", every
namespace's resources are deleted as a collection (their own finalizers are honoured: the
controller then waits, polling every 5 seconds for up to a minute, and tries again later),
then the condition says how it went and the finalizer is removed, which deletes the CRD.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from kapiserver.apimachinery import errors, meta
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import DeleteOptions, ListOptions, RequestContext

from .. import helpers
from .informer import CRDInformer
from .status import update_status
from .workqueue import WorkQueue

POLL_INTERVAL = 5.0
POLL_TIMEOUT = 60.0
WORKERS = 5

# crd -> the Store of its custom resources at the storage version (raises when there is none)
StoreFor = Callable[[Object], Any]


class InstanceDeletionError(Exception):
    pass


def _terminating(state: str, reason: str, message: str) -> dict[str, Any]:
    return helpers.condition(helpers.TERMINATING, state, reason, message)


class FinalizerController:
    def __init__(self, informer: CRDInformer, status_rest: Any, ctx: RequestContext, store_for: StoreFor):
        self._informer = informer
        self._status = status_rest
        self._ctx = ctx
        self._store_for = store_for
        self.queue = WorkQueue("crd-finalizer", self.sync)
        informer.handlers.append(self)

    def on_add(self, crd: Object) -> None:
        if meta.deletion_timestamp(crd) and helpers.CLEANUP_FINALIZER in meta.finalizers(crd):
            self.queue.add(meta.name(crd))

    def on_update(self, old: Object, new: Object) -> None:
        self.on_add(new)

    def on_delete(self, crd: Object) -> None:
        pass

    async def sync(self, name: str) -> None:
        cached = self._informer.get(name)
        if cached is None or not meta.deletion_timestamp(cached) or helpers.CLEANUP_FINALIZER not in \
                meta.finalizers(cached):
            return
        crd = meta.deep_copy(cached)
        helpers.set_condition(crd, _terminating("True", "InstanceDeletionInProgress",
                                                "CustomResource deletion is in progress"))
        updated = await update_status(self._status, self._ctx, crd)
        if updated is None:
            return
        crd = meta.deep_copy(updated)
        if helpers.is_condition_true(crd, helpers.ESTABLISHED):
            condition, failure = await self.delete_instances(crd)
            helpers.set_condition(crd, condition)
            if failure is not None:
                await update_status(self._status, self._ctx, crd)
                raise failure
        else:
            helpers.set_condition(crd, _terminating("False", "NeverEstablished", "resource was never established"))
        helpers.remove_finalizer(crd, helpers.CLEANUP_FINALIZER)
        await update_status(self._status, self._ctx, crd)

    def _ctx_for(self, namespace: str) -> RequestContext:
        return RequestContext(namespace=namespace, user=self._ctx.user)

    async def delete_instances(self, crd: Object) -> tuple[dict[str, Any], Exception | None]:
        names = helpers.accepted_names(crd)
        try:
            store = self._store_for(crd)
        except Exception as exc:  # noqa: BLE001 - any reason the serving info cannot be built
            message = (f"could not list instances: unable to find a custom resource client for "
                       f"{names.get('plural', '')}.{helpers.group(crd)}: {exc}")
            return _terminating("True", "InstanceDeletionFailed", message), InstanceDeletionError(message)
        try:
            listed = await store.list(self._ctx_for(""), ListOptions())
        except errors.StatusError as exc:
            message = f"could not list instances: {exc.message}"
            return _terminating("True", "InstanceDeletionFailed", message), InstanceDeletionError(message)
        failures: list[str] = []
        for namespace in dict.fromkeys(meta.namespace(item) for item in listed.get("items") or []):
            try:
                await store.delete_collection(self._ctx_for(namespace), None, DeleteOptions(), ListOptions())
            except errors.StatusError as exc:
                failures.append(exc.message)
        if failures:
            text = failures[0] if len(failures) == 1 else "[" + ", ".join(failures) + "]"
            message = f"could not issue all deletes: {text}"
            return _terminating("True", "InstanceDeletionFailed", message), InstanceDeletionError(message)
        deadline = time.monotonic() + POLL_TIMEOUT
        while True:
            remaining = await store.list(self._ctx_for(""), ListOptions())
            if not remaining.get("items"):
                return _terminating("False", "InstanceDeletionCompleted", "removed all instances"), None
            if time.monotonic() + POLL_INTERVAL > deadline:
                message = "could not confirm zero CustomResources remaining: context deadline exceeded"
                return _terminating("True", "InstanceDeletionCheck", message), InstanceDeletionError(message)
            await asyncio.sleep(POLL_INTERVAL)
