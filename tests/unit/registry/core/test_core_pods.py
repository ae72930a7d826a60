"""The pods resource: strategy, selectable fields, printer cells, and the binding, eviction and
connect subresources over the in-memory storage."""

from __future__ import annotations

import asyncio
import copy
import datetime as _dt
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from kapiserver.apimachinery import errors, timefmt
from kapiserver.registry.core.pods import PODS, PodStatusStrategy, selectable_fields
from kapiserver.registry.core.pods_printer import POD_COLUMNS, pod_row, row_conditions
from kapiserver.registry.predicate import build_predicate
from kapiserver.registry.rest import CreateOptions, DeleteOptions, GetOptions, RequestContext
from kapiserver.storage.logstructured import LogStructuredStore
from kapiserver.storage.memory import MemoryLog

CTX = RequestContext(namespace="default", api_version="v1")


def new_pod(name: str = "p", **spec: Any) -> dict[str, Any]:
    obj = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
           "spec": {"containers": [{"name": "c", "image": "nginx"}], **spec}}
    PODS.strategy.default(obj)
    return obj


# --- strategy --------------------------------------------------------------------------------


def test_prepare_for_create_resets_status() -> None:
    obj = new_pod()
    obj["status"] = {"phase": "Running", "podIP": "1.2.3.4"}
    PODS.strategy.prepare_for_create(CTX, obj)
    assert obj["status"] == {"phase": "Pending", "qosClass": "BestEffort"}
    assert obj["metadata"]["generation"] == 1


