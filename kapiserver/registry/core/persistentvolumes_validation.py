"""Validation of PersistentVolumes (upstream ValidatePersistentVolume, ValidatePersistentVolumeSpec
and ValidatePersistentVolumeUpdate), with the volume source checks PVs share with pod
volumes taken from podspec and the PV-only ones (local, csi, secret references) here.
"""

from __future__ import annotations

import posixpath
from typing import Any

from kapiserver.apimachinery import field, objectmeta, quantity, validation
from kapiserver.apimachinery.types import Object

from .podspec.access import as_dict, as_str, semantic_equal, strings
from .podspec.godiff import cmp_diff
from .podspec.paths import validate_path_no_backsteps
from .podspec.validation_scheduling import validate_node_selector
from .podspec.validation_volume_sources import SIMPLE_SOURCES, validate_iscsi

ACCESS_MODES = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"]
RECLAIM_POLICIES = ["Delete", "Recycle", "Retain"]
VOLUME_MODES = ["Block", "Filesystem"]
_HOST_PATH_TYPES = ["", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate",
                    "Socket"]
# (JSON key, path for the source's own checks) in upstream's order; gcePersistentDisk keeps
# upstream's `persistentDisk` path quirk, cephFS is checked at `cephfs`.
PV_SOURCES = (
    ("hostPath", "hostPath"), ("gcePersistentDisk", "persistentDisk"), ("awsElasticBlockStore", "awsElasticBlockStore"),
    ("glusterfs", "glusterfs"), ("flocker", "flocker"), ("nfs", "nfs"), ("rbd", "rbd"), ("quobyte", "quobyte"),
    ("cephfs", "cephfs"), ("iscsi", "iscsi"), ("cinder", "cinder"), ("fc", "fc"), ("flexVolume", "flexVolume"),
    ("azureFile", "azureFile"), ("vsphereVolume", "vsphereVolume"), ("photonPersistentDisk", "photonPersistentDisk"),
    ("portworxVolume", "portworxVolume"), ("azureDisk", "azureDisk"), ("scaleIO", "scaleIO"), ("local", "local"),
    ("storageos", "storageos"), ("csi", "csi"),
)
_CLASH_PATHS = {"cephfs": "cephFS"}
_CSI_SECRETS = ("controllerPublishSecretRef", "nodeStageSecretRef", "nodePublishSecretRef",
                "controllerExpandSecretRef", "nodeExpandSecretRef")


def quantity_or_zero(value: Any) -> quantity.Quantity:
    try:
        return quantity.from_json(value)
    except quantity.QuantityError:
        return quantity.ZERO


def resource_list_repr(value: Any) -> dict[str, str] | None:
    """A ResourceList bad value as field errors print it: its JSON (keys sorted, quantities in their
    String() form, null when nil)."""
    if not isinstance(value, dict):
        return None
    return {str(k): quantity.canonical(quantity_or_zero(v)) for k, v in sorted(value.items())}


def _go_list(value: Any, item: Any) -> Any:
    """A slice in Go's JSON: null when nil (absent), else its items."""
    return [item(v) for v in value if isinstance(v, dict)] if isinstance(value, list) else None


def _requirement_repr(requirement: Object) -> Object:
    values = requirement.get("values")
    return {"Key": as_str(requirement.get("key")), "Operator": as_str(requirement.get("operator")),
            "Values": strings(values) if isinstance(values, list) else None}


def node_affinity_repr(value: Any) -> Any:
    """The internal *VolumeNodeAffinity as field errors print it: JSON of Go structs without json tags."""
    if not isinstance(value, dict):
        return None
    required = value.get("required")
    if not isinstance(required, dict):
        return {"Required": None}
    terms = _go_list(required.get("nodeSelectorTerms"), lambda term: {
        "MatchExpressions": _go_list(term.get("matchExpressions"), _requirement_repr),
        "MatchFields": _go_list(term.get("matchFields"), _requirement_repr)})
    return {"Required": {"NodeSelectorTerms": terms}}


def validate_positive_quantity(value: Any, path: field.Path) -> field.ErrorList:
    parsed = quantity_or_zero(value)
    if parsed.sign() <= 0:
        return [field.invalid(path, quantity.canonical(parsed), "must be greater than zero")]
    return []


def validate_basic_resource(value: Any, path: field.Path) -> field.ErrorList:
    amount = quantity.value(quantity_or_zero(value))
    return [field.invalid(path, amount, "must be a valid resource quantity")] if amount < 0 else []


