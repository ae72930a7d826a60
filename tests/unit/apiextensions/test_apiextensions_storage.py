"""A served version's view of a CRD's storage (apiextensions/storage.py) and the conversion
seam (conversion.py): objects stored at the storage version, read back defaulted, converted
and pruned, through every verb of the storage interface."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from kapiserver.apiextensions import conversion
from kapiserver.apiextensions.storage import VersionedStorage
from kapiserver.storage.interface import ListOptions
from kapiserver.storage.logstructured import LogStructuredStore
from kapiserver.storage.memory import MemoryLog


class Renaming:
    """A webhook-like converter: v1 has spec.size, v2 has spec.replicas."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, str]] = []

    async def convert(self, objects: list[dict[str, Any]], desired: str) -> list[dict[str, Any]]:
        self.calls.append((len(objects), desired))
        out = []
        for obj in objects:
            spec = dict(obj.get("spec") or {})
            if desired.endswith("/v2") and "size" in spec:
                spec["replicas"] = spec.pop("size")
            if desired.endswith("/v1") and "replicas" in spec:
                spec["size"] = spec.pop("replicas")
            out.append({**obj, "apiVersion": desired, "spec": spec})
        return out


def run(body: Callable[[LogStructuredStore], Awaitable[None]]) -> None:
    async def main() -> None:
        inner = LogStructuredStore(MemoryLog())
        await inner.start()
        try:
            await body(inner)
        finally:
            await inner.close()

    asyncio.run(main())


def default_color(obj: dict[str, Any]) -> None:
    obj.setdefault("spec", {}).setdefault("color", "red")


def test_served_version_reads_and_writes_through_the_storage_version() -> None:
    async def body(inner: LogStructuredStore) -> None:
        converter = Renaming()
        v2 = VersionedStorage(inner, converter, "example.com/v2", "example.com/v1", default_stored=default_color,
                              prune_served=lambda obj: obj["spec"].pop("junk", None))
        created = await v2.create("/registry/example.com/widgets/ns/a",
                                  {"apiVersion": "example.com/v2", "kind": "Widget",
                                   "metadata": {"name": "a", "namespace": "ns"}, "spec": {"replicas": 2}})
        assert created["apiVersion"] == "example.com/v2" and created["spec"] == {"replicas": 2, "color": "red"}
        stored = await inner.get("/registry/example.com/widgets/ns/a")
        assert stored is not None and stored["apiVersion"] == "example.com/v1" and stored["spec"] == {"size": 2}
        listed = await v2.get_list("/registry/example.com/widgets", ListOptions())
        assert [item["spec"] for item in listed.items] == [{"replicas": 2, "color": "red"}]

        async def grow(current: dict[str, Any] | None) -> dict[str, Any]:
            assert current is not None and current["apiVersion"] == "example.com/v2"
            return {**current, "spec": {**current["spec"], "replicas": 5}}

        updated = await v2.guaranteed_update("/registry/example.com/widgets/ns/a", None, grow)
        assert updated["spec"]["replicas"] == 5
        stored = await inner.get("/registry/example.com/widgets/ns/a")
        assert stored is not None and stored["spec"] == {"size": 5, "color": "red"}
        deleted = await v2.delete("/registry/example.com/widgets/ns/a")
        assert deleted["apiVersion"] == "example.com/v2"

    run(body)


def test_same_version_reads_are_not_converted() -> None:
    async def body(inner: LogStructuredStore) -> None:
        converter = Renaming()
        v1 = VersionedStorage(inner, converter, "example.com/v1", "example.com/v1")
        await v1.create("/registry/example.com/widgets/ns/a", {"apiVersion": "example.com/v1", "kind": "Widget",
                                                               "metadata": {"name": "a", "namespace": "ns"}})
        first = await v1.get("/registry/example.com/widgets/ns/a")
        second = await inner.get("/registry/example.com/widgets/ns/a")
        assert first == second and converter.calls == [], "no conversion and no copy when the versions match"

    run(body)


def test_converters_by_strategy() -> None:
    async def body() -> None:
        none = conversion.new_converter({"spec": {"conversion": {"strategy": "None"}}})
        (out,) = await none.convert([{"apiVersion": "g/v1", "spec": {"a": 1}}], "g/v2")
        assert out == {"apiVersion": "g/v2", "spec": {"a": 1}}
        webhook = conversion.new_converter({"metadata": {"name": "w.g"}, "spec": {"conversion": {"strategy": "Webhook"}}})
        try:
            await webhook.convert([{"apiVersion": "g/v1"}], "g/v2")
        except Exception as exc:  # noqa: BLE001 - the StatusError's message is what matters
            assert "conversion strategy Webhook of w.g is not available" in str(exc)
        else:
            raise AssertionError("an unregistered strategy cannot convert")
        factories = {**conversion.DEFAULT_FACTORIES, "Webhook": lambda crd: Renaming()}
        converted = conversion.new_converter({"spec": {"conversion": {"strategy": "Webhook"}}}, factories)
        assert isinstance(converted, Renaming)

    asyncio.run(body())
