"""deviceclasses, resource.k8s.io/v1 (upstream pkg/registry/resource/deviceclass, ValidateDeviceClass*).

Selectors and configuration are validated as new only when they change; an
extendedResourceName (DRAExtendedResource) must be an extended resource name. The
generation moves with the spec.
"""

from __future__ import annotations

from kapiserver.apimachinery import field, objectmeta
from kapiserver.apimachinery.types import Object
from kapiserver.registry.core.podspec.access import as_dict, as_str, dicts
from kapiserver.registry.core.resource_quantities import is_extended_resource_name
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy, bump_generation_on_change, start_generation
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Printer, age, name_of

from . import validation_common as vc

_SPEC = field.new_path("spec")


def validate_device_class_spec(spec: Object, old_spec: Object | None = None) -> field.ErrorList:
    errs: field.ErrorList = []
    if old_spec is None or spec.get("selectors") != old_spec.get("selectors"):
        errs += vc.validate_selectors(dicts(spec.get("selectors")), _SPEC.child("selectors"))
    if old_spec is None or spec.get("config") != old_spec.get("config"):
        errs += vc.validate_slice(dicts(spec.get("config")), vc.DEVICE_CONFIG_MAX_SIZE,
                                  lambda c, path: vc.validate_opaque_configuration(c.get("opaque"), path),
                                  _SPEC.child("config"))
    name = spec.get("extendedResourceName")
    if name is not None and not is_extended_resource_name(as_str(name)):
        errs.append(field.invalid(_SPEC.child("extendedResourceName"), name, "must be a valid extended resource name"))
    return errs


def validate_device_class(obj: Object) -> field.ErrorList:
    return vc.validate_object_meta(obj, False) + validate_device_class_spec(as_dict(obj.get("spec")))


def validate_device_class_update(obj: Object, old: Object) -> field.ErrorList:
    errs = vc.validate_object_meta(obj, False)
    errs += objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                   field.new_path("metadata"))
    return errs + validate_device_class_spec(as_dict(obj.get("spec")), as_dict(old.get("spec")))


class DeviceClassStrategy(Strategy):
    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        start_generation(obj)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        bump_generation_on_change(obj, old, "spec")

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_device_class(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_device_class_update(obj, old)


DEVICECLASSES = ResourceSpec(
    group="resource.k8s.io", version="v1", kind="DeviceClass", plural="deviceclasses", singular="deviceclass",
    namespaced=False, strategy=DeviceClassStrategy(), return_deleted_object=True,
    printer=Printer((NAME_COLUMN, AGE_COLUMN), lambda obj: [name_of(obj), age(obj)]),
)
