"""storageclasses, storage.k8s.io/v1 (upstream pkg/registry/storage/storageclass,
ValidateStorageClass*, SetDefaults_StorageClass).

reclaimPolicy defaults to Delete and volumeBindingMode to Immediate; parameters,
provisioner and reclaimPolicy cannot change, volumeBindingMode is immutable. The default
class (annotation `storageclass.kubernetes.io/is-default-class: "true"`, or its beta
spelling) prints as `<name> (default)`.
"""

from __future__ import annotations

from kapiserver.apimachinery import field, objectmeta
from kapiserver.apimachinery.types import Object
from kapiserver.registry.core.podspec.access import as_str
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy, immutable
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

from .validation_common import validate_allowed_topologies, validate_parameters, validate_provisioner

RECLAIM_POLICIES = ("Delete", "Retain")  # sorted, as sets.List prints them
BINDING_MODES = ("Immediate", "WaitForFirstConsumer")
DEFAULT_CLASS_ANNOTATIONS = ("storageclass.kubernetes.io/is-default-class",
                             "storageclass.beta.kubernetes.io/is-default-class")


def default_storage_class(obj: Object) -> None:
    if obj.get("reclaimPolicy") is None:
        obj["reclaimPolicy"] = "Delete"
    if obj.get("volumeBindingMode") is None:
        obj["volumeBindingMode"] = "Immediate"


def validate_storage_class(obj: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(obj.get("metadata", {}), False, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))
    errs += validate_provisioner(as_str(obj.get("provisioner")), field.new_path("provisioner"))
    errs += validate_parameters(obj.get("parameters"), True, field.new_path("parameters"))
    reclaim = as_str(obj.get("reclaimPolicy"))
    if reclaim and reclaim not in RECLAIM_POLICIES:
        errs.append(field.not_supported(field.new_path("reclaimPolicy"), reclaim, RECLAIM_POLICIES))
    mode = obj.get("volumeBindingMode")
    if mode is None:
        errs.append(field.required(field.new_path("volumeBindingMode"), ""))
    elif mode not in BINDING_MODES:
        errs.append(field.not_supported(field.new_path("volumeBindingMode"), mode, BINDING_MODES))
    return errs + validate_allowed_topologies(obj.get("allowedTopologies"), field.new_path("allowedTopologies"))


def validate_storage_class_update(obj: Object, old: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                  field.new_path("metadata"))
    if (obj.get("parameters") or None) != (old.get("parameters") or None):
        errs.append(field.forbidden(field.new_path("parameters"), "updates to parameters are forbidden."))
    if as_str(obj.get("provisioner")) != as_str(old.get("provisioner")):
        errs.append(field.forbidden(field.new_path("provisioner"), "updates to provisioner are forbidden."))
    if as_str(obj.get("reclaimPolicy")) != as_str(old.get("reclaimPolicy")):
        errs.append(field.forbidden(field.new_path("reclaimPolicy"), "updates to reclaimPolicy are forbidden."))
    return errs + immutable(field.new_path("volumeBindingMode"), obj.get("volumeBindingMode"),
                            old.get("volumeBindingMode"))


class StorageClassStrategy(Strategy):
    def default(self, obj: Object) -> None:
        default_storage_class(obj)

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_storage_class(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_storage_class(obj) + validate_storage_class_update(obj, old)


def is_default_class(obj: Object, annotations: tuple[str, ...] = DEFAULT_CLASS_ANNOTATIONS) -> bool:
    found = obj.get("metadata", {}).get("annotations") or {}
    return any(found.get(key) == "true" for key in annotations)


PROVISIONER_DESCRIPTION = "provisioner indicates the type of the provisioner."
RECLAIM_POLICY_DESCRIPTION = (
    "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. "
    "Defaults to Delete.")
BINDING_MODE_DESCRIPTION = (
    "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, "
    "VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature.")
EXPANSION_DESCRIPTION = "allowVolumeExpansion shows whether the storage class allow volume expand."


def _row(obj: Object) -> list[object]:
    name = name_of(obj) + (" (default)" if is_default_class(obj) else "")
    reclaim = as_str(obj["reclaimPolicy"]) if obj.get("reclaimPolicy") is not None else "Delete"
    mode = as_str(obj["volumeBindingMode"]) if obj.get("volumeBindingMode") is not None else "Immediate"
    return [name, as_str(obj.get("provisioner")), reclaim, mode, bool(obj.get("allowVolumeExpansion")), age(obj)]


STORAGECLASSES = ResourceSpec(
    group="storage.k8s.io", version="v1", kind="StorageClass", plural="storageclasses", singular="storageclass",
    namespaced=False, strategy=StorageClassStrategy(), short_names=("sc",), return_deleted_object=True,
    printer=Printer((
        NAME_COLUMN,
        Column("Provisioner", "string", "", PROVISIONER_DESCRIPTION),
        Column("ReclaimPolicy", "string", "", RECLAIM_POLICY_DESCRIPTION),
        Column("VolumeBindingMode", "string", "", BINDING_MODE_DESCRIPTION),
        Column("AllowVolumeExpansion", "string", "", EXPANSION_DESCRIPTION),
        AGE_COLUMN,
    ), _row),
)
