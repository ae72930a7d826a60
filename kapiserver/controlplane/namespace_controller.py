"""Finishing namespace deletion (what kube-controller-manager's namespace controller does).

kube-apiserver alone leaves a deleted namespace Terminating forever; a cluster's controller
manager then deletes everything in it and removes the "kubernetes" finalizer. kapiserver has
no controller manager, and `kubectl delete namespace` waits for the namespace to go, so the
server finishes the job itself, with the controller's status conditions and messages:
content is deleted resource by resource (objects with finalizers are waited for), then the
finalizer is removed through namespaces/finalize, which deletes the namespace.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from typing import Any

from kapiserver.apimachinery import errors, meta, timefmt
from kapiserver.apimachinery.types import Object
from kapiserver.apimachinery.user import SYSTEM_PRIVILEGED_GROUP, UserInfo
from kapiserver.endpoints.discovery import DiscoveryRegistry
from kapiserver.registry import rest
from kapiserver.registry.core.namespaces import NAMESPACES
from kapiserver.registry.core.namespaces_lifecycle import PHASE_TERMINATING, NamespaceREST
from kapiserver.registry.rest import DeleteOptions, GetOptions, ListOptions, RequestContext, UpdateOptions
from kapiserver.storage.interface import Storage

log = logging.getLogger(__name__)

FINALIZER = "kubernetes"
_RETRY_SECONDS = 2.0
_CONTROLLER_USER = UserInfo("system:serviceaccount:kube-system:namespace-controller",
                            groups=(SYSTEM_PRIVILEGED_GROUP, "system:serviceaccounts"))


class _Replace:
    """UpdatedObjectInfo for a prepared object (the controller owns its copy)."""

    def __init__(self, obj: Object):
        self._obj = obj

    def preconditions(self) -> tuple[str | None, str | None]:
        return meta.uid(self._obj) or None, None

    async def updated_object(self, ctx: RequestContext, old: Object | None) -> Object:
        return meta.deep_copy(self._obj)


def _condition(kind: str, status: str, reason: str, message: str) -> Object:
    return {"type": kind, "status": status, "lastTransitionTime": timefmt.now_rfc3339(), "reason": reason,
            "message": message}


class NamespaceController:
    def __init__(self, storage: Storage, discovery: DiscoveryRegistry):
        self._namespaces = NamespaceREST(NAMESPACES, storage)
        self._discovery = discovery
        self._task: asyncio.Task[None] | None = None
        self._busy: set[str] = set()
        self._ctx = RequestContext(user=_CONTROLLER_USER)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="namespace-controller")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        async with asyncio.TaskGroup() as workers:
            while True:
                try:
                    async for event in self._namespaces.watch(self._ctx, ListOptions(watch=True)):
                        name = meta.name(event.object)
                        if event.type in ("ADDED", "MODIFIED") and self._terminating(event.object) \
                                and name not in self._busy:
                            self._busy.add(name)
                            workers.create_task(self._finish(name))
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("namespace controller watch failed")
                await asyncio.sleep(_RETRY_SECONDS)

    @staticmethod
    def _terminating(namespace: Object) -> bool:
        return bool(meta.deletion_timestamp(namespace)) and FINALIZER in ((namespace.get("spec") or {})
                                                                          .get("finalizers") or [])

    async def _finish(self, name: str) -> None:
        try:
            while True:
                try:
                    if await self._sweep(name):
                        return
                except errors.StatusError as err:
                    if err.reason == "NotFound":
                        return
                    log.warning("namespace %s: %s", name, err.message)
                await asyncio.sleep(_RETRY_SECONDS)
        finally:
            self._busy.discard(name)

    def _namespaced_resources(self) -> list[tuple[str, Any]]:
        """(qualified resource name, REST) for every namespaced resource, once per group resource."""
        seen: set[tuple[str, str]] = set()
        found = []
        for group_version in self._discovery.installed_versions():
            for path, installed in group_version.resources.items():
                spec = installed.entry.spec
                key = (spec.group, spec.plural)
                if "/" in path or not spec.namespaced or key in seen:
                    continue
                seen.add(key)
                qualified = f"{spec.plural}.{spec.group}" if spec.group else spec.plural
                found.append((qualified, installed.entry.rest))
        return found

    async def _sweep(self, name: str) -> bool:
        """Delete what is left; True once the namespace is finalized (or gone)."""
        namespace = await self._namespaces.get(self._ctx, name, GetOptions())
        if not self._terminating(namespace):
            return True
        ctx = RequestContext(namespace=name, user=_CONTROLLER_USER)
        remaining: Counter[str] = Counter()
        finalizers: Counter[str] = Counter()
        for qualified, rest_obj in self._namespaced_resources():
            if isinstance(rest_obj, rest.CollectionDeleter):
                with contextlib.suppress(errors.StatusError):
                    await rest_obj.delete_collection(ctx, None, DeleteOptions(), ListOptions())
            if isinstance(rest_obj, rest.Lister):
                with contextlib.suppress(errors.StatusError):
                    listed = await rest_obj.list(ctx, ListOptions())
                    for item in listed.get("items") or []:
                        remaining[qualified] += 1
                        for finalizer in meta.finalizers(item):
                            finalizers[finalizer] += 1
        await self._set_conditions(namespace, remaining, finalizers)
        if remaining:
            return False
        await self._finalize(name)
        return True

    async def _set_conditions(self, namespace: Object, remaining: Counter[str], finalizers: Counter[str]) -> None:
        conditions = [
            _condition("NamespaceDeletionDiscoveryFailure", "False", "ResourcesDiscovered",
                       "All resources successfully discovered"),
            _condition("NamespaceDeletionGroupVersionParsingFailure", "False", "ParsedGroupVersions",
                       "All legacy kube types successfully parsed"),
            _condition("NamespaceDeletionContentFailure", "False", "ContentDeleted",
                       "All content successfully deleted, may be waiting on finalization"),
        ]
        if remaining:
            listing = ", ".join(f"{res} has {count} resource instances" for res, count in sorted(remaining.items()))
            conditions.append(_condition("NamespaceContentRemaining", "True", "SomeResourcesRemain",
                                         f"Some resources are remaining: {listing}"))
        else:
            conditions.append(_condition("NamespaceContentRemaining", "False", "ContentRemoved",
                                         "All content successfully removed"))
        if finalizers:
            listing = ", ".join(f"{fin} in {count} resource instances" for fin, count in sorted(finalizers.items()))
            conditions.append(_condition("NamespaceFinalizersRemaining", "True", "SomeFinalizersRemain",
                                         f"Some content in the namespace has finalizers remaining: {listing}"))
        else:
            conditions.append(_condition("NamespaceFinalizersRemaining", "False", "ContentHasNoFinalizers",
                                         "All content-preserving finalizers finished"))
        old = {c.get("type"): c for c in (namespace.get("status") or {}).get("conditions") or []}
        if all(old.get(c["type"], {}).get("status") == c["status"] and old.get(c["type"], {}).get("message")
               == c["message"] for c in conditions):
            return
        for condition in conditions:
            previous = old.get(condition["type"])
            if previous is not None and previous.get("status") == condition["status"]:
                condition["lastTransitionTime"] = previous.get("lastTransitionTime", condition["lastTransitionTime"])
        updated = meta.deep_copy(namespace)
        updated["status"] = {"phase": PHASE_TERMINATING, "conditions": conditions}
        status_rest = self._status_rest()
        with contextlib.suppress(errors.StatusError):
            await status_rest.update(self._ctx, meta.name(namespace), _Replace(updated), None, None, False,
                                     UpdateOptions())

    def _status_rest(self) -> Any:
        return next(s.make(self._namespaces) for s in NAMESPACES.subresources if s.name == "status")

    async def _finalize(self, name: str) -> None:
        namespace = await self._namespaces.get(self._ctx, name, GetOptions())
        updated = meta.deep_copy(namespace)
        spec = updated.setdefault("spec", {})
        spec["finalizers"] = [f for f in spec.get("finalizers") or [] if f != FINALIZER]
        if not spec["finalizers"]:
            del spec["finalizers"]
        finalize = next(s.make(self._namespaces) for s in NAMESPACES.subresources if s.name == "finalize")
        await finalize.update(self._ctx, name, _Replace(updated), None, None, False, UpdateOptions())

