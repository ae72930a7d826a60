"""Local APIServices for what this process serves (upstream autoregister controller,
apiServicesToRegister and the crdRegistrationController).

The built-in group versions served when the aggregator is built get an APIService synced
once at start (label kube-aggregator.kubernetes.io/automanaged=onstart) with the priorities
of priorities.py; a group version missing from that table gets none, as upstream. Group
versions that appear later, or that the table does not know, are custom resources': their
APIService (automanaged=true, priorities 1000/100) follows the group version in and out of
the DiscoveryRegistry for as long as the process runs.

`check_api_service` is upstream's decision table: create what is desired and missing,
update what differs, delete what is automanaged and no longer desired, and leave alone
APIServices nobody asked this controller to manage.
"""

from __future__ import annotations

import logging
from typing import Any

from kapiserver.apimachinery import errors, meta
from kapiserver.apimachinery.types import Object
from kapiserver.endpoints.discovery import DiscoveryRegistry
from kapiserver.registry.loopback import Client

from . import helpers, priorities
from .informer import Informer
from .tasks import Spawn, loop_spawn
from .workqueue import Controller

log = logging.getLogger(__name__)


def make_api_service(group: str, version: str, priority: priorities.Priority) -> Object:
    return {"apiVersion": f"{helpers.GROUP}/v1", "kind": "APIService",
            "metadata": {"name": helpers.api_service_name(group, version)},
            "spec": {"group": group, "version": version, "groupPriorityMinimum": priority[0],
                     "versionPriority": priority[1]}}


def _automanaged(api_service: Object | None) -> str:
    return meta.labels(api_service).get(helpers.AUTOMANAGED_LABEL, "") if api_service is not None else ""


class AutoRegisterController:
    def __init__(self, api_services: Informer, client: Client):
        self._api_services = api_services
        self._client = client
        self._to_sync: dict[str, Object] = {}
        self._synced: set[str] = set()
        self._at_start: set[str] = set()
        self.controller = Controller("autoregister", self.check_api_service)
        queue = self.controller.queue
        api_services.add_event_handler(lambda o: queue.add(meta.name(o)), lambda old, new: queue.add(meta.name(new)),
                                       lambda o: queue.add(meta.name(o)))

    def add_api_service_to_sync_on_start(self, api_service: Object) -> None:
        self._add(api_service, helpers.MANAGE_ON_START)

    def add_api_service_to_sync(self, api_service: Object) -> None:
        self._add(api_service, helpers.MANAGE_CONTINUOUSLY)

    def remove_api_service_to_sync(self, name: str) -> None:
        self._to_sync.pop(name, None)
        self.controller.queue.add(name)

    def _add(self, api_service: Object, sync_type: str) -> None:
        desired = meta.deep_copy(api_service)
        desired.setdefault("metadata", {}).setdefault("labels", {})[helpers.AUTOMANAGED_LABEL] = sync_type
        self._to_sync[meta.name(desired)] = desired
        self.controller.queue.add(meta.name(desired))

    def start(self, spawn: Spawn = loop_spawn) -> None:
        """Call once the APIService cache has synced: what exists now counts as "present at start"."""
        self._at_start = {meta.name(s) for s in self._api_services.list()}
        self.controller.start(spawn=spawn)

    async def check_api_service(self, name: str) -> None:
        desired = self._to_sync.get(name)
        current = self._api_services.get(name)
        synced = name in self._synced
        await self._check(name, desired, current, synced)
        self._synced.add(name)

    async def _check(self, name: str, desired: Object | None, current: Object | None, synced: bool) -> None:
        if current is None and desired is None:
            return
        if _automanaged(desired) == helpers.MANAGE_ON_START and synced:
            return
        if current is None:
            assert desired is not None
            try:
                await self._client.create(desired)
            except errors.StatusError as err:
                if err.reason != "AlreadyExists":
                    raise
            return
        managed = _automanaged(current)
        if managed not in (helpers.MANAGE_ON_START, helpers.MANAGE_CONTINUOUSLY):
            return
        if managed == helpers.MANAGE_ON_START and (name not in self._at_start or synced):
            return
        if desired is None:
            await self._ignore_races(self._client.delete(name, uid=meta.uid(current)))
            return
        if (current.get("spec") or {}) == desired.get("spec"):
            return
        updated = meta.deep_copy(current)
        updated["spec"] = meta.deep_copy(desired["spec"])
        await self._ignore_races(self._client.update(updated))

    @staticmethod
    async def _ignore_races(call: Any) -> None:
        """Deleted or changed meanwhile: the informer calls us again."""
        try:
            await call
        except errors.StatusError as err:
            if err.reason not in ("NotFound", "Conflict"):
                raise


class GroupVersionRegistration:
    """Feeds the autoregister controller from the DiscoveryRegistry's local group versions."""

    def __init__(self, registry: DiscoveryRegistry, controller: AutoRegisterController):
        self._registry = registry
        self._controller = controller
        self.builtin: list[Object] = []
        # Groups served by the process itself: never custom resources' (CRDs cannot share them).
        self._builtin_groups = {group for group, _ in priorities.API_VERSION_PRIORITIES} | {helpers.GROUP}
        self._custom: set[tuple[str, str]] = set()

    def register_builtins(self) -> None:
        """upstream apiServicesToRegister: one onstart APIService per served built-in group version."""
        local = self._local()
        self._builtin_groups |= {group for group, _ in local}
        for group, version in local:
            priority = priorities.builtin_priority(group, version)
            if priority is None:
                log.info("Skipping APIService creation for %s/%s", group, version)
                continue
            api_service = make_api_service(group, version, priority)
            self._controller.add_api_service_to_sync_on_start(api_service)
            self.builtin.append(api_service)

    def _local(self) -> list[tuple[str, str]]:
        return [(gv.group, gv.version) for gv in self._registry.installed_versions(include_shadowed=True)
                if gv.group != helpers.GROUP]

    def sync_custom(self) -> None:
        """Called on every registry change: custom group versions gained or lost."""
        current = {gv for gv in self._local() if gv[0] not in self._builtin_groups}
        added, removed, self._custom = current - self._custom, self._custom - current, current
        for group, version in sorted(added):
            self._controller.add_api_service_to_sync(make_api_service(group, version, priorities.CRD_PRIORITY))
        for group, version in sorted(removed):
            self._controller.remove_api_service_to_sync(helpers.api_service_name(group, version))
