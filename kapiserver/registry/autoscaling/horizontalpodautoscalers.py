"""horizontalpodautoscalers at autoscaling/v2 (storage) and autoscaling/v1 (upstream
pkg/registry/autoscaling/horizontalpodautoscaler, pkg/apis/autoscaling/v2 and v1 defaults).

v2 defaults: minReplicas 1; an 80% CPU utilization metric when there are no metrics; a
behavior, when given, filled with the default scale-up (0s window, Max of 4 pods or 100%
per 15s) and scale-down (Max of 100% per 15s) rules. v1 defaults minReplicas only; its
objects are converted to v2 (versions.py) and run through v2's strategy. Create clears
status, updates keep it; `horizontalpodautoscalers/status` changes status only. The
TARGETS cell is upstream's formatHPAMetrics, over the v2 shape.
"""

from __future__ import annotations

import copy
from typing import Any

from kapiserver.apimachinery import field, quantity
from kapiserver.apimachinery.types import Object
from kapiserver.registry import conversion
from kapiserver.registry.core.podspec.access import as_dict, as_int, as_str, dicts
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec, Subresource
from kapiserver.registry.strategy import Strategy, drop_status_on_create, keep_old_spec, keep_old_status
from kapiserver.registry.subresources import StatusREST
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

from . import validation, versions

_MAX_POLICY = "Max"
DEFAULT_SCALE_UP: Object = {"stabilizationWindowSeconds": 0, "selectPolicy": _MAX_POLICY, "policies": [
    {"type": "Pods", "value": 4, "periodSeconds": 15}, {"type": "Percent", "value": 100, "periodSeconds": 15}]}
DEFAULT_SCALE_DOWN: Object = {"selectPolicy": _MAX_POLICY, "policies": [
    {"type": "Percent", "value": 100, "periodSeconds": 15}]}


def _rules(given: Any, defaults: Object) -> Object:
    """copyHPAScalingRules over a copy of the defaults: set fields win."""
    out = copy.deepcopy(defaults)
    if isinstance(given, dict):
        for key in ("selectPolicy", "stabilizationWindowSeconds", "policies", "tolerance"):
            if given.get(key) is not None:
                out[key] = given[key]
    return out


def set_defaults_v2(obj: Object) -> None:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        spec = obj["spec"] = {}
    if spec.get("minReplicas") is None:
        spec["minReplicas"] = 1
    if not spec.get("metrics"):
        spec["metrics"] = [{"type": "Resource", "resource": {"name": "cpu", "target": {
            "type": "Utilization", "averageUtilization": versions.DEFAULT_CPU_UTILIZATION}}}]
    behavior = spec.get("behavior")
    if isinstance(behavior, dict):
        behavior["scaleUp"] = _rules(behavior.get("scaleUp"), DEFAULT_SCALE_UP)
        behavior["scaleDown"] = _rules(behavior.get("scaleDown"), DEFAULT_SCALE_DOWN)


class HorizontalPodAutoscalerStrategy(Strategy):
    def default(self, obj: Object) -> None:
        set_defaults_v2(obj)

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        drop_status_on_create(obj)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old_status(obj, old)

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validation.validate_horizontal_pod_autoscaler(obj, validation.validation_options(obj, None))

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validation.validate_horizontal_pod_autoscaler_update(obj, old, validation.validation_options(obj, old))


class HorizontalPodAutoscalerStatusStrategy(HorizontalPodAutoscalerStrategy):
    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old_spec(obj, old)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validation.validate_horizontal_pod_autoscaler_status_update(obj, old)


class V1Strategy(conversion.ConvertingStrategy):
    """v2's strategy on the converted object; defaulting starts with v1's own (minReplicas)."""

    def default(self, obj: Object) -> None:
        spec = obj.get("spec")
        if isinstance(spec, dict) and spec.get("minReplicas") is None:
            spec["minReplicas"] = 1
        super().default(obj)


# -- printing ---------------------------------------------------------------------------------


def _q(value: Any) -> str:
    """Quantity.String(): the canonical form; a nil *Quantity prints "<nil>"."""
    if value is None:
        return "<nil>"
    try:
        return quantity.canonical(quantity.from_json(value))
    except quantity.QuantityError:
        return as_str(value)


def _percent(value: Any) -> str:
    return f"{as_int(value)}%"


