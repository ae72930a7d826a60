"""LimitRanger (upstream plugin/pkg/admission/limitranger).

The LimitRanges of a namespace constrain what its Pods and PersistentVolumeClaims ask for.
Admission (mutating, Pod creation only): containers and init containers that leave a
resource out get the LimitRange's `defaultRequest` and `default` (limit) for type
Container, and the pod is annotated with what was set. Validation: per container (type
Container) and per pod (type Pod: the sums, with init containers and sidecars counted as
the kubelet counts them) min, max and maxLimitRequestRatio; per claim (type
PersistentVolumeClaim) min and max storage requests. A violation is a 403 naming them.
Pod updates are not checked (containers cannot change), nor objects being deleted.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from kapiserver.apimachinery import quantity
from kapiserver.apimachinery.types import Object

from ..errors import new_forbidden
from ..interfaces import Attributes, Operation

PLUGIN_NAME = "LimitRanger"
ANNOTATION = "kubernetes.io/limit-ranger"
_MAX_MILLI_VALUE = (2**63 - 1) // 1000

# The LimitRanges of a namespace.
LimitRangeLister = Callable[[str], Awaitable[list[Object]]]
ResourceList = dict[str, quantity.Quantity]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _quantities(values: Any) -> ResourceList:
    out: ResourceList = {}
    for name, raw in _dict(values).items():
        try:
            out[str(name)] = quantity.from_json(raw)
        except (quantity.QuantityError, TypeError, ValueError):
            continue
    return out


def _limits(limit_range: Object) -> list[dict[str, Any]]:
    return _list(_dict(limit_range.get("spec")).get("limits"))


# -- defaults -----------------------------------------------------------------------------


def _merge_container(container: dict[str, Any], defaults: tuple[dict[str, Any], dict[str, Any]], prefix: str,
                     notes: list[str]) -> None:
    """mergeContainerResources: fill what the container leaves out, note what was set."""
    resources = container.setdefault("resources", {})
    if not isinstance(resources, dict):
        resources = container["resources"] = {}
    set_by_kind: dict[str, list[str]] = {"requests": [], "limits": []}
    for kind, values in (("limits", defaults[1]), ("requests", defaults[0])):
        current: dict[str, Any] = _dict(resources.get(kind))
        for name, value in values.items():
            if name not in current:
                current = {**current, name: value}
                set_by_kind[kind].append(name)
        if current:
            resources[kind] = current
    name = container.get("name") or ""
    if set_by_kind["requests"]:
        notes.append(f"{', '.join(sorted(set_by_kind['requests']))} request for {prefix} {name}")
    if set_by_kind["limits"]:
        notes.append(f"{', '.join(sorted(set_by_kind['limits']))} limit for {prefix} {name}")


def default_pod_resources(limit_range: Object, pod: Object) -> None:
    """PodMutateLimitFunc: the Container type's defaultRequest and default, and the annotation."""
    requests: dict[str, Any] = {}
    limits: dict[str, Any] = {}
    for limit in _limits(limit_range):
        if limit.get("type") == "Container":
            requests.update(_dict(limit.get("defaultRequest")))
            limits.update(_dict(limit.get("default")))
    notes: list[str] = []
    spec = _dict(pod.get("spec"))
    for key, prefix in (("containers", "container"), ("initContainers", "init container")):
        for container in _list(spec.get(key)):
            _merge_container(container, (requests, limits), prefix, notes)
    if notes:
        metadata = pod.setdefault("metadata", {})
        metadata["annotations"] = {**_dict(metadata.get("annotations")),
                                   ANNOTATION: "LimitRanger plugin set: " + "; ".join(notes)}


# -- constraints --------------------------------------------------------------------------


def _values(request: quantity.Quantity | None, limit: quantity.Quantity | None,
            enforced: quantity.Quantity) -> tuple[int, int, int]:
    """requestLimitEnforcedValues: milli precision unless that would overflow."""
    zero = quantity.parse_quantity("0")
    req, lim = request or zero, limit or zero
    values = [quantity.value(q) for q in (req, lim, enforced)]
    if all(v <= _MAX_MILLI_VALUE for v in values):
        values = [quantity.milli_value(q) for q in (req, lim, enforced)]
    return values[0], values[1], values[2]


