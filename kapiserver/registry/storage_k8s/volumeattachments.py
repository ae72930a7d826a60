"""volumeattachments, storage.k8s.io/v1 (upstream pkg/registry/storage/volumeattachment,
ValidateVolumeAttachment*).

The spec never changes after creation; the attacher (external-attacher) writes
`volumeattachments/status`. Status is a Go struct whose `attached` is always encoded.
An inline volume spec (CSI migration) is accepted as given: the PersistentVolumeSpec
validation lives with persistentvolumes.
"""

from __future__ import annotations

from kapiserver.apimachinery import field, objectmeta, validation
from kapiserver.apimachinery.types import Object
from kapiserver.registry import subresources
from kapiserver.registry.core.podspec.access import as_dict, as_str, semantic_equal
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

from .validation_common import validate_csi_driver_name

MAX_ATTACHED_VOLUME_METADATA_SIZE = 256 * (1 << 10)
MAX_VOLUME_ERROR_MESSAGE_SIZE = 1024
EXACTLY_ONE_SOURCE = "must specify exactly one of inlineVolumeSpec and persistentVolumeName"
_SPEC = field.new_path("spec")


def default_volume_attachment(obj: Object) -> None:
    status = obj.get("status")
    if not isinstance(status, dict):
        status = obj["status"] = {}
    status.setdefault("attached", False)


def _validate_source(source: Object, path: field.Path) -> field.ErrorList:
    inline, pv_name = source.get("inlineVolumeSpec"), source.get("persistentVolumeName")
    if inline is None and pv_name is None:
        return [field.required(path, EXACTLY_ONE_SOURCE)]
    if inline is not None and pv_name is not None:
        return [field.forbidden(path, EXACTLY_ONE_SOURCE)]
    if pv_name is not None and not pv_name:
        return [field.required(path.child("persistentVolumeName"), "must specify non empty persistentVolumeName")]
    return []


def _validate_volume_error(error: object, path: field.Path) -> field.ErrorList:
    if not isinstance(error, dict):
        return []
    errs: field.ErrorList = []
    if len(as_str(error.get("message")).encode()) > MAX_VOLUME_ERROR_MESSAGE_SIZE:
        # upstream reports the metadata limit here, not the message's own
        errs.append(field.too_long(path.child("message"), MAX_ATTACHED_VOLUME_METADATA_SIZE))
    code = error.get("errorCode")
    if isinstance(code, int) and code < 0:
        errs.append(field.invalid(path.child("errorCode"), code, validation.inclusive_range_error(0, 2**31 - 1)))
    return errs


def _validate_status(status: Object) -> field.ErrorList:
    path = field.new_path("status")
    metadata = as_dict(status.get("attachmentMetadata"))
    size = sum(len(k.encode()) + len(as_str(v).encode()) for k, v in metadata.items())
    errs: field.ErrorList = []
    if size > MAX_ATTACHED_VOLUME_METADATA_SIZE:
        errs.append(field.too_long(path.child("attachmentMetadata"), MAX_ATTACHED_VOLUME_METADATA_SIZE))
    errs += _validate_volume_error(status.get("attachError"), path.child("attachError"))
    return errs + _validate_volume_error(status.get("detachError"), path.child("detachError"))


def validate_volume_attachment(obj: Object) -> field.ErrorList:
    """ValidateVolumeAttachment plus ValidateVolumeAttachmentV1 (every request here is v1)."""
    errs = objectmeta.validate_object_meta(obj.get("metadata", {}), False, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))
    spec = as_dict(obj.get("spec"))
    attacher = as_str(spec.get("attacher"))
    if not attacher:
        errs.append(field.required(_SPEC.child("attacher"), ""))
    source = as_dict(spec.get("source"))
    errs += _validate_source(source, _SPEC.child("source"))
    node = as_str(spec.get("nodeName"))
    errs += [field.invalid(_SPEC.child("nodeName"), node, msg) for msg in objectmeta.name_is_dns_subdomain(node, False)]
    errs += _validate_status(as_dict(obj.get("status")))
    errs += validate_csi_driver_name(attacher, _SPEC.child("attacher"))
    pv_name = source.get("persistentVolumeName")
    if pv_name is not None:
        errs += [field.invalid(_SPEC.child("source", "persistentVolumeName"), pv_name, msg)
                 for msg in objectmeta.name_is_dns_subdomain(as_str(pv_name), False)]
    return errs


def validate_volume_attachment_update(obj: Object, old: Object) -> field.ErrorList:
    errs = validate_volume_attachment(obj)
    if not semantic_equal(obj.get("spec"), old.get("spec")):
        errs.append(field.invalid(_SPEC, field.OMIT, "field is immutable"))
    return errs


class VolumeAttachmentStrategy(Strategy):
    def default(self, obj: Object) -> None:
        default_volume_attachment(obj)

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        obj["status"] = {"attached": False}

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        obj["status"] = old.get("status", {"attached": False})

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_volume_attachment(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        errs = objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                      field.new_path("metadata"))
        return errs + validate_volume_attachment_update(obj, old)


class VolumeAttachmentStatusStrategy(VolumeAttachmentStrategy):
    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        obj["spec"] = old.get("spec", {})


ATTACHER_DESCRIPTION = (
    'attacher indicates the name of the volume driver that MUST handle this request. This is the name '
    'returned by GetPluginName().'
)
ATTACHED_DESCRIPTION = (
    'attached indicates the volume is successfully attached. This field must only be set by the entity '
    'completing the attach operation, i.e. the external-attacher.'
)
PV_DESCRIPTION = "persistentVolumeName represents the name of the persistent volume to attach."
NODE_DESCRIPTION = "nodeName represents the node that the volume should be attached to."


def _row(obj: Object) -> list[object]:
    spec = as_dict(obj.get("spec"))
    source = as_dict(spec.get("source"))
    pv_name = as_str(source["persistentVolumeName"]) if source.get("persistentVolumeName") is not None else ""
    attached = bool(as_dict(obj.get("status")).get("attached"))
    return [name_of(obj), as_str(spec.get("attacher")), pv_name, as_str(spec.get("nodeName")), attached, age(obj)]


VOLUMEATTACHMENTS = ResourceSpec(
    group="storage.k8s.io", version="v1", kind="VolumeAttachment", plural="volumeattachments",
    singular="volumeattachment", namespaced=False, strategy=VolumeAttachmentStrategy(), return_deleted_object=True,
    subresources=(subresources.status(VolumeAttachmentStatusStrategy()),),
    printer=Printer((
        NAME_COLUMN,
        Column("Attacher", "string", "name", ATTACHER_DESCRIPTION),
        Column("PV", "string", "", PV_DESCRIPTION),
        Column("Node", "string", "", NODE_DESCRIPTION),
        Column("Attached", "boolean", "", ATTACHED_DESCRIPTION),
        AGE_COLUMN,
    ), _row),
)
