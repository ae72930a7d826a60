"""The scheduling.k8s.io group (upstream pkg/registry/scheduling/rest RESTStorageProvider).

v1 serves priorityclasses; the post-start hook `scheduling/bootstrap-system-priority-classes`
creates the two system classes when they are missing (it never updates them: they cannot
change, their value is immutable and validation pins it).
"""

from __future__ import annotations

import logging

from kapiserver.apimachinery import errors, meta
from kapiserver.registry.hooks import HookedStorageProvider, PostStartHook
from kapiserver.registry.loopback import Client
from kapiserver.registry.provider import StorageFor

from .priorityclasses import PRIORITYCLASSES, PriorityClassStore, system_priority_classes

log = logging.getLogger(__name__)
HOOK_NAME = "scheduling/bootstrap-system-priority-classes"


async def add_system_priority_classes(client: Client) -> None:
    for pc in system_priority_classes():
        if await client.get(meta.name(pc)) is not None:
            continue
        try:
            await client.create(pc)
            log.info("created PriorityClass %s with value %d", meta.name(pc), pc["value"])
        except errors.StatusError as err:
            if err.reason != "AlreadyExists":
                raise


def _hook(storage_for: StorageFor) -> PostStartHook:
    client = Client(PRIORITYCLASSES, PriorityClassStore(PRIORITYCLASSES, storage_for(PRIORITYCLASSES)))

    async def run() -> None:
        await add_system_priority_classes(client)

    return PostStartHook(HOOK_NAME, run)


def provider() -> HookedStorageProvider:
    return HookedStorageProvider("scheduling.k8s.io", (PRIORITYCLASSES,), _hook)
