"""persistentvolumeclaims (upstream pkg/registry/core/persistentvolumeclaim,
SetDefaults_PersistentVolumeClaim and ValidatePersistentVolumeClaim*).

Defaults: volumeMode Filesystem, status phase Pending, canonical quantities. A claim is
immutable after creation except volumeName (set once, by the binder),
resources.requests.storage of a bound claim (which may not shrink) and
volumeAttributesClassName; persistentvolumeclaims/status changes status only.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import errors, field, meta, metav1_validation, objectmeta, quantity, validation
from kapiserver.apimachinery.types import Object
from kapiserver.registry import subresources
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy, keep_old_spec, keep_old_status
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

from . import persistentvolumes_validation as pvv
from .persistentvolumes import (
    BETA_STORAGE_CLASS_ANNOTATION,
    STORAGE_CLASS_WARNING,
    access_modes_string,
    annotations_of,
    quantity_string,
    storage_class_of,
)
from .podspec import helpers
from .podspec.access import as_dict, as_str, semantic_equal, strings
from .podspec.godiff import cmp_diff
from .podspec.validation_resources import validate_resource_quantity_value

_SPEC = field.new_path("spec")
# upstream passes the *field.Path of spec.dataSource as the bad value; its JSON (a struct of
# unexported fields) is {}.
_PATH_JSON: dict[str, object] = {}
RESIZE_STATUSES = ["ControllerResizeFailed", "ControllerResizeInProgress", "NodeResizeFailed",
                   "NodeResizeInProgress", "NodeResizePending"]


def set_defaults_persistent_volume_claim(pvc: Object) -> None:
    spec = pvc.get("spec")
    if not isinstance(spec, dict):
        spec = pvc["spec"] = {}
    if spec.get("volumeMode") is None:
        spec["volumeMode"] = "Filesystem"
    resources = spec.get("resources")
    if isinstance(resources, dict):
        for key in ("limits", "requests"):
            if key in resources:
                resources[key] = helpers.normalize_resource_list(resources[key])
    status = pvc.get("status")
    if not isinstance(status, dict):
        status = pvc["status"] = {}
    if not status.get("phase"):
        status["phase"] = "Pending"
    for key in ("capacity", "allocatedResources"):
        if key in status:
            status[key] = helpers.normalize_resource_list(status[key])


def _validate_data_source(source: Object, path: field.Path, allow_invalid_group: bool,
                          namespaced: bool) -> field.ErrorList:
    errs: field.ErrorList = []
    for key in ("name", "kind"):
        if not as_str(source.get(key)):
            errs.append(field.required(path.child(key), ""))
    group = as_str(source.get("apiGroup"))
    if not group and source.get("kind") != "PersistentVolumeClaim":
        errs.append(field.invalid(path, as_str(source.get("kind")), "must be 'PersistentVolumeClaim' when referencing "
                                                                    "the default apiGroup"))
    if group and not allow_invalid_group:
        errs += [field.invalid(path.child("apiGroup"), group, msg) for msg in validation.is_dns1123_subdomain(group)]
    namespace = as_str(source.get("namespace"))
    if namespaced and namespace:
        errs += [field.invalid(path.child("namespace"), namespace, msg)
                 for msg in objectmeta.validate_namespace_name(namespace, False)]
    return errs


def validate_persistent_volume_claim_spec(spec: Object, path: field.Path, allow_invalid_selector: bool = False,
                                          allow_invalid_group: bool = False) -> field.ErrorList:
    errs: field.ErrorList = []
    modes = strings(spec.get("accessModes"))
    if not modes:
        errs.append(field.required(path.child("accessModes"), "at least 1 access mode is required"))
    selector = spec.get("selector")
    if isinstance(selector, dict):
        opts = metav1_validation.LabelSelectorValidationOptions(
            allow_invalid_label_value_in_selector=allow_invalid_selector)
        errs += metav1_validation.validate_label_selector(selector, opts, path.child("selector"))
    errs += pvv.validate_access_modes(modes, path.child("accessModes"))
    requests = as_dict(as_dict(spec.get("resources")).get("requests"))
    storage_path = path.child("resources").key("storage")
    if "storage" not in requests:
        errs.append(field.required(storage_path, ""))
    else:
        positive = pvv.validate_positive_quantity(requests["storage"], storage_path)
        errs += positive or validate_resource_quantity_value("storage", pvv.quantity_or_zero(requests["storage"]),
                                                             storage_path)
    class_name = spec.get("storageClassName")
    if class_name is not None and as_str(class_name):
        errs += pvv.validate_class_name(as_str(class_name), path.child("storageClassName"))
    mode = spec.get("volumeMode")
    if mode is not None and mode not in pvv.VOLUME_MODES:
        errs.append(field.not_supported(path.child("volumeMode"), as_str(mode), pvv.VOLUME_MODES))
    source, source_ref = spec.get("dataSource"), spec.get("dataSourceRef")
    if isinstance(source, dict):
        errs += _validate_data_source(source, path.child("dataSource"), allow_invalid_group, False)
    if isinstance(source_ref, dict):
        errs += _validate_data_source(source_ref, path.child("dataSourceRef"), allow_invalid_group, True)
    if isinstance(source_ref, dict) and as_str(source_ref.get("namespace")):
        if isinstance(source, dict):
            errs.append(field.invalid(path, _PATH_JSON,
                                      "may not be specified when dataSourceRef.namespace is specified"))
    elif isinstance(source, dict) and isinstance(source_ref, dict) and \
            any(source.get(k) != source_ref.get(k) for k in ("apiGroup", "kind", "name")):
        errs.append(field.invalid(path, _PATH_JSON, "must match dataSourceRef"))
    vac = spec.get("volumeAttributesClassName")
    if vac is not None and as_str(vac):
        errs += pvv.validate_class_name(as_str(vac), path.child("volumeAttributesClassName"))
    return errs


def validate_persistent_volume_claim(pvc: Object, old: Object | None = None) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(meta.metadata(pvc), True, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))
    old_spec = as_dict(old.get("spec")) if old is not None else {}
    allow_group = any(isinstance(old_spec.get(k), dict) and as_dict(old_spec[k]).get("apiGroup") is not None
                      for k in ("dataSource", "dataSourceRef"))
    old_selector = old_spec.get("selector")
    allow_selector = isinstance(old_selector, dict) and bool(metav1_validation.validate_label_selector(
        old_selector, metav1_validation.LabelSelectorValidationOptions(), field.ROOT))
    return errs + validate_persistent_volume_claim_spec(as_dict(pvc.get("spec")), _SPEC, allow_selector, allow_group)


def _storage_class_upgrade_from_annotation(old: Object, new: Object) -> bool:
    old_annotations, new_annotations = annotations_of(old), annotations_of(new)
    old_class = old_annotations.get(BETA_STORAGE_CLASS_ANNOTATION)
    new_name = as_dict(new.get("spec")).get("storageClassName")
    return (BETA_STORAGE_CLASS_ANNOTATION in old_annotations and as_dict(old.get("spec")).get("storageClassName") is None
            and new_name is not None and new_name == old_class
            and (BETA_STORAGE_CLASS_ANNOTATION not in new_annotations
                 or new_annotations[BETA_STORAGE_CLASS_ANNOTATION] == old_class))


def validate_persistent_volume_claim_update(pvc: Object, old: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta_update(meta.metadata(pvc), meta.metadata(old), field.new_path("metadata"))
    errs += validate_persistent_volume_claim(pvc, old)
    new_spec, old_spec = dict(as_dict(pvc.get("spec"))), dict(as_dict(old.get("spec")))
    if not as_str(old_spec.get("volumeName")):
        if "volumeName" in new_spec:
            old_spec["volumeName"] = new_spec["volumeName"]
        else:
            old_spec.pop("volumeName", None)
    if _storage_class_upgrade_from_annotation(old, pvc):
        new_spec.pop("storageClassName", None)
    else:
        old_class = annotations_of(old).get(BETA_STORAGE_CLASS_ANNOTATION, "")
        new_class = annotations_of(pvc).get(BETA_STORAGE_CLASS_ANNOTATION, "")
        if new_class != old_class:
            errs.append(field.invalid(field.new_path("metadata", "annotations").key(BETA_STORAGE_CLASS_ANNOTATION),
                                      new_class, objectmeta.FIELD_IMMUTABLE_ERROR_MSG))
        old_name, new_name = old_spec.get("storageClassName"), new_spec.get("storageClassName")
        if new_name is not None and old_name is None and (
                BETA_STORAGE_CLASS_ANNOTATION not in annotations_of(old) or new_name == old_class):
            old_spec["storageClassName"] = new_name
    if as_dict(pvc.get("status")).get("phase") == "Bound" and isinstance(as_dict(new_spec.get("resources")).get(
            "requests"), dict):
        resources = dict(as_dict(new_spec.get("resources")))
        requests = dict(as_dict(resources.get("requests")))
        requests["storage"] = as_dict(as_dict(old_spec.get("resources")).get("requests")).get("storage")
        resources["requests"] = requests
        new_spec["resources"] = resources
    new_spec["volumeAttributesClassName"] = old_spec.get("volumeAttributesClassName")
    if new_spec["volumeAttributesClassName"] is None:
        new_spec.pop("volumeAttributesClassName")
    if not semantic_equal(new_spec, old_spec):
        diff = cmp_diff(old_spec, new_spec, "core.v1.PersistentVolumeClaimSpec")
        errs.append(field.forbidden(_SPEC, "spec is immutable after creation except resources.requests and "
                                           f"volumeAttributesClassName for bound claims\n{diff}"))
    errs += _size_errors(pvc, old)
    if as_dict(pvc.get("spec")).get("volumeMode") != as_dict(old.get("spec")).get("volumeMode"):
        errs.append(field.invalid(field.new_path("volumeMode"), as_dict(pvc.get("spec")).get("volumeMode"),
                                  objectmeta.FIELD_IMMUTABLE_ERROR_MSG))
    old_vac, new_vac = as_dict(old.get("spec")).get("volumeAttributesClassName"), \
        as_dict(pvc.get("spec")).get("volumeAttributesClassName")
    if old_vac is not None and new_vac != old_vac:
        vac_path = field.new_path("spec", "volumeAttributesClassName")
        if new_vac is None:
            errs.append(field.forbidden(vac_path, "update from non-nil value to nil is forbidden"))
        elif not as_str(new_vac):
            errs.append(field.forbidden(vac_path, "update from non-nil value to an empty string is forbidden"))
    return errs


def _size_errors(pvc: Object, old: Object) -> field.ErrorList:
    def storage(obj: Object, *keys: str) -> quantity.Quantity:
        bag: Any = obj
        for key in keys:
            bag = as_dict(bag).get(key)
        return pvv.quantity_or_zero(bag) if bag is not None else quantity.ZERO

    new_size = storage(pvc, "spec", "resources", "requests", "storage")
    old_size = storage(old, "spec", "resources", "requests", "storage")
    status_size = storage(old, "status", "capacity", "storage")
    if quantity.compare(new_size, old_size) < 0 and quantity.compare(new_size, status_size) <= 0:
        return [field.forbidden(field.new_path("spec", "resources", "requests", "storage"),
                                "field can not be less than status.capacity")]
    return []


def validate_persistent_volume_claim_status_update(pvc: Object, old: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta_update(meta.metadata(pvc), meta.metadata(old), field.new_path("metadata"))
    if not meta.resource_version(pvc):
        errs.append(field.required(field.new_path("resourceVersion"), ""))
    if not strings(as_dict(pvc.get("spec")).get("accessModes")):
        errs.append(field.required(field.new_path("Spec", "accessModes"), ""))
    status = as_dict(pvc.get("status"))
    for name, value in sorted(as_dict(status.get("capacity")).items()):
        errs += pvv.validate_basic_resource(value, field.new_path("status", "capacity").key(name))
    resize_path = field.new_path("status", "allocatedResourceStatus")
    for name, state in sorted(as_dict(status.get("allocatedResourceStatuses")).items()):
        errs += _resource_key_errors(name, resize_path)
        if state not in RESIZE_STATUSES:
            errs.append(field.not_supported(resize_path, name, RESIZE_STATUSES))
    alloc_path = field.new_path("status", "allocatedResources")
    for name, value in sorted(as_dict(status.get("allocatedResources")).items()):
        key_errs = _resource_key_errors(name, alloc_path)
        if key_errs:
            errs += key_errs
            continue
        basic = pvv.validate_basic_resource(value, alloc_path.key(name))
        errs += basic or validate_resource_quantity_value("storage", pvv.quantity_or_zero(value), alloc_path.key(name))
    return errs


def _resource_key_errors(name: str, path: field.Path) -> field.ErrorList:
    errs = [field.invalid(path, name, msg) for msg in validation.is_qualified_name(name)]
    if errs:
        return errs
    if helpers.is_native_resource(name) and name != "storage":
        return [field.not_supported(path, name, ["storage"])]
    return []


def claim_warnings(pvc: Object) -> list[str]:
    return [STORAGE_CLASS_WARNING] if BETA_STORAGE_CLASS_ANNOTATION in annotations_of(pvc) else []


class PersistentVolumeClaimStrategy(Strategy):
    def default(self, obj: Object) -> None:
        try:
            set_defaults_persistent_volume_claim(obj)
        except quantity.QuantityError as exc:
            raise errors.bad_request("PersistentVolumeClaim in version \"v1\" cannot be handled as a "
                                     f"PersistentVolumeClaim: {exc}") from None

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        obj["status"] = {"phase": "Pending"}

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old_status(obj, old)

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_persistent_volume_claim(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_persistent_volume_claim_update(obj, old)

    def warnings_on_create(self, ctx: RequestContext, obj: Object) -> list[str]:
        return claim_warnings(obj)

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        return claim_warnings(obj)


class PersistentVolumeClaimStatusStrategy(PersistentVolumeClaimStrategy):
    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old_spec(obj, old)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_persistent_volume_claim_status_update(obj, old)

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        return []


def _row(obj: Object) -> list[object]:
    spec, status = as_dict(obj.get("spec")), as_dict(obj.get("status"))
    phase = "Terminating" if meta.deletion_timestamp(obj) else as_str(status.get("phase"))
    capacity = modes = ""
    if as_str(spec.get("volumeName")):
        modes = access_modes_string(status.get("accessModes"))
        capacity = quantity_string(as_dict(status.get("capacity")).get("storage"))
    vac = as_str(spec["volumeAttributesClassName"]) if spec.get("volumeAttributesClassName") is not None \
        else "<unset>"
    mode = as_str(spec["volumeMode"]) if spec.get("volumeMode") is not None else "<unset>"
    return [name_of(obj), phase, as_str(spec.get("volumeName")), capacity, modes, storage_class_of(obj), vac, age(obj),
            mode]


PVC_PRINTER = Printer((
    NAME_COLUMN,
    Column("Status", "string", "", "phase represents the current phase of PersistentVolumeClaim."),
    Column("Volume", "string", "", "volumeName is the binding reference to the PersistentVolume backing this claim."),
    Column("Capacity", "string", "", "capacity represents the actual resources of the underlying volume."),
    Column("Access Modes", "string", "", "accessModes contains the actual access modes the volume backing the PVC has. "
                                         "More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes"
                                         "#access-modes-1"),
    Column("StorageClass", "string", "", "StorageClass of the pvc"),
    Column("VolumeAttributesClass", "string", "", "VolumeAttributesClass of the pvc"),
    AGE_COLUMN,
    Column("VolumeMode", "string", "", "volumeMode defines what type of volume is required by the claim. Value of "
                                       "Filesystem is implied when not included in claim spec.", 1),
), _row)


def _fields(pvc: Object) -> dict[str, str]:
    return {"name": meta.name(pvc)}


PERSISTENTVOLUMECLAIMS = ResourceSpec(
    group="", version="v1", kind="PersistentVolumeClaim", plural="persistentvolumeclaims",
    singular="persistentvolumeclaim", namespaced=True, strategy=PersistentVolumeClaimStrategy(),
    short_names=("pvc",), printer=PVC_PRINTER, fields=_fields,
    subresources=(subresources.status(PersistentVolumeClaimStatusStrategy()),),
)
