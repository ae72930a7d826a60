"""policy/v1 PodDisruptionBudget (validation, strategy, printer) and pods/eviction spending budgets
over the in-memory storage."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from kapiserver.apimachinery import errors
from kapiserver.registry.core import eviction_budgets
from kapiserver.registry.core.pods import PODS
from kapiserver.registry.policy import PODDISRUPTIONBUDGETS
from kapiserver.registry.policy import poddisruptionbudgets as pdbs
from kapiserver.registry.rest import CreateOptions, GetOptions, RequestContext, UpdateOptions
from kapiserver.registry.store import Store
from kapiserver.storage.logstructured import LogStructuredStore
from kapiserver.storage.memory import MemoryLog

CTX = RequestContext(namespace="default", api_group="policy", api_version="v1")
STRATEGY = PODDISRUPTIONBUDGETS.strategy


def budget(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": {"name": "web", "namespace": "default", "resourceVersion": "1"},
            "spec": {"selector": {"matchLabels": {"app": "web"}}, **spec}}


@pytest.mark.parametrize("spec,expected", [
    ({"minAvailable": 1}, []),
    ({"maxUnavailable": "50%"}, []),
    ({"minAvailable": "150%"}, ['spec.minAvailable: Invalid value: "150%": must not be greater than 100%']),
    ({"minAvailable": -1}, ["spec.minAvailable: Invalid value: -1: must be greater than or equal to 0"]),
    ({"maxUnavailable": "x"}, [
        ('spec.maxUnavailable: Invalid value: "x": a valid percent '
         "string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation "
         "is '[0-9]+%')")]),
    ({"unhealthyPodEvictionPolicy": "Sometimes"}, [
        ('spec.unhealthyPodEvictionPolicy: Unsupported value: "Sometimes": supported values: "AlwaysAllow", '
        '"IfHealthyBudget"')]),
])
def test_pdb_validation(spec: dict[str, Any], expected: list[str]) -> None:
    assert [str(e) for e in STRATEGY.validate(CTX, budget(**spec))] == expected


def test_pdb_both_set_and_strategy() -> None:
    errs = STRATEGY.validate(CTX, budget(minAvailable=1, maxUnavailable="10%"))
    assert [str(e) for e in errs] == [(
        'spec: Invalid value: {"MinAvailable":1,"Selector":{"matchLabels":{"app":"web"}},"MaxUnavailable":"10%",'
        '"UnhealthyPodEvictionPolicy":null}: minAvailable and maxUnavailable cannot be both set')]
    both = budget(minAvailable="50%", maxUnavailable=0, unhealthyPodEvictionPolicy="AlwaysAllow")
    both["spec"]["selector"] = {"matchExpressions": [{"key": "app", "operator": "Exists"}],
                                "matchLabels": {"tier": "db", "app": "x"}}
    assert str(STRATEGY.validate(CTX, both)[0]) == (
        'spec: Invalid value: {"MinAvailable":"50%","Selector":{"matchLabels":{"app":"x","tier":"db"},'
        '"matchExpressions":[{"key":"app","operator":"Exists"}]},"MaxUnavailable":0,'
        '"UnhealthyPodEvictionPolicy":"AlwaysAllow"}: minAvailable and maxUnavailable cannot be both set')
    obj = budget(minAvailable=1)
    obj["status"] = {"disruptionsAllowed": 5}
    STRATEGY.prepare_for_create(CTX, obj)
    assert "status" not in obj and obj["metadata"]["generation"] == 1
    new = copy.deepcopy(obj)
    new["spec"]["minAvailable"] = 2
    STRATEGY.prepare_for_update(CTX, new, obj)
    assert new["metadata"]["generation"] == 2
    status_strategy = pdbs.PodDisruptionBudgetStatusStrategy()
    negative = copy.deepcopy(obj)
    negative["status"] = {"disruptionsAllowed": -1}
    assert [str(e) for e in status_strategy.validate_update(CTX, negative, obj)] == [
        "status.disruptionsAllowed: Invalid value: -1: must be greater than or equal to 0"]


def test_pdb_printer() -> None:
    obj = budget(maxUnavailable="25%")
    obj["status"] = {"disruptionsAllowed": 2}
    assert PODDISRUPTIONBUDGETS.printer.row(obj)[:4] == ["web", "N/A", "25%", 2]


def test_check_and_decrement() -> None:
    pdb = budget(minAvailable=2)
    pdb["metadata"]["generation"] = 1
    pdb["status"] = {"observedGeneration": 1, "disruptionsAllowed": 1, "currentHealthy": 3, "desiredHealthy": 2}
    spent = eviction_budgets.check_and_decrement(pdb, "a", False, "2024-01-01T00:00:00Z")
    assert spent["status"]["disruptionsAllowed"] == 0
    assert spent["status"]["disruptedPods"] == {"a": "2024-01-01T00:00:00Z"}
    assert spent["status"]["conditions"] == [{"type": "DisruptionAllowed", "status": "False", "observedGeneration": 1,
                                              "reason": "InsufficientPods", "lastTransitionTime": "2024-01-01T00:00:00Z",
                                              "message": ""}]
    with pytest.raises(errors.StatusError) as info:
        eviction_budgets.check_and_decrement(spent, "b", False, "2024-01-01T00:00:00Z")
    assert info.value.status == {
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": "Cannot evict pod as it would violate the pod's disruption budget.", "reason": "TooManyRequests",
        "details": {"causes": [{"reason": "DisruptionBudget",
                                "message": "The disruption budget web needs 2 healthy pods and has 3 currently"}]},
        "code": 429}
    stale = copy.deepcopy(pdb)
    stale["metadata"]["generation"] = 2
    with pytest.raises(errors.StatusError) as info:
        eviction_budgets.check_and_decrement(stale, "a", False, "now")
    assert info.value.status["details"] == {"retryAfterSeconds": 10, "causes": [{
        "reason": "DisruptionBudget", "message": "The disruption budget web is still being processed by the server."}]}
    dry = eviction_budgets.check_and_decrement(pdb, "a", True, "now")
    assert "disruptedPods" not in dry["status"]


# --- the eviction over memory storage ---------------------------------------------------------


def run(body: Callable[[Any, Any, Any], Awaitable[None]]) -> None:
    async def main() -> None:
        storage = LogStructuredStore(MemoryLog())
        await storage.start()
        try:
            pods = PODS.rest_factory(PODS, storage)  # type: ignore[misc]
            (sub,) = [s for s in PODS.subresources if s.name == "eviction"]
            eviction = sub.make(pods)
            eviction.set_budgets(eviction_budgets.Budgets.for_spec(PODDISRUPTIONBUDGETS, lambda spec: storage))
            await body(pods, eviction, Store(PODDISRUPTIONBUDGETS, storage))
        finally:
            await storage.close()

    asyncio.run(main())


async def running_pod(pods: Any, name: str, ready: bool = True) -> None:
    pod_ctx = RequestContext(namespace="default", api_version="v1")
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default", "labels": {"app": "web"}},
           "spec": {"nodeName": "n1", "containers": [{"name": "c", "image": "i"}]}}
    PODS.strategy.default(pod)
    await pods.create(pod_ctx, pod, None, CreateOptions())
    (status_sub,) = [s for s in PODS.subresources if s.name == "status"]
    status = status_sub.make(pods)

    class _Status:
        def preconditions(self) -> tuple[None, None]:
            return None, None

        async def updated_object(self, ctx: Any, old: Any) -> Any:
            obj = copy.deepcopy(old)
            obj["status"] = {"phase": "Running", "conditions": [{"type": "Ready", "status": "True" if ready else "False"}]}
            return obj

    await status.update(pod_ctx, name, _Status(), None, None, False, UpdateOptions())


async def put_budget(store: Store, **status: Any) -> None:
    obj = budget(minAvailable=2)
    del obj["metadata"]["resourceVersion"]
    created = await store.create(CTX, obj, None, CreateOptions())
    key = store.key(CTX, "web")

    async def with_status(current: Any) -> Any:
        return {**current, "status": {"observedGeneration": 1, **status}}

    await store.storage.guaranteed_update(key, None, with_status)
    assert created["metadata"]["generation"] == 1


def evict(name: str) -> tuple[RequestContext, dict[str, Any]]:
    return (RequestContext(namespace="default", api_version="v1", name=name),
            {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": name}})


def test_eviction_spends_the_budget_then_refuses() -> None:
    async def body(pods: Any, eviction: Any, store: Store) -> None:
        for name in ("a", "b"):
            await running_pod(pods, name)
        await put_budget(store, disruptionsAllowed=1, currentHealthy=2, desiredHealthy=2, expectedPods=2)
        answer = await eviction.create(*evict("a"), None, CreateOptions())
        assert answer["status"] == "Success"
        pdb = await store.get(CTX, "web", GetOptions())
        assert pdb["status"]["disruptionsAllowed"] == 0 and list(pdb["status"]["disruptedPods"]) == ["a"]
        with pytest.raises(errors.StatusError) as info:
            await eviction.create(*evict("b"), None, CreateOptions())
        assert info.value.code == 429
        assert info.value.status["details"]["causes"][0]["message"] == (
            "The disruption budget web needs 2 healthy pods and has 2 currently")

    run(body)


def test_eviction_of_an_unready_pod_and_two_budgets() -> None:
    async def body(pods: Any, eviction: Any, store: Store) -> None:
        await running_pod(pods, "a", ready=False)
        await put_budget(store, disruptionsAllowed=0, currentHealthy=2, desiredHealthy=2)
        answer = await eviction.create(*evict("a"), None, CreateOptions())
        assert answer["status"] == "Success"
        pdb = await store.get(CTX, "web", GetOptions())
        assert pdb["status"]["disruptionsAllowed"] == 0 and "disruptedPods" not in pdb["status"]
        await running_pod(pods, "b")
        second = budget(maxUnavailable=1)
        second["metadata"] = {"name": "other", "namespace": "default"}
        await store.create(CTX, second, None, CreateOptions())
        with pytest.raises(errors.StatusError) as info:
            await eviction.create(*evict("b"), None, CreateOptions())
        assert (info.value.code, info.value.message) == (500, eviction_budgets.MORE_THAN_ONE_MESSAGE)

    run(body)
