"""Autoregistration (upstream autoregister controller's decision table) over a real store and informer."""

from __future__ import annotations

import asyncio
from typing import Any

from kapiserver.aggregator import apiservices, helpers
from kapiserver.aggregator.autoregister import (
    AutoRegisterController,
    GroupVersionRegistration,
    make_api_service,
)
from kapiserver.aggregator.informer import Informer
from kapiserver.endpoints.discovery import DiscoveryRegistry
from kapiserver.endpoints.installer import InstalledGroupVersion
from kapiserver.registry.loopback import Client
from kapiserver.registry.store import Store
from kapiserver.storage.logstructured import LogStructuredStore
from kapiserver.storage.memory import MemoryLog


def labelled(obj: dict[str, Any], value: str | None) -> dict[str, Any]:
    if value is not None:
        obj["metadata"]["labels"] = {helpers.AUTOMANAGED_LABEL: value}
    return obj


async def settle(informer: Informer, rounds: int = 40) -> None:
    for _ in range(rounds):
        await asyncio.sleep(0.02)


def test_decision_table() -> None:
    async def scenario() -> dict[str, Any]:
        backend = LogStructuredStore(MemoryLog(), compaction_interval=0)
        await backend.start()
        client = Client(apiservices.APISERVICES, Store(apiservices.APISERVICES, backend))
        for obj in (labelled(make_api_service("stale.io", "v1", (1000, 100)), "true"),
                    labelled(make_api_service("keep.io", "v1", (1000, 100)), None),
                    labelled(make_api_service("apps", "v1", (1, 1)), "onstart"),
                    labelled(make_api_service("gone.io", "v1beta1", (5, 5)), "onstart")):
            await client.create(obj)
        informer = Informer("apiservices", client.store)
        controller = AutoRegisterController(informer, client)
        controller.add_api_service_to_sync_on_start(make_api_service("apps", "v1", (17800, 15)))
        controller.add_api_service_to_sync_on_start(make_api_service("batch", "v1", (17400, 15)))
        controller.add_api_service_to_sync(make_api_service("crd.io", "v1", (1000, 100)))
        informer.start()
        await informer.wait_synced()
        controller.start()
        await settle(informer)
        first = {s["metadata"]["name"]: s for s in informer.list()}
        # a user edits the onstart APIService: synced once, so it stays edited
        apps = dict(first["v1.apps"])
        apps["spec"] = dict(apps["spec"], versionPriority=99)
        await client.update(apps)
        controller.remove_api_service_to_sync("v1.crd.io")
        await settle(informer)
        second = {s["metadata"]["name"]: s for s in informer.list()}
        await controller.controller.stop()
        await informer.stop()
        await backend.close()
        return {"first": first, "second": second}

    result = asyncio.run(scenario())
    first, second = result["first"], result["second"]
    assert set(first) == {"v1.keep.io", "v1.apps", "v1.batch", "v1.crd.io"}
    assert first["v1.apps"]["spec"]["groupPriorityMinimum"] == 17800
    assert first["v1.batch"]["metadata"]["labels"] == {helpers.AUTOMANAGED_LABEL: "onstart"}
    assert first["v1.crd.io"]["metadata"]["labels"] == {helpers.AUTOMANAGED_LABEL: "true"}
    assert helpers.is_condition_true(first["v1.batch"])
    assert set(second) == {"v1.keep.io", "v1.apps", "v1.batch"}
    assert second["v1.apps"]["spec"]["versionPriority"] == 99


def test_registration_from_the_discovery_registry() -> None:
    class Recorder:
        def __init__(self) -> None:
            self.calls: list[tuple[str, str]] = []

        def add_api_service_to_sync_on_start(self, obj: dict[str, Any]) -> None:
            self.calls.append(("onstart", obj["metadata"]["name"]))

        def add_api_service_to_sync(self, obj: dict[str, Any]) -> None:
            self.calls.append(("true", obj["metadata"]["name"]))
            assert obj["spec"]["groupPriorityMinimum"] == 1000 and obj["spec"]["versionPriority"] == 100

        def remove_api_service_to_sync(self, name: str) -> None:
            self.calls.append(("remove", name))

    registry = DiscoveryRegistry()
    for group, versions in {"": ["v1"], "apps": ["v1"], "apiregistration.k8s.io": ["v1"],
                            "example.unknown.k8s.io": ["v1"]}.items():
        registry.add_group(group, [InstalledGroupVersion(group, v) for v in versions])
    recorder = Recorder()
    registration = GroupVersionRegistration(registry, recorder)  # type: ignore[arg-type]
    registration.register_builtins()
    assert recorder.calls == [("onstart", "v1."), ("onstart", "v1.apps")]
    assert [s["metadata"]["name"] for s in registration.builtin] == ["v1.", "v1.apps"]
    registry.listeners.append(registration.sync_custom)
    registry.add_group("stable.example.com", [InstalledGroupVersion("stable.example.com", "v1"),
                                              InstalledGroupVersion("stable.example.com", "v2")])
    registry.remove_group("stable.example.com")
    assert recorder.calls[2:] == [("true", "v1.stable.example.com"), ("true", "v2.stable.example.com"),
                                  ("remove", "v1.stable.example.com"), ("remove", "v2.stable.example.com")]
