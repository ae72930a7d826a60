"""autoscaling/v1 <-> autoscaling/v2 HorizontalPodAutoscaler (upstream pkg/apis/autoscaling/v1
conversion.go; the internal type has v2's shape, and v2 is the storage version).

v1 only knows a CPU utilization target. Everything else a v2 object holds rides in
annotations when it is read at v1, and comes back out of them when a v1 object is
written, so a v1 client's read-modify-write keeps v2-only fields:

- `autoscaling.alpha.kubernetes.io/metrics`: spec.metrics other than the CPU utilization one
- `autoscaling.alpha.kubernetes.io/current-metrics`: status.currentMetrics
- `autoscaling.alpha.kubernetes.io/conditions`: status.conditions
- `autoscaling.alpha.kubernetes.io/behavior`: spec.behavior, as upstream encodes it: the
  internal Go struct without JSON tags ("ScaleUp", "StabilizationWindowSeconds", ...),
  read back with Go's case-insensitive field matching

The first three are v2 JSON in Go's field order (Go's json.Marshal), compact. A v1 object
without metrics gets v1's old implicit default, 80% CPU. Conversions never mutate their
argument (it may be shared with the watch cache).
"""

from __future__ import annotations

from typing import Any

import orjson

from kapiserver.apimachinery import quantity
from kapiserver.apimachinery.protobuf import table
from kapiserver.apimachinery.types import Object
from kapiserver.registry.core.podspec.access import as_dict, dicts

METRIC_SPECS_ANNOTATION = "autoscaling.alpha.kubernetes.io/metrics"
METRIC_STATUSES_ANNOTATION = "autoscaling.alpha.kubernetes.io/current-metrics"
CONDITIONS_ANNOTATION = "autoscaling.alpha.kubernetes.io/conditions"
BEHAVIOR_ANNOTATION = "autoscaling.alpha.kubernetes.io/behavior"
DEFAULT_CPU_UTILIZATION = 80
_RULE_FIELDS = (("StabilizationWindowSeconds", "stabilizationWindowSeconds"), ("SelectPolicy", "selectPolicy"),
                ("Policies", "policies"), ("Tolerance", "tolerance"))
_POLICY_FIELDS = (("Type", "type"), ("Value", "value"), ("PeriodSeconds", "periodSeconds"))


# -- Go's json.Marshal of v2 structs -----------------------------------------------------------


def _go_order(value: Any, message: str) -> Any:
    """The value with keys in the Go struct's order (protobuf table order) and quantities canonical."""
    entry = table.raw_table()["messages"].get(message)
    if entry is None or not isinstance(value, (dict, list)):
        if message == "api.resource.Quantity" and isinstance(value, (str, int, float)):
            try:
                return quantity.canonical(quantity.from_json(value))
            except quantity.QuantityError:
                return value
        return value
    if isinstance(value, list):
        return [_go_order(item, message) for item in value]
    fields = {name: ftype for _, name, ftype, _ in entry[2]}
    # metav1.Time is a struct: without omitzero Go writes a zero one as null
    nulls = {name for _, name, ftype, flags in entry[2]
             if ftype == "apis.meta.v1.Time" and not flags & (table.FLAG_OMITZERO | table.FLAG_POINTER)}
    out = {name: _go_order(value[name], fields[name]) if value.get(name) is not None else None
           for name in fields if value.get(name) is not None or name in nulls}
    out.update({k: v for k, v in value.items() if k not in fields and v is not None})
    return out


