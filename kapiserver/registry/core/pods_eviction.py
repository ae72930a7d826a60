"""pods/eviction: delete a pod the way `kubectl drain` asks to (upstream pod/storage EvictionREST).

The Eviction names the pod and may carry DeleteOptions. Its dry-run must agree with the
request's. The pod first gets a DisruptionTarget condition (through the status strategy),
then is deleted with the Eviction's options. A pod that is pending, finished or already
being deleted is evicted whatever its disruption budgets say, with its current
resourceVersion as a precondition unless the caller gave one; conflicts are retried as
upstream retries them.

Otherwise the pod's PodDisruptionBudgets decide (eviction_budgets): none lets it go; more
than one is a 500; an unready pod goes without spending a disruption when its budget is
already met (or says AlwaysAllow), with the pod's resourceVersion as a precondition; else
one disruption is spent (status.disruptionsAllowed - 1 and a disruptedPods entry, retried
on conflicts) or the eviction is refused with 429 TooManyRequests.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from kapiserver.apimachinery import errors, field, meta, timefmt
from kapiserver.apimachinery.schema import GroupKind, GroupResource
from kapiserver.apimachinery.types import Object

from ..rest import (
    DRY_RUN_ALL,
    CreateOptions,
    DeleteOptions,
    GetOptions,
    RequestContext,
    UpdateOptions,
    ValidateObjectFunc,
)
from . import eviction_budgets
from .pods_binding import SUCCESS
from .podspec import helpers
from .podspec.access import as_dict, as_str

if TYPE_CHECKING:
    from ..store import Store

EVICTION_KIND = GroupKind("policy", "Eviction")
_POD_GR = GroupResource("", "Pod")
_RETRY_STEPS = 20
_RETRY_SECONDS = 0.5


def _go_list(values: list[str] | tuple[str, ...]) -> str:
    return "[" + " ".join(values) + "]"


def delete_options_from(body: Object | None, dry_run: tuple[str, ...]) -> DeleteOptions:
    """The Eviction's DeleteOptions with the request's dry-run folded in (upstream propagateDryRun)."""
    if body is None:
        return DeleteOptions(dry_run=dry_run)
    own = tuple(str(v) for v in body.get("dryRun") or [])
    if own and dry_run and own != dry_run:
        raise errors.from_status({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                                  "message": "Non-matching dry-run options in request and content: "
                                             f"{_go_list(dry_run)} and {_go_list(own)}", "code": 500})
    preconditions = as_dict(body.get("preconditions"))
    return DeleteOptions(
        grace_period_seconds=body.get("gracePeriodSeconds"),
        uid_precondition=preconditions.get("uid"),
        resource_version_precondition=preconditions.get("resourceVersion"),
        orphan_dependents=body.get("orphanDependents"),
        propagation_policy=body.get("propagationPolicy"),
        dry_run=own or dry_run,
        ignore_store_read_error_with_cluster_breaking_potential=body.get(
            "ignoreStoreReadErrorWithClusterBreakingPotential"),
    )


def can_ignore_pdb(pod: Object) -> bool:
    phase = as_dict(pod.get("status")).get("phase")
    return phase in ("Succeeded", "Failed", "Pending") or bool(meta.deletion_timestamp(pod))


def should_enforce_resource_version(pod: Object) -> bool:
    phase = as_dict(pod.get("status")).get("phase")
    return phase not in ("Succeeded", "Failed") and not meta.deletion_timestamp(pod)


def _with_resource_version(options: DeleteOptions, rv: str) -> DeleteOptions:
    return DeleteOptions(options.grace_period_seconds, options.uid_precondition, rv, options.orphan_dependents,
                         options.propagation_policy, options.dry_run,
                         options.ignore_store_read_error_with_cluster_breaking_potential)


class _DisruptionTarget:
    """The update that adds the DisruptionTarget condition to the latest pod."""

    def __init__(self, options: DeleteOptions):
        self._options = options

    def preconditions(self) -> tuple[str | None, str | None]:
        return None, None

    async def updated_object(self, ctx: RequestContext, old: Object | None) -> Object:
        assert old is not None
        pod: Object = meta.deep_copy(old)
        name, uid, rv = meta.name(pod), meta.uid(pod), meta.resource_version(pod)
        wanted_uid, wanted_rv = self._options.uid_precondition, self._options.resource_version_precondition
        if wanted_uid and wanted_uid != uid:
            raise errors.conflict(_POD_GR, name, f"the UID in the precondition ({wanted_uid}) does not match the UID "
                                                 f"in record ({uid}). The object might have been deleted and then "
                                                 "recreated")
        if wanted_rv and wanted_rv != rv:
            raise errors.conflict(_POD_GR, name, f"the ResourceVersion in the precondition ({wanted_rv}) does not "
                                                 f"match the ResourceVersion in record ({rv}). The object might have "
                                                 "been modified")
        helpers.update_pod_condition(pod.setdefault("status", {}), {
            "type": "DisruptionTarget", "status": "True", "reason": "EvictionByEvictionAPI",
            "message": "Eviction API: evicting"}, timefmt.now_rfc3339())
        return pod


class EvictionREST:
    def __init__(self, store: Store, status_store: Store, budgets: eviction_budgets.Budgets | None = None):
        self._store = store
        self._status_store = status_store
        self._budgets = budgets

    def set_budgets(self, budgets: eviction_budgets.Budgets) -> None:
        """Wired by the core provider once the policy group's storage exists."""
        self._budgets = budgets

    async def create(self, ctx: RequestContext, obj: Object, create_validation: ValidateObjectFunc | None,
                     options: CreateOptions) -> Object:
        name = as_str(as_dict(obj.get("metadata")).get("name"))
        if ctx.name != name:
            raise errors.bad_request("name in URL does not match name in Eviction object")
        body = obj.get("deleteOptions") if isinstance(obj.get("deleteOptions"), dict) else None
        if body is not None and body.get("ignoreStoreReadErrorWithClusterBreakingPotential") is True:
            raise errors.invalid(EVICTION_KIND, name, [field.invalid(
                field.new_path("deleteOptions", "ignoreStoreReadErrorWithClusterBreakingPotential"), True,
                "can not be set for pod eviction, try after removing the option")])
        delete_options = delete_options_from(body, options.dry_run)
        original_rv = delete_options.resource_version_precondition
        if create_validation is not None:
            await create_validation(ctx, meta.deep_copy(obj))
        pod = await self._evict_if_budget_ignorable(ctx, name, delete_options)
        if pod is None:
            return dict(SUCCESS)
        budget_name, delete_options = await self._check_budgets(pod, delete_options)
        try:
            await self._add_condition_and_delete(ctx, name, delete_options)
        except errors.StatusError as exc:
            if exc.reason == "Conflict" and budget_name and original_rv is None:
                raise eviction_budgets.still_processing(budget_name) from None
            raise
        return dict(SUCCESS)

    async def _evict_if_budget_ignorable(self, ctx: RequestContext, name: str,
                                         options: DeleteOptions) -> Object | None:
        """The pod when its budgets must be checked; None once it has been deleted."""
        retry = options.resource_version_precondition is None
        for attempt in range(_RETRY_STEPS):
            pod = await self._store.get(ctx, name, GetOptions())
            if not can_ignore_pdb(pod):
                return pod
            effective = options
            if should_enforce_resource_version(pod) and options.resource_version_precondition is None:
                effective = _with_resource_version(options, meta.resource_version(pod))
            try:
                await self._add_condition_and_delete(ctx, name, effective)
                return None
            except errors.StatusError as exc:
                if not retry or exc.reason != "Conflict" or attempt == _RETRY_STEPS - 1:
                    raise
            await asyncio.sleep(_RETRY_SECONDS)
        raise AssertionError("unreachable")

    async def _check_budgets(self, pod: Object, options: DeleteOptions) -> tuple[str, DeleteOptions]:
        """Spend a disruption of the pod's budget, or refuse. Returns the budget's name when the
        delete must carry the pod's resourceVersion (an unready pod let through), and the options."""
        if self._budgets is None:
            return "", options
        pdbs = await self._budgets.matching(pod)
        if len(pdbs) > 1:
            raise eviction_budgets.more_than_one_budget()
        if not pdbs:
            return "", options
        pdb = pdbs[0]
        spec, status = as_dict(pdb.get("spec")), as_dict(pdb.get("status"))
        if not helpers.is_pod_ready(pod):
            current, desired = status.get("currentHealthy") or 0, status.get("desiredHealthy") or 0
            if spec.get("unhealthyPodEvictionPolicy") == "AlwaysAllow" or (current >= desired > 0):
                return meta.name(pdb), _with_resource_version(options, meta.resource_version(pod))
        await self._spend_disruption(pod, pdb, DRY_RUN_ALL in options.dry_run)
        return "", options

    async def _spend_disruption(self, pod: Object, pdb: Object, dry_run: bool) -> None:
        """checkAndDecrement, retried on conflicts with a fresh budget (upstream RetryOnConflict)."""
        assert self._budgets is not None
        name = meta.name(pdb)
        last: errors.StatusError | None = None
        for attempt in range(_RETRY_STEPS):
            if attempt:
                await asyncio.sleep(_RETRY_SECONDS)
                pdb = await self._budgets.get(meta.namespace(pod), name)
            updated = eviction_budgets.check_and_decrement(pdb, meta.name(pod), dry_run, eviction_budgets.now())
            if dry_run:
                return
            try:
                await self._budgets.update_status(updated)
                return
            except errors.StatusError as exc:
                if exc.reason != "Conflict":
                    raise
                last = exc
        # retry.OnError hands back the last conflict once its steps are spent
        assert last is not None
        raise last

    async def _add_condition_and_delete(self, ctx: RequestContext, name: str, options: DeleteOptions) -> None:
        if DRY_RUN_ALL not in options.dry_run:
            updated, _ = await self._status_store.update(ctx, name, _DisruptionTarget(options), None, None, False,
                                                         UpdateOptions())
            if options.resource_version_precondition is not None:
                options = _with_resource_version(options, meta.resource_version(updated))
        await self._store.delete(ctx, name, None, options)
