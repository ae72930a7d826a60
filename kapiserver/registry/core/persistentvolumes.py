"""persistentvolumes (upstream pkg/registry/core/persistentvolume, SetDefaults_PersistentVolume).

Cluster-scoped. Defaults: reclaim policy Retain, volumeMode Filesystem, status phase
Pending, canonical capacity quantities and the defaults of the volume sources. Create
starts status at phase Pending with lastPhaseTransitionTime; updates keep status;
persistentvolumes/status changes status only and stamps a new lastPhaseTransitionTime
when the phase moves. The volume source and volumeMode cannot change.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import errors, field, meta, objectmeta, quantity, timefmt
from kapiserver.apimachinery.types import Object
from kapiserver.registry import subresources
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy, keep_old_spec, keep_old_status
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

from .persistentvolumes_validation import validate_persistent_volume, validate_persistent_volume_update
from .podspec import helpers
from .podspec.access import as_dict, as_str, strings

BETA_STORAGE_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class"
STORAGE_CLASS_WARNING = (f"metadata.annotations[{BETA_STORAGE_CLASS_ANNOTATION}]: deprecated since v1.8; use "
                         '"storageClassName" attribute instead')
# `+default=` markers of the PV volume sources: (source, key, value, pointer?)
_SOURCE_DEFAULTS: tuple[tuple[str, str, object, bool], ...] = (
    ("iscsi", "iscsiInterface", "default", False),
    ("rbd", "pool", "rbd", False), ("rbd", "user", "admin", False), ("rbd", "keyring", "/etc/ceph/keyring", False),
    ("azureDisk", "cachingMode", "ReadWrite", True), ("azureDisk", "fsType", "ext4", True),
    ("azureDisk", "readOnly", False, True), ("azureDisk", "kind", "Shared", True),
    ("scaleIO", "storageMode", "ThinProvisioned", False), ("scaleIO", "fsType", "xfs", False),
    ("hostPath", "type", "", True),
)
_ACCESS_MODE_SHORT = (("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"),
                      ("ReadWriteOncePod", "RWOP"))


def set_defaults_persistent_volume(pv: Object) -> None:
    spec = pv.get("spec")
    if not isinstance(spec, dict):
        spec = pv["spec"] = {}
    status = pv.get("status")
    if not isinstance(status, dict):
        status = pv["status"] = {}
    if not status.get("phase"):
        status["phase"] = "Pending"
    if not spec.get("persistentVolumeReclaimPolicy"):
        spec["persistentVolumeReclaimPolicy"] = "Retain"
    if spec.get("volumeMode") is None:
        spec["volumeMode"] = "Filesystem"
    if "capacity" in spec:
        spec["capacity"] = helpers.normalize_resource_list(spec["capacity"])
    for source, key, value, pointer in _SOURCE_DEFAULTS:
        body = spec.get(source)
        if isinstance(body, dict) and (body.get(key) is None or not pointer and body.get(key) == ""):
            body[key] = value


def annotations_of(obj: Object) -> dict[str, Any]:
    return as_dict(meta.metadata(obj).get("annotations"))


def access_modes_string(modes: Any) -> str:
    """upstream GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order, no duplicates."""
    present = set(strings(modes))
    return ",".join(short for mode, short in _ACCESS_MODE_SHORT if mode in present)


def persistent_volume_warnings(pv: Object) -> list[str]:
    warnings: list[str] = []
    if BETA_STORAGE_CLASS_ANNOTATION in annotations_of(pv):
        warnings.append(STORAGE_CLASS_WARNING)
    if as_dict(pv.get("spec")).get("persistentVolumeReclaimPolicy") == "Recycle":
        warnings.append("spec.persistentVolumeReclaimPolicy: The Recycle reclaim policy is deprecated. Instead, the "
                        "recommended approach is to use dynamic provisioning.")
    return warnings


class PersistentVolumeStrategy(Strategy):
    def default(self, obj: Object) -> None:
        try:
            set_defaults_persistent_volume(obj)
        except quantity.QuantityError as exc:
            raise errors.bad_request(f'PersistentVolume in version "v1" cannot be handled as a PersistentVolume: '
                                     f"{exc}") from None

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        obj["status"] = {"phase": "Pending", "lastPhaseTransitionTime": timefmt.now_rfc3339()}

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old_status(obj, old)

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_persistent_volume(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_persistent_volume_update(obj, old)

    def warnings_on_create(self, ctx: RequestContext, obj: Object) -> list[str]:
        return persistent_volume_warnings(obj)

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        return persistent_volume_warnings(obj)


class PersistentVolumeStatusStrategy(PersistentVolumeStrategy):
    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old_spec(obj, old)
        status, old_status = obj.setdefault("status", {}), as_dict(old.get("status"))
        same_phase = status.get("phase") == old_status.get("phase")
        if same_phase and status.get("lastPhaseTransitionTime") is None:
            if old_status.get("lastPhaseTransitionTime") is not None:
                status["lastPhaseTransitionTime"] = old_status["lastPhaseTransitionTime"]
        elif not same_phase and status.get("lastPhaseTransitionTime") in (None,
                                                                           old_status.get("lastPhaseTransitionTime")):
            status["lastPhaseTransitionTime"] = timefmt.now_rfc3339()

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        errs = objectmeta.validate_object_meta_update(meta.metadata(obj), meta.metadata(old),
                                                      field.new_path("metadata"))
        if not meta.resource_version(obj):
            errs.append(field.required(field.new_path("resourceVersion"), ""))
        return errs

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        return []


# -- printing ---------------------------------------------------------------------------------


def storage_class_of(obj: Object) -> str:
    """GetPersistentVolume(Claim)Class: the beta annotation first, then spec.storageClassName."""
    annotations = annotations_of(obj)
    if BETA_STORAGE_CLASS_ANNOTATION in annotations:
        return as_str(annotations[BETA_STORAGE_CLASS_ANNOTATION])
    return as_str(as_dict(obj.get("spec")).get("storageClassName"))


def quantity_string(value: Any) -> str:
    """Quantity.String() of a map entry (a missing one is the zero Quantity, "0")."""
    if value is None:
        return "0"
    try:
        return quantity.canonical(quantity.from_json(value))
    except quantity.QuantityError:
        return as_str(value)


def _row(obj: Object) -> list[object]:
    spec, status = as_dict(obj.get("spec")), as_dict(obj.get("status"))
    claim = spec.get("claimRef")
    claim_cell = f"{as_str(as_dict(claim).get('namespace'))}/{as_str(as_dict(claim).get('name'))}" \
        if isinstance(claim, dict) else ""
    phase = "Terminating" if meta.deletion_timestamp(obj) else as_str(status.get("phase"))
    vac = as_str(spec["volumeAttributesClassName"]) if spec.get("volumeAttributesClassName") is not None \
        else "<unset>"
    mode = as_str(spec["volumeMode"]) if spec.get("volumeMode") is not None else "<unset>"
    return [name_of(obj), quantity_string(as_dict(spec.get("capacity")).get("storage")),
            access_modes_string(spec.get("accessModes")), as_str(spec.get("persistentVolumeReclaimPolicy")), phase,
            claim_cell, storage_class_of(obj), vac, as_str(status.get("reason")), age(obj), mode]


PV_PRINTER = Printer((
    NAME_COLUMN,
    Column("Capacity", "string", "", "capacity is the description of the persistent volume's resources and capacity. "
                                     "More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes"
                                     "#capacity"),
    Column("Access Modes", "string", "", "accessModes contains all ways the volume can be mounted. More info: "
                                         "https://kubernetes.io/docs/concepts/storage/persistent-volumes"
                                         "#access-modes"),
    Column("Reclaim Policy", "string", "", "persistentVolumeReclaimPolicy defines what happens to a persistent volume "
                                           "when released from its claim. Valid options are Retain (default for "
                                           "manually created PersistentVolumes), Delete (default for dynamically "
                                           "provisioned PersistentVolumes), and Recycle (deprecated). Recycle must be "
                                           "supported by the volume plugin underlying this PersistentVolume. More "
                                           "info: https://kubernetes.io/docs/concepts/storage/persistent-volumes"
                                           "#reclaiming"),
    Column("Status", "string", "", "phase indicates if a volume is available, bound to a claim, or released by a "
                                   "claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes"
                                   "#phase"),
    Column("Claim", "string", "", "claimRef is part of a bi-directional binding between PersistentVolume and "
                                  "PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the "
                                  "authoritative bind between PV and PVC. More info: https://kubernetes.io/docs/"
                                  "concepts/storage/persistent-volumes#binding"),
    Column("StorageClass", "string", "", "StorageClass of the pv"),
    Column("VolumeAttributesClass", "string", "", "VolumeAttributesClass of the pv"),
    Column("Reason", "string", "", "reason is a brief CamelCase string that describes any failure and is meant for "
                                   "machine parsing and tidy display in the CLI."),
    AGE_COLUMN,
    Column("VolumeMode", "string", "", "volumeMode defines if a volume is intended to be used with a formatted "
                                       "filesystem or to remain in raw block state. Value of Filesystem is implied "
                                       "when not included in spec.", 1),
), _row)


def _fields(pv: Object) -> dict[str, str]:
    return {"name": meta.name(pv)}


PERSISTENTVOLUMES = ResourceSpec(
    group="", version="v1", kind="PersistentVolume", plural="persistentvolumes", singular="persistentvolume",
    namespaced=False, strategy=PersistentVolumeStrategy(), short_names=("pv",), printer=PV_PRINTER,
    fields=_fields, subresources=(subresources.status(PersistentVolumeStatusStrategy()),),
)
