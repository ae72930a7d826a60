"""The flowcontrol.apiserver.k8s.io group (upstream pkg/registry/flowcontrol/rest RESTStorageProvider).

v1 serves flowschemas and prioritylevelconfigurations with their status subresources
(v1beta1..v1beta3 are no longer served by v1.35). The post-start hook
`priority-and-fairness-config-producer` puts the bootstrap configuration in place on every
start and keeps the FlowSchemas' `Dangling` condition current.
"""

from __future__ import annotations

from kapiserver.registry.hooks import HookedStorageProvider, PostStartHook
from kapiserver.registry.loopback import Client
from kapiserver.registry.provider import StorageFor
from kapiserver.registry.resync import ResyncLoop
from kapiserver.registry.store import Store

from . import ensurer
from .flowschemas import FLOW_SCHEMA_STATUS_STRATEGY, FLOWSCHEMAS
from .prioritylevelconfigurations import PRIORITYLEVELCONFIGURATIONS

HOOK_NAME = "priority-and-fairness-config-producer"


def _hook(storage_for: StorageFor) -> PostStartHook:
    fs_store = Store(FLOWSCHEMAS, storage_for(FLOWSCHEMAS))
    pl_store = Store(PRIORITYLEVELCONFIGURATIONS, storage_for(PRIORITYLEVELCONFIGURATIONS))
    flow_schemas = Client(FLOWSCHEMAS, fs_store)
    priority_levels = Client(PRIORITYLEVELCONFIGURATIONS, pl_store)
    status = Client(FLOWSCHEMAS, fs_store.with_strategy(FLOW_SCHEMA_STATUS_STRATEGY))

    async def sync() -> None:
        await ensurer.sync_dangling_conditions(status, priority_levels)

    loop = ResyncLoop("apf-dangling", [fs_store, pl_store], sync)

    async def run() -> None:
        await ensurer.ensure_bootstrap_configuration(flow_schemas, priority_levels)
        await sync()
        loop.start()

    return PostStartHook(HOOK_NAME, run, loop.stop)


def provider() -> HookedStorageProvider:
    return HookedStorageProvider("flowcontrol.apiserver.k8s.io", (FLOWSCHEMAS, PRIORITYLEVELCONFIGURATIONS), _hook)
