"""The scale subresource (registry/scale.py): the Scale a parent reads as, updates through the
parent's store with its preconditions and validation, the managedFields mapping, and the
mappings for replicationcontroller-style selectors and custom resources."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from kapiserver.apimachinery import errors, managedfields
from kapiserver.registry import scale
from kapiserver.registry.apps.deployments import DEPLOYMENTS
from kapiserver.registry.rest import CreateOptions, GetOptions, RequestContext, UpdateOptions
from kapiserver.registry.store import Store
from kapiserver.storage.logstructured import LogStructuredStore
from kapiserver.storage.memory import MemoryLog

CTX = RequestContext(namespace="default", api_group="apps", api_version="v1", resource="deployments",
                     subresource="scale")


def deployment(replicas: int = 3) -> dict[str, Any]:
    obj = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default"},
           "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                    "template": {"metadata": {"labels": {"app": "web"}},
                                 "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}
    DEPLOYMENTS.strategy.default(obj)
    return obj


class Change:
    """An UpdatedObjectInfo that edits the Scale it is given, as PUT and PATCH do."""

    def __init__(self, edit: Callable[[dict[str, Any]], None], uid: str | None = None):
        self.edit = edit
        self.uid = uid
        self.seen: dict[str, Any] | None = None

    def preconditions(self) -> tuple[str | None, str | None]:
        return self.uid, None

    async def updated_object(self, ctx: RequestContext, old: dict[str, Any] | None) -> dict[str, Any]:
        assert old is not None
        self.seen = copy.deepcopy(old)
        new = copy.deepcopy(old)
        self.edit(new)
        return new


def run(body: Callable[[Store, scale.ScaleREST], Awaitable[None]]) -> None:
    async def main() -> None:
        storage = LogStructuredStore(MemoryLog())
        await storage.start()
        try:
            store = Store(DEPLOYMENTS, storage)
            (sub,) = [s for s in DEPLOYMENTS.subresources if s.name == "scale"]
            assert sub.kind == scale.SCALE_GVK
            await body(store, sub.make(store))
        finally:
            await storage.close()

    asyncio.run(main())


def set_replicas(n: int) -> Callable[[dict[str, Any]], None]:
    def edit(obj: dict[str, Any]) -> None:
        obj["spec"]["replicas"] = n

    return edit


def test_get_reads_the_scale_of_the_parent() -> None:
    async def body(store: Store, rest: scale.ScaleREST) -> None:
        parent = await store.create(CTX, deployment(), None, CreateOptions())
        got = await rest.get(CTX, "web", GetOptions())
        meta = parent["metadata"]
        assert got == {
            "kind": "Scale", "apiVersion": "autoscaling/v1",
            "metadata": {"name": "web", "namespace": "default", "uid": meta["uid"],
                         "resourceVersion": meta["resourceVersion"], "creationTimestamp": meta["creationTimestamp"]},
            "spec": {"replicas": 3}, "status": {"replicas": 0, "selector": "app=web"}}
        with pytest.raises(errors.StatusError) as missing:
            await rest.get(CTX, "nope", GetOptions())
        assert missing.value.message == 'deployments.apps "nope" not found'

    run(body)


def test_update_writes_replicas_through_the_parent_strategy() -> None:
    async def body(store: Store, rest: scale.ScaleREST) -> None:
        await store.create(CTX, deployment(), None, CreateOptions())
        answer, created = await rest.update(CTX, "web", Change(set_replicas(5)), None, None, True, UpdateOptions())
        assert not created and answer["spec"] == {"replicas": 5} and answer["kind"] == "Scale"
        parent = await store.get(CTX, "web", GetOptions())
        assert parent["spec"]["replicas"] == 5
        assert parent["metadata"]["generation"] == 2  # the deployment strategy saw a spec change
        assert answer["metadata"]["resourceVersion"] == parent["metadata"]["resourceVersion"]
        zero, _ = await rest.update(CTX, "web", Change(set_replicas(0)), None, None, False, UpdateOptions())
        assert zero["spec"] == {}

    run(body)


def test_update_refuses_negative_replicas_with_the_scale_kind() -> None:
    async def body(store: Store, rest: scale.ScaleREST) -> None:
        await store.create(CTX, deployment(), None, CreateOptions())
        with pytest.raises(errors.StatusError) as refused:
            await rest.update(CTX, "web", Change(set_replicas(-1)), None, None, False, UpdateOptions())
        assert refused.value.code == 422
        assert refused.value.message == ('Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -1: '
                                         "must be greater than or equal to 0")

    run(body)


def test_update_checks_uid_and_resource_version_preconditions() -> None:
    async def body(store: Store, rest: scale.ScaleREST) -> None:
        parent = await store.create(CTX, deployment(), None, CreateOptions())

        def other_uid(obj: dict[str, Any]) -> None:
            obj["metadata"]["uid"] = "other"

        with pytest.raises(errors.StatusError) as uid:
            await rest.update(CTX, "web", Change(other_uid), None, None, False, UpdateOptions())
        assert uid.value.message == (
            'Operation cannot be fulfilled on deployments/scale.apps "web": Precondition failed: UID in precondition: '
            f"other, UID in object meta: {parent['metadata']['uid']}")

        def stale(obj: dict[str, Any]) -> None:
            obj["metadata"]["resourceVersion"] = "12345"
            obj["spec"]["replicas"] = 4

        with pytest.raises(errors.StatusError) as conflict:
            await rest.update(CTX, "web", Change(stale), None, None, False, UpdateOptions())
        assert conflict.value.code == 409 and "the object has been modified" in conflict.value.message

    run(body)


def test_admission_sees_scales() -> None:
    async def body(store: Store, rest: scale.ScaleREST) -> None:
        await store.create(CTX, deployment(), None, CreateOptions())
        seen: list[tuple[dict[str, Any], dict[str, Any]]] = []

        async def validate(ctx: RequestContext, obj: dict[str, Any], old: dict[str, Any]) -> None:
            seen.append((obj, old))

        await rest.update(CTX, "web", Change(set_replicas(2)), None, validate, False, UpdateOptions())
        ((new, old),) = seen
        assert (new["kind"], new["spec"], old["spec"]) == ("Scale", {"replicas": 2}, {"replicas": 3})

    run(body)


def test_managed_fields_move_between_the_scale_and_the_parent() -> None:
    manager = managedfields.new_default_field_manager(managedfields.builtin(), "autoscaling/v1", "Scale", "scale")

    async def body(store: Store, rest: scale.ScaleREST) -> None:
        parent = deployment()
        parent["metadata"]["managedFields"] = [{
            "manager": "kubectl-create", "operation": "Update", "apiVersion": "apps/v1",
            "time": "2024-01-01T00:00:00Z", "fieldsType": "FieldsV1",
            "fieldsV1": {"f:spec": {"f:replicas": {}, "f:paused": {}}}}]
        await store.create(CTX, parent, None, CreateOptions())

        class Tracked(Change):
            async def updated_object(self, ctx: RequestContext, old: dict[str, Any] | None) -> dict[str, Any]:
                new = await super().updated_object(ctx, old)
                return manager.update(old, new, "kubectl")

        change = Tracked(set_replicas(6))
        await rest.update(CTX, "web", change, None, None, False, UpdateOptions())
        assert change.seen is not None
        assert change.seen["metadata"]["managedFields"] == [{
            "manager": "kubectl-create", "operation": "Update", "apiVersion": "autoscaling/v1",
            "time": "2024-01-01T00:00:00Z", "fieldsType": "FieldsV1", "fieldsV1": {"f:spec": {"f:replicas": {}}}}]
        stored = (await store.get(CTX, "web", GetOptions()))["metadata"]["managedFields"]
        assert [(e["manager"], e["apiVersion"], e.get("subresource"), e["fieldsV1"]) for e in stored] == [
            ("kubectl", "apps/v1", "scale", {"f:spec": {"f:replicas": {}}}),
            ("kubectl-create", "apps/v1", None, {"f:spec": {"f:paused": {}}}),
        ]

    run(body)


def test_scale_table() -> None:
    table = scale.ScaleREST.convert_to_table(
        None, CTX, {"metadata": {"name": "web", "resourceVersion": "7"}, "spec": {"replicas": 2},  # type: ignore[arg-type]
                    "status": {"replicas": 1}}, "None")
    assert [c["name"] for c in table["columnDefinitions"]] == ["Name", "Desired", "Available", "Age"]
    assert table["columnDefinitions"][0]["format"] == ""
    assert table["rows"] == [{"cells": ["web", 2, 1, "<unknown>"]}]


# -- mappings ----------------------------------------------------------------------------------


def test_label_selector_mapping_renders_expressions_and_refuses_bad_selectors() -> None:
    mapping = scale.label_selector_mapping(("apps/v1",))
    obj = {"metadata": {"name": "r"}, "spec": {"replicas": 2, "selector": {
        "matchLabels": {"b": "1"}, "matchExpressions": [{"key": "a", "operator": "In", "values": ["x", "y"]}]}}}
    assert scale.scale_from(obj, mapping)["status"] == {"replicas": 0, "selector": "a in (x,y),b=1"}
    obj["spec"]["selector"] = {"matchExpressions": [{"key": "a", "operator": "Maybe"}]}
    with pytest.raises(scale.ScaleError, match='"Maybe" is not a valid label selector operator'):
        scale.scale_from(obj, mapping)


def test_set_selector_for_replication_controllers() -> None:
    mapping = scale.set_selector_mapping(("v1",))
    assert mapping.replicas_paths == {"v1": ("spec", "replicas")}
    obj = {"metadata": {"name": "rc"}, "spec": {"selector": {"b": "2", "a": "1"}}, "status": {"replicas": 1}}
    assert scale.scale_from(obj, mapping)["spec"] == {"replicas": 1}
    assert scale.scale_from(obj, mapping)["status"] == {"replicas": 1, "selector": "a=1,b=2"}


def test_from_paths_for_custom_resources() -> None:
    mapping = scale.from_paths({"example.com/v1": ".spec.size", "example.com/v2": None}, ".spec.size",
                               ".status.size", ".status.labelSelector")
    cr = {"metadata": {"name": "c"}, "spec": {"size": 4}, "status": {"labelSelector": "app=c"}}
    assert scale.scale_from(cr, mapping)["spec"] == {"replicas": 4}
    assert scale.scale_from(cr, mapping)["status"] == {"replicas": 0, "selector": "app=c"}
    assert scale.scale_from({"metadata": {"name": "c"}}, mapping)["spec"] == {}
    scale.set_replicas(cr, 9, mapping)
    assert cr["spec"]["size"] == 9
    assert mapping.replicas_paths == {"example.com/v1": ("spec", "size"), "example.com/v2": None}
    with pytest.raises(scale.ScaleError, match=r"^\.spec\.size accessor error: 1.5 is of the type float64"):
        scale.scale_from({"spec": {"size": 1.5}}, mapping)


def test_validate_scale() -> None:
    ok = {"metadata": {"name": "web", "namespace": "default"}, "spec": {"replicas": 0}}
    assert scale.validate_scale(ok) == []
    messages = [str(e) for e in scale.validate_scale({"metadata": {"name": "Web"}, "spec": {"replicas": -3}})]
    assert messages[-1] == "spec.replicas: Invalid value: -3: must be greater than or equal to 0"
    assert "metadata.namespace: Required value" in messages
