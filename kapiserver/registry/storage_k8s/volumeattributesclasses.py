"""volumeattributesclasses, storage.k8s.io/v1 (GA in v1.34) and v1beta1 (upstream
pkg/registry/storage/volumeattributesclass, ValidateVolumeAttributesClass*).

driverName and parameters are fixed at creation, and parameters may not be empty. v1beta1
(off by default) has the same shape and shares v1's storage.
"""

from __future__ import annotations

from kapiserver.apimachinery import field, objectmeta
from kapiserver.apimachinery.types import Object
from kapiserver.registry import conversion
from kapiserver.registry.core.podspec.access import as_str
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

from .storageclasses import is_default_class
from .validation_common import validate_parameters, validate_provisioner

DEFAULT_CLASS_ANNOTATION = "volumeattributesclass.alpha.kubernetes.io/is-default-class"


def validate_volume_attributes_class(obj: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(obj.get("metadata", {}), False, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))
    errs += validate_provisioner(as_str(obj.get("driverName")), field.new_path("driverName"))
    return errs + validate_parameters(obj.get("parameters"), False, field.new_path("parameters"))


def validate_volume_attributes_class_update(obj: Object, old: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                  field.new_path("metadata"))
    if as_str(obj.get("driverName")) != as_str(old.get("driverName")):
        errs.append(field.forbidden(field.new_path("driverName"), "updates to driverName are forbidden."))
    if (obj.get("parameters") or None) != (old.get("parameters") or None):
        errs.append(field.forbidden(field.new_path("parameters"), "updates to parameters are forbidden."))
    return errs + validate_volume_attributes_class(obj)


class VolumeAttributesClassStrategy(Strategy):
    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_volume_attributes_class(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_volume_attributes_class_update(obj, old)


def _row(obj: Object) -> list[object]:
    name = name_of(obj) + (" (default)" if is_default_class(obj, (DEFAULT_CLASS_ANNOTATION,)) else "")
    return [name, as_str(obj.get("driverName")), age(obj)]


VOLUMEATTRIBUTESCLASSES = ResourceSpec(
    group="storage.k8s.io", version="v1", kind="VolumeAttributesClass", plural="volumeattributesclasses",
    singular="volumeattributesclass", namespaced=False, strategy=VolumeAttributesClassStrategy(),
    return_deleted_object=True,
    short_names=("vac",),
    printer=Printer((
        NAME_COLUMN,
        Column("DriverName", "string", "", "Name of the CSI driver This field is immutable."),
        AGE_COLUMN,
    ), _row),
)
VOLUMEATTRIBUTESCLASSES_V1BETA1 = conversion.alternate_version(VOLUMEATTRIBUTESCLASSES, "v1beta1")
