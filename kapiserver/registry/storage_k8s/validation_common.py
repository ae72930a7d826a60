"""Checks several storage.k8s.io kinds share (upstream pkg/apis/storage/validation helpers and
the core helpers it calls: ValidateCSIDriverName, ValidateTopologySelectorTerm), and the
rendering of a Go struct as a bad value."""

from __future__ import annotations

from kapiserver.apimachinery import field, metav1_validation, validation
from kapiserver.apimachinery.types import Object
from kapiserver.registry.core.podspec.access import as_dict, as_str, dicts, strings

MAX_PROVISIONER_PARAMETER_SIZE = 256 * (1 << 10)
MAX_PROVISIONER_PARAMETER_LEN = 512
MAX_CSI_DRIVER_NAME_LENGTH = 63


def validate_provisioner(provisioner: str, path: field.Path) -> field.ErrorList:
    """A qualified name, compared in lower case (StorageClass provisioner, VAC driverName)."""
    if not provisioner:
        return [field.required(path, "")]
    return [field.invalid(path, provisioner.lower(), msg) for msg in validation.is_qualified_name(provisioner.lower())]


def validate_parameters(params: object, allow_empty: bool, path: field.Path) -> field.ErrorList:
    params = as_dict(params)
    if len(params) > MAX_PROVISIONER_PARAMETER_LEN:
        return [field.too_long(path, MAX_PROVISIONER_PARAMETER_LEN)]
    errs: field.ErrorList = []
    total = 0
    for key, value in params.items():
        if not key:
            errs.append(field.invalid(path, key, "field can not be empty."))
        total += len(key.encode()) + len(as_str(value).encode())
    if total > MAX_PROVISIONER_PARAMETER_SIZE:
        errs.append(field.too_long(path, MAX_PROVISIONER_PARAMETER_SIZE))
    if not allow_empty and not params:
        errs.append(field.required(path, "must contain at least one key/value pair"))
    return errs


def validate_csi_driver_name(name: str, path: field.Path) -> field.ErrorList:
    """core ValidateCSIDriverName: required, at most 63 characters, a DNS subdomain in lower case."""
    errs: field.ErrorList = []
    if not name:
        errs.append(field.required(path, ""))
    if len(name) > MAX_CSI_DRIVER_NAME_LENGTH:
        errs.append(field.too_long(path, MAX_CSI_DRIVER_NAME_LENGTH))
    return errs + [field.invalid(path, name, msg) for msg in validation.is_dns1123_subdomain(name.lower())]


def validate_topology_selector_term(term: Object, path: field.Path) -> tuple[dict[str, frozenset[str]], field.ErrorList]:
    """core ValidateTopologySelectorTerm: each key once, each with distinct values."""
    errs: field.ErrorList = []
    expressions: dict[str, frozenset[str]] = {}
    for i, requirement in enumerate(dicts(term.get("matchLabelExpressions"))):
        item_path = path.child("matchLabelExpressions").index(i)
        values_path = item_path.child("values")
        values = strings(requirement.get("values"))
        if not values:
            errs.append(field.required(values_path, ""))
        seen: set[str] = set()
        for j, value in enumerate(values):
            if value in seen:
                errs.append(field.duplicate(values_path.index(j), value))
            seen.add(value)
        key = as_str(requirement.get("key"))
        errs += metav1_validation.validate_label_name(key, item_path.child("key"))
        if key in expressions:
            errs.append(field.duplicate(item_path.child("key"), key))
        expressions[key] = frozenset(seen)
    return expressions, errs


def validate_allowed_topologies(terms: object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    seen: list[dict[str, frozenset[str]]] = []
    for i, term in enumerate(dicts(terms)):
        expressions, term_errs = validate_topology_selector_term(as_dict(term), path.index(i))
        errs += term_errs
        if expressions in seen:
            errs.append(field.duplicate(path.index(i).child("matchLabelExpressions"), ""))
        seen.append(expressions)
    return errs


