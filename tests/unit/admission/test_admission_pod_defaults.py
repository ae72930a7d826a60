"""Priority, DefaultTolerationSeconds and LimitRanger: what they set on pods and what they refuse."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from kapiserver.admission.interfaces import Attributes, Operation
from kapiserver.admission.plugins.default_toleration_seconds import DefaultTolerationSeconds
from kapiserver.admission.plugins.limit_ranger import LimitRanger, aggregate, pod_totals, validate_claim
from kapiserver.admission.plugins.priority import Priority
from kapiserver.apimachinery import errors, quantity
from kapiserver.apimachinery.schema import GroupVersionKind, GroupVersionResource
from kapiserver.apimachinery.user import UserInfo

USER = UserInfo("admin")
CLASSES = {"high": {"metadata": {"name": "high"}, "value": 1000, "preemptionPolicy": "Never"},
           "low": {"metadata": {"name": "low"}, "value": 5, "globalDefault": True,
                   "preemptionPolicy": "PreemptLowerPriority"}}


def attrs(obj: dict[str, Any] | None, operation: Operation = Operation.CREATE, old: dict[str, Any] | None = None,
          kind: str = "Pod", resource: str = "pods", group: str = "", subresource: str = "") -> Attributes:
    return Attributes(operation, GroupVersionKind(group, "v1", kind), GroupVersionResource(group, "v1", resource),
                      subresource, "ns", "", obj, old, USER)


def pod(**spec: Any) -> dict[str, Any]:
    spec.setdefault("containers", [{"name": "c", "image": "nginx"}])
    return {"metadata": {"name": "p", "namespace": "ns"}, "spec": spec}


def priority(classes: dict[str, Any]) -> Priority:
    async def get(name: str) -> dict[str, Any] | None:
        return classes.get(name)

    async def list_all() -> list[dict[str, Any]]:
        return list(classes.values())

    return Priority(get, list_all)


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def forbidden(coro: Any) -> str:
    with pytest.raises(errors.StatusError) as caught:
        run(coro)
    assert caught.value.status["code"] == 403
    return str(caught.value.status["message"])


def test_priority_without_classes() -> None:
    obj = pod()
    run(priority({}).admit(attrs(obj)))
    assert (obj["spec"]["priority"], obj["spec"]["preemptionPolicy"]) == (0, "PreemptLowerPriority")
    assert "priorityClassName" not in obj["spec"]


def test_priority_from_class_and_global_default() -> None:
    plugin = priority(CLASSES)
    named = pod(priorityClassName="high")
    run(plugin.admit(attrs(named)))
    assert (named["spec"]["priority"], named["spec"]["preemptionPolicy"]) == (1000, "Never")
    unnamed = pod()
    run(plugin.admit(attrs(unnamed)))
    assert (unnamed["spec"]["priorityClassName"], unnamed["spec"]["priority"]) == ("low", 5)


def test_priority_refusals() -> None:
    plugin = priority(CLASSES)
    assert forbidden(plugin.admit(attrs(pod(priorityClassName="foo")))) == (
        'pods "p" is forbidden: no PriorityClass with name foo was found')
    assert forbidden(plugin.admit(attrs(pod(priorityClassName="high", priority=7)))) == (
        'pods "p" is forbidden: the integer value of priority (7) must not be provided in pod spec; priority '
        "admission controller computed 1000 from the given PriorityClass name")
    assert forbidden(plugin.admit(attrs(pod(priorityClassName="high", preemptionPolicy="PreemptLowerPriority")))) == (
        'pods "p" is forbidden: the string value of PreemptionPolicy (PreemptLowerPriority) must not be provided in '
        "pod spec; priority admission controller computed Never from the given PriorityClass name")


def test_priority_update_keeps_what_create_set_and_subresources_are_skipped() -> None:
    old = pod(priority=5, preemptionPolicy="Never")
    new = pod()
    run(priority(CLASSES).admit(attrs(new, Operation.UPDATE, old)))
    assert (new["spec"]["priority"], new["spec"]["preemptionPolicy"]) == (5, "Never")
    status = pod()
    run(priority(CLASSES).admit(attrs(status, subresource="status")))
    assert "priority" not in status["spec"]


def test_one_global_default_priority_class() -> None:
    second = {"metadata": {"name": "other"}, "value": 9, "globalDefault": True}
    pc = attrs(second, kind="PriorityClass", resource="priorityclasses", group="scheduling.k8s.io")
    assert forbidden(priority(CLASSES).validate(pc)) == (
        'priorityclasses.scheduling.k8s.io "other" is forbidden: PriorityClass low is already marked as default. '
        "Only one default can exist")
    itself = attrs(CLASSES["low"], Operation.UPDATE, CLASSES["low"], kind="PriorityClass",
                   resource="priorityclasses", group="scheduling.k8s.io")
    run(priority(CLASSES).validate(itself))


def test_default_toleration_seconds() -> None:
    obj = pod()
    run(DefaultTolerationSeconds().admit(attrs(obj)))
    assert obj["spec"]["tolerations"] == [
        {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
        {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
         "tolerationSeconds": 300}]
    everything = pod(tolerations=[{"operator": "Exists"}])
    run(DefaultTolerationSeconds().admit(attrs(everything)))
    assert everything["spec"]["tolerations"] == [{"operator": "Exists"}]
    own = pod(tolerations=[{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 5}])
    run(DefaultTolerationSeconds(unreachable_seconds=60).admit(attrs(own)))
    assert [t.get("tolerationSeconds") for t in own["spec"]["tolerations"]] == [5, 60]


RANGE = {"metadata": {"name": "lr"}, "spec": {"limits": [
    {"type": "Container", "default": {"cpu": "500m", "memory": "256Mi"}, "defaultRequest": {"cpu": "100m"},
     "max": {"cpu": "1"}, "min": {"cpu": "50m"}, "maxLimitRequestRatio": {"cpu": "5"}},
    {"type": "Pod", "max": {"memory": "1Gi"}},
    {"type": "PersistentVolumeClaim", "min": {"storage": "1Gi"}, "max": {"storage": "2Gi"}}]}}


def limit_ranger() -> LimitRanger:
    async def ranges(namespace: str) -> list[dict[str, Any]]:
        return [RANGE] if namespace == "ns" else []

    return LimitRanger(ranges)


def test_limit_ranger_defaults_and_annotation() -> None:
    obj = pod(containers=[{"name": "a", "image": "x", "resources": {"limits": {"memory": "128Mi"}}}],
              initContainers=[{"name": "i", "image": "x"}])
    run(limit_ranger().admit(attrs(obj)))
    assert obj["spec"]["containers"][0]["resources"] == {"limits": {"memory": "128Mi", "cpu": "500m"},
                                                         "requests": {"cpu": "100m"}}
    assert obj["metadata"]["annotations"] == {"kubernetes.io/limit-ranger": (
        "LimitRanger plugin set: cpu request for container a; cpu limit for container a; cpu request for init "
        "container i; cpu, memory limit for init container i")}
    run(limit_ranger().validate(attrs(obj)))


def test_limit_ranger_refusals() -> None:
    greedy = pod(containers=[{"name": "a", "image": "x", "resources": {"requests": {"cpu": "10m"},
                                                                        "limits": {"cpu": "2", "memory": "2Gi"}}}])
    assert forbidden(limit_ranger().validate(attrs(greedy))) == (
        'pods "p" is forbidden: [minimum cpu usage per Container is 50m, but request is 10m, maximum cpu usage per '
        "Container is 1, but limit is 2, cpu max limit to request ratio per Container is 5, but provided ratio is "
        "200.000000, maximum memory usage per Pod is 1Gi, but limit is 2Gi]")
    claim = {"metadata": {"name": "c"}, "spec": {"resources": {"requests": {"storage": "5Gi"}}}}
    assert validate_claim(RANGE, claim) == ["maximum storage usage per PersistentVolumeClaim is 2Gi, but request is 5Gi"]
    assert validate_claim(RANGE, {"spec": {}}) == [
        "minimum storage usage per PersistentVolumeClaim is 1Gi.  No request is specified",
        "maximum storage usage per PersistentVolumeClaim is 2Gi.  No request is specified"]
    assert aggregate(["one"]) == "one"
    update = pod(containers=[{"name": "a", "image": "x", "resources": {"limits": {"cpu": "9"}}}])
    run(limit_ranger().validate(attrs(update, Operation.UPDATE, update)))  # pod updates are not checked


def test_pod_totals_count_sidecars_and_init_containers() -> None:
    def c(cpu: str, **extra: Any) -> dict[str, Any]:
        return {"name": cpu, "resources": {"requests": {"cpu": cpu}}, **extra}

    obj = pod(containers=[c("1"), c("2")], initContainers=[c("500m", restartPolicy="Always"), c("4")])
    totals = pod_totals(obj, "requests")
    assert quantity.milli_value(totals["cpu"]) == 4500  # max(1 + 2 + 0.5, 4 + 0.5)
