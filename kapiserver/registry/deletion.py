"""Graceful deletion and garbage-collection finalizers (upstream rest.BeforeDelete and the
finalizer helpers of registry/generic/registry/store.go), as pure functions over dicts.
"""

from __future__ import annotations

import datetime as _dt

from kapiserver.apimachinery import errors, timefmt
from kapiserver.apimachinery.schema import GroupResource
from kapiserver.apimachinery.types import Object

from .rest import DeleteOptions, RequestContext
from .strategy import Strategy

FINALIZER_ORPHAN = "orphan"
FINALIZER_FOREGROUND = "foregroundDeletion"


class GracefulDecision:
    """What BeforeDelete decided: delete gracefully (update first), already pending, or at once."""

    __slots__ = ("grace_period", "graceful", "pending")

    def __init__(self, graceful: bool = False, pending: bool = False, grace_period: int | None = None):
        self.graceful = graceful
        self.pending = pending
        self.grace_period = grace_period


def check_preconditions(gr: GroupResource, obj: Object, options: DeleteOptions) -> None:
    """Fail early with upstream's messages when the delete preconditions do not hold.

    Upstream names the Kind here, in the resource's place: pass GroupResource(group, Kind)."""
    meta = obj.get("metadata", {})
    name = meta.get("name", "")
    uid = meta.get("uid", "")
    if options.uid_precondition is not None and options.uid_precondition != uid:
        raise errors.conflict(gr, name, f"the UID in the precondition ({options.uid_precondition}) does not match "
                              f"the UID in record ({uid}). The object might have been deleted and then recreated")
    rv = meta.get("resourceVersion", "")
    if options.resource_version_precondition is not None and options.resource_version_precondition != rv:
        raise errors.conflict(gr, name, f"the ResourceVersion in the precondition "
                              f"({options.resource_version_precondition}) does not match the ResourceVersion in "
                              f"record ({rv}). The object might have been modified")


def before_delete(strategy: Strategy, ctx: RequestContext, obj: Object, options: DeleteOptions) -> GracefulDecision:
    """Decide graceful deletion; may set deletionTimestamp/deletionGracePeriodSeconds on obj (a private copy)."""
    meta = obj.setdefault("metadata", {})
    requested = options.grace_period_seconds
    if requested is not None and requested < 0:
        requested = 1
    current_grace = meta.get("deletionGracePeriodSeconds")
    if current_grace is not None and current_grace < 0:
        meta["deletionGracePeriodSeconds"] = current_grace = 1
    if not strategy.supports_graceful_delete:
        return GracefulDecision()
    probe = DeleteOptions(grace_period_seconds=requested)
    if meta.get("deletionTimestamp"):
        if not current_grace:
            return GracefulDecision()
        if requested is None:
            return GracefulDecision(pending=True, grace_period=current_grace)
        if requested >= current_grace:
            return GracefulDecision(pending=True, grace_period=current_grace)
        deadline = timefmt.parse_time(meta["deletionTimestamp"]) - _dt.timedelta(seconds=current_grace)
        deadline += _dt.timedelta(seconds=requested)
        now = timefmt.now().replace(microsecond=0)
        period = requested
        if deadline < now:
            deadline = now
            if period != 0:
                period = 1
        meta["deletionTimestamp"] = timefmt.format_time(deadline)
        meta["deletionGracePeriodSeconds"] = period
        return GracefulDecision(graceful=True, grace_period=period)
    grace = strategy.check_graceful_delete(ctx, obj, probe)
    if grace is None:
        return GracefulDecision()
    meta["deletionTimestamp"] = timefmt.format_time(timefmt.now() + _dt.timedelta(seconds=grace))
    meta["deletionGracePeriodSeconds"] = grace
    if int(meta.get("generation") or 0) > 0:
        meta["generation"] = int(meta["generation"]) + 1
    return GracefulDecision(graceful=True, grace_period=grace)


def _should_orphan(strategy: Strategy, finalizers: list[str], options: DeleteOptions) -> bool:
    policy = strategy.default_garbage_collection_policy
    if policy == "Unsupported":
        return False
    if options.orphan_dependents is not None:
        return options.orphan_dependents
    if options.propagation_policy == "Orphan":
        return True
    if options.propagation_policy in ("Background", "Foreground"):
        return False
    for name in finalizers:
        if name == FINALIZER_ORPHAN:
            return True
        if name == FINALIZER_FOREGROUND:
            return False
    return policy == "OrphanDependents"


def _should_delete_dependents(strategy: Strategy, finalizers: list[str], options: DeleteOptions) -> bool:
    if strategy.default_garbage_collection_policy == "Unsupported":
        return False
    if options.orphan_dependents is not None:
        return False
    if options.propagation_policy == "Foreground":
        return True
    if options.propagation_policy in ("Background", "Orphan"):
        return False
    for name in finalizers:
        if name == FINALIZER_FOREGROUND:
            return True
        if name == FINALIZER_ORPHAN:
            return False
    return False


def finalizers_for_garbage_collection(strategy: Strategy, obj: Object, options: DeleteOptions) -> tuple[bool, list[str]]:
    """(whether they change, the finalizers the object should carry while it is deleted)."""
    current = list(obj.get("metadata", {}).get("finalizers") or [])
    wanted = [f for f in current if f not in (FINALIZER_ORPHAN, FINALIZER_FOREGROUND)]
    if _should_orphan(strategy, current, options):
        wanted.append(FINALIZER_ORPHAN)
    if _should_delete_dependents(strategy, current, options):
        wanted.append(FINALIZER_FOREGROUND)
    if set(wanted) == set(current):
        return False, current
    return True, wanted


def mark_as_deleting(obj: Object) -> None:
    """Set deletionTimestamp (now, unless already earlier) and a zero grace period."""
    meta = obj.setdefault("metadata", {})
    now = timefmt.now()
    if not meta.get("deletionTimestamp") and int(meta.get("generation") or 0) > 0:
        meta["generation"] = int(meta["generation"]) + 1
    existing = meta.get("deletionTimestamp")
    if not existing or timefmt.parse_time(existing) > now:
        meta["deletionTimestamp"] = timefmt.format_time(now)
    meta["deletionGracePeriodSeconds"] = 0


def should_delete_during_update(obj: Object, old: Object) -> bool:
    """An update that removes the last finalizer of an object being deleted deletes it."""
    if obj.get("metadata", {}).get("finalizers"):
        return False
    old_meta = old.get("metadata", {})
    if not old_meta.get("deletionTimestamp"):
        return False
    return not old_meta.get("deletionGracePeriodSeconds")
