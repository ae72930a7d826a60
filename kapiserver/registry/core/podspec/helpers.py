"""Small facts about pod specs that defaulting, validation, QoS and printing share
(upstream pkg/apis/core/helper and pkg/api/pod, over dicts).

Quantities arriving here have already been checked by `defaults.normalize_quantities`;
`quantity_of` still tolerates a bad one (as zero) so a validator never crashes on input
that did not go through defaulting.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kapiserver.apimachinery import field, quantity, validation
from kapiserver.apimachinery.types import Object

RESOURCE_DEFAULT_NAMESPACE_PREFIX = "kubernetes.io/"
RESOURCE_HUGE_PAGES_PREFIX = "hugepages-"
RESOURCE_REQUESTS_PREFIX = "requests."
STANDARD_CONTAINER_RESOURCES = frozenset({"cpu", "memory", "ephemeral-storage"})
STANDARD_FINALIZERS = frozenset({"kubernetes", "orphan", "foregroundDeletion"})
_INTEGER_RESOURCES = frozenset({
    "pods", "resourcequotas", "services", "replicationcontrollers", "secrets", "configmaps",
    "persistentvolumeclaims", "services.nodeports", "services.loadbalancers",
})
_STANDARD_RESOURCES = frozenset({
    "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage",
    "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods", "resourcequotas", "services",
    "replicationcontrollers", "secrets", "persistentvolumeclaims", "storage", "requests.storage",
    "configmaps", "services.nodeports", "services.loadbalancers",
})
SUPPORTED_POD_LEVEL_RESOURCES = ("cpu", "memory", "hugepages-")


def is_native_resource(name: str) -> bool:
    return "/" not in name or RESOURCE_DEFAULT_NAMESPACE_PREFIX in name


def is_huge_page_resource_name(name: str) -> bool:
    return name.startswith(RESOURCE_HUGE_PAGES_PREFIX)


def is_quota_huge_page_resource_name(name: str) -> bool:
    return name.startswith((RESOURCE_HUGE_PAGES_PREFIX, "requests." + RESOURCE_HUGE_PAGES_PREFIX))


def is_extended_resource_name(name: str) -> bool:
    if is_native_resource(name) or name.startswith(RESOURCE_REQUESTS_PREFIX):
        return False
    return not validation.is_qualified_name(RESOURCE_REQUESTS_PREFIX + name)


def is_overcommit_allowed(name: str) -> bool:
    return is_native_resource(name) and not is_huge_page_resource_name(name)


def is_integer_resource_name(name: str) -> bool:
    return name in _INTEGER_RESOURCES or is_extended_resource_name(name)


def is_standard_resource_name(name: str) -> bool:
    return name in _STANDARD_RESOURCES or is_quota_huge_page_resource_name(name)


def is_standard_container_resource_name(name: str) -> bool:
    return name in STANDARD_CONTAINER_RESOURCES or is_huge_page_resource_name(name)


def is_supported_pod_level_resource(name: str) -> bool:
    return name in ("cpu", "memory") or is_huge_page_resource_name(name)


def huge_page_size(name: str) -> quantity.Quantity | None:
    try:
        return quantity.parse_quantity(name[len(RESOURCE_HUGE_PAGES_PREFIX):])
    except quantity.QuantityError:
        return None


def is_huge_page_value_divisible(name: str, value: quantity.Quantity) -> bool:
    size = huge_page_size(name)
    if size is None or quantity.value(size) <= 0:
        return False
    return quantity.value(value) % quantity.value(size) == 0


def quantity_of(value: object) -> quantity.Quantity:
    try:
        return quantity.from_json(value)
    except quantity.QuantityError:
        return quantity.ZERO


def resource_list(value: object) -> dict[str, quantity.Quantity]:
    """A ResourceList as parsed quantities, in the order the client wrote them."""
    if not isinstance(value, dict):
        return {}
    return {str(name): quantity_of(amount) for name, amount in value.items()}


def normalize_resource_list(value: Any) -> Any:
    """SetDefaults_ResourceList: each quantity rounded up to milli, written canonically, keys
    in Go's (sorted) map order. Raises QuantityError for a quantity that does not parse."""
    if not isinstance(value, dict):
        return value
    out = {}
    for name in sorted(value):
        parsed = quantity.round_up(quantity.from_json(value[name]), quantity.MILLI)
        out[name] = quantity.canonical(parsed)
    return out


# --- containers ------------------------------------------------------------------------------

CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")


def visit_containers(spec: Object, path: field.Path | None = None) -> Iterator[tuple[Object, field.Path]]:
    """Every container with its path, init first (upstream VisitContainersWithPath's order)."""
    base = path if path is not None else field.new_path("spec")
    for kind in CONTAINER_LISTS:
        for i, container in enumerate(spec.get(kind) or []):
            if isinstance(container, dict):
                yield container, base.child(kind).index(i)


def is_restartable_init_container(container: Object | None) -> bool:
    return bool(container) and (container or {}).get("restartPolicy") == "Always"


def pod_condition(status: Object, condition_type: str) -> Object | None:
    for condition in status.get("conditions") or []:
        if isinstance(condition, dict) and condition.get("type") == condition_type:
            return condition
    return None


def is_pod_ready(pod: Object) -> bool:
    condition = pod_condition(pod.get("status") or {}, "Ready")
    return condition is not None and condition.get("status") == "True"


def update_pod_condition(status: Object, condition: Object, now: str) -> None:
    """upstream UpdatePodCondition: add, or replace keeping lastTransitionTime if status held."""
    condition = dict(condition)
    condition["lastTransitionTime"] = now
    conditions = status.setdefault("conditions", [])
    for i, old in enumerate(conditions):
        if isinstance(old, dict) and old.get("type") == condition.get("type"):
            if old.get("status") == condition.get("status"):
                condition["lastTransitionTime"] = old.get("lastTransitionTime")
            conditions[i] = _ordered_condition(condition)
            return
    conditions.append(_ordered_condition(condition))


_CONDITION_ORDER = ("type", "observedGeneration", "status", "lastProbeTime", "lastTransitionTime", "reason",
                    "message")


def _ordered_condition(condition: Object) -> Object:
    """A PodCondition as Go writes it: struct order, lastProbeTime always present."""
    out: Object = {}
    for key in _CONDITION_ORDER:
        if key == "lastProbeTime":
            out[key] = condition.get(key)
        elif condition.get(key) not in (None, "", 0):
            out[key] = condition[key]
    return out
