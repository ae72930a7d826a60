"""The delete verb of the generic store (upstream Store.Delete and updateForGracefulDeletionAndFinalizers).

A delete either removes the object at once, or first updates it: to record a graceful
deletion (deletionTimestamp in the future), or to mark it as deleting while finalizers
(including the garbage collector's `orphan` / `foregroundDeletion`) are pending.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kapiserver.apimachinery import errors, meta
from kapiserver.apimachinery.schema import GroupResource
from kapiserver.apimachinery.types import Object
from kapiserver.storage import errors as storage_errors
from kapiserver.storage.interface import Preconditions

from . import deletion, storeerr
from .rest import DeleteOptions, RequestContext, ValidateObjectFunc

if TYPE_CHECKING:
    from .store import Store


class _AlreadyDeleting(Exception):
    pass


class _DeleteNow(Exception):
    pass


async def delete_object(store: Store, ctx: RequestContext, name: str,
                        delete_validation: ValidateObjectFunc | None, options: DeleteOptions) -> tuple[Object, bool]:
    """Returns (what to answer, whether the object is gone)."""
    key = store.key(ctx, name)
    try:
        stored = await store.storage.get(key)
    except storage_errors.StorageError as exc:
        raise storeerr.interpret_delete_error(exc, store.gr, name) from exc
    assert stored is not None
    preconditions = Preconditions(options.uid_precondition, options.resource_version_precondition)
    deletion.check_preconditions(GroupResource(store.gr.group, store.spec.kind), stored, options)
    probe = meta.deep_copy(stored)
    decision = deletion.before_delete(store.strategy, ctx, probe, options)
    if decision.pending:
        return store.deleted_status(stored), False
    pending_finalizers = bool(meta.finalizers(stored))
    finalizers_change, _ = deletion.finalizers_for_garbage_collection(store.strategy, stored, options)
    storage = store._storage(options.is_dry_run)
    last_existing: Object | None = None
    if decision.graceful or pending_finalizers or finalizers_change:
        outcome = await _update_for_graceful_deletion(store, ctx, key, name, options, preconditions,
                                                      delete_validation)
        if outcome is not None:
            out, gone = outcome
            if not gone:
                # Waiting for finalizers or a grace period: upstream answers the updated object
                # itself, whatever the kind (only an already pending deletion answers a Status).
                return out, False
            last_existing = out
            if options.resource_version_precondition is not None:
                preconditions = Preconditions(preconditions.uid, meta.resource_version(out))
        if options.is_dry_run and last_existing is not None:
            # Upstream answers the (unstored) updated object here, not the usual Status.
            return last_existing, True

    async def validate(obj: Object) -> None:
        if delete_validation is not None:
            await delete_validation(ctx, obj)

    try:
        out = await storage.delete(key, preconditions, validate)
    except storage_errors.StorageError as exc:
        if exc.code == storage_errors.KEY_NOT_FOUND and last_existing is not None:
            await store.after_delete(ctx, last_existing, options)
            return store.deleted_status(last_existing), True
        raise storeerr.interpret_delete_error(exc, store.gr, name) from exc
    await store.after_delete(ctx, out, options)
    return store.deleted_status(out), True


async def _update_for_graceful_deletion(
    store: Store, ctx: RequestContext, key: str, name: str, options: DeleteOptions,
    preconditions: Preconditions, delete_validation: ValidateObjectFunc | None,
) -> tuple[Object, bool] | None:
    """Record the deletion on the object. Returns (what to answer, deleted-now?), or None to delete at once.

    The answer is the updated object while the deletion waits, or a Status (for kinds that do
    not return the deleted object) when another request had already made it pending."""
    graceful_period = 0
    pending_finalizers = False

    async def try_update(existing: Object | None) -> Object:
        nonlocal graceful_period, pending_finalizers
        assert existing is not None
        if delete_validation is not None:
            await delete_validation(ctx, existing)
        obj = meta.deep_copy(existing)
        decision = deletion.before_delete(store.strategy, ctx, obj, options)
        if decision.pending:
            raise _AlreadyDeleting()
        changed, finalizers = deletion.finalizers_for_garbage_collection(store.strategy, obj, options)
        if changed:
            meta.ensure_metadata(obj)["finalizers"] = finalizers
        pending_finalizers = bool(meta.finalizers(obj))
        if not decision.graceful:
            if pending_finalizers:
                deletion.mark_as_deleting(obj)
                return obj
            raise _DeleteNow()
        graceful_period = decision.grace_period or 0
        return obj

    try:
        out = await store._storage(options.is_dry_run).guaranteed_update(key, preconditions, try_update)
    except _DeleteNow:
        return None
    except _AlreadyDeleting:
        current = await store.storage.get(key, ignore_not_found=True)
        if current is None:
            raise errors.not_found(store.gr, name) from None
        return store.deleted_status(current), False
    except storage_errors.StorageError as exc:
        raise storeerr.interpret_update_error(exc, store.gr, name) from exc
    if pending_finalizers or graceful_period > 0:
        return out, False
    return out, True
