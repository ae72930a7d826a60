"""Resource names and quantities of containers, overhead and pod-level resources
(upstream validateResourceRequirements, validateContainerResourceName, ValidateResourceQuantityValue,
validatePodResources and validatePodResourceConsistency).
"""

from __future__ import annotations

from collections.abc import Callable

from kapiserver.apimachinery import field, quantity, validation
from kapiserver.apimachinery.types import Object

from . import helpers
from .access import as_dict, as_str, dicts
from .options import PodValidationOptions

IS_NEGATIVE_ERROR_MSG = "must be greater than or equal to 0"
IS_NOT_INTEGER_ERROR_MSG = "must be an integer"
_QOS_COMPUTE = ("cpu", "memory")


def validate_resource_name(name: str, path: field.Path) -> field.ErrorList:
    errs = [field.invalid(path, name, msg) for msg in validation.is_qualified_name(name)]
    if errs:
        return errs
    if "/" not in name and not helpers.is_standard_resource_name(name):
        errs.append(field.invalid(path, name, "must be a standard resource type or fully qualified"))
    return errs


def validate_container_resource_name(name: str, path: field.Path) -> field.ErrorList:
    errs = validate_resource_name(name, path)
    if "/" not in name:
        if not helpers.is_standard_container_resource_name(name):
            errs.append(field.invalid(path, name, "must be a standard resource for containers"))
    elif not helpers.is_native_resource(name) and not helpers.is_extended_resource_name(name):
        errs.append(field.invalid(path, name, "doesn't follow extended resource name standard"))
    return errs


def validate_pod_resource_name(name: str, path: field.Path) -> field.ErrorList:
    errs = validate_resource_name(name, path)
    if errs:
        return errs
    if not helpers.is_supported_pod_level_resource(name):
        errs.append(field.not_supported(path, name, ["cpu", "hugepages-", "memory"]))
    return errs


def validate_nonnegative_quantity(value: quantity.Quantity, path: field.Path) -> field.ErrorList:
    if value.sign() < 0:
        return [field.invalid(path, quantity.canonical(value), IS_NEGATIVE_ERROR_MSG)]
    return []


def validate_resource_quantity_value(name: str, value: quantity.Quantity, path: field.Path) -> field.ErrorList:
    errs = validate_nonnegative_quantity(value, path)
    if helpers.is_integer_resource_name(name) and quantity.milli_value(value) % 1000 != 0:
        errs.append(field.invalid(path, quantity.canonical(value), IS_NOT_INTEGER_ERROR_MSG))  # its JSON
    return errs


def _huge_page_error(name: str, value: quantity.Quantity, opts: PodValidationOptions) -> str | None:
    if not helpers.is_huge_page_resource_name(name) or opts.allow_indivisible_huge_pages_values:
        return None
    if helpers.is_huge_page_value_divisible(name, value):
        return None
    return f"{quantity.canonical(value)} is not positive integer multiple of {name}"


NameCheck = Callable[[str, field.Path], field.ErrorList]


def validate_resource_requirements(requirements: Object, name_check: NameCheck, pod_claim_names: set[str],
                                   path: field.Path, opts: PodValidationOptions) -> field.ErrorList:
    errs: field.ErrorList = []
    lim_path = path.child("limits")
    req_path = path.child("requests")
    limits = helpers.resource_list(requirements.get("limits"))
    requests = helpers.resource_list(requirements.get("requests"))
    lim_qos = req_qos = lim_huge = req_huge = False
    for name, amount in limits.items():
        key_path = lim_path.key(name)
        errs += name_check(name, key_path)
        errs += validate_resource_quantity_value(name, amount, key_path)
        if helpers.is_huge_page_resource_name(name):
            lim_huge = True
            problem = _huge_page_error(name, amount, opts)
            if problem:
                errs.append(field.invalid(key_path, quantity.canonical(amount), problem))
        lim_qos = lim_qos or name in _QOS_COMPUTE
    for name, amount in requests.items():
        key_path = req_path.key(name)
        errs += name_check(name, key_path)
        errs += validate_resource_quantity_value(name, amount, key_path)
        if name in limits:
            limit = limits[name]
            if quantity.compare(amount, limit) != 0 and not helpers.is_overcommit_allowed(name):
                errs.append(field.invalid(req_path, quantity.canonical(amount),
                                          f"must be equal to {name} limit of {quantity.canonical(limit)}"))
            elif quantity.compare(amount, limit) > 0:
                errs.append(field.invalid(req_path, quantity.canonical(amount),
                                          f"must be less than or equal to {name} limit of "
                                          f"{quantity.canonical(limit)}"))
        elif not helpers.is_overcommit_allowed(name):
            errs.append(field.required(lim_path, "Limit must be set for non overcommitable resources"))
        if helpers.is_huge_page_resource_name(name):
            req_huge = True
            problem = _huge_page_error(name, amount, opts)
            if problem:
                errs.append(field.invalid(key_path, quantity.canonical(amount), problem))
        req_qos = req_qos or name in _QOS_COMPUTE
    if not lim_qos and not req_qos and (req_huge or lim_huge):
        errs.append(field.forbidden(path, "HugePages require cpu or memory"))
    errs += validate_resource_claim_names(requirements.get("claims"), pod_claim_names, path.child("claims"))
    return errs


