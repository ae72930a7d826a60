"""The QoS class of a pod (upstream pkg/apis/core/helper/qos: GetPodQOS / ComputePodQOS).

Only cpu and memory count. With pod-level resources (PodLevelResources) those decide;
otherwise every regular and init container does. Ephemeral containers never count.
"""

from __future__ import annotations

from kapiserver.apimachinery import quantity
from kapiserver.apimachinery.types import Object

from . import features, helpers

GUARANTEED = "Guaranteed"
BURSTABLE = "Burstable"
BEST_EFFORT = "BestEffort"
_QOS_RESOURCES = ("cpu", "memory")


def get_pod_qos(pod: Object) -> str:
    """The recorded class, or a computed one for a pod that has none yet."""
    recorded = (pod.get("status") or {}).get("qosClass")
    return str(recorded) if recorded else compute_pod_qos(pod)


def _accumulate(total: dict[str, quantity.Quantity], amounts: dict[str, quantity.Quantity]) -> set[str]:
    """Add the positive cpu/memory amounts; return which of them were positive."""
    found = set()
    for name, amount in amounts.items():
        if name not in _QOS_RESOURCES or amount.sign() <= 0:
            continue
        found.add(name)
        total[name] = quantity.add(total[name], amount) if name in total else amount
    return found


def compute_pod_qos(pod: Object) -> str:
    spec = pod.get("spec") or {}
    requests: dict[str, quantity.Quantity] = {}
    limits: dict[str, quantity.Quantity] = {}
    guaranteed = True
    pod_resources = spec.get("resources")
    if features.enabled("PodLevelResources") and isinstance(pod_resources, dict) \
            and (pod_resources.get("requests") or pod_resources.get("limits")):
        pod_requests = helpers.resource_list(pod_resources.get("requests"))
        pod_limits = helpers.resource_list(pod_resources.get("limits"))
        _accumulate(requests, pod_requests)
        if pod_limits and not set(_QOS_RESOURCES) <= _accumulate(limits, pod_limits):
            guaranteed = False
    else:
        for kind in ("containers", "initContainers"):
            for container in spec.get(kind) or []:
                resources = (container or {}).get("resources") or {}
                _accumulate(requests, helpers.resource_list(resources.get("requests")))
                if not set(_QOS_RESOURCES) <= _accumulate(limits, helpers.resource_list(resources.get("limits"))):
                    guaranteed = False
    if not requests and not limits:
        return BEST_EFFORT
    if guaranteed:
        for name, amount in requests.items():
            if name not in limits or quantity.compare(limits[name], amount) != 0:
                guaranteed = False
                break
    if guaranteed and len(requests) == len(limits):
        return GUARANTEED
    return BURSTABLE