@pytest.mark.parametrize(("resources", "qos"), [
    ({}, "BestEffort"),
    ({"limits": {"cpu": "1", "memory": "1Gi"}}, "Guaranteed"),
    ({"limits": {"cpu": "1"}}, "Burstable"),
    ({"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "2", "memory": "1Gi"}}, "Burstable"),
])
def test_qos_class(resources: dict[str, Any], qos: str) -> None:
    obj = new_pod(containers=[{"name": "c", "image": "x", "resources": resources}])
    PODS.strategy.prepare_for_create(CTX, obj)
    assert obj["status"]["qosClass"] == qos


def test_scheduling_gates_add_a_condition() -> None:
    obj = new_pod(schedulingGates=[{"name": "g"}])
    PODS.strategy.prepare_for_create(CTX, obj)
    (condition,) = obj["status"]["conditions"]
    assert {k: condition[k] for k in ("type", "status", "reason", "message", "lastProbeTime")} == {
        "type": "PodScheduled", "status": "False", "reason": "SchedulingGated",
        "message": "Scheduling is blocked due to non-empty scheduling gates", "lastProbeTime": None}
    assert pod_row(obj)[2] == "SchedulingGated"


def test_match_label_keys_merge_into_selectors() -> None:
    obj = new_pod(affinity={"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        {"labelSelector": {"matchLabels": {"app": "a"}}, "topologyKey": "zone", "matchLabelKeys": ["rev"]}]}})
    obj["metadata"]["labels"] = {"app": "a", "rev": "7"}
    PODS.strategy.prepare_for_create(CTX, obj)
    term = obj["spec"]["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][0]
    assert term["labelSelector"]["matchExpressions"] == [{"key": "rev", "operator": "In", "values": ["7"]}]


def test_update_keeps_status_and_bumps_generation_on_spec_change() -> None:
    old = new_pod()
    PODS.strategy.prepare_for_create(CTX, old)
    new = copy.deepcopy(old)
    new["status"] = {"phase": "Failed"}
    PODS.strategy.prepare_for_update(CTX, new, old)
    assert new["status"] == old["status"] and new["metadata"]["generation"] == 1
    new["spec"]["containers"][0]["image"] = "nginx:2"
    PODS.strategy.prepare_for_update(CTX, new, old)
    assert new["metadata"]["generation"] == 2


def test_status_strategy_keeps_spec_owner_references_and_qos() -> None:
    old = new_pod()
    PODS.strategy.prepare_for_create(CTX, old)
    old["metadata"]["ownerReferences"] = [{"apiVersion": "v1", "kind": "X", "name": "x", "uid": "u"}]
    new = copy.deepcopy(old)
    new["spec"]["nodeName"] = "n"
    new["metadata"].pop("ownerReferences")
    new["status"] = {"phase": "Running", "observedGeneration": 0}
    old["status"]["observedGeneration"] = 1
    PodStatusStrategy().prepare_for_update(CTX, new, old)
    assert "nodeName" not in new["spec"] and new["metadata"]["ownerReferences"] == old["metadata"]["ownerReferences"]
    assert new["status"] == {"phase": "Running", "observedGeneration": 1, "qosClass": "BestEffort"}


@pytest.mark.parametrize(("node", "phase", "grace", "requested", "expected"), [
    ("", "Pending", 30, None, 0),
    ("n", "Running", 30, None, 30),
    ("n", "Running", 30, 5, 5),
    ("n", "Succeeded", 30, None, 0),
    ("n", "Failed", 30, 10, 0),
    ("n", "Running", -5, None, 1),
])
def test_check_graceful_delete(node: str, phase: str, grace: int, requested: int | None, expected: int) -> None:
    obj = new_pod(nodeName=node, terminationGracePeriodSeconds=grace)
    obj["status"] = {"phase": phase}
    assert PODS.strategy.supports_graceful_delete
    assert PODS.strategy.check_graceful_delete(CTX, obj, DeleteOptions(grace_period_seconds=requested)) == expected


def test_bad_quantity_is_a_decode_error() -> None:
    obj = {"spec": {"containers": [{"name": "c", "image": "x", "resources": {"limits": {"cpu": "1x"}}}]}}
    with pytest.raises(errors.StatusError) as info:
        PODS.strategy.default(obj)
    assert info.value.code == 400
    assert info.value.message == ('Pod in version "v1" cannot be handled as a Pod: quantities must match the regular '
                                  "expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")


def test_warnings_on_create() -> None:
    obj = new_pod("web.v1", nodeSelector={"beta.kubernetes.io/os": "linux"},
                  containers=[{"name": "c", "image": "x", "resources": {"limits": {"memory": "1.5"}}}])
    warnings = PODS.strategy.warnings_on_create(CTX, obj)
    assert warnings[0] == ("metadata.name: this is used in the Pod's hostname, which can result in surprising "
                           "behavior; a DNS label is recommended: [must not contain dots]")
    assert 'spec.nodeSelector[beta.kubernetes.io/os]: deprecated since v1.14; use "kubernetes.io/os" instead' in warnings
    assert ('spec.containers[0].resources.limits[memory]: fractional byte value "1500m" is invalid, must be an '
            "integer") in warnings


# --- fields and discovery facts --------------------------------------------------------------


def test_selectable_fields() -> None:
    obj = new_pod(nodeName="n1", hostNetwork=True)
    obj["status"] = {"phase": "Running", "podIPs": [{"ip": "10.0.0.1"}], "nominatedNodeName": "n2"}
    fields = PODS.field_set(obj)
    assert fields == {"metadata.name": "p", "metadata.namespace": "default", "spec.nodeName": "n1",
                      "spec.restartPolicy": "Always", "spec.schedulerName": "default-scheduler",
                      "spec.serviceAccountName": "", "spec.hostNetwork": "true", "status.phase": "Running",
                      "status.podIP": "10.0.0.1", "status.podIPs": "", "status.nominatedNodeName": "n2",
                      "spec.host": "n1"}
    assert set(selectable_fields({})) | {"metadata.name", "metadata.namespace"} == set(fields)
    assert build_predicate(PODS, "", "spec.host=n1").matches(obj)  # type: ignore[misc]
    with pytest.raises(errors.StatusError) as info:
        build_predicate(PODS, "", "spec.foo=x")
    assert info.value.message == "field label not supported: spec.foo"


def test_spec_declaration() -> None:
    assert (PODS.short_names, PODS.categories, PODS.return_deleted_object) == (("po",), ("all",), True)
    names = sorted(sub.name for sub in PODS.subresources)
    assert names == ["attach", "binding", "ephemeralcontainers", "eviction", "exec", "log", "portforward", "proxy",
                     "resize", "status"]


# --- printer ---------------------------------------------------------------------------------


def test_columns() -> None:
    assert [(c.name, c.type, c.priority) for c in POD_COLUMNS] == [
        ("Name", "string", 0), ("Ready", "string", 0), ("Status", "string", 0), ("Restarts", "string", 0),
        ("Age", "string", 0), ("IP", "string", 1), ("Node", "string", 1), ("Nominated Node", "string", 1),
        ("Readiness Gates", "string", 1)]


def printed(status: dict[str, Any], **spec: Any) -> list[object]:
    obj = new_pod(**spec)
    obj["status"] = status
    obj["metadata"]["creationTimestamp"] = timefmt.now_rfc3339()
    return pod_row(obj)


def ago(seconds: int) -> str:
    return timefmt.format_time(timefmt.now() - _dt.timedelta(seconds=seconds))


def test_pending_pod_row() -> None:
    assert printed({"phase": "Pending"}) == ["p", "0/1", "Pending", "0", "0s", "<none>", "<none>", "<none>", "<none>"]


def test_running_pod_with_restarts() -> None:
    row = printed({"phase": "Running", "podIPs": [{"ip": "10.1.2.3"}], "containerStatuses": [
        {"name": "c", "ready": True, "restartCount": 3, "state": {"running": {}},
         "lastState": {"terminated": {"exitCode": 1, "finishedAt": ago(300)}}}]}, nodeName="n1")
    assert row[:4] == ["p", "1/1", "Running", "3 (5m ago)"] and row[5:7] == ["10.1.2.3", "n1"]


def test_crash_loop_reason_from_waiting_container() -> None:
    row = printed({"phase": "Running", "containerStatuses": [
        {"name": "c", "restartCount": 1, "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]})
    assert row[1:4] == ["0/1", "CrashLoopBackOff", "1"]


def test_terminated_reasons() -> None:
    assert printed({"phase": "Succeeded", "containerStatuses": [
        {"name": "c", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]})[2] == "Completed"
    assert printed({"phase": "Failed", "containerStatuses": [
        {"name": "c", "state": {"terminated": {"exitCode": 2}}}]})[2] == "ExitCode:2"
    assert printed({"phase": "Failed", "containerStatuses": [
        {"name": "c", "state": {"terminated": {"exitCode": 137, "signal": 9}}}]})[2] == "Signal:9"


def test_init_container_reasons() -> None:
    init = [{"name": "i1", "image": "x"}, {"name": "i2", "image": "x"}]
    done = {"name": "i1", "state": {"terminated": {"exitCode": 0}}}
    assert printed({"phase": "Pending", "initContainerStatuses": [
        done, {"name": "i2", "state": {"running": {}}}]}, initContainers=init)[2] == "Init:1/2"
    assert printed({"phase": "Pending", "initContainerStatuses": [
        {"name": "i1", "state": {"waiting": {"reason": "ImagePullBackOff"}}}]}, initContainers=init)[2] == \
        "Init:ImagePullBackOff"
    assert printed({"phase": "Failed", "initContainerStatuses": [
        {"name": "i1", "state": {"terminated": {"exitCode": 3}}}]}, initContainers=init)[2] == "Init:ExitCode:3"
    assert printed({"phase": "Pending", "initContainerStatuses": [
        {"name": "i1", "state": {"waiting": {"reason": "PodInitializing"}}}]}, initContainers=init)[2] == "Init:0/2"


def test_sidecar_counts_and_completed_with_running_sidecar() -> None:
    init = [{"name": "s", "image": "x", "restartPolicy": "Always"}]
    row = printed({"phase": "Running", "conditions": [{"type": "Ready", "status": "False"}],
                   "initContainerStatuses": [{"name": "s", "started": True, "ready": True, "state": {"running": {}}}],
                   "containerStatuses": [{"name": "c", "state": {"terminated": {"exitCode": 0,
                                                                                "reason": "Completed"}}}]},
                  initContainers=init)
    assert row[1:3] == ["1/2", "Completed"]


def test_terminating_and_unknown() -> None:
    obj = new_pod()
    obj["status"] = {"phase": "Running"}
    obj["metadata"]["deletionTimestamp"] = timefmt.now_rfc3339()
    assert pod_row(obj)[2] == "Terminating"
    obj["status"]["reason"] = "NodeLost"
    assert pod_row(obj)[2] == "Unknown"
    obj["status"] = {"phase": "Succeeded"}
    assert pod_row(obj)[2] == "Succeeded"


def test_readiness_gates_cell_and_row_conditions() -> None:
    row = printed({"phase": "Running", "conditions": [{"type": "example.com/ready", "status": "True"}]},
                  readinessGates=[{"conditionType": "example.com/ready"}, {"conditionType": "example.com/other"}])
    assert row[8] == "1/2"
    assert row_conditions({"status": {"phase": "Succeeded"}}) == [
        {"type": "Completed", "status": "True", "reason": "Succeeded", "message": "The pod has completed successfully."}]
    assert row_conditions({"status": {"phase": "Running"}}) == []


# --- subresources over memory storage --------------------------------------------------------


def run(body: Callable[[Any], Awaitable[None]]) -> None:
    async def main() -> None:
        storage = LogStructuredStore(MemoryLog())
        await storage.start()
        try:
            store = PODS.rest_factory(PODS, storage)  # type: ignore[misc]
            await body(store)
        finally:
            await storage.close()

    asyncio.run(main())


def subresource(store: Any, name: str) -> Any:
    (sub,) = [s for s in PODS.subresources if s.name == name]
    return sub.make(store)


async def create(store: Any, **spec: Any) -> dict[str, Any]:
    return await store.create(CTX, new_pod(**spec), None, CreateOptions())  # type: ignore[no-any-return]


def named(name: str) -> RequestContext:
    return RequestContext(namespace="default", api_version="v1", name=name)


def test_binding_assigns_once() -> None:
    async def body(store: Any) -> None:
        await create(store)
        binding = subresource(store, "binding")
        request = {"apiVersion": "v1", "kind": "Binding", "metadata": {"name": "p"},
                   "target": {"kind": "Node", "name": "n1"}}
        answer = await binding.create(named("p"), copy.deepcopy(request), None, CreateOptions())
        assert answer == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"}
        pod = await store.get(CTX, "p", GetOptions())
        assert pod["spec"]["nodeName"] == "n1"
        assert pod["status"]["conditions"][0]["type"] == "PodScheduled"
        with pytest.raises(errors.StatusError) as info:
            await binding.create(named("p"), copy.deepcopy(request), None, CreateOptions())
        assert (info.value.code, info.value.message) == (
            409, 'Operation cannot be fulfilled on pods/binding "p": pod p is already assigned to node "n1"')
        with pytest.raises(errors.StatusError) as info:
            await binding.create(named("q"), copy.deepcopy(request), None, CreateOptions())
        assert info.value.message == "name in URL does not match name in Binding object"
        bad = {**request, "target": {"kind": "Pod", "name": "n1"}}
        with pytest.raises(errors.StatusError) as info:
            await binding.create(named("p"), bad, None, CreateOptions())
        assert (info.value.code, info.value.message) == (
            500, 'target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"')

    run(body)


def test_graceful_delete_of_a_scheduled_pod_then_force() -> None:
    async def body(store: Any) -> None:
        await create(store, nodeName="n1")
        answer, gone = await store.delete(CTX, "p", None, DeleteOptions())
        assert not gone and answer["metadata"]["deletionGracePeriodSeconds"] == 30
        assert answer["metadata"]["generation"] == 2
        answer, gone = await store.delete(CTX, "p", None, DeleteOptions(grace_period_seconds=0))
        assert gone and answer["kind"] == "Pod"

    run(body)


def test_unscheduled_pod_is_deleted_at_once() -> None:
    async def body(store: Any) -> None:
        await create(store)
        answer, gone = await store.delete(CTX, "p", None, DeleteOptions())
        assert gone and answer["metadata"]["name"] == "p"

    run(body)


def test_eviction_deletes_and_marks_the_pod() -> None:
    async def body(store: Any) -> None:
        await create(store, nodeName="n1")
        eviction = subresource(store, "eviction")
        request = {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": "p"},
                   "deleteOptions": {"gracePeriodSeconds": 10}}
        answer = await eviction.create(named("p"), request, None, CreateOptions())
        assert answer["status"] == "Success"
        pod = await store.get(CTX, "p", GetOptions())
        assert pod["metadata"]["deletionGracePeriodSeconds"] == 10
        assert [c["type"] for c in pod["status"]["conditions"]] == ["DisruptionTarget"]
        with pytest.raises(errors.StatusError) as info:
            await eviction.create(named("p"), {"metadata": {"name": "p"}, "deleteOptions": {
                "ignoreStoreReadErrorWithClusterBreakingPotential": True}}, None, CreateOptions())
        assert info.value.message == (
            'Eviction.policy "p" is invalid: deleteOptions.ignoreStoreReadErrorWithClusterBreakingPotential: Invalid '
            "value: true: can not be set for pod eviction, try after removing the option")
        with pytest.raises(errors.StatusError) as info:
            await eviction.create(named("p"), {"metadata": {"name": "p"}, "deleteOptions": {"dryRun": ["All"]}},
                                  None, CreateOptions(dry_run=("Other",)))
        assert info.value.message == "Non-matching dry-run options in request and content: [Other] and [All]"

    run(body)


def test_connect_subresources_answer_without_a_kubelet() -> None:
    async def body(store: Any) -> None:
        await create(store)
        for name in ("exec", "attach", "portforward"):
            with pytest.raises(errors.StatusError) as info:
                await subresource(store, name).connect(named("p"), "p", {})
            assert (info.value.code, info.value.message) == (400, "pod p does not have a host assigned")
        with pytest.raises(errors.StatusError) as info:
            await subresource(store, "log").connect(named("p"), "p", {})
        assert info.value.code == 204
        with pytest.raises(errors.StatusError) as info:
            await subresource(store, "log").connect(named("p"), "p", {"container": ["x"]})
        assert info.value.message == "container x is not valid for pod p"
        with pytest.raises(errors.StatusError) as info:
            await subresource(store, "log").connect(named("p"), "p", {"tailLines": ["-1"]})
        assert info.value.message == ('PodLogOptions "p" is invalid: tailLines: Invalid value: -1: must be greater than '
                                      "or equal to 0")
        with pytest.raises(errors.StatusError) as info:
            await subresource(store, "proxy").connect(named("p"), "p", {})
        assert info.value.message == "address not allowed"
        with pytest.raises(errors.StatusError) as info:
            await subresource(store, "exec").connect(named("nope"), "nope", {})
        assert info.value.code == 404

    run(body)
