"""registry.conversion: one storage served at two versions (ConvertingStorage, alternate_version)."""

from __future__ import annotations

import asyncio
from typing import Any

from kapiserver.apimachinery.types import Object
from kapiserver.registry import conversion
from kapiserver.registry.networking import ipaddresses, servicecidrs
from kapiserver.registry.rest import CreateOptions, GetOptions, ListOptions, RequestContext
from kapiserver.storage.interface import ListOptions as StorageListOptions
from kapiserver.storage.logstructured import LogStructuredStore
from kapiserver.storage.memory import MemoryLog

CTX = RequestContext(api_group="networking.k8s.io", api_version="v1beta1")


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_alternate_version_shares_storage_and_names_the_storage_version() -> None:
    beta = ipaddresses.IPADDRESSES_V1BETA1
    assert (beta.version, beta.storage_version, beta.key_root) == ("v1beta1", "v1", ipaddresses.IPADDRESSES.key_root)
    assert beta.storage_version_hash == ipaddresses.IPADDRESSES.storage_version_hash == "3f/plJFChNE="
    assert beta.api_version == "networking.k8s.io/v1beta1"


def test_objects_are_stored_at_the_storage_version_and_served_at_the_request_version() -> None:
    async def scenario() -> tuple[Object, Object, Object, list[str]]:
        backend = LogStructuredStore(MemoryLog(), compaction_interval=0)
        await backend.start()
        try:
            spec = servicecidrs.SERVICECIDRS_V1BETA1
            assert spec.rest_factory is not None
            store = spec.rest_factory(spec, backend)
            watch = store.watch(CTX, ListOptions(watch=True, resource_version="0"))
            created = await store.create(CTX, {"apiVersion": "networking.k8s.io/v1beta1", "kind": "ServiceCIDR",
                                               "metadata": {"name": "a"}, "spec": {"cidrs": ["10.0.0.0/24"]}},
                                         None, CreateOptions())
            raw = await backend.get(spec.key_root + "/a")
            got = await store.get(CTX, "a", GetOptions())
            event = await anext(watch)
            listed = await store.list(CTX, ListOptions())
            await watch.aclose()
            versions = [event.object["apiVersion"]] + [i["apiVersion"] for i in listed["items"]]
            return created, raw, got, versions
        finally:
            await backend.close()

    created, raw, got, versions = run(scenario())
    assert created["apiVersion"] == got["apiVersion"] == "networking.k8s.io/v1beta1"
    assert raw["apiVersion"] == "networking.k8s.io/v1"
    assert versions == ["networking.k8s.io/v1beta1"] * 2


def test_converting_strategy_runs_the_inner_strategy_on_a_converted_copy() -> None:
    seen: list[str] = []

    class Inner(conversion.Strategy):
        def default(self, obj: Object) -> None:
            seen.append(obj["shape"])
            obj["defaulted"] = True

    strategy = conversion.ConvertingStrategy(Inner(), lambda o: {**o, "shape": "storage"},
                                             lambda o: {**o, "shape": "served"})
    obj: Object = {"shape": "served"}
    strategy.default(obj)
    assert seen == ["storage"] and obj == {"shape": "served", "defaulted": True}


def test_storage_list_options_pass_through() -> None:
    async def scenario() -> int:
        backend = LogStructuredStore(MemoryLog(), compaction_interval=0)
        await backend.start()
        try:
            wrapped = conversion.ConvertingStorage(backend, conversion.set_api_version("g/v1"),
                                                   conversion.set_api_version("g/v2"))
            await wrapped.create("/registry/x/a", {"apiVersion": "g/v2", "metadata": {"name": "a"}})
            result = await wrapped.get_list("/registry/x/", StorageListOptions())
            assert [i["apiVersion"] for i in result.items] == ["g/v2"]
            return await wrapped.count("/registry/x/")
        finally:
            await backend.close()

    assert run(scenario()) == 1
