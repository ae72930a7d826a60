"""Node validation (upstream ValidateNode, ValidateNodeUpdate, validateNodeTaints, ValidateNodeResources).

Kept from upstream as they are: taints are reported under `metadata.taints` (upstream
builds the path from the metadata path), and bad values print as their JSON, internal structs
with Go's field names (the internal types carry no json tags).
Not carried over: the deprecated alpha annotations (taints, preferAvoidPods) and the
removed dynamic kubelet config (spec.configSource), which the strategy drops.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import field, metav1_validation, objectmeta, quantity, validation
from kapiserver.apimachinery.types import Object

from . import validation_common as common
from .resource_quantities import validate_resource_quantity_value

TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
CIDR_CHANGE_FORBIDDEN = 'node updates may not change podCIDR except from "" to valid'
PROVIDER_ID_CHANGE_FORBIDDEN = 'node updates may not change providerID except from "" to valid'
_TAINTS = field.new_path("metadata", "taints")
_POD_CIDRS = field.new_path("spec", "podCIDRs")


def _spec(node: Object) -> dict[str, Any]:
    spec = node.get("spec")
    return spec if isinstance(spec, dict) else {}


def _status(node: Object) -> dict[str, Any]:
    status = node.get("status")
    return status if isinstance(status, dict) else {}


def _taint_value(taint: dict[str, Any]) -> dict[str, Any]:
    """The internal core.Taint as field errors print it: JSON of a Go struct without json tags."""
    return {"Key": taint.get("key") or "", "Value": taint.get("value") or "", "Effect": taint.get("effect") or "",
            "TimeAdded": taint.get("timeAdded")}


def validate_node_taints(taints: list[Any], path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    seen: set[tuple[str, str]] = set()
    for i, taint in enumerate(t if isinstance(t, dict) else {} for t in taints):
        entry = path.index(i)
        key, value, effect = taint.get("key") or "", taint.get("value") or "", taint.get("effect") or ""
        errs += metav1_validation.validate_label_name(key, entry.child("key"))
        messages = validation.is_valid_label_value(value)
        if messages:
            errs.append(field.invalid(entry.child("value"), value, ";".join(messages)))
        if not effect:
            errs.append(field.required(entry.child("effect"), ""))
        elif effect not in TAINT_EFFECTS:
            errs.append(field.not_supported(entry.child("effect"), effect, TAINT_EFFECTS))
        if (effect, key) in seen:
            duplicate = field.duplicate(entry, _taint_value(taint))
            duplicate.detail = "taints must be unique by key and effect pair"
            errs.append(duplicate)
            continue
        seen.add((effect, key))
    return errs


def _canonical(value: Any) -> str:
    """A quantity as its String() form (what upstream prints), or the text when it does not parse."""
    try:
        return quantity.canonical(quantity.from_json(value))
    except quantity.QuantityError:
        return str(value)


def validate_node_resources(node: Object) -> field.ErrorList:
    errs: field.ErrorList = []
    status = _status(node)
    for name in ("capacity", "allocatable"):
        for resource, amount in (status.get(name) or {}).items():
            errs += validate_resource_quantity_value(resource, _canonical(amount),
                                                     field.new_path("status", name, resource))
    return errs


def _is_dual_stack_cidrs(cidrs: list[str]) -> bool:
    families = {6 if ":" in cidr.split("/")[0] else 4 for cidr in cidrs}
    return families == {4, 6}


def _validate_pod_cidrs(cidrs: list[str]) -> field.ErrorList:
    errs: field.ErrorList = []
    for i, cidr in enumerate(cidrs):
        errs += common.validate_legacy_cidr(cidr, _POD_CIDRS.index(i))
    if len(cidrs) > 1:
        if not _is_dual_stack_cidrs(cidrs) or len(cidrs) > 2:
            errs.append(field.invalid(_POD_CIDRS, cidrs,
                                      "may specify no more than one CIDR for each IP family"))
        seen: set[str] = set()
        for i, cidr in enumerate(cidrs):
            if cidr in seen:
                errs.append(field.duplicate(_POD_CIDRS.index(i), cidr))
            seen.add(cidr)
    return errs


def validate_node(node: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(node.get("metadata", {}), False, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))
    spec = _spec(node)
    if spec.get("taints"):
        errs += validate_node_taints(spec["taints"], _TAINTS)
    errs += validate_node_resources(node)
    if spec.get("podCIDRs"):
        errs += _validate_pod_cidrs(list(spec["podCIDRs"]))
    return errs


def _address_value(address: dict[str, Any]) -> dict[str, Any]:
    """The internal core.NodeAddress as field errors print it (Go field names, no json tags)."""
    return {"Type": address.get("type") or "", "Address": address.get("address") or ""}


def validate_node_update(node: Object, old: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta_update(node.get("metadata", {}), old.get("metadata", {}),
                                                  field.new_path("metadata"))
    errs += validate_node_resources(node)
    seen: set[tuple[str, str]] = set()
    for i, address in enumerate(a if isinstance(a, dict) else {} for a in _status(node).get("addresses") or []):
        key = (address.get("type") or "", address.get("address") or "")
        if key in seen:
            errs.append(field.duplicate(field.new_path("status", "addresses").index(i), _address_value(address)))
        seen.add(key)
    spec, old_spec = _spec(node), _spec(old)
    old_cidrs, cidrs = list(old_spec.get("podCIDRs") or []), list(spec.get("podCIDRs") or [])
    if old_cidrs:
        if len(old_cidrs) != len(cidrs):
            errs.append(field.forbidden(_POD_CIDRS, CIDR_CHANGE_FORBIDDEN))
        else:
            errs += [field.forbidden(_POD_CIDRS, CIDR_CHANGE_FORBIDDEN)
                     for value, new in zip(old_cidrs, cidrs) if value != new]
    old_provider = old_spec.get("providerID") or ""
    if old_provider and old_provider != (spec.get("providerID") or ""):
        errs.append(field.forbidden(field.new_path("spec", "providerID"), PROVIDER_ID_CHANGE_FORBIDDEN))
    if spec.get("taints"):
        errs += validate_node_taints(spec["taints"], _TAINTS)
    if (spec.get("externalID") or "") != (old_spec.get("externalID") or ""):
        errs.append(field.forbidden(field.new_path("spec", "externalID"), "may not be updated"))
    return errs