def validate_access_modes(modes: list[str], path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    for mode in modes:
        if mode not in ACCESS_MODES:
            errs.append(field.not_supported(path, mode, ACCESS_MODES))
    if "ReadWriteOncePod" in modes and any(m in ACCESS_MODES and m != "ReadWriteOncePod" for m in modes):
        errs.append(field.forbidden(path, "may not use ReadWriteOncePod with other access modes"))
    return errs


def validate_class_name(name: str, path: field.Path) -> field.ErrorList:
    return [field.invalid(path, name, msg) for msg in objectmeta.name_is_dns_subdomain(name, False)]


def validate_csi_driver_name(name: str, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    if not name:
        errs.append(field.required(path, ""))
    if len(name) > 63:
        errs.append(field.too_long(path, 63))
    return errs + [field.invalid(path, name, msg) for msg in validation.is_dns1123_subdomain(name.lower())]


def validate_pv_secret_reference(ref: Object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    name, namespace = as_str(ref.get("name")), as_str(ref.get("namespace"))
    if not name:
        errs.append(field.required(path.child("name"), ""))
    else:
        errs += [field.invalid(path.child("name"), name, msg) for msg in validation.is_dns1123_subdomain(name)]
    if not namespace:
        errs.append(field.required(path.child("namespace"), ""))
    else:
        errs += [field.invalid(path.child("namespace"), namespace, msg)
                 for msg in validation.is_dns1123_label(namespace)]
    return errs


def _check_source(key: str, source: Object, path: field.Path, pv_name: str) -> field.ErrorList:
    if key == "hostPath":
        host_path = as_str(source.get("path"))
        if not host_path:
            return [field.required(path.child("path"), "")]
        errs = validate_path_no_backsteps(host_path, path.child("path"))
        kind = source.get("type")
        if kind is not None and as_str(kind) not in _HOST_PATH_TYPES:
            errs.append(field.not_supported(path.child("type"), as_str(kind), _HOST_PATH_TYPES))
        return errs
    if key == "local":
        local_path = as_str(source.get("path"))
        if not local_path:
            return [field.required(path.child("path"), "")]
        return validate_path_no_backsteps(local_path, path.child("path"))
    if key == "csi":
        errs = validate_csi_driver_name(as_str(source.get("driver")), path.child("driver"))
        if not as_str(source.get("volumeHandle")):
            errs.append(field.required(path.child("volumeHandle"), ""))
        for secret in _CSI_SECRETS:
            if isinstance(source.get(secret), dict):
                errs += validate_pv_secret_reference(source[secret], path.child(secret))
        return errs
    if key == "iscsi":
        return validate_iscsi(source, path)
    return SIMPLE_SOURCES[key](source, path)


def _validate_sources(spec: Object, path: field.Path, pv_name: str) -> tuple[field.ErrorList, bool]:
    errs: field.ErrorList = []
    count = 0
    has_local = False
    for key, check_path in PV_SOURCES:
        source = spec.get(key)
        if not isinstance(source, dict):
            continue
        if count > 0 and key != "flexVolume":
            errs.append(field.forbidden(path.child(_CLASH_PATHS.get(key, key)), "may not specify more than 1 volume "
                                                                                 "type"))
            continue
        count += 1
        has_local = has_local or key == "local"
        errs += _check_source(key, source, path.child(check_path), pv_name)
    if count == 0:
        errs.append(field.required(path, "must specify a volume type"))
    return errs, has_local


def validate_persistent_volume_spec(spec: Object, pv_name: str, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    modes = strings(spec.get("accessModes"))
    if not modes:
        errs.append(field.required(path.child("accessModes"), ""))
    errs += validate_access_modes(modes, path.child("accessModes"))
    capacity = as_dict(spec.get("capacity"))
    if not capacity:
        errs.append(field.required(path.child("capacity"), ""))
    if "storage" not in capacity or len(capacity) > 1:
        errs.append(field.not_supported(path.child("capacity"), resource_list_repr(spec.get("capacity")),
                                        ["storage"]))
    for name, value in sorted(capacity.items()):
        errs += validate_basic_resource(value, path.child("capacity").key(name))
        errs += validate_positive_quantity(value, path.child("capacity").key(name))
    policy = as_str(spec.get("persistentVolumeReclaimPolicy"))
    if policy and policy not in RECLAIM_POLICIES:
        errs.append(field.not_supported(path.child("persistentVolumeReclaimPolicy"), policy, RECLAIM_POLICIES))
    affinity_specified = False
    affinity = spec.get("nodeAffinity")
    if isinstance(affinity, dict):
        affinity_specified = True
        required = affinity.get("required")
        if isinstance(required, dict):
            errs += validate_node_selector(required, False, path.child("nodeAffinity", "required"))
        else:
            errs.append(field.required(path.child("nodeAffinity", "required"), "must specify required node "
                                                                               "constraints"))
    source_errs, has_local = _validate_sources(spec, path, pv_name)
    errs += source_errs
    if has_local and not affinity_specified:
        errs.append(field.required(path.child("nodeAffinity"), "Local volume requires node affinity"))
    host_path = as_dict(spec.get("hostPath"))
    if host_path and posixpath.normpath(as_str(host_path.get("path")) or ".") == "/" and policy == "Recycle":
        errs.append(field.forbidden(path.child("persistentVolumeReclaimPolicy"),
                                    "may not be 'recycle' for a hostPath mount of '/'"))
    class_name = as_str(spec.get("storageClassName"))
    if class_name:
        errs += validate_class_name(class_name, path.child("storageClassName"))
    mode = spec.get("volumeMode")
    if mode is not None and mode not in VOLUME_MODES:
        errs.append(field.not_supported(path.child("volumeMode"), as_str(mode), VOLUME_MODES))
    vac = spec.get("volumeAttributesClassName")
    if vac is not None:
        if not as_str(vac):
            errs.append(field.required(path.child("volumeAttributesClassName"), "an empty string is disallowed"))
        else:
            errs += validate_class_name(as_str(vac), path.child("volumeAttributesClassName"))
        if spec.get("csi") is None:
            errs.append(field.required(path.child("csi"), "has to be specified when using volumeAttributesClassName"))
    return errs


def validate_persistent_volume(pv: Object) -> field.ErrorList:
    metadata = as_dict(pv.get("metadata"))
    errs = objectmeta.validate_object_meta(metadata, False, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))
    return errs + validate_persistent_volume_spec(as_dict(pv.get("spec")), as_str(metadata.get("name")),
                                                  field.new_path("spec"))


def _source_of(spec: Object) -> Object:
    return {key: spec[key] for key, _ in PV_SOURCES if spec.get(key) is not None}


def validate_persistent_volume_update(pv: Object, old: Object) -> field.ErrorList:
    errs = validate_persistent_volume(pv)
    spec, old_spec = as_dict(pv.get("spec")), as_dict(old.get("spec"))
    new_source = _source_of(spec)
    old_csi, new_csi = as_dict(old_spec.get("csi")), as_dict(spec.get("csi"))
    if old_csi and new_csi and old_csi.get("controllerExpandSecretRef") is None and \
            new_csi.get("controllerExpandSecretRef") is not None:
        new_source["csi"] = {k: v for k, v in new_csi.items() if k != "controllerExpandSecretRef"}
    old_source = _source_of(old_spec)
    if not semantic_equal(new_source, old_source):
        diff = cmp_diff(old_source, new_source, "core.v1.PersistentVolumeSource")
        errs.append(field.forbidden(field.new_path("spec", "persistentvolumesource"),
                                    f"spec.persistentvolumesource is immutable after creation\n{diff}"))
    if spec.get("volumeMode") != old_spec.get("volumeMode"):
        errs.append(field.invalid(field.new_path("volumeMode"), spec.get("volumeMode"),
                                  objectmeta.FIELD_IMMUTABLE_ERROR_MSG))
    if old_spec.get("nodeAffinity") is not None and not semantic_equal(spec.get("nodeAffinity"),
                                                                        old_spec.get("nodeAffinity")):
        errs.append(field.invalid(field.new_path("nodeAffinity"), node_affinity_repr(spec.get("nodeAffinity")),
                                  objectmeta.FIELD_IMMUTABLE_ERROR_MSG + ", except for updating from beta label to "
                                                                         "GA"))
    if old_spec.get("volumeAttributesClassName") is not None and spec.get("volumeAttributesClassName") is None:
        errs.append(field.forbidden(field.new_path("spec", "volumeAttributesClassName"),
                                    "update from non-nil value to nil is forbidden"))
    return errs
