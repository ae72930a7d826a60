"""Pods as quota counts them (upstream pkg/quota/v1/evaluator/core/pods.go).

A pod uses `count/pods` always, and while it is not finished (phase Succeeded or Failed, or
being deleted past its grace period) also `pods` and what its containers ask for: cpu and
memory (bare names count requests), ephemeral-storage, `requests.hugepages-*` and
`requests.<extended resource>`, and the matching `limits.*`. Quotas that track cpu or memory
require every container to say so explicitly (a backward-compatibility rule upstream keeps),
unless the pod sets pod-level resources. Scopes: Terminating / NotTerminating
(activeDeadlineSeconds), BestEffort / NotBestEffort (QoS), PriorityClass (a selector over the
class name) and CrossNamespacePodAffinity.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from kapiserver.apimachinery import timefmt, validation
from kapiserver.apimachinery.types import Object

from ...interfaces import Attributes, Operation
from . import pod_resources, resources
from .generic import Evaluator, ScopeSelector, object_count_name, selector_matches
from .resources import ResourceList

POD_OBJECT_COUNT_NAME = object_count_name("", "pods")
POD_RESOURCES = (POD_OBJECT_COUNT_NAME, "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory",
                 "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods")
POD_RESOURCE_PREFIXES = ("hugepages-", "requests.hugepages-")
REQUESTS_PREFIX = "requests."
# Quotas on these make every container name them (upstream's validationSet; never to grow).
VALIDATION_SET = frozenset({"cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"})


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def is_native_resource(name: str) -> bool:
    """helper.IsNativeResource: no domain, or a kubernetes.io one."""
    return "/" not in name or "kubernetes.io/" in name


def is_extended_resource_name(name: str) -> bool:
    """helper.IsExtendedResourceName: a domain-qualified name outside kubernetes.io that quota can
    track as `requests.<name>`."""
    if is_native_resource(name) or name.startswith(REQUESTS_PREFIX):
        return False
    return not validation.is_qualified_name(REQUESTS_PREFIX + name)


def is_extended_resource_name_for_quota(name: str) -> bool:
    return not is_native_resource(name) and name.startswith(REQUESTS_PREFIX)


def pod_compute_usage(requests: ResourceList, limits: ResourceList) -> ResourceList:
    """podComputeUsageHelper."""
    result: ResourceList = {"pods": resources.ONE}
    for name in ("cpu", "memory", "ephemeral-storage"):
        if name in requests:
            result[name] = requests[name]
            result[REQUESTS_PREFIX + name] = requests[name]
        if name in limits:
            result["limits." + name] = limits[name]
    for name, value in requests.items():
        if name.startswith(pod_resources.HUGE_PAGES_PREFIX):
            result[name] = value
            result[REQUESTS_PREFIX + name] = value
        if is_extended_resource_name(name):
            result[REQUESTS_PREFIX + name] = value
    return result


def is_terminating(pod: Object) -> bool:
    deadline = _dict(pod.get("spec")).get("activeDeadlineSeconds")
    return isinstance(deadline, int) and deadline >= 0


def _cross_namespace(terms: Any, weighted: bool) -> bool:
    for term in _list(terms):
        term = _dict(term.get("podAffinityTerm")) if weighted else term
        if term.get("namespaces") or term.get("namespaceSelector") is not None:
            return True
    return False


def uses_cross_namespace_pod_affinity(pod: Object) -> bool:
    affinity = _dict(_dict(pod.get("spec")).get("affinity"))
    for key in ("podAffinity", "podAntiAffinity"):
        terms = _dict(affinity.get(key))
        if _cross_namespace(terms.get("requiredDuringSchedulingIgnoredDuringExecution"), False) or \
                _cross_namespace(terms.get("preferredDuringSchedulingIgnoredDuringExecution"), True):
            return True
    return False


def quota_v1_pod(pod: Object, now: _dt.datetime) -> bool:
    """QuotaV1Pod: finished pods, and pods stuck deleting past their grace period, are free."""
    if _dict(pod.get("status")).get("phase") in ("Failed", "Succeeded"):
        return False
    metadata = _dict(pod.get("metadata"))
    deleted, grace = metadata.get("deletionTimestamp"), metadata.get("deletionGracePeriodSeconds")
    if isinstance(deleted, str) and isinstance(grace, int):
        try:
            if now > timefmt.parse_time(deleted) + _dt.timedelta(seconds=grace):
                return False
        except ValueError:
            return True
    return True


def pod_usage(pod: Object, now: _dt.datetime | None = None) -> ResourceList:
    """PodUsageFunc."""
    result: ResourceList = {POD_OBJECT_COUNT_NAME: resources.ONE}
    if not quota_v1_pod(pod, now or timefmt.now()):
        return result
    usage = pod_compute_usage(pod_resources.pod_requests(pod), pod_resources.pod_limits(pod))
    return resources.add(result, usage)


def pod_matches_scope(selector: ScopeSelector, pod: Object) -> bool:
    """podMatchesScopeFunc."""
    scope = selector.get("scopeName")
    if scope == "Terminating":
        return is_terminating(pod)
    if scope == "NotTerminating":
        return not is_terminating(pod)
    if scope in ("BestEffort", "NotBestEffort"):
        best_effort = pod_resources.get_pod_qos(pod) == "BestEffort"
        return best_effort if scope == "BestEffort" else not best_effort
    if scope == "PriorityClass":
        class_name = str(_dict(pod.get("spec")).get("priorityClassName") or "")
        if selector.get("operator") == "Exists":
            return bool(class_name)
        return selector_matches(selector, {"PriorityClass": class_name} if class_name else {})
    if scope == "CrossNamespacePodAffinity":
        return uses_cross_namespace_pod_affinity(pod)
    return False


def missing_container_resources(pod: Object, required: list[str]) -> str | None:
    """Constraints: "must specify <resource> for: <containers>; ..." for what containers leave out."""
    if pod_resources.is_pod_level_resources_set(pod):
        return None
    required_set = set(required) & VALIDATION_SET
    missing: dict[str, set[str]] = {}
    spec = _dict(pod.get("spec"))
    for container in _list(spec.get("containers")) + _list(spec.get("initContainers")):
        resources_ = _dict(container.get("resources"))
        named = set(pod_compute_usage(resources.parse(resources_.get("requests")),
                                      resources.parse(resources_.get("limits"))))
        for name in required_set - named:
            missing.setdefault(name, set()).add(str(container.get("name") or ""))
    if not missing:
        return None
    return "must specify " + "; ".join(f"{name} for: {','.join(sorted(missing[name]))}" for name in sorted(missing))


class PodEvaluator(Evaluator):
    def __init__(self) -> None:
        super().__init__("", "pods")

    def constraints(self, required: list[str], obj: Object) -> str | None:
        return missing_container_resources(obj, required)

    def handles(self, attrs: Attributes) -> bool:
        """Creation, a resize, and an update that moves the pod between the Terminating scopes."""
        if attrs.subresource == "":
            if attrs.operation == Operation.UPDATE and attrs.obj is not None and attrs.old_obj is not None \
                    and is_terminating(attrs.old_obj) != is_terminating(attrs.obj):
                return True
            return attrs.operation == Operation.CREATE
        return attrs.subresource == "resize" and attrs.operation == Operation.UPDATE

    def matches_scope(self, selector: ScopeSelector, obj: Object) -> bool:
        return pod_matches_scope(selector, obj)

    def matching_resources(self, names: list[str]) -> list[str]:
        result = resources.intersection(names, list(POD_RESOURCES))
        for name in names:
            if resources.contains_prefix(POD_RESOURCE_PREFIXES, name):
                result.append(name)
            if is_extended_resource_name_for_quota(name):
                result.append(name)
        return result

    def usage(self, obj: Object) -> ResourceList:
        return pod_usage(obj)
