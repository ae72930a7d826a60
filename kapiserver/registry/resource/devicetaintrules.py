"""devicetaintrules (+status), resource.k8s.io/v1alpha3 (upstream pkg/registry/resource/devicetaintrule).

Alpha, off by default: a rule taints the devices its selector picks (by driver, pool or
device name). The taint's timeAdded is filled in when the taint is first written; the
generation moves with the spec; status (conditions) belongs to `devicetaintrules/status`.
"""

from __future__ import annotations

from kapiserver.apimachinery import field, metav1_validation, objectmeta, timefmt
from kapiserver.apimachinery.types import Object
from kapiserver.registry import subresources
from kapiserver.registry.core.podspec.access import as_dict, as_str, dicts
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import (
    Strategy,
    bump_generation_on_change,
    keep_old_status,
    start_generation,
)
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Printer, age, name_of

from . import validation_common as vc

_SPEC = field.new_path("spec")


def _set_time_added(obj: Object, old: Object | None) -> None:
    taint = as_dict(obj.get("spec")).get("taint")
    if not isinstance(taint, dict) or taint.get("timeAdded"):
        return
    old_taint = as_dict(as_dict((old or {}).get("spec")).get("taint"))
    same = old_taint and all(old_taint.get(k) == taint.get(k) for k in ("key", "value", "effect"))
    taint["timeAdded"] = old_taint.get("timeAdded") if same and old_taint.get("timeAdded") else timefmt.now_rfc3339()


def validate_device_taint_rule(obj: Object) -> field.ErrorList:
    errs = vc.validate_object_meta(obj, False)
    spec = as_dict(obj.get("spec"))
    selector = as_dict(spec.get("deviceSelector"))
    path = _SPEC.child("deviceSelector")
    if selector.get("driver") is not None:
        errs += vc.validate_driver_name(as_str(selector["driver"]), path.child("driver"))
    if selector.get("pool") is not None:
        errs += vc.validate_pool_name(as_str(selector["pool"]), path.child("pool"))
    if selector.get("device") is not None:
        errs += vc.name_errors(as_str(selector["device"]), path.child("device"),
                               lambda n: objectmeta.name_is_dns_label(n, False))
    return errs + vc.validate_taint(as_dict(spec.get("taint")), _SPEC.child("taint"))


class DeviceTaintRuleStrategy(Strategy):
    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        obj["status"] = {}
        start_generation(obj)
        _set_time_added(obj, None)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old_status(obj, old)
        _set_time_added(obj, old)
        bump_generation_on_change(obj, old, "spec")

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_device_taint_rule(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        errs = objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                      field.new_path("metadata"))
        return errs + validate_device_taint_rule(obj)


class DeviceTaintRuleStatusStrategy(DeviceTaintRuleStrategy):
    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        obj["spec"] = old.get("spec", {})

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        errs = objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                      field.new_path("metadata"))
        return errs + metav1_validation.validate_conditions(dicts(as_dict(obj.get("status")).get("conditions")),
                                                            field.new_path("status", "conditions"))


DEVICETAINTRULES = ResourceSpec(
    group="resource.k8s.io", version="v1alpha3", kind="DeviceTaintRule", plural="devicetaintrules",
    singular="devicetaintrule", namespaced=False, strategy=DeviceTaintRuleStrategy(),
    subresources=(subresources.status(DeviceTaintRuleStatusStrategy()),),
    printer=Printer((NAME_COLUMN, AGE_COLUMN), lambda obj: [name_of(obj), age(obj)]),
)
