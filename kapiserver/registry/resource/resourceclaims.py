"""resourceclaims (+status) and resourceclaimtemplates, resource.k8s.io/v1 (upstream
pkg/registry/resource/resourceclaim and resourceclaimtemplate, SetDefaults_ExactDeviceRequest,
SetDefaults_DeviceSubRequest, SetDefaults_DeviceToleration).

A request without an allocation mode asks for ExactCount, one device; tolerations default
to the Equal operator. The spec of claims and templates never changes; the scheduler and
drivers write `resourceclaims/status`. The State column reads "pending" until allocated,
then "allocated" and "reserved" once a pod holds it, with "deleted" in front while deleting.
Request tolerations belong to DRADeviceTaints, off in v1.35: they are dropped from a new
spec unless the stored one has some (upstream resourceclaimspec.DropDisabledFields).
"""

from __future__ import annotations

from kapiserver.apimachinery import field, objectmeta
from kapiserver.apimachinery.types import Object
from kapiserver.registry import subresources
from kapiserver.registry.core.podspec.access import as_dict, as_list, dicts
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

from . import claims_validation as validation
from . import gates


def _default_exact(request: Object) -> None:
    if not request.get("allocationMode"):
        request["allocationMode"] = "ExactCount"
    if request["allocationMode"] == "ExactCount" and not request.get("count"):
        request["count"] = 1
    for toleration in as_list(request.get("tolerations")):
        if isinstance(toleration, dict) and not toleration.get("operator"):
            toleration["operator"] = "Equal"


def default_device_claim(devices: object) -> None:
    for request in as_list(as_dict(devices).get("requests")):
        if not isinstance(request, dict):
            continue
        if isinstance(request.get("exactly"), dict):
            _default_exact(request["exactly"])
        for sub in as_list(request.get("firstAvailable")):
            if isinstance(sub, dict):
                _default_exact(sub)


def _exact_requests(devices: object) -> list[Object]:
    """Each request's `exactly` and each of its `firstAvailable` subrequests."""
    found: list[Object] = []
    for request in dicts(as_dict(devices).get("requests")):
        if isinstance(request.get("exactly"), dict):
            found.append(request["exactly"])
        found.extend(dicts(request.get("firstAvailable")))
    return found


def drop_disabled_fields(devices: object, old_devices: object | None) -> None:
    """upstream resourceclaimspec.DropDisabledFields for the gates v1.35 ships off."""
    if gates.DRA_DEVICE_TAINTS:
        return
    if old_devices is not None and any(r.get("tolerations") for r in _exact_requests(old_devices)):
        return
    for request in _exact_requests(devices):
        request.pop("tolerations", None)


def _claim_devices(obj: Object | None) -> object | None:
    return None if obj is None else as_dict(obj.get("spec")).get("devices")


def _template_devices(obj: Object | None) -> object | None:
    return None if obj is None else as_dict(as_dict(obj.get("spec")).get("spec")).get("devices")


class ResourceClaimStrategy(Strategy):
    def default(self, obj: Object) -> None:
        default_device_claim(as_dict(obj.get("spec")).get("devices"))

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        obj["status"] = {}
        drop_disabled_fields(_claim_devices(obj), None)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        obj["status"] = old.get("status", {})
        drop_disabled_fields(_claim_devices(obj), _claim_devices(old))

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validation.validate_resource_claim(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        errs = vc_meta(obj, old)
        return errs + validation.validate_spec_unchanged(obj, old)


class ResourceClaimStatusStrategy(ResourceClaimStrategy):
    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        obj["spec"] = old.get("spec", {})

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validation.validate_resource_claim_status(obj, old)


def vc_meta(obj: Object, old: Object) -> field.ErrorList:
    return objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                  field.new_path("metadata"))


class ResourceClaimTemplateStrategy(Strategy):
    def default(self, obj: Object) -> None:
        default_device_claim(as_dict(as_dict(obj.get("spec")).get("spec")).get("devices"))

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        drop_disabled_fields(_template_devices(obj), None)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        drop_disabled_fields(_template_devices(obj), _template_devices(old))

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validation.validate_resource_claim_template(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return vc_meta(obj, old) + validation.validate_spec_unchanged(obj, old)


def claim_state(obj: Object) -> str:
    """upstream resourceClaimState."""
    deleting = bool(obj.get("metadata", {}).get("deletionTimestamp"))
    status = as_dict(obj.get("status"))
    states = ["deleted"] if deleting else []
    if status.get("allocation") is None:
        if not deleting:
            states.append("pending")
    else:
        states.append("allocated")
        if dicts(status.get("reservedFor")):
            states.append("reserved")
    return ",".join(states)


RESOURCECLAIMS = ResourceSpec(
    group="resource.k8s.io", version="v1", kind="ResourceClaim", plural="resourceclaims", singular="resourceclaim",
    namespaced=True, strategy=ResourceClaimStrategy(), return_deleted_object=True,
    subresources=(subresources.status(ResourceClaimStatusStrategy()),),
    printer=Printer((
        NAME_COLUMN,
        Column("State", "string", "", "A summary of the current state (allocated, pending, reserved, etc.)."),
        AGE_COLUMN,
    ), lambda obj: [name_of(obj), claim_state(obj), age(obj)]),
)
RESOURCECLAIMTEMPLATES = ResourceSpec(
    group="resource.k8s.io", version="v1", kind="ResourceClaimTemplate", plural="resourceclaimtemplates",
    singular="resourceclaimtemplate", namespaced=True, strategy=ResourceClaimTemplateStrategy(),
    return_deleted_object=True,
    printer=Printer((NAME_COLUMN, AGE_COLUMN), lambda obj: [name_of(obj), age(obj)]),
)
