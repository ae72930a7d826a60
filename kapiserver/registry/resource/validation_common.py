"""Validation pieces the resource.k8s.io kinds share (upstream pkg/apis/resource/validation:
names, qualified attribute names, selectors, opaque configuration, tolerations, taints).

The objects validated here are always in the storage version's (v1's) shape: v1beta1
requests are converted first, so their errors name v1's fields, as upstream's name the
internal ones. CEL selectors are stored as written and only checked for presence and
length; the scheduler's DRA plugin compiles them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

import orjson

from kapiserver.apimachinery import field, metav1_validation, objectmeta, validation
from kapiserver.apimachinery.types import Object
from kapiserver.registry.core import validation_common as common
from kapiserver.registry.core.podspec.access import as_str, dicts

DEVICE_REQUESTS_MAX_SIZE = 32
DEVICE_CONSTRAINTS_MAX_SIZE = 32
DEVICE_CONFIG_MAX_SIZE = 32
DEVICE_SELECTORS_MAX_SIZE = 32
FIRST_AVAILABLE_MAX_SIZE = 8
CEL_EXPRESSION_MAX_LENGTH = 10 * 1024
OPAQUE_PARAMETERS_MAX_LENGTH = 10 * 1024
DEVICE_TOLERATIONS_MAX_LENGTH = 16
DEVICE_TAINTS_MAX_LENGTH = 4
POOL_NAME_MAX_LENGTH = 253
DEVICE_MAX_DOMAIN_LENGTH = 63
DEVICE_MAX_ID_LENGTH = 32
ATTRIBUTE_MAX_VALUE_LENGTH = 64
CSI_DRIVER_NAME_MAX_LENGTH = 63
TAINT_EFFECTS = ("NoSchedule", "NoExecute")
TOLERATION_OPERATORS = ("Exists", "Equal")
_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)"
                     r"(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$")

T = TypeVar("T")


def validate_set(items: list[T], max_size: int, validate: Callable[[T, field.Path], field.ErrorList],
                 key: Callable[[T], object], path: field.Path) -> field.ErrorList:
    """upstream validateSet: each item, then a duplicate key, then the size limit."""
    errs: field.ErrorList = []
    seen: set[object] = set()
    for i, item in enumerate(items):
        errs += validate(item, path.index(i))
        k = key(item)
        if k in seen:
            errs.append(field.duplicate(path.index(i), k))
        seen.add(k)
    if max_size >= 0 and len(items) > max_size:
        errs.append(field.too_many(path, len(items), max_size))
    return errs


def validate_slice(items: list[T], max_size: int, validate: Callable[[T, field.Path], field.ErrorList],
                   path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    for i, item in enumerate(items):
        errs += validate(item, path.index(i))
    if max_size >= 0 and len(items) > max_size:
        errs.append(field.too_many(path, len(items), max_size))
    return errs


def validate_driver_name(name: str, path: field.Path) -> field.ErrorList:
    """core ValidateCSIDriverName, which DRA driver names share."""
    errs: field.ErrorList = [] if name else [field.required(path, "")]
    if len(name) > CSI_DRIVER_NAME_MAX_LENGTH:
        errs.append(field.too_long(path, CSI_DRIVER_NAME_MAX_LENGTH))
    return errs + [field.invalid(path, name, msg) for msg in validation.is_dns1123_subdomain(name.lower())]


def validate_pool_name(name: str, path: field.Path) -> field.ErrorList:
    if not name:
        return [field.required(path, "")]
    errs: field.ErrorList = []
    if len(name) > POOL_NAME_MAX_LENGTH:
        errs.append(field.too_long(path, POOL_NAME_MAX_LENGTH))
    for part in name.split("/"):
        errs += common.validate_dns1123_subdomain(part, path)
    return errs


def _validate_c_identifier(value: str, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    if len(value) > DEVICE_MAX_ID_LENGTH:
        errs.append(field.too_long(path, DEVICE_MAX_ID_LENGTH))
    return errs + [field.type_invalid(path, value, msg) for msg in validation.is_c_identifier(value)]


def validate_qualified_name(name: str, path: field.Path, require_domain: bool = False) -> field.ErrorList:
    """An attribute or capacity name: a C identifier, optionally behind `<domain>/`."""
    if not name:
        return [field.required(path, "name required")]
    parts = name.split("/")
    errs: field.ErrorList = []
    if len(parts) == 1:
        errs += _validate_c_identifier(parts[0], path)
        if require_domain:
            errs.append(field.required(path, "must include a domain"))
    elif len(parts) == 2:
        domain, ident = parts
        if not domain:
            errs.append(field.required(path, "the domain must not be empty"))
        else:
            if len(domain) > DEVICE_MAX_DOMAIN_LENGTH:
                errs.append(field.too_long(path, DEVICE_MAX_DOMAIN_LENGTH))
            errs += [field.invalid(path, domain, msg) for msg in validation.is_dns1123_subdomain(domain)]
        if not ident:
            errs.append(field.required(path, "the name must not be empty"))
        else:
            errs += _validate_c_identifier(ident, path)
    else:
        errs.append(field.invalid(path, name, "must be either a C identifier or a domain followed by a slash followed "
                                              "by a C identifier"))
    return errs


def validate_selectors(selectors: list[Object], path: field.Path) -> field.ErrorList:
    def one(selector: Object, item: field.Path) -> field.ErrorList:
        cel = selector.get("cel")
        if not isinstance(cel, dict):
            return [field.required(item.child("cel"), "")]
        expression = as_str(cel.get("expression"))
        if len(expression) > CEL_EXPRESSION_MAX_LENGTH:
            return [field.too_long(item.child("cel", "expression"), CEL_EXPRESSION_MAX_LENGTH)]
        if not expression.strip():
            return [field.required(item.child("cel", "expression"), "")]
        return []

    return validate_slice(selectors, DEVICE_SELECTORS_MAX_SIZE, one, path)


def validate_opaque_configuration(config: object, path: field.Path) -> field.ErrorList:
    """A device configuration: `opaque` with a driver and its JSON object of parameters."""
    if not isinstance(config, dict):
        return [field.required(path.child("opaque"), "")]
    path = path.child("opaque")
    errs = validate_driver_name(as_str(config.get("driver")), path.child("driver"))
    parameters = config.get("parameters")
    if parameters is None:
        return errs + [field.required(path.child("parameters"), "")]
    raw = orjson.dumps(parameters)
    if len(raw) > OPAQUE_PARAMETERS_MAX_LENGTH:
        errs.append(field.too_long(path.child("parameters"), OPAQUE_PARAMETERS_MAX_LENGTH))
    elif not isinstance(parameters, dict):
        errs.append(field.invalid(path.child("parameters"), "<value omitted>",
                                  "parameters must be a valid JSON object"))
    return errs


def validate_toleration(toleration: Object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    key, operator = as_str(toleration.get("key")), as_str(toleration.get("operator"))
    if key:
        errs += metav1_validation.validate_label_name(key, path.child("key"))
    if operator == "Exists":
        if toleration.get("value"):
            errs.append(field.invalid(path.child("value"), as_str(toleration["value"]),
                                      "must be empty for operator `Exists`"))
    elif operator == "Equal":
        errs += [field.invalid(path.child("value"), as_str(toleration.get("value")), msg)
                 for msg in validation.is_valid_label_value(as_str(toleration.get("value")))]
    elif not operator:
        errs.append(field.required(path.child("operator"), ""))
    else:
        errs.append(field.not_supported(path.child("operator"), operator, TOLERATION_OPERATORS))
    effect = as_str(toleration.get("effect"))
    if effect and effect not in TAINT_EFFECTS:
        errs.append(field.not_supported(path.child("effect"), effect, TAINT_EFFECTS))
    return errs


def validate_tolerations(tolerations: object, path: field.Path) -> field.ErrorList:
    return validate_slice(dicts(tolerations), DEVICE_TOLERATIONS_MAX_LENGTH, validate_toleration, path)


def validate_taint(taint: Object, path: field.Path) -> field.ErrorList:
    errs = metav1_validation.validate_label_name(as_str(taint.get("key")), path.child("key"))
    if taint.get("value"):
        errs += [field.invalid(path.child("value"), as_str(taint["value"]), msg)
                 for msg in validation.is_valid_label_value(as_str(taint["value"]))]
    effect = as_str(taint.get("effect"))
    if not effect:
        errs.append(field.required(path.child("effect"), ""))
    elif effect not in TAINT_EFFECTS:
        errs.append(field.not_supported(path.child("effect"), effect, TAINT_EFFECTS))
    return errs


def validate_attribute(attribute: Object, path: field.Path) -> field.ErrorList:
    """Exactly one typed value; strings and versions up to 64 bytes, versions in semver form."""
    present = [k for k in ("int", "bool", "string", "version") if attribute.get(k) is not None]
    errs: field.ErrorList = []
    if not present:
        return [field.required(path, "exactly one value must be specified")]
    if len(present) > 1:
        errs.append(field.invalid(path, field.OMIT, "exactly one value must be specified"))
    for key in ("string", "version"):
        value = attribute.get(key)
        if isinstance(value, str) and len(value) > ATTRIBUTE_MAX_VALUE_LENGTH:
            errs.append(field.too_long(path.child(key), ATTRIBUTE_MAX_VALUE_LENGTH))
    version = attribute.get("version")
    if isinstance(version, str) and not _SEMVER.match(version):
        errs.append(field.invalid(path.child("version"), version, "must be a string compatible with semver.org spec "
                                                                  "2.0.0"))
    return errs


def name_errors(name: str, path: field.Path, validate: Callable[[str], list[str]]) -> field.ErrorList:
    return [field.invalid(path, name, msg) for msg in validate(name)]


def validate_object_meta(obj: Object, namespaced: bool) -> field.ErrorList:
    return objectmeta.validate_object_meta(obj.get("metadata", {}), namespaced, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))

