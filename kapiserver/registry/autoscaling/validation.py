"""Validation of HorizontalPodAutoscalers (upstream pkg/apis/autoscaling/validation and the
options its strategy chooses), over v2-shaped dicts: autoscaling/v1 objects are converted
before they get here, so errors name v2's fields, as upstream's name the internal ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from kapiserver.apimachinery import field, objectmeta, quantity, validation
from kapiserver.apimachinery.types import Object
from kapiserver.registry.core.podspec.access import as_dict, as_int, as_str, dicts
from kapiserver.registry.core.podspec.validation_resources import validate_container_resource_name
from kapiserver.registry.pathsegment import is_valid_path_segment_name

MAX_PERIOD_SECONDS = 1800
MAX_STABILIZATION_WINDOW_SECONDS = 3600
_METRIC_SOURCE_TYPES = ["ContainerResource", "External", "Object", "Pods", "Resource"]
_SELECT_POLICIES = ["Disabled", "Max", "Min"]
_POLICY_TYPES = ["Percent", "Pods"]
_SOURCE_KEYS = ("object", "external", "pods", "resource", "containerResource")
_TYPE_KEYS = {"Object": "object", "Pods": "pods", "Resource": "resource", "External": "external",
              "ContainerResource": "containerResource"}


@dataclass(slots=True)
class ReferenceOptions:
    """CrossVersionObjectReferenceValidationOptions."""

    allow_invalid_api_version: bool = False
    allow_empty_api_group: bool = False


@dataclass(slots=True)
class SpecOptions:
    """HorizontalPodAutoscalerSpecValidationOptions."""

    min_replicas_lower_bound: int = 1
    scale_target_ref: ReferenceOptions = dc_field(default_factory=ReferenceOptions)
    object_metrics: ReferenceOptions = dc_field(default_factory=lambda: ReferenceOptions(allow_empty_api_group=True))


def api_version_error(ref: Object, opts: ReferenceOptions) -> str | None:
    """upstream ValidateAPIVersion."""
    if opts.allow_invalid_api_version:
        return None
    api_version = as_str(ref.get("apiVersion"))
    if api_version in ("", "/") or api_version.count("/") == 0:
        group = ""
    elif api_version.count("/") == 1:
        group = api_version.split("/")[0]
    else:
        return f"unexpected GroupVersion string: {api_version}"
    if not group and not opts.allow_empty_api_group:
        return "apiVersion must specify API group"
    return None


def validate_cross_version_object_reference(ref: Object, path: field.Path, opts: ReferenceOptions) -> field.ErrorList:
    errs: field.ErrorList = []
    for key in ("kind", "name"):
        value = as_str(ref.get(key))
        if not value:
            errs.append(field.required(path.child(key), ""))
        else:
            errs += [field.invalid(path.child(key), value, msg) for msg in is_valid_path_segment_name(value)]
    problem = api_version_error(ref, opts)
    if problem:
        errs.append(field.invalid(path.child("apiVersion"), as_str(ref.get("apiVersion")), problem))
    return errs


def _quantity(value: Any) -> quantity.Quantity | None:
    try:
        return quantity.from_json(value)
    except quantity.QuantityError:
        return None


def _validate_metric_target(target: Object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    kind = as_str(target.get("type"))
    if not kind:
        errs.append(field.required(path.child("type"), "must specify a metric target type"))
    if kind not in ("Utilization", "Value", "AverageValue"):
        errs.append(field.invalid(path.child("type"), kind, "must be either Utilization, Value, or AverageValue"))
    for key in ("value", "averageValue"):
        if target.get(key) is not None:
            parsed = _quantity(target[key])
            if parsed is not None and quantity.compare(parsed, quantity.parse_quantity("0")) <= 0:
                errs.append(field.invalid(path.child(key), quantity.canonical(parsed), "must be positive"))
    utilization = target.get("averageUtilization")
    if utilization is not None and as_int(utilization) < 1:
        errs.append(field.invalid(path.child("averageUtilization"), as_int(utilization), "must be greater than 0"))
    return errs


def _validate_metric_identifier(identifier: Object, path: field.Path) -> field.ErrorList:
    name = as_str(identifier.get("name"))
    if not name:
        return [field.required(path.child("name"), "must specify a metric name")]
    return [field.invalid(path.child("name"), name, msg) for msg in is_valid_path_segment_name(name)]


def _validate_source(key: str, source: Object, path: field.Path, opts: SpecOptions) -> field.ErrorList:
    target = as_dict(source.get("target"))
    target_path = path.child("target")
    errs: field.ErrorList = []
    if key == "object":
        errs += validate_cross_version_object_reference(as_dict(source.get("describedObject")),
                                                        path.child("describedObject"), opts.object_metrics)
    if key in ("object", "external", "pods"):
        errs += _validate_metric_identifier(as_dict(source.get("metric")), path.child("metric"))
    if key in ("resource", "containerResource"):
        name = as_str(source.get("name"))
        if not name:
            errs.append(field.required(path.child("name"), "must specify a resource name"))
        elif key == "containerResource":
            errs += validate_container_resource_name(name, path.child("name"))
    if key == "containerResource":
        container = as_str(source.get("container"))
        if not container:
            errs.append(field.required(path.child("container"), "must specify a container"))
        else:
            errs += [field.invalid(path.child("container"), container, msg)
                     for msg in validation.is_dns1123_label(container)]
    errs += _validate_metric_target(target, target_path)
    value, average, utilization = target.get("value"), target.get("averageValue"), target.get("averageUtilization")
    if key == "object" and value is None and average is None:
        errs.append(field.required(target_path.child("averageValue"), "must set either a target value or averageValue"))
    elif key == "external":
        if value is None and average is None:
            errs.append(field.required(target_path.child("averageValue"),
                                       "must set either a target value for metric or a per-pod target"))
        if value is not None and average is not None:
            errs.append(field.forbidden(target_path.child("value"),
                                        "may not set both a target value for metric and a per-pod target"))
    elif key == "pods" and average is None:
        errs.append(field.required(target_path.child("averageValue"), "must specify a positive target averageValue"))
    elif key in ("resource", "containerResource"):
        if utilization is None and average is None:
            errs.append(field.required(target_path.child("averageUtilization"),
                                       "must set either a target raw value or a target utilization"))
        if utilization is not None and average is not None:
            errs.append(field.forbidden(target_path.child("averageValue"),
                                        "may not set both a target raw value and a target utilization"))
    return errs


def _validate_metric_spec(metric: Object, path: field.Path, opts: SpecOptions) -> field.ErrorList:
    errs: field.ErrorList = []
    kind = as_str(metric.get("type"))
    if not kind:
        errs.append(field.required(path.child("type"), "must specify a metric source type"))
    if kind not in _METRIC_SOURCE_TYPES:
        errs.append(field.not_supported(path.child("type"), kind, _METRIC_SOURCE_TYPES))
    present = [key for key in _SOURCE_KEYS if metric.get(key) is not None]
    if present:
        errs += _validate_source(present[0], as_dict(metric[present[0]]), path.child(present[0]), opts)
    expected = _TYPE_KEYS.get(kind)
    if expected is None:
        errs.append(field.not_supported(path.child("type"), kind, _METRIC_SOURCE_TYPES))
    elif metric.get(expected) is None:
        errs.append(field.required(path.child(expected), "must populate information for the given metric source"))
    if len(present) != 1:
        errs += [field.forbidden(path.child(key), "must populate the given metric source only")
                 for key in sorted(present) if key != expected]
    return errs


def _validate_metrics(metrics: list[Object], path: field.Path, min_replicas: Any, opts: SpecOptions) -> field.ErrorList:
    errs: field.ErrorList = []
    for i, metric in enumerate(metrics):
        errs += _validate_metric_spec(metric, path.index(i), opts)
    kinds = {m.get("type") for m in metrics}
    if min_replicas is not None and as_int(min_replicas) == 0 and not kinds & {"Object", "External"}:
        errs.append(field.forbidden(path, "must specify at least one Object or External metric to support scaling "
                                          "to zero replicas"))
    return errs


def _validate_scaling_rules(rules: Any, path: field.Path) -> field.ErrorList:
    if not isinstance(rules, dict):
        return []
    errs: field.ErrorList = []
    window = rules.get("stabilizationWindowSeconds")
    if window is not None:
        if as_int(window) < 0:
            errs.append(field.invalid(path.child("stabilizationWindowSeconds"), as_int(window),
                                      "must be greater than or equal to zero"))
        if as_int(window) > MAX_STABILIZATION_WINDOW_SECONDS:
            errs.append(field.invalid(path.child("stabilizationWindowSeconds"), as_int(window),
                                      f"must be less than or equal to {MAX_STABILIZATION_WINDOW_SECONDS}"))
    select = rules.get("selectPolicy")
    if select is not None and select not in _SELECT_POLICIES:
        errs.append(field.not_supported(path.child("selectPolicy"), select, _SELECT_POLICIES))
    policies = dicts(rules.get("policies"))
    if not policies:
        errs.append(field.required(path.child("policies"), "must specify at least one Policy"))
    for i, policy in enumerate(policies):
        item = path.child("policies").index(i)
        if policy.get("type") not in _POLICY_TYPES:
            errs.append(field.not_supported(item.child("type"), as_str(policy.get("type")), _POLICY_TYPES))
        if as_int(policy.get("value")) <= 0:
            errs.append(field.invalid(item.child("value"), as_int(policy.get("value")), "must be greater than zero"))
        period = as_int(policy.get("periodSeconds"))
        if period <= 0:
            errs.append(field.invalid(item.child("periodSeconds"), period, "must be greater than zero"))
        if period > MAX_PERIOD_SECONDS:
            errs.append(field.invalid(item.child("periodSeconds"), period,
                                      f"must be less than or equal to {MAX_PERIOD_SECONDS}"))
    tolerance = rules.get("tolerance")
    if tolerance is not None:
        parsed = _quantity(tolerance)
        if parsed is not None and quantity.compare(parsed, quantity.parse_quantity("0")) < 0:
            errs.append(field.invalid(path.child("tolerance"), quantity.canonical(parsed),
                                      "must be greater than or equal to 0"))
    return errs


def validate_horizontal_pod_autoscaler_spec(spec: Object, path: field.Path, opts: SpecOptions) -> field.ErrorList:
    errs: field.ErrorList = []
    min_replicas, max_replicas = spec.get("minReplicas"), as_int(spec.get("maxReplicas"))
    if min_replicas is not None and as_int(min_replicas) < opts.min_replicas_lower_bound:
        errs.append(field.invalid(path.child("minReplicas"), as_int(min_replicas),
                                  f"must be greater than or equal to {opts.min_replicas_lower_bound}"))
    if max_replicas < 1:
        errs.append(field.invalid(path.child("maxReplicas"), max_replicas, "must be greater than 0"))
    if min_replicas is not None and max_replicas < as_int(min_replicas):
        errs.append(field.invalid(path.child("maxReplicas"), max_replicas,
                                  "must be greater than or equal to `minReplicas`"))
    errs += validate_cross_version_object_reference(as_dict(spec.get("scaleTargetRef")), path.child("scaleTargetRef"),
                                                    opts.scale_target_ref)
    errs += _validate_metrics(dicts(spec.get("metrics")), path.child("metrics"), min_replicas, opts)
    behavior = spec.get("behavior")
    if isinstance(behavior, dict):
        errs += _validate_scaling_rules(behavior.get("scaleUp"), path.child("behavior", "scaleUp"))
        errs += _validate_scaling_rules(behavior.get("scaleDown"), path.child("behavior", "scaleDown"))
    return errs


def validation_options(new: Object, old: Object | None) -> SpecOptions:
    """The strategy's validationOptionsForHorizontalPodAutoscaler (HPAScaleToZero off, as in v1.35)."""
    opts = SpecOptions()
    new_ref = as_dict(as_dict(new.get("spec")).get("scaleTargetRef"))
    old_spec = as_dict(old.get("spec")) if old is not None else {}
    if old is not None and old_spec.get("minReplicas") is not None and as_int(old_spec["minReplicas"]) == 0:
        opts.min_replicas_lower_bound = 0
    old_ref = as_dict(old_spec.get("scaleTargetRef"))
    if old is not None and old_ref.get("apiVersion") == new_ref.get("apiVersion") and \
            old_ref.get("kind") == new_ref.get("kind"):
        opts.scale_target_ref.allow_invalid_api_version = True
    elif new_ref.get("kind") == "ReplicationController":
        opts.scale_target_ref.allow_empty_api_group = True
    for metric in dicts(old_spec.get("metrics")):
        if metric.get("type") == "Object" and metric.get("object") is not None and api_version_error(
                as_dict(as_dict(metric["object"]).get("describedObject")), opts.object_metrics):
            opts.object_metrics.allow_invalid_api_version = True
            break
    return opts


def validate_horizontal_pod_autoscaler(obj: Object, opts: SpecOptions) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(as_dict(obj.get("metadata")), True, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))
    return errs + validate_horizontal_pod_autoscaler_spec(as_dict(obj.get("spec")), field.new_path("spec"), opts)


def validate_horizontal_pod_autoscaler_update(obj: Object, old: Object, opts: SpecOptions) -> field.ErrorList:
    errs = objectmeta.validate_object_meta_update(as_dict(obj.get("metadata")), as_dict(old.get("metadata")),
                                                  field.new_path("metadata"))
    return errs + validate_horizontal_pod_autoscaler_spec(as_dict(obj.get("spec")), field.new_path("spec"), opts)


def validate_horizontal_pod_autoscaler_status_update(obj: Object, old: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta_update(as_dict(obj.get("metadata")), as_dict(old.get("metadata")),
                                                  field.new_path("metadata"))
    status = as_dict(obj.get("status"))
    for key in ("currentReplicas", "desiredReplicas"):
        errs += objectmeta.validate_nonnegative_field(as_int(status.get(key)), field.new_path("status", key))
    return errs
