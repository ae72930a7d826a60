"""ClusterRole aggregation (upstream pkg/controller/clusterroleaggregation, run by
kube-controller-manager).

An aggregated ClusterRole (admin, edit, view, or any role with `aggregationRule`) holds the
union of the rules of every ClusterRole its selectors pick, in name order, without
duplicates. kube-apiserver stores these roles without rules and relies on the controller;
kapiserver runs no controller manager, so `AggregationController` runs the same sync loop
in-process, so that `kubectl get clusterrole admin -o yaml` shows what a cluster shows.
"""

from __future__ import annotations

import asyncio
import logging

from kapiserver.apimachinery import errors, labels, meta, tasks
from kapiserver.apimachinery.types import Object
from kapiserver.registry.loopback import Client
from kapiserver.registry.rest import ListOptions

from .reconcile import _semantic_equal

log = logging.getLogger(__name__)


def aggregated_rules(role: Object, all_roles: list[Object]) -> list[Object] | None:
    """The rules `role` should hold, or None when it is not aggregated."""
    rule = role.get("aggregationRule")
    if rule is None:
        return None
    rules: list[Object] = []
    by_name = sorted(all_roles, key=meta.name)
    for selector_obj in (rule or {}).get("clusterRoleSelectors") or []:
        try:
            selector = labels.selector_from_label_selector(selector_obj)
        except labels.SelectorError:
            return None
        for other in by_name:
            if meta.name(other) == meta.name(role):
                continue
            if not selector.matches(other.get("metadata", {}).get("labels") or {}):
                continue
            for candidate in other.get("rules") or []:
                if not any(_semantic_equal(candidate, have) for have in rules):
                    rules.append(candidate)
    return rules


async def sync_all(client: Client) -> int:
    """Bring every aggregated role up to date; returns how many were written."""
    roles = await client.list()
    written = 0
    for role in roles:
        wanted = aggregated_rules(role, roles)
        if wanted is None or _semantic_equal(wanted, role.get("rules") or []):
            continue
        updated = meta.deep_copy(role)
        updated["rules"] = wanted
        try:
            await client.update(updated)
            written += 1
        except errors.StatusError as err:
            if err.reason not in ("Conflict", "NotFound"):
                raise
    return written


class AggregationController:
    """Re-syncs aggregated roles whenever any ClusterRole changes (a watch, as upstream's informer)."""

    def __init__(self, client: Client):
        self.client = client
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._sync_until_stable()
        self._task = asyncio.create_task(self._run(), name="clusterrole-aggregation")

    async def stop(self) -> None:
        await tasks.cancel([self._task])
        self._task = None

    async def _sync_until_stable(self) -> None:
        # A role can aggregate an aggregated role (admin <- edit <- view): repeat until quiet.
        for _ in range(5):
            if not await sync_all(self.client):
                return

    async def _run(self) -> None:
        while True:
            try:
                listed = await self.client.store.list(self.client._ctx(), ListOptions(limit=1))
                rv = listed["metadata"]["resourceVersion"]
                events = self.client.store.watch(self.client._ctx(), ListOptions(resource_version=rv, watch=True))
                async for _ in events:
                    await self._sync_until_stable()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.debug("clusterrole aggregation watch ended; restarting", exc_info=True)
                await asyncio.sleep(1)
