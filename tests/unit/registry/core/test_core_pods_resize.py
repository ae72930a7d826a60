"""pods/resize (ValidatePodResize and the resize strategy) and the tables the pod subresources
print."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from kapiserver.apimachinery import errors, field
from kapiserver.registry.core.pods import PODS, PodResizeStrategy
from kapiserver.registry.core.pods_resize import drop_non_resize_updates, validate_pod_resize
from kapiserver.registry.core.podspec.options import PodValidationOptions
from kapiserver.registry.rest import CreateOptions, GetOptions, RequestContext, UpdateOptions
from kapiserver.storage.logstructured import LogStructuredStore
from kapiserver.storage.memory import MemoryLog

CTX = RequestContext(namespace="default", api_version="v1")
BURSTABLE = {"requests": {"cpu": "100m", "memory": "100Mi"}, "limits": {"cpu": "200m", "memory": "200Mi"}}


def stored_pod(*containers: dict[str, Any], **spec: Any) -> dict[str, Any]:
    obj = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": "p", "namespace": "default", "resourceVersion": "5", "uid": "u1"},
           "spec": {"containers": list(containers) or [{"name": "c1", "image": "nginx",
                                                        "resources": copy.deepcopy(BURSTABLE)}], **spec}}
    PODS.strategy.default(obj)
    PODS.strategy.prepare_for_create(CTX, obj)
    return obj


def resized(old: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    new = copy.deepcopy(old)
    change(new)
    PodResizeStrategy().prepare_for_update(CTX, new, old)
    return new


def messages(new: dict[str, Any], old: dict[str, Any]) -> list[str]:
    return [str(err) for err in validate_pod_resize(new, old, PodValidationOptions())]


def set_resources(index: int, resources: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    def change(pod: dict[str, Any]) -> None:
        pod["spec"]["containers"][index]["resources"] = resources
    return change


def test_cpu_and_memory_change_and_bump_generation() -> None:
    old = stored_pod()
    new = resized(old, set_resources(0, {"requests": {"cpu": "150m", "memory": "100Mi"},
                                         "limits": {"cpu": "300m", "memory": "150Mi"}}))
    assert messages(new, old) == []
    assert new["spec"]["containers"][0]["resources"]["limits"] == {"cpu": "300m", "memory": "150Mi"}
    assert new["metadata"]["generation"] == 2
    assert new["status"] == old["status"]


def test_other_changes_are_dropped_and_metadata_kept() -> None:
    old = stored_pod()
    old["metadata"]["labels"] = {"a": "b"}

    def change(pod: dict[str, Any]) -> None:
        pod["spec"]["containers"][0]["image"] = "other"
        pod["spec"]["activeDeadlineSeconds"] = 5
        pod["metadata"]["labels"] = {"x": "y"}
        pod["status"] = {"phase": "Running"}

    new = resized(old, change)
    assert new == old
    assert messages(new, old) == []


@pytest.mark.parametrize(("resources", "expected"), [
    ({"requests": {"cpu": "100m", "memory": "100Mi"}, "limits": {"cpu": "200m"}},
     ["spec.containers[0].resources.limits: Forbidden: resource limits cannot be removed"]),
    ({"requests": {"cpu": "100m"}, "limits": {"cpu": "200m", "memory": "200Mi"}},
     ["spec.containers[0].resources.requests: Forbidden: resource requests cannot be removed"]),
    ({"requests": {"cpu": "200m", "memory": "200Mi"}, "limits": {"cpu": "200m", "memory": "200Mi"}},
     ['spec: Invalid value: "Burstable": Pod QOS Class may not change as a result of resizing']),
    ({**BURSTABLE, "requests": {**BURSTABLE["requests"], "ephemeral-storage": "1Gi"}},
     ["spec: Forbidden: only cpu and memory resources are mutable"]),
])
def test_refused_resizes(resources: dict[str, Any], expected: list[str]) -> None:
    old = stored_pod()
    assert messages(resized(old, set_resources(0, resources)), old) == expected


def test_memory_limit_may_be_lowered() -> None:
    old = stored_pod()
    new = resized(old, set_resources(0, {**BURSTABLE, "limits": {"cpu": "200m", "memory": "120Mi"}}))
    assert messages(new, old) == []


def test_best_effort_may_not_gain_requests() -> None:
    old = stored_pod({"name": "c1", "image": "nginx"})
    new = resized(old, set_resources(0, {"requests": {"memory": "40Mi"}}))
    assert messages(new, old) == [
        'spec: Invalid value: "BestEffort": Pod QOS Class may not change as a result of resizing']


def test_reordered_and_removed_containers() -> None:
    old = stored_pod({"name": "c1", "image": "x", "resources": copy.deepcopy(BURSTABLE)},
                     {"name": "c2", "image": "x", "resources": copy.deepcopy(BURSTABLE)})
    new = resized(old, lambda pod: pod["spec"]["containers"].reverse())
    assert messages(new, old) == [
        "spec.containers[0].name: Forbidden: containers may not be renamed or reordered on resize",
        "spec.containers[1].name: Forbidden: containers may not be renamed or reordered on resize"]
    new = resized(old, lambda pod: pod["spec"]["containers"].pop())
    assert messages(new, old) == ["spec.containers: Forbidden: containers may not be added or removed on resize"]


def test_init_containers() -> None:
    old = stored_pod(initContainers=[
        {"name": "sidecar", "image": "x", "restartPolicy": "Always", "resources": copy.deepcopy(BURSTABLE)},
        {"name": "init", "image": "x", "resources": copy.deepcopy(BURSTABLE)}])

    def sidecar(pod: dict[str, Any]) -> None:
        pod["spec"]["initContainers"][0]["resources"]["limits"]["cpu"] = "300m"

    assert messages(resized(old, sidecar), old) == []

    def sidecar_removal(pod: dict[str, Any]) -> None:
        del pod["spec"]["initContainers"][0]["resources"]["limits"]

    assert messages(resized(old, sidecar_removal), old) == [
        "spec.initContainers[0].resources.limits: Forbidden: resource limits cannot be removed"]

    def plain_init(pod: dict[str, Any]) -> None:
        pod["spec"]["initContainers"][1]["resources"]["limits"]["cpu"] = "300m"

    assert messages(resized(old, plain_init), old) == [
        "spec: Forbidden: resources for non-sidecar init containers are immutable"]


@pytest.mark.parametrize(("change", "expected"), [
    (lambda pod: pod["metadata"].setdefault("annotations", {}).update({"kubernetes.io/config.mirror": "x"}),
     "static pods cannot be resized"),
    (lambda pod: pod["spec"].update({"os": {"name": "windows"}}), "windows pods cannot be resized"),
    (lambda pod: pod["spec"].update({"resources": {"limits": {"cpu": "1"}}}),
     "pods with pod-level resources cannot be resized"),
])
def test_pods_that_cannot_be_resized(change: Callable[[dict[str, Any]], None], expected: str) -> None:
    old = stored_pod()
    change(old)
    (err,) = validate_pod_resize(resized(old, set_resources(0, BURSTABLE)), old, PodValidationOptions())
    assert (err.type, err.field, err.body()) == ("FieldValueForbidden", str(field.ROOT), f"Forbidden: {expected}")


def test_node_without_resize_support() -> None:
    old = stored_pod()
    old["status"]["containerStatuses"] = [{"name": "c1", "state": {"running": {}}}]
    new = resized(old, set_resources(0, {**BURSTABLE, "limits": {"cpu": "300m", "memory": "200Mi"}}))
    assert messages(new, old) == ["spec: Forbidden: Pod running on node without support for resize"]


def test_drop_non_resize_updates_keeps_identity_fields() -> None:
    old = stored_pod()
    new = copy.deepcopy(old)
    new["metadata"]["resourceVersion"] = "9"
    new["metadata"]["annotations"] = {"a": "b"}
    drop_non_resize_updates(new, old)
    assert new["metadata"]["resourceVersion"] == "9" and "annotations" not in new["metadata"]


# --- through the store -----------------------------------------------------------------------


class Replace:
    def __init__(self, change: Callable[[dict[str, Any]], None]):
        self._change = change

    def preconditions(self) -> tuple[str | None, str | None]:
        return None, None

    async def updated_object(self, ctx: RequestContext, old: dict[str, Any] | None) -> dict[str, Any]:
        new = copy.deepcopy(old or {})
        self._change(new)
        return new


def run(body: Callable[[Any], Awaitable[None]]) -> None:
    async def main() -> None:
        storage = LogStructuredStore(MemoryLog())
        await storage.start()
        try:
            await body(PODS.rest_factory(PODS, storage))  # type: ignore[misc]
        finally:
            await storage.close()

    asyncio.run(main())


def subresource(store: Any, name: str) -> Any:
    (sub,) = [s for s in PODS.subresources if s.name == name]
    return sub.make(store)


NAMED = RequestContext(namespace="default", api_version="v1", name="p")


def test_resize_through_the_subresource_and_tables() -> None:
    async def body(store: Any) -> None:
        pod = stored_pod()
        for key in ("resourceVersion", "uid"):
            del pod["metadata"][key]
        await store.create(CTX, pod, None, CreateOptions())
        resize = subresource(store, "resize")
        stored, _ = await resize.update(NAMED, "p", Replace(set_resources(0, {
            "requests": {"cpu": "150m", "memory": "100Mi"}, "limits": {"cpu": "300m", "memory": "200Mi"}})),
            None, None, False, UpdateOptions())
        assert stored["spec"]["containers"][0]["resources"]["requests"]["cpu"] == "150m"
        with pytest.raises(errors.StatusError) as info:
            await resize.update(NAMED, "p", Replace(set_resources(0, {"limits": {"cpu": "300m"}})),
                                None, None, False, UpdateOptions())
        assert info.value.code == 422
        assert "resource requests cannot be removed" in info.value.message
        for name in ("status", "resize", "ephemeralcontainers"):
            rest = subresource(store, name)
            obj = await rest.get(NAMED, "p", GetOptions())
            table = rest.convert_to_table(NAMED, obj, "")
            assert [c["name"] for c in table["columnDefinitions"]][:5] == [
                "Name", "Ready", "Status", "Restarts", "Age"]
            assert table["rows"][0]["cells"][:3] == ["p", "0/1", "Pending"]

    run(body)
