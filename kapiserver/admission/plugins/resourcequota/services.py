"""Services and persistent volume claims as quota counts them (upstream
pkg/quota/v1/evaluator/core/services.go and persistent_volume_claims.go).

A Service uses `services` and `count/services`, a NodePort one a node port per port, a
LoadBalancer one a load balancer and a node port per port (only the ports that name one when
allocateLoadBalancerNodePorts is false). Creation and every update count, since the type can
change.

A claim uses `persistentvolumeclaims`, `count/persistentvolumeclaims` and its storage request
(rounded up to whole bytes, or the larger allocated size once resizing began), each also per
storage class as `<class>.storageclass.storage.k8s.io/<resource>`. Creation and updates count;
so do status writes, because upstream's test for a changed allocation compares two pointers
that always differ. The VolumeAttributesClass scope selects claims by the classes they name.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import quantity
from kapiserver.apimachinery.types import Object

from ...interfaces import Attributes, Operation
from . import resources
from .generic import Evaluator, ScopeSelector, object_count_name, selector_matches
from .resources import ResourceList

SERVICE_OBJECT_COUNT_NAME = object_count_name("", "services")
SERVICE_RESOURCES = [SERVICE_OBJECT_COUNT_NAME, "services", "services.nodeports", "services.loadbalancers"]

PVC_OBJECT_COUNT_NAME = object_count_name("", "persistentvolumeclaims")
PVC_RESOURCES = ("persistentvolumeclaims", "requests.storage")
STORAGE_CLASS_SUFFIX = ".storageclass.storage.k8s.io/"
BETA_STORAGE_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class"


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _count(n: int) -> quantity.Quantity:
    return quantity.parse_quantity(str(n))


def service_usage(service: Object) -> ResourceList:
    spec = _dict(service.get("spec"))
    ports = _list(spec.get("ports"))
    result: ResourceList = {SERVICE_OBJECT_COUNT_NAME: resources.ONE, "services": resources.ONE,
                            "services.loadbalancers": resources.ZERO, "services.nodeports": resources.ZERO}
    kind = spec.get("type")
    if kind == "NodePort":
        result["services.nodeports"] = _count(len(ports))
    elif kind == "LoadBalancer":
        if spec.get("allocateLoadBalancerNodePorts") is False:
            result["services.nodeports"] = _count(sum(1 for p in ports if p.get("nodePort")))
        else:
            result["services.nodeports"] = _count(len(ports))
        result["services.loadbalancers"] = resources.ONE
    return result


class ServiceEvaluator(Evaluator):
    def __init__(self) -> None:
        super().__init__("", "services")

    def handles(self, attrs: Attributes) -> bool:
        return attrs.operation in (Operation.CREATE, Operation.UPDATE)

    def matching_resources(self, names: list[str]) -> list[str]:
        return resources.intersection(names, SERVICE_RESOURCES)

    def usage(self, obj: Object) -> ResourceList:
        return service_usage(obj)


def claim_class(claim: Object) -> str:
    """GetPersistentVolumeClaimClass: the beta annotation first, then spec.storageClassName."""
    annotations = _dict(_dict(claim.get("metadata")).get("annotations"))
    if BETA_STORAGE_CLASS_ANNOTATION in annotations:
        return str(annotations[BETA_STORAGE_CLASS_ANNOTATION])
    return str(_dict(claim.get("spec")).get("storageClassName") or "")


def _whole(q: quantity.Quantity) -> quantity.Quantity:
    """Storage counted in whole bytes, so that the sums pass quota validation."""
    rounded = quantity.round_up(q, 0)
    return q if quantity.compare(rounded, q) == 0 else rounded


def storage_usage(claim: Object) -> quantity.Quantity | None:
    """getStorageUsage: the request, or the allocated size when that is larger."""
    requested = resources.parse(_dict(_dict(claim.get("spec")).get("resources")).get("requests")).get("storage")
    result = _whole(requested) if requested is not None else None
    allocated = resources.parse(_dict(claim.get("status")).get("allocatedResources")).get("storage")
    if result is not None and allocated is not None and quantity.compare(allocated, result) > 0:
        result = _whole(allocated)
    return result


def claim_usage(claim: Object) -> ResourceList:
    result: ResourceList = {"persistentvolumeclaims": resources.ONE, PVC_OBJECT_COUNT_NAME: resources.ONE}
    storage_class = claim_class(claim)
    if storage_class:
        result[storage_class + STORAGE_CLASS_SUFFIX + "persistentvolumeclaims"] = resources.ONE
    requested = storage_usage(claim)
    if requested is not None:
        result["requests.storage"] = requested
        if storage_class:
            result[storage_class + STORAGE_CLASS_SUFFIX + "requests.storage"] = requested
    return result


def volume_attributes_class_names(claim: Object) -> set[str]:
    spec, status = _dict(claim.get("spec")), _dict(claim.get("status"))
    names = {spec.get("volumeAttributesClassName"), status.get("currentVolumeAttributesClassName"),
             _dict(status.get("modifyVolumeStatus")).get("targetVolumeAttributesClassName")}
    return {str(n) for n in names if n}


def claim_matches_scope(selector: ScopeSelector, claim: Object) -> bool:
    if selector.get("scopeName") != "VolumeAttributesClass":
        return False
    names = volume_attributes_class_names(claim)
    if selector.get("operator") == "Exists":
        return bool(names)
    if not names:
        return selector_matches(selector, {})
    return any(selector_matches(selector, {"VolumeAttributesClass": name}) for name in names)


class PersistentVolumeClaimEvaluator(Evaluator):
    def __init__(self) -> None:
        super().__init__("", "persistentvolumeclaims")

    def handles(self, attrs: Attributes) -> bool:
        if attrs.subresource == "":
            return attrs.operation in (Operation.CREATE, Operation.UPDATE)
        return attrs.subresource == "status"

    def matches_scope(self, selector: ScopeSelector, obj: Object) -> bool:
        return claim_matches_scope(selector, obj)

    def matching_resources(self, names: list[str]) -> list[str]:
        result = []
        for name in names:
            if name == PVC_OBJECT_COUNT_NAME or name in PVC_RESOURCES or \
                    any(name.endswith(STORAGE_CLASS_SUFFIX + r) for r in PVC_RESOURCES):
                result.append(name)
        return result

    def usage(self, obj: Object) -> ResourceList:
        return claim_usage(obj)