def validate_container_resource_requirements(requirements: Object, pod_claim_names: set[str], path: field.Path,
                                             opts: PodValidationOptions) -> field.ErrorList:
    return validate_resource_requirements(requirements, validate_container_resource_name, pod_claim_names, path,
                                          opts)


def validate_resource_claim_names(claims: object, pod_claim_names: set[str], path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    names: list[str] = []
    for i, claim in enumerate(dicts(claims)):
        name = as_str(claim.get("name"))
        if not name:
            errs.append(field.required(path.index(i), ""))
            continue
        request = as_str(claim.get("request"))
        if name in names:
            errs.append(field.duplicate(path.index(i), name))
        else:
            key = name
            if request:
                errs += [field.invalid(path.index(i).child("request"), request, msg)
                         for msg in validation.is_dns1123_label(request)]
                key += "/" + request
            if key in names:
                errs.append(field.duplicate(path.index(i), key))
            elif not request:
                for known in names:
                    if "/" in known and known.split("/", 1)[0] == name:
                        errs.append(field.duplicate(path.index(i), name))
            names.append(key)
        if name not in pod_claim_names:
            detail = "must be one of the names in pod.spec.resourceClaims"
            detail += " which is empty" if not pod_claim_names else ": " + ", ".join(sorted(pod_claim_names))
            err = field.not_found(path.index(i), name)
            err.detail = detail
            errs.append(err)
    return errs


def validate_pod_resources(spec: Object, pod_claim_names: set[str], path: field.Path,
                           opts: PodValidationOptions) -> field.ErrorList:
    resources = spec.get("resources")
    if not isinstance(resources, dict):
        return []
    errs: field.ErrorList = []
    if resources.get("claims") is not None:
        errs.append(field.forbidden(path.child("claims"), "claims cannot be set for Resources at pod-level"))
    errs += validate_resource_requirements(resources, validate_pod_resource_name, pod_claim_names, path, opts)
    errs += _validate_pod_resource_consistency(spec, resources, path)
    return errs


def _validate_pod_resource_consistency(spec: Object, resources: Object, path: field.Path) -> field.ErrorList:
    from .defaults import aggregate_container_resources

    errs: field.ErrorList = []
    pod_requests = helpers.resource_list(resources.get("requests"))
    pod_limits = helpers.resource_list(resources.get("limits"))
    req_path = path.child("requests")
    for name, total in aggregate_container_resources(spec, "requests").items():
        pod_request = pod_requests.get(name, quantity.ZERO)
        if quantity.compare(total, pod_request) > 0:
            errs.append(field.invalid(req_path.key(name), quantity.canonical(pod_request),
                                      "must be greater than or equal to aggregate container requests of "
                                      f"{quantity.canonical(total)}"))
    for i, container in enumerate(dicts(spec.get("containers"))):
        for name, limit in helpers.resource_list(as_dict(container.get("resources")).get("limits")).items():
            if name in pod_limits and quantity.compare(limit, pod_limits[name]) > 0:
                errs.append(field.invalid(path.child("containers").index(i).key(name).child("limits"),
                                          quantity.canonical(limit),
                                          f"must be less than or equal to pod limits of "
                                          f"{quantity.canonical(pod_limits[name])}"))
    return errs


def validate_overhead(overhead: object, path: field.Path, opts: PodValidationOptions) -> field.ErrorList:
    return validate_container_resource_requirements({"limits": overhead}, set(), path, opts)