def go_json(value: Any, message: str) -> str:
    text = orjson.dumps(_go_order(value, message)).decode()
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _behavior_to_internal_json(behavior: Object) -> str:
    def rules(value: Any) -> Any:
        if not isinstance(value, dict):
            return None
        out: Object = {}
        for go_name, name in _RULE_FIELDS:
            item = value.get(name)
            if name == "policies" and isinstance(item, list):
                item = [{g: as_dict(p).get(n, "" if n == "type" else 0) for g, n in _POLICY_FIELDS} for p in item]
            elif name == "tolerance" and item is not None:
                item = _go_order(item, "api.resource.Quantity")
            out[go_name] = item
        return out

    return orjson.dumps({"ScaleUp": rules(behavior.get("scaleUp")), "ScaleDown": rules(behavior.get("scaleDown"))}
                        ).decode()


def _fold(mapping: Any, name: str) -> Any:
    """Go's json field matching: exact name first, then case-insensitive."""
    if not isinstance(mapping, dict):
        return None
    if name in mapping:
        return mapping[name]
    for key, value in mapping.items():
        if key.lower() == name.lower():
            return value
    return None


def _behavior_from_internal_json(text: str) -> Object | None:
    try:
        decoded = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(decoded, dict):
        return None

    def rules(value: Any) -> Any:
        if not isinstance(value, dict):
            return None
        out: Object = {}
        for go_name, name in _RULE_FIELDS:
            item = _fold(value, go_name)
            if item is None:
                continue
            if name == "policies" and isinstance(item, list):
                item = [{n: _fold(p, g) for g, n in _POLICY_FIELDS if _fold(p, g) is not None} for p in item]
            out[name] = item
        return out

    behavior = {key: rules(_fold(decoded, go)) for go, key in (("ScaleUp", "scaleUp"), ("ScaleDown", "scaleDown"))}
    return {k: v for k, v in behavior.items() if v is not None}


def _loads_list(text: str) -> list[Any] | None:
    try:
        decoded = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    return decoded if isinstance(decoded, list) else None


# -- the conversions -----------------------------------------------------------------------------


def _is_cpu_utilization_target(metric: Object) -> bool:
    resource = as_dict(metric.get("resource"))
    return (metric.get("type") == "Resource" and resource.get("name") == "cpu"
            and as_dict(resource.get("target")).get("averageUtilization") is not None)


def _cpu_metric(utilization: int) -> Object:
    return {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization",
                                                                       "averageUtilization": utilization}}}


def v2_to_v1(obj: Object) -> Object:
    """A stored (v2) HorizontalPodAutoscaler as autoscaling/v1 shows it."""
    spec, status = as_dict(obj.get("spec")), as_dict(obj.get("status"))
    metrics = dicts(spec.get("metrics"))
    other = [m for m in metrics if not _is_cpu_utilization_target(m)]
    metadata = dict(as_dict(obj.get("metadata")))
    annotations = dict(as_dict(metadata.get("annotations")))
    if other:
        annotations[METRIC_SPECS_ANNOTATION] = go_json(other, "autoscaling.v2.MetricSpec")
    if dicts(status.get("currentMetrics")):
        annotations[METRIC_STATUSES_ANNOTATION] = go_json(status["currentMetrics"], "autoscaling.v2.MetricStatus")
    if isinstance(spec.get("behavior"), dict):
        annotations[BEHAVIOR_ANNOTATION] = _behavior_to_internal_json(spec["behavior"])
    if dicts(status.get("conditions")):
        annotations[CONDITIONS_ANNOTATION] = go_json(status["conditions"],
                                                     "autoscaling.v2.HorizontalPodAutoscalerCondition")
    if annotations:
        metadata["annotations"] = annotations
    v1_spec: Object = {"scaleTargetRef": spec.get("scaleTargetRef", {})}
    if spec.get("minReplicas") is not None:
        v1_spec["minReplicas"] = spec["minReplicas"]
    v1_spec["maxReplicas"] = spec.get("maxReplicas", 0)
    for metric in metrics:
        resource = as_dict(metric.get("resource"))
        if metric.get("type") == "Resource" and resource.get("name") == "cpu":
            utilization = as_dict(resource.get("target")).get("averageUtilization")
            if utilization is not None:
                v1_spec["targetCPUUtilizationPercentage"] = utilization
            break
    out: Object = {k: v for k, v in obj.items() if k not in ("metadata", "spec", "status")}
    out.update(metadata=metadata, spec=v1_spec, status=_status_to_v1(status))
    return out


