"""Checking one admission request against the quotas of its namespace (upstream
k8s.io/apiserver/pkg/admission/plugin/resourcequota controller.go CheckRequest).

A quota applies when the evaluator tracks one of the names in its status.hard and all its
scopes match the object; a quota the quota controller has not filled (empty status) applies to
nothing. An applicable quota refuses an object that leaves out what it must state ("failed
quota"), and any request while its status.used lacks a tracked name ("status unknown"). The
object's usage (on an update, what it adds to the previous version, never negative; in full
for quotas the previous version did not fall under) is added to status.used, masked to what
the quota tracks, and must stay within status.hard ("exceeded quota") except for status
writes. The answer is the list of quotas with their new usage, not yet persisted.

Limited resources (the plugin's configuration file) are not supported: kapiserver accepts no
--admission-control-config-file, so upstream's default, none, applies.
"""

from __future__ import annotations

from kapiserver.apimachinery import errors, meta
from kapiserver.apimachinery.types import Object

from ...errors import new_forbidden
from ...interfaces import Attributes, Operation
from . import resources
from .generic import Evaluator, has_usage_stats, status_hard, status_used
from .resources import ResourceList


def _with_used(quota: Object, used: ResourceList) -> Object:
    """A copy of the quota with status.used replaced (the original is shared: never mutated)."""
    status = quota.get("status")
    return {**quota, "status": {**(status if isinstance(status, dict) else {}), "used": resources.to_json(used)}}


def _interesting(quotas: list[Object], attrs: Attributes, evaluator: Evaluator, obj: Object) -> list[int]:
    """The indexes of the quotas that apply; refuses when one cannot be checked."""
    found = []
    for index, quota in enumerate(quotas):
        if not evaluator.matches(quota, obj):
            continue
        restricted = evaluator.matching_resources(list(status_hard(quota)))
        problem = evaluator.constraints(restricted, obj)
        if problem:
            raise new_forbidden(attrs, f"failed quota: {meta.name(quota)}: {problem}")
        if not has_usage_stats(quota, restricted):
            raise new_forbidden(attrs, f"status unknown for quota: {meta.name(quota)}, resources: "
                                       f"{resources.pretty_print_names(restricted)}")
        found.append(index)
    return found


def _deltas(quotas: list[Object], attrs: Attributes, evaluator: Evaluator, interesting: list[int],
            usage: ResourceList) -> dict[int, ResourceList]:
    """What the request adds to each interesting quota: all of the object's usage, or on an update
    what it adds to the previous version for quotas that one already fell under. Zeros dropped."""
    deltas = {index: usage for index in interesting}
    if attrs.operation == Operation.UPDATE:
        previous = attrs.old_obj
        if previous is None:
            raise new_forbidden(attrs, "unable to get previous usage since prior version of object was not found")
        if meta.resource_version(previous):
            delta = resources.subtract_with_non_negative_result(usage, evaluator.usage(previous))
            for index in interesting:
                if evaluator.matches(quotas[index], previous):
                    deltas[index] = delta
    deltas = {index: resources.remove_zeros(delta) for index, delta in deltas.items()}
    return {index: delta for index, delta in deltas.items() if delta}


def check_request(quotas: list[Object], attrs: Attributes, evaluator: Evaluator) -> list[Object]:
    """The quotas as they would be if the request succeeded; StatusError when it may not."""
    obj = attrs.obj
    if obj is None or not evaluator.handles(attrs):
        return quotas
    interesting = _interesting(quotas, attrs, evaluator, obj)
    if attrs.namespace and isinstance(obj.get("metadata"), dict) and not obj["metadata"].get("namespace"):
        obj = {**obj, "metadata": {**obj["metadata"], "namespace": attrs.namespace}}
    usage = evaluator.usage(obj)
    negative = resources.is_negative(usage)
    if negative:
        raise new_forbidden(attrs, f"quota usage is negative for resource(s): "
                                   f"{resources.pretty_print_names(negative)}")
    deltas = _deltas(quotas, attrs, evaluator, interesting, usage)
    if not interesting or not deltas:
        return quotas
    out = list(quotas)
    for index in interesting:
        if index not in deltas:
            continue
        quota = quotas[index]
        hard, used = status_hard(quota), status_used(quota)
        requested = resources.mask(deltas[index], set(hard))
        new_usage = resources.add(used, requested)
        if attrs.subresource != "status":
            allowed, exceeded = resources.less_than_or_equal(resources.mask(new_usage, set(requested)), hard)
            if not allowed:
                raise new_forbidden(attrs, f"exceeded quota: {meta.name(quota)}, "
                                           f"requested: {resources.pretty_print(resources.mask(requested, exceeded))}, "
                                           f"used: {resources.pretty_print(resources.mask(used, exceeded))}, "
                                           f"limited: {resources.pretty_print(resources.mask(hard, exceeded))}")
        out[index] = _with_used(quota, new_usage)
    return out


def changed(before: list[Object], after: list[Object]) -> list[Object]:
    """The quotas whose status.used the request changes (those to persist)."""
    return [new for old, new in zip(before, after, strict=True)
            if not resources.equals(status_used(old), status_used(new))]


def timed_out() -> errors.StatusError:
    return errors.internal_error("resource quota evaluation timed out")
