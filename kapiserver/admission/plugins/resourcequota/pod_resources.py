"""What a pod asks for, as quota counts it (upstream k8s.io/component-helpers/resource PodRequests and
PodLimits with UseStatusResources, and pkg/apis/core/v1/helper/qos GetPodQOS).

Requests: regular containers and sidecars (restartable init containers) add up; any other init
container needs its own request plus the sidecars started before it; the pod needs the larger
of the two. With in-place resize the kubelet's view counts too: per container, the larger of
the spec, the allocated (status.containerStatuses[].allocatedResources) and the actuated
(status.containerStatuses[].resources) amounts, unless the resize is infeasible, when the spec
is ignored. Pod-level resources (spec.resources, cpu, memory and hugepages) replace the
container sums, and spec.overhead is added (to limits only where a limit is set).

The registry computes QoS too; admission may not import it, so the class is computed here
again (status.qosClass, which the pod strategy records on create, wins when present).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kapiserver.apimachinery import quantity
from kapiserver.apimachinery.types import Object

from . import resources
from .resources import ResourceList

HUGE_PAGES_PREFIX = "hugepages-"
_QOS_RESOURCES = ("cpu", "memory")

# (container, its status or None, resize infeasible) -> the container's resource list
ContainerResources = Callable[[dict[str, Any], dict[str, Any] | None, bool], ResourceList | None]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _resources(container: dict[str, Any], kind: str) -> ResourceList:
    return resources.parse(_dict(container.get("resources")).get(kind))


def _present(holder: dict[str, Any], key: str) -> bool:
    """A Go map or pointer field that is not nil."""
    return holder.get(key) is not None


def is_pod_resize_infeasible(pod: Object) -> bool:
    for condition in _list(_dict(pod.get("status")).get("conditions")):
        if condition.get("type") == "PodResizePending":
            return bool(condition.get("reason") == "Infeasible")
    return False


def _container_status(pod: Object, name: str) -> dict[str, Any] | None:
    status = _dict(pod.get("status"))
    for key in ("containerStatuses", "initContainerStatuses"):
        for found in _list(status.get(key)):
            if found.get("name") == name:
                return found
    return None


def spec_requests(c: dict[str, Any], _s: dict[str, Any] | None, _i: bool) -> ResourceList:
    return _resources(c, "requests")


def spec_limits(c: dict[str, Any], _s: dict[str, Any] | None, _i: bool) -> ResourceList:
    return _resources(c, "limits")


def allocated_requests(c: dict[str, Any], status: dict[str, Any] | None, infeasible: bool) -> ResourceList | None:
    if status is not None and _present(status, "allocatedResources"):
        return resources.parse(status["allocatedResources"])
    return None if infeasible else _resources(c, "requests")


def actuated_requests(c: dict[str, Any], status: dict[str, Any] | None, infeasible: bool) -> ResourceList | None:
    if status is not None and _present(_dict(status.get("resources")), "requests"):
        return resources.parse(status["resources"]["requests"])
    return allocated_requests(c, status, infeasible)


def actuated_limits(c: dict[str, Any], status: dict[str, Any] | None, infeasible: bool) -> ResourceList | None:
    if status is not None and _present(_dict(status.get("resources")), "limits"):
        return resources.parse(status["resources"]["limits"])
    return None if infeasible else _resources(c, "limits")


def aggregate(pod: Object, get: ContainerResources) -> ResourceList:
    """aggregateContainerResourcesByFn (with status resources)."""
    spec = _dict(pod.get("spec"))
    infeasible = is_pod_resize_infeasible(pod)
    total: ResourceList = {}
    for container in _list(spec.get("containers")):
        total = resources.add(total, get(container, _container_status(pod, str(container.get("name"))),
                                         infeasible) or {})
    sidecars: ResourceList = {}
    init_need: ResourceList = {}
    for container in _list(spec.get("initContainers")):
        own = get(container, _container_status(pod, str(container.get("name"))), infeasible) or {}
        if container.get("restartPolicy") == "Always":
            total = resources.add(total, own)
            sidecars = resources.add(sidecars, own)
            need = sidecars
        else:
            need = resources.add(own, sidecars)
        init_need = resources.max_of(init_need, need)
    return resources.max_of(total, init_need)


def is_supported_pod_level_resource(name: str) -> bool:
    return name in _QOS_RESOURCES or name.startswith(HUGE_PAGES_PREFIX)


def _pod_level(pod: Object, kind: str) -> ResourceList:
    values = resources.parse(_dict(_dict(pod.get("spec")).get("resources")).get(kind))
    return {name: value for name, value in values.items() if is_supported_pod_level_resource(name)}


def is_pod_level_resources_set(pod: Object) -> bool:
    return bool(_pod_level(pod, "requests") or _pod_level(pod, "limits"))


def pod_requests(pod: Object) -> ResourceList:
    """PodRequests(UseStatusResources: true, pod-level resources on, overhead included)."""
    spec_total = aggregate(pod, spec_requests)
    allocated = aggregate(pod, allocated_requests)
    actuated = aggregate(pod, actuated_requests)
    if is_pod_resize_infeasible(pod):
        requests = resources.max_of(actuated, allocated)
    else:
        requests = resources.max_of(resources.max_of(spec_total, actuated), allocated)
    requests = {**requests, **_pod_level(pod, "requests")}
    return resources.add(requests, resources.parse(_dict(pod.get("spec")).get("overhead")))


def pod_limits(pod: Object) -> ResourceList:
    """PodLimits(UseStatusResources: true): overhead only raises limits that are set and non-zero."""
    actuated = aggregate(pod, actuated_limits)
    limits = actuated if is_pod_resize_infeasible(pod) else resources.max_of(aggregate(pod, spec_limits), actuated)
    if is_pod_level_resources_set(pod):
        limits = {**limits, **_pod_level(pod, "limits")}
    for name, extra in resources.parse(_dict(pod.get("spec")).get("overhead")).items():
        if name in limits and not limits[name].is_zero():
            limits[name] = quantity.add(limits[name], extra)
    return limits


def _accumulate(total: ResourceList, amounts: ResourceList) -> set[str]:
    """Add the positive cpu/memory amounts; return which of them were positive."""
    found = set()
    for name, amount in amounts.items():
        if name in _QOS_RESOURCES and amount.sign() > 0:
            found.add(name)
            total[name] = quantity.add(total[name], amount) if name in total else amount
    return found


def compute_pod_qos(pod: Object) -> str:
    """ComputePodQOS: BestEffort without cpu/memory asks, Guaranteed when every container (or the
    pod level) limits both and requests equal limits, else Burstable."""
    spec = _dict(pod.get("spec"))
    requests: ResourceList = {}
    limits: ResourceList = {}
    guaranteed = True
    if is_pod_level_resources_set(pod):
        pod_resources = _dict(spec.get("resources"))
        _accumulate(requests, resources.parse(pod_resources.get("requests")))
        pod_limits_found = resources.parse(pod_resources.get("limits"))
        if pod_limits_found and not set(_QOS_RESOURCES) <= _accumulate(limits, pod_limits_found):
            guaranteed = False
    else:
        for container in _list(spec.get("containers")) + _list(spec.get("initContainers")):
            _accumulate(requests, _resources(container, "requests"))
            if not set(_QOS_RESOURCES) <= _accumulate(limits, _resources(container, "limits")):
                guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    if guaranteed and all(name in limits and quantity.compare(limits[name], amount) == 0
                          for name, amount in requests.items()) and len(requests) == len(limits):
        return "Guaranteed"
    return "Burstable"


def get_pod_qos(pod: Object) -> str:
    recorded = _dict(pod.get("status")).get("qosClass")
    return str(recorded) if recorded else compute_pod_qos(pod)