def min_constraint(kind: str, name: str, enforced: quantity.Quantity, requests: ResourceList,
                   limits: ResourceList) -> str | None:
    req, lim = requests.get(name), limits.get(name)
    observed_req, observed_lim, value = _values(req, lim, enforced)
    shown = quantity.canonical(enforced)
    if req is None:
        return f"minimum {name} usage per {kind} is {shown}.  No request is specified"
    if observed_req < value:
        return f"minimum {name} usage per {kind} is {shown}, but request is {quantity.canonical(req)}"
    if lim is not None and observed_lim < value:
        return f"minimum {name} usage per {kind} is {shown}, but limit is {quantity.canonical(lim)}"
    return None


def max_constraint(kind: str, name: str, enforced: quantity.Quantity, requests: ResourceList,
                   limits: ResourceList) -> str | None:
    req, lim = requests.get(name), limits.get(name)
    observed_req, observed_lim, value = _values(req, lim, enforced)
    shown = quantity.canonical(enforced)
    if lim is None:
        return f"maximum {name} usage per {kind} is {shown}.  No limit is specified"
    if observed_lim > value:
        return f"maximum {name} usage per {kind} is {shown}, but limit is {quantity.canonical(lim)}"
    if req is not None and observed_req > value:
        return f"maximum {name} usage per {kind} is {shown}, but request is {quantity.canonical(req)}"
    return None


def max_request_constraint(kind: str, name: str, enforced: quantity.Quantity, requests: ResourceList) -> str | None:
    req = requests.get(name)
    observed_req, _, value = _values(req, None, enforced)
    shown = quantity.canonical(enforced)
    if req is None:
        return f"maximum {name} usage per {kind} is {shown}.  No request is specified"
    if observed_req > value:
        return f"maximum {name} usage per {kind} is {shown}, but request is {quantity.canonical(req)}"
    return None


def ratio_constraint(kind: str, name: str, enforced: quantity.Quantity, requests: ResourceList,
                     limits: ResourceList) -> str | None:
    req, lim = requests.get(name), limits.get(name)
    observed_req, observed_lim, _ = _values(req, lim, enforced)
    shown = quantity.canonical(enforced)
    if req is None or observed_req == 0:
        return f"{name} max limit to request ratio per {kind} is {shown}, but no request is specified or request is 0"
    if lim is None or observed_lim == 0:
        return f"{name} max limit to request ratio per {kind} is {shown}, but no limit is specified or limit is 0"
    ratio = observed_lim / observed_req
    observed, allowed = ratio, float(quantity.value(enforced))
    if quantity.value(enforced) <= _MAX_MILLI_VALUE:
        observed, allowed = ratio * 1000, float(quantity.milli_value(enforced))
    if observed > allowed:
        return f"{name} max limit to request ratio per {kind} is {shown}, but provided ratio is {ratio:f}"
    return None


def _check(limit: dict[str, Any], kind: str, requests: ResourceList, limits: ResourceList) -> list[str]:
    found: list[str | None] = []
    found += [min_constraint(kind, k, v, requests, limits) for k, v in _quantities(limit.get("min")).items()]
    found += [max_constraint(kind, k, v, requests, limits) for k, v in _quantities(limit.get("max")).items()]
    found += [ratio_constraint(kind, k, v, requests, limits)
              for k, v in _quantities(limit.get("maxLimitRequestRatio")).items()]
    return [f for f in found if f]


def _add(total: ResourceList, more: ResourceList) -> None:
    for name, value in more.items():
        total[name] = quantity.add(total[name], value) if name in total else value


def _max(total: ResourceList, more: ResourceList) -> None:
    for name, value in more.items():
        if name not in total or quantity.compare(value, total[name]) > 0:
            total[name] = value


