"""ResourceClaim and ResourceClaimTemplate validation (upstream pkg/apis/resource/validation:
validateDeviceClaim, validateResourceClaimStatusUpdate).

A claim's spec never changes after creation, so updates only compare it; status (the
scheduler's allocation and reservations, the driver's device status) is checked on
`resourceclaims/status`. An allocation, once written, is frozen.
"""

from __future__ import annotations

from kapiserver.apimachinery import field, metav1_validation, objectmeta
from kapiserver.apimachinery.types import Object
from kapiserver.registry.core.podspec.access import as_dict, as_str, dicts, semantic_equal, strings
from kapiserver.registry.core.podspec.validation_scheduling import validate_node_selector

from . import validation_common as vc

RESERVED_FOR_MAX_SIZE = 256
ALLOCATION_RESULTS_MAX_SIZE = 32
ALLOCATION_MODES = ("All", "ExactCount")
REQUEST_REF_MESSAGE = "must be the name of a request in the claim or the name of a request and a subrequest separated by '/'"
IMMUTABLE = "field is immutable"


def _request_names(devices: Object) -> dict[str, set[str] | None]:
    names: dict[str, set[str] | None] = {}
    for request in dicts(devices.get("requests")):
        subs = dicts(request.get("firstAvailable"))
        names[as_str(request.get("name"))] = {as_str(s.get("name")) for s in subs} if subs else None
    return names


def _has_request(names: dict[str, set[str] | None], ref: str) -> bool:
    segments = ref.split("/")
    if len(segments) > 2 or segments[0] not in names:
        return False
    return len(segments) == 1 or segments[1] in (names[segments[0]] or set())


def validate_request_ref(ref: str, path: field.Path, names: dict[str, set[str] | None]) -> field.ErrorList:
    segments = ref.split("/")
    if len(segments) > 2:
        return [field.invalid(path, ref, REQUEST_REF_MESSAGE)]
    errs: field.ErrorList = []
    for segment in segments:
        errs += vc.name_errors(segment, path, lambda n: objectmeta.name_is_dns_label(n, False))
    if not _has_request(names, ref):
        errs.append(field.invalid(path, ref, REQUEST_REF_MESSAGE))
    return errs


def _validate_allocation_mode(request: Object, path: field.Path) -> field.ErrorList:
    mode, count = as_str(request.get("allocationMode")), request.get("count") or 0
    if mode == "All":
        if count != 0:
            return [field.invalid(path.child("count"), count, "must not be specified when allocationMode is 'All'")]
        return []
    if mode == "ExactCount":
        return [] if isinstance(count, int) and count > 0 else [field.invalid(path.child("count"), count,
                                                                              "must be greater than zero")]
    return [field.not_supported(path.child("allocationMode"), mode, ALLOCATION_MODES)]


def _validate_device_class_name(name: str, path: field.Path) -> field.ErrorList:
    if not name:
        return [field.required(path, "")]
    return vc.name_errors(name, path, lambda n: objectmeta.name_is_dns_subdomain(n, False))


def _validate_exact(request: Object, path: field.Path) -> field.ErrorList:
    errs = _validate_device_class_name(as_str(request.get("deviceClassName")), path.child("deviceClassName"))
    errs += vc.validate_selectors(dicts(request.get("selectors")), path.child("selectors"))
    errs += _validate_allocation_mode(request, path)
    return errs + vc.validate_tolerations(request.get("tolerations"), path.child("tolerations"))


def _validate_sub_request(sub: Object, path: field.Path) -> field.ErrorList:
    errs = vc.name_errors(as_str(sub.get("name")), path.child("name"), lambda n: objectmeta.name_is_dns_label(n, False))
    return errs + _validate_exact(sub, path)


def _validate_request(request: Object, path: field.Path) -> field.ErrorList:
    errs = vc.name_errors(as_str(request.get("name")), path.child("name"),
                          lambda n: objectmeta.name_is_dns_label(n, False))
    subs, exactly = dicts(request.get("firstAvailable")), request.get("exactly")
    if not subs and exactly is None:
        return errs + [field.required(path, "exactly one of `exactly` or `firstAvailable` is required")]
    if subs and exactly is not None:
        return errs + [field.invalid(path, None, "exactly one of `exactly` or `firstAvailable` is required, but "
                                                 "multiple fields are set")]
    if subs:
        return errs + vc.validate_set(subs, vc.FIRST_AVAILABLE_MAX_SIZE, _validate_sub_request,
                                      lambda s: as_str(s.get("name")), path.child("firstAvailable"))
    return errs + _validate_exact(as_dict(exactly), path.child("exactly"))


def _validate_constraint(constraint: Object, path: field.Path, names: dict[str, set[str] | None]) -> field.ErrorList:
    errs = vc.validate_set(strings(constraint.get("requests")), vc.DEVICE_REQUESTS_MAX_SIZE,
                           lambda ref, item: validate_request_ref(ref, item, names), lambda ref: ref,
                           path.child("requests"))
    if constraint.get("matchAttribute") is not None:
        return errs + vc.validate_qualified_name(as_str(constraint["matchAttribute"]), path.child("matchAttribute"),
                                                 require_domain=True)
    if constraint.get("distinctAttribute") is not None:
        return errs + vc.validate_qualified_name(as_str(constraint["distinctAttribute"]),
                                                 path.child("distinctAttribute"), require_domain=True)
    return errs + [field.required(path, 'exactly one of "matchAttribute" or "distinctAttribute" is required, but '
                                        'multiple fields are set')]