def _status_to_v1(status: Object) -> Object:
    out: Object = {}
    for key in ("observedGeneration", "lastScaleTime"):
        if status.get(key) is not None:
            out[key] = status[key]
    out["currentReplicas"] = status.get("currentReplicas", 0)
    out["desiredReplicas"] = status.get("desiredReplicas", 0)
    for metric in dicts(status.get("currentMetrics")):
        resource = as_dict(metric.get("resource"))
        if metric.get("type") == "Resource" and resource.get("name") == "cpu":
            utilization = as_dict(resource.get("current")).get("averageUtilization")
            if utilization is not None:
                out["currentCPUUtilizationPercentage"] = utilization
    return out


def v1_to_v2(obj: Object) -> Object:
    """An autoscaling/v1 HorizontalPodAutoscaler in the v2 shape it is stored in."""
    spec, status = as_dict(obj.get("spec")), as_dict(obj.get("status"))
    metadata = dict(as_dict(obj.get("metadata")))
    annotations = dict(as_dict(metadata.get("annotations")))
    metrics: list[Object] = []
    if spec.get("targetCPUUtilizationPercentage") is not None:
        metrics = [_cpu_metric(spec["targetCPUUtilizationPercentage"])]
    v2_spec: Object = {"scaleTargetRef": spec.get("scaleTargetRef", {})}
    if spec.get("minReplicas") is not None:
        v2_spec["minReplicas"] = spec["minReplicas"]
    v2_spec["maxReplicas"] = spec.get("maxReplicas", 0)
    v2_status: Object = {k: status[k] for k in ("observedGeneration", "lastScaleTime") if status.get(k) is not None}
    v2_status["currentReplicas"] = status.get("currentReplicas", 0)
    v2_status["desiredReplicas"] = status.get("desiredReplicas", 0)
    if status.get("currentCPUUtilizationPercentage") is not None:
        v2_status["currentMetrics"] = [{"type": "Resource", "resource": {
            "name": "cpu", "current": {"averageUtilization": status["currentCPUUtilizationPercentage"]}}}]
    extra = _loads_list(annotations.get(METRIC_SPECS_ANNOTATION, "")) if METRIC_SPECS_ANNOTATION in annotations else None
    if extra is not None:
        metrics = [m for m in extra if isinstance(m, dict)] + metrics[:1]
        del annotations[METRIC_SPECS_ANNOTATION]
    current = _loads_list(annotations.get(METRIC_STATUSES_ANNOTATION, "")) \
        if METRIC_STATUSES_ANNOTATION in annotations else None
    if current is not None:
        v2_status["currentMetrics"] = current
        del annotations[METRIC_STATUSES_ANNOTATION]
    v2_spec["metrics"] = metrics or [_cpu_metric(DEFAULT_CPU_UTILIZATION)]
    conditions = _loads_list(annotations.get(CONDITIONS_ANNOTATION, "")) if CONDITIONS_ANNOTATION in annotations \
        else None
    if conditions is not None:
        v2_status["conditions"] = conditions
        del annotations[CONDITIONS_ANNOTATION]
    if BEHAVIOR_ANNOTATION in annotations:
        behavior = _behavior_from_internal_json(annotations[BEHAVIOR_ANNOTATION])
        if behavior is not None:
            v2_spec["behavior"] = behavior
            del annotations[BEHAVIOR_ANNOTATION]
    if annotations:
        metadata["annotations"] = annotations
    else:
        metadata.pop("annotations", None)
    out: Object = {k: v for k, v in obj.items() if k not in ("metadata", "spec", "status")}
    out.update(metadata=metadata, spec=v2_spec, status=v2_status)
    return out