def _metric_cell(spec: Object, status: Object | None) -> str:
    kind = spec.get("type")
    key = versions_key(kind)
    if key is None:
        return "<unknown type>"
    source = as_dict(spec.get(key))
    target = as_dict(source.get("target"))
    current_status = as_dict(as_dict(status).get(key)) if status is not None and as_dict(status).get(key) is not None \
        else None
    current = as_dict(current_status.get("current")) if current_status is not None else {}
    if kind in ("External", "Object"):
        if target.get("averageValue") is not None:
            now = _q(current["averageValue"]) if current_status is not None and current.get("averageValue") \
                is not None else "<unknown>"
            return f"{now}/{_q(target['averageValue'])} (avg)"
        now = _q(current.get("value")) if current_status is not None else "<unknown>"
        return f"{now}/{_q(target.get('value'))}"
    if kind == "Pods":
        now = _q(current.get("averageValue")) if current_status is not None else "<unknown>"
        return f"{now}/{_q(target.get('averageValue'))}"
    name = as_str(source.get("name"))
    if target.get("averageValue") is not None:
        now = _q(current.get("averageValue")) if current_status is not None else "<unknown>"
        return f"{name}: {now}/{_q(target['averageValue'])}"
    now = _percent(current["averageUtilization"]) if current_status is not None and \
        current.get("averageUtilization") is not None else "<unknown>"
    wanted = _percent(target["averageUtilization"]) if target.get("averageUtilization") is not None else "<auto>"
    return f"{name}: {now}/{wanted}"


def versions_key(kind: Any) -> str | None:
    return {"External": "external", "Pods": "pods", "Object": "object", "Resource": "resource",
            "ContainerResource": "containerResource"}.get(kind if isinstance(kind, str) else "")


def format_hpa_metrics(specs: list[Object], statuses: list[Object]) -> str:
    """upstream formatHPAMetrics: two metrics, then "+ N more..."."""
    if not specs:
        return "<none>"
    cells = [_metric_cell(spec, statuses[i] if i < len(statuses) else None) for i, spec in enumerate(specs)]
    if len(cells) > 2:
        return f"{', '.join(cells[:2])} + {len(cells) - 2} more..."
    return ", ".join(cells)


def _row(obj: Object) -> list[object]:
    spec, status = as_dict(obj.get("spec")), as_dict(obj.get("status"))
    ref = as_dict(spec.get("scaleTargetRef"))
    min_pods = str(as_int(spec["minReplicas"])) if spec.get("minReplicas") is not None else "<unset>"
    return [name_of(obj), f"{as_str(ref.get('kind'))}/{as_str(ref.get('name'))}",
            format_hpa_metrics(dicts(spec.get("metrics")), dicts(status.get("currentMetrics"))), min_pods,
            as_int(spec.get("maxReplicas")), as_int(status.get("currentReplicas")), age(obj)]


_COLUMNS = (
    NAME_COLUMN,
    Column("Reference", "string", "", "scaleTargetRef points to the target resource to scale, and is used to the "
                                      "pods for which metrics should be collected, as well as to actually change the "
                                      "replica count."),
    Column("Targets", "string", "", "metrics contains the specifications for which to use to calculate the desired "
                                    "replica count (the maximum replica count across all metrics will be used).  The "
                                    "desired replica count is calculated multiplying the ratio between the target "
                                    "value and the current value by the current number of pods.  Ergo, metrics used "
                                    "must decrease as the pod count is increased, and vice-versa.  See the individual "
                                    "metric source types for more information about how each type of metric must "
                                    "respond."),
    Column("MinPods", "string", "", "minReplicas is the lower limit for the number of replicas to which the "
                                    "autoscaler can scale down.  It defaults to 1 pod.  minReplicas is allowed to be "
                                    "0 if the alpha feature gate HPAScaleToZero is enabled and at least one Object or "
                                    "External metric is configured.  Scaling is active as long as at least one metric "
                                    "value is available."),
    Column("MaxPods", "string", "", "maxReplicas is the upper limit for the number of replicas to which the "
                                    "autoscaler can scale up. It cannot be less that minReplicas."),
    Column("Replicas", "string", "", "currentReplicas is current number of replicas of pods managed by this "
                                     "autoscaler, as last seen by the autoscaler."),
    AGE_COLUMN,
)
HPA_PRINTER = Printer(_COLUMNS, _row)
HPA_V1_PRINTER = Printer(_COLUMNS, lambda obj: _row(versions.v1_to_v2(obj)))

HORIZONTALPODAUTOSCALERS = ResourceSpec(
    group="autoscaling", version="v2", kind="HorizontalPodAutoscaler", plural="horizontalpodautoscalers",
    singular="horizontalpodautoscaler", namespaced=True, strategy=HorizontalPodAutoscalerStrategy(),
    short_names=("hpa",), categories=("all",), printer=HPA_PRINTER,
    subresources=(Subresource("status", lambda store: StatusREST(
        store.with_strategy(HorizontalPodAutoscalerStatusStrategy()))),),
)

_V1_STATUS = conversion.ConvertingStrategy(HorizontalPodAutoscalerStatusStrategy(), versions.v1_to_v2,
                                           versions.v2_to_v1)
HORIZONTALPODAUTOSCALERS_V1 = conversion.alternate_version(
    HORIZONTALPODAUTOSCALERS, "v1", versions.v1_to_v2, versions.v2_to_v1,
    strategy=V1Strategy(HorizontalPodAutoscalerStrategy(), versions.v1_to_v2, versions.v2_to_v1),
    printer=HPA_V1_PRINTER,
    subresources=(Subresource("status", lambda store: StatusREST(store.with_strategy(_V1_STATUS))),),
)
