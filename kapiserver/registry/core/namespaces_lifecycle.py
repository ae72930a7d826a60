"""Deleting a namespace (upstream pkg/registry/core/namespace/storage REST.Delete and FinalizeREST).

The first delete only marks the namespace: deletionTimestamp set, phase Terminating, and
the garbage collector's finalizers as the options ask. The namespace goes away once its
spec.finalizers are empty (the namespace controller removes "kubernetes" through the
finalize subresource after deleting the content) and a delete, or that finalize update,
finds nothing left to wait for.
"""

from __future__ import annotations

from kapiserver.apimachinery import errors, meta, timefmt
from kapiserver.apimachinery.schema import GroupResource
from kapiserver.apimachinery.types import Object
from kapiserver.storage import errors as storage_errors
from kapiserver.storage.interface import Preconditions

from .. import storeerr
from ..deletion import FINALIZER_FOREGROUND, FINALIZER_ORPHAN
from ..rest import (
    DeleteOptions,
    RequestContext,
    UpdatedObjectInfo,
    UpdateOptions,
    ValidateObjectFunc,
    ValidateObjectUpdateFunc,
)
from ..store import Store

PHASE_TERMINATING = "Terminating"


def _should_orphan(options: DeleteOptions, has_it: bool) -> bool:
    if options.orphan_dependents is not None:
        return options.orphan_dependents
    if options.propagation_policy is not None:
        return options.propagation_policy == "Orphan"
    return has_it


def _should_delete_dependents(options: DeleteOptions, has_it: bool) -> bool:
    if options.orphan_dependents is not None:
        return not options.orphan_dependents
    if options.propagation_policy is not None:
        return options.propagation_policy == "Foreground"
    return has_it


def _precondition_conflict(name: str, what: str, wanted: str, actual: str) -> errors.StatusError:
    return errors.conflict(GroupResource("", "namespaces"), name,
                           f"Precondition failed: {what} in precondition: {wanted}, {what} in object meta: {actual}")


class NamespaceREST(Store):
    """The generic store, with upstream's two-step namespace deletion."""

    async def delete(self, ctx: RequestContext, name: str, delete_validation: ValidateObjectFunc | None,
                     options: DeleteOptions) -> tuple[Object, bool]:
        key = self.key(ctx, name)
        try:
            current = await self.storage.get(key)
        except storage_errors.StorageError as exc:
            raise storeerr.interpret_delete_error(exc, self.gr, name) from exc
        assert current is not None
        uid = meta.uid(current)
        if options.uid_precondition is not None and options.uid_precondition != uid:
            raise _precondition_conflict(name, "UID", options.uid_precondition, uid)
        rv = meta.resource_version(current)
        if options.resource_version_precondition is not None and options.resource_version_precondition != rv:
            raise _precondition_conflict(name, "ResourceVersion", options.resource_version_precondition, rv)
        if not meta.deletion_timestamp(current):
            return await self._mark_terminating(key, name, options, uid), False
        if (current.get("spec") or {}).get("finalizers"):
            return current, False
        with_uid = DeleteOptions(options.grace_period_seconds, uid, options.resource_version_precondition,
                                 options.orphan_dependents, options.propagation_policy, options.dry_run)
        return await super().delete(ctx, name, delete_validation, with_uid)

    async def _mark_terminating(self, key: str, name: str, options: DeleteOptions, uid: str) -> Object:
        async def terminate(existing: Object | None) -> Object:
            assert existing is not None
            obj = meta.deep_copy(existing)
            metadata = meta.ensure_metadata(obj)
            if not metadata.get("deletionTimestamp"):
                metadata["deletionTimestamp"] = timefmt.now_rfc3339()
            obj.setdefault("status", {})["phase"] = PHASE_TERMINATING
            finalizers = list(metadata.get("finalizers") or [])
            wanted = {FINALIZER_ORPHAN: _should_orphan(options, FINALIZER_ORPHAN in finalizers),
                      FINALIZER_FOREGROUND: _should_delete_dependents(options, FINALIZER_FOREGROUND in finalizers)}
            for finalizer, keep in wanted.items():
                if keep and finalizer not in finalizers:
                    finalizers.append(finalizer)
                elif not keep and finalizer in finalizers:
                    finalizers.remove(finalizer)
            if finalizers:
                metadata["finalizers"] = finalizers
            else:
                metadata.pop("finalizers", None)
            return obj

        preconditions = Preconditions(uid, options.resource_version_precondition)
        try:
            return await self._storage(options.is_dry_run).guaranteed_update(key, preconditions, terminate)
        except storage_errors.StorageError as exc:
            raise storeerr.interpret_update_error(exc, self.gr, name) from exc


class FinalizeREST:
    """namespaces/finalize: update only."""

    def __init__(self, store: Store):
        self._store = store
        self.strategy = store.strategy

    async def update(self, ctx: RequestContext, name: str, obj_info: UpdatedObjectInfo,
                     create_validation: ValidateObjectFunc | None, update_validation: ValidateObjectUpdateFunc | None,
                     force_allow_create: bool, options: UpdateOptions) -> tuple[Object, bool]:
        return await self._store.update(ctx, name, obj_info, create_validation, update_validation, False, options)