def _validate_config(config: Object, path: field.Path, names: dict[str, set[str] | None]) -> field.ErrorList:
    errs = vc.validate_set(strings(config.get("requests")), vc.DEVICE_REQUESTS_MAX_SIZE,
                           lambda ref, item: validate_request_ref(ref, item, names), lambda ref: ref,
                           path.child("requests"))
    return errs + vc.validate_opaque_configuration(config.get("opaque"), path)


def validate_device_claim(devices: Object, path: field.Path) -> field.ErrorList:
    names = _request_names(devices)
    errs = vc.validate_set(dicts(devices.get("requests")), vc.DEVICE_REQUESTS_MAX_SIZE, _validate_request,
                           lambda r: as_str(r.get("name")), path.child("requests"))
    errs += vc.validate_slice(dicts(devices.get("constraints")), vc.DEVICE_CONSTRAINTS_MAX_SIZE,
                              lambda c, item: _validate_constraint(c, item, names), path.child("constraints"))
    return errs + vc.validate_slice(dicts(devices.get("config")), vc.DEVICE_CONFIG_MAX_SIZE,
                                    lambda c, item: _validate_config(c, item, names), path.child("config"))


def validate_resource_claim(obj: Object) -> field.ErrorList:
    errs = vc.validate_object_meta(obj, True)
    spec_path = field.new_path("spec")
    return errs + validate_device_claim(as_dict(as_dict(obj.get("spec")).get("devices")), spec_path.child("devices"))


def validate_spec_unchanged(obj: Object, old: Object) -> field.ErrorList:
    if not semantic_equal(obj.get("spec"), old.get("spec")):
        return [field.invalid(field.new_path("spec"), field.OMIT, IMMUTABLE)]
    return []


def validate_resource_claim_template(obj: Object) -> field.ErrorList:
    errs = vc.validate_object_meta(obj, True)
    template = as_dict(obj.get("spec"))
    meta_path = field.new_path("spec", "metadata")
    meta = as_dict(template.get("metadata"))
    errs += objectmeta.validate_annotations(meta.get("annotations"), meta_path.child("annotations"))
    errs += metav1_validation.validate_labels(meta.get("labels"), meta_path.child("labels"))
    devices = as_dict(as_dict(template.get("spec")).get("devices"))
    return errs + validate_device_claim(devices, field.new_path("spec", "spec", "devices"))


def _validate_consumer(ref: Object, path: field.Path) -> field.ErrorList:
    return [field.required(path.child(key), "") for key in ("resource", "name", "uid") if not ref.get(key)]


def _validate_result(result: Object, path: field.Path, names: dict[str, set[str] | None]) -> field.ErrorList:
    errs = validate_request_ref(as_str(result.get("request")), path.child("request"), names)
    errs += vc.validate_driver_name(as_str(result.get("driver")), path.child("driver"))
    errs += vc.validate_pool_name(as_str(result.get("pool")), path.child("pool"))
    errs += vc.name_errors(as_str(result.get("device")), path.child("device"),
                           lambda n: objectmeta.name_is_dns_label(n, False))
    return errs + vc.validate_tolerations(result.get("tolerations"), path.child("tolerations"))


def _validate_allocation(allocation: Object, path: field.Path, names: dict[str, set[str] | None]) -> field.ErrorList:
    devices = as_dict(allocation.get("devices"))
    errs = vc.validate_slice(dicts(devices.get("results")), ALLOCATION_RESULTS_MAX_SIZE,
                             lambda r, item: _validate_result(r, item, names), path.child("devices", "results"))
    if isinstance(allocation.get("nodeSelector"), dict):
        errs += validate_node_selector(allocation["nodeSelector"], False, path.child("nodeSelector"))
    return errs


def validate_resource_claim_status(obj: Object, old: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                  field.new_path("metadata"))
    path = field.new_path("status")
    status, old_status = as_dict(obj.get("status")), as_dict(old.get("status"))
    reserved = dicts(status.get("reservedFor"))
    errs += vc.validate_set(reserved, RESERVED_FOR_MAX_SIZE, _validate_consumer, lambda r: as_str(r.get("uid")),
                            path.child("reservedFor"))
    allocation, old_allocation = status.get("allocation"), old_status.get("allocation")
    if reserved:
        if allocation is None:
            errs.append(field.forbidden(path.child("reservedFor"), "may not be specified when `allocated` is not set"))
        elif obj.get("metadata", {}).get("deletionTimestamp"):
            old_uids = {as_str(r.get("uid")) for r in dicts(old_status.get("reservedFor"))}
            if any(as_str(r.get("uid")) not in old_uids for r in reserved):
                errs.append(field.forbidden(path.child("reservedFor"), "new entries may not be added while "
                                                                       "`deallocationRequested` or `deletionTimestamp` "
                                                                       "are set"))
    if old_allocation is not None and allocation is not None:
        if not semantic_equal(allocation, old_allocation):
            errs.append(field.invalid(path.child("allocation"), field.OMIT, IMMUTABLE))
    elif isinstance(allocation, dict):
        names = _request_names(as_dict(as_dict(obj.get("spec")).get("devices")))
        errs += _validate_allocation(allocation, path.child("allocation"), names)
    return errs