def pod_totals(pod: Object, kind: str) -> ResourceList:
    """podRequests / podLimits: containers summed; sidecars add up; other init containers count as
    their own need plus the sidecars started before them; the pod needs the larger of the two."""
    spec = _dict(pod.get("spec"))
    total: ResourceList = {}
    for container in _list(spec.get("containers")):
        _add(total, _quantities(_dict(container.get("resources")).get(kind)))
    sidecars: ResourceList = {}
    init_total: ResourceList = {}
    for container in _list(spec.get("initContainers")):
        own = _quantities(_dict(container.get("resources")).get(kind))
        if container.get("restartPolicy") == "Always":
            _add(total, own)
            _add(sidecars, own)
            need = dict(sidecars)
        else:
            need = dict(own)
            _add(need, sidecars)
        _max(init_total, need)
    _max(total, init_total)
    return total


def validate_pod(limit_range: Object, pod: Object) -> list[str]:
    """PodValidateLimitFunc."""
    problems: list[str] = []
    spec = _dict(pod.get("spec"))
    for limit in _limits(limit_range):
        kind = str(limit.get("type") or "")
        if kind == "Container":
            for container in _list(spec.get("containers")) + _list(spec.get("initContainers")):
                resources = _dict(container.get("resources"))
                problems += _check(limit, kind, _quantities(resources.get("requests")),
                                   _quantities(resources.get("limits")))
        elif kind == "Pod":
            problems += _check(limit, kind, pod_totals(pod, "requests"), pod_totals(pod, "limits"))
    return problems


def validate_claim(limit_range: Object, claim: Object) -> list[str]:
    """PersistentVolumeClaimValidateLimitFunc: storage requests only."""
    problems: list[str] = []
    requests = _quantities(_dict(_dict(claim.get("spec")).get("resources")).get("requests"))
    for limit in _limits(limit_range):
        kind = str(limit.get("type") or "")
        if kind != "PersistentVolumeClaim":
            continue
        found = [min_constraint(kind, k, v, requests, {}) for k, v in _quantities(limit.get("min")).items()]
        found += [max_request_constraint(kind, k, v, requests) for k, v in _quantities(limit.get("max")).items()]
        problems += [f for f in found if f]
    return problems


def aggregate(problems: list[str]) -> str:
    """utilerrors.NewAggregate's message."""
    return problems[0] if len(problems) == 1 else "[" + ", ".join(problems) + "]"


class LimitRanger:
    def __init__(self, list_limit_ranges: LimitRangeLister):
        self._list = list_limit_ranges

    def handles(self, operation: Operation) -> bool:
        return operation in (Operation.CREATE, Operation.UPDATE)

    def _kind(self, attrs: Attributes) -> str:
        """"pods" or "persistentvolumeclaims" when this plugin looks at the request, else ""."""
        if attrs.subresource or attrs.kind.group != "":
            return ""
        if attrs.kind.kind == "Pod" and attrs.operation == Operation.CREATE:
            return "pods"
        if attrs.kind.kind == "PersistentVolumeClaim":
            return "persistentvolumeclaims"
        return ""

    async def _ranges(self, attrs: Attributes) -> list[Object]:
        if attrs.old_obj is not None and (attrs.old_obj.get("metadata") or {}).get("deletionTimestamp"):
            return []
        return await self._list(attrs.namespace)

    async def admit(self, attrs: Attributes) -> None:
        if self._kind(attrs) != "pods" or attrs.obj is None:
            return
        for limit_range in await self._ranges(attrs):
            default_pod_resources(limit_range, attrs.obj)

    async def validate(self, attrs: Attributes) -> None:
        kind = self._kind(attrs)
        if not kind or attrs.obj is None:
            return
        for limit_range in await self._ranges(attrs):
            problems = validate_pod(limit_range, attrs.obj) if kind == "pods" else validate_claim(limit_range,
                                                                                                  attrs.obj)
            if problems:
                raise new_forbidden(attrs, aggregate(problems))
