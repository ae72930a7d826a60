"""The apiextensions server's controllers over a real in-memory storage: names accepted,
established, published in discovery, custom resources served through the schema-driven
strategy, and a deleted CRD taking its custom resources with it."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from kapiserver.apiextensions import helpers, resource_strategy
from kapiserver.apiextensions.server import ApiextensionsServer
from kapiserver.apimachinery import errors, meta
from kapiserver.apimachinery.schema import GroupVersionKind
from kapiserver.registry.rest import CreateOptions, DeleteOptions, GetOptions, ListOptions, RequestContext
from kapiserver.server.config import Config
from kapiserver.server.genericapiserver import NotFound
from kapiserver.storage.logstructured import LogStructuredStore
from kapiserver.storage.memory import MemoryLog

CTX = RequestContext()
CRD: dict[str, Any] = {
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.com"},
    "spec": {"group": "example.com", "scope": "Namespaced",
             "names": {"plural": "widgets", "kind": "Widget", "shortNames": ["wd"]},
             "versions": [{"name": "v1", "served": True, "storage": True,
                           "subresources": {"status": {}},
                           "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                               "spec": {"type": "object", "properties": {"size": {"type": "integer", "default": 3}}},
                               "status": {"type": "object", "properties": {"ok": {"type": "boolean"}}}}}}}]},
}


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not await check():
            await asyncio.sleep(0.01)


def run(body: Callable[[ApiextensionsServer], Awaitable[None]]) -> None:
    async def main() -> None:
        storage = LogStructuredStore(MemoryLog())
        await storage.start()
        server = ApiextensionsServer(Config(), NotFound(), lambda key_root: storage)
        try:
            for hook in server.post_start_hooks:
                await hook.run()
            await body(server)
        finally:
            await server.stop()
            await storage.close()

    asyncio.run(main())


def crd_store(server: ApiextensionsServer) -> Any:
    return server.informer._store


async def create_crd(server: ApiextensionsServer, crd: dict[str, Any] | None = None) -> dict[str, Any]:
    obj = copy.deepcopy(crd or CRD)
    crd_store(server).strategy.default(obj)
    return await crd_store(server).create(CTX, obj, None, CreateOptions())  # type: ignore[no-any-return]


async def established(server: ApiextensionsServer, name: str = "widgets.example.com") -> dict[str, Any]:
    async def check() -> bool:
        crd = server.informer.get(name)
        return crd is not None and helpers.is_condition_true(crd, helpers.ESTABLISHED)

    await eventually(check)
    return server.informer.get(name)  # type: ignore[return-value]


def test_crd_gets_names_accepted_established_and_published() -> None:
    async def body(server: ApiextensionsServer) -> None:
        created = await create_crd(server)
        assert created["status"]["conditions"] is None and created["status"]["storedVersions"] == ["v1"]
        assert created["status"]["acceptedNames"] == {"plural": "", "kind": ""}
        crd = await established(server)
        types = [(c["type"], c["status"], c["reason"]) for c in crd["status"]["conditions"]]
        assert types == [("NamesAccepted", "True", "NoConflicts"), ("Established", "True", "InitialNamesAccepted")]
        assert crd["status"]["acceptedNames"]["listKind"] == "WidgetList"

        async def published() -> bool:
            return server.discovery.group("example.com") is not None

        await eventually(published)
        doc = server.discovery.api_group("example.com")
        assert doc is not None and doc["preferredVersion"]["version"] == "v1"

    run(body)


def test_conflicting_crd_is_not_accepted() -> None:
    async def body(server: ApiextensionsServer) -> None:
        await create_crd(server)
        await established(server)
        other = copy.deepcopy(CRD)
        other["metadata"]["name"] = "gadgets.example.com"
        other["spec"]["names"] = {"plural": "gadgets", "kind": "Gadget", "shortNames": ["wd"]}
        await create_crd(server, other)

        async def rejected() -> bool:
            crd = server.informer.get("gadgets.example.com")
            return crd is not None and helpers.find_condition(crd, helpers.NAMES_ACCEPTED) is not None

        await eventually(rejected)
        crd = server.informer.get("gadgets.example.com")
        assert crd is not None
        assert helpers.find_condition(crd, helpers.NAMES_ACCEPTED) == {
            **helpers.find_condition(crd, helpers.NAMES_ACCEPTED),  # type: ignore[dict-item]
            "status": "False", "reason": "ShortNamesConflict", "message": '"wd" is already in use'}
        assert not helpers.is_condition_true(crd, helpers.ESTABLISHED)

    run(body)


def test_custom_resources_and_crd_deletion() -> None:
    async def body(server: ApiextensionsServer) -> None:
        await create_crd(server)
        crd = await established(server)
        assert server.crd_handler is not None
        store = server.crd_handler.store_for(crd)
        ctx = RequestContext(namespace="default")
        widget = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w1", "namespace": "default"},
                  "spec": {}, "status": {"ok": True}}
        store.strategy.default(widget)
        out = await store.create(ctx, widget, None, CreateOptions())
        assert out["spec"] == {"size": 3} and "status" not in out and out["metadata"]["generation"] == 1
        bad = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w2"}, "spec": {"size": "x"}}
        with pytest.raises(errors.StatusError) as caught:
            await store.create(ctx, bad, None, CreateOptions())
        assert caught.value.reason == "Invalid"

        deleted, gone = await crd_store(server).delete(CTX, "widgets.example.com", None, DeleteOptions())
        assert not gone and meta.deletion_timestamp(deleted)
        assert helpers.CLEANUP_FINALIZER in meta.finalizers(deleted)
        assert helpers.find_condition(deleted, helpers.TERMINATING)["reason"] == "InstanceDeletionPending"  # type: ignore[index]

        async def crd_gone() -> bool:
            try:
                await crd_store(server).get(CTX, "widgets.example.com", GetOptions())
            except errors.StatusError as err:
                return err.reason == "NotFound"
            return False

        await eventually(crd_gone)
        listed = await store.list(RequestContext(), ListOptions())
        assert listed["items"] == []

        async def unpublished() -> bool:
            return server.discovery.group("example.com") is None

        await eventually(unpublished)

    run(body)


def test_strategy_status_split_and_generation() -> None:
    gvk = GroupVersionKind("example.com", "v1", "Widget")
    strategy = resource_strategy.CustomResourceStrategy(gvk, True, None, True, {"specReplicasPath": ".spec.replicas",
                                                                                 "statusReplicasPath": ".status.replicas"})
    old = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "a", "namespace": "n", "generation": 4},
           "spec": {"replicas": 1}, "status": {"replicas": 1}}
    new = copy.deepcopy(old)
    new["status"] = {"replicas": 9}
    new["metadata"]["labels"] = {"a": "b"}
    strategy.prepare_for_update(CTX, new, old)
    assert new["status"] == {"replicas": 1} and new["metadata"]["generation"] == 4
    new["spec"]["replicas"] = -2
    strategy.prepare_for_update(CTX, new, old)
    assert new["metadata"]["generation"] == 5
    assert [str(e) for e in strategy.validate(CTX, new)] == [
        ".spec.replicas: Invalid value: -2: should be a non-negative integer"]
    new["spec"]["replicas"] = "x"
    assert [str(e) for e in strategy.validate(CTX, new)] == [
        ".spec.replicas: Invalid value: 0: .spec.replicas accessor error: x is of the type string, expected int64"]
    new["kind"] = "Gadget"
    assert [str(e) for e in strategy.validate(CTX, new)] == ['kind: Invalid value: "Gadget": must be Widget']
    status = resource_strategy.CustomResourceStatusStrategy(gvk, True, None, True, None)
    update = copy.deepcopy(old)
    update["spec"] = {"replicas": 7}
    update["status"] = {"replicas": 2}
    status.prepare_for_update(CTX, update, old)
    assert update["spec"] == {"replicas": 1} and update["status"] == {"replicas": 2}


def test_finalizer_warnings() -> None:
    obj = {"metadata": {"finalizers": ["example.com/cleanup", "cleanup", "example.com", "kubernetes"]}}
    assert resource_strategy.finalizer_warnings(obj, None) == [
        ('metadata.finalizers: "cleanup": prefer a domain-qualified finalizer name to avoid accidental conflicts with '
        "other finalizer writers"),
        ('metadata.finalizers: "example.com": prefer a domain-qualified finalizer name including a path (/) to avoid '
        "accidental conflicts with other finalizer writers")]
