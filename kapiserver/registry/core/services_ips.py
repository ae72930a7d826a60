"""Service cluster IPs and IP families: the checks of ValidateServiceClusterIPsRelatedFields and of
upgrading / downgrading between single- and dual-stack (validateUpgradeDowngrade*).

Bad values that are lists print as json.Marshal writes them (`["10.0.0.1"]`, null when unset),
and some messages carry upstream's own quirks (the cluster IPs as the bad value of an
ipFamilies error); both are kept because clients show them as they are.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import field
from kapiserver.apimachinery.types import Object

from . import validation_common as common

CLUSTER_IP_NONE = "None"
IP_FAMILIES = ("IPv4", "IPv6")
IP_FAMILY_POLICIES = ("PreferDualStack", "RequireDualStack", "SingleStack")
_SPEC = field.new_path("spec")
_CLUSTER_IPS = _SPEC.child("clusterIPs")
_IP_FAMILIES = _SPEC.child("ipFamilies")
_IP_FAMILY_POLICY = _SPEC.child("ipFamilyPolicy")


def _spec(svc: Object) -> dict[str, Any]:
    spec = svc.get("spec")
    return spec if isinstance(spec, dict) else {}


def is_headless(svc: Object) -> bool:
    ips = _spec(svc).get("clusterIPs") or []
    return len(ips) == 1 and ips[0] == CLUSTER_IP_NONE


def _json_list(value: Any) -> list[Any] | None:
    """A slice as json.Marshal renders it in a field error: the list, or null when unset."""
    return None if value is None else list(value)


def _ips_value(spec: dict[str, Any]) -> list[Any] | None:
    return _json_list(spec.get("clusterIPs"))


def _families_value(spec: dict[str, Any]) -> list[Any] | None:
    return _json_list(spec.get("ipFamilies"))


def _validate_families_and_policy(spec: dict[str, Any]) -> field.ErrorList:
    errs: field.ErrorList = []
    seen: set[str] = set()
    for i, family in enumerate(spec.get("ipFamilies") or []):
        if family not in IP_FAMILIES:
            errs.append(field.not_supported(_IP_FAMILIES.index(i), family, IP_FAMILIES))
        if family in seen:
            errs.append(field.duplicate(_IP_FAMILIES.index(i), family))
        seen.add(family)
    policy = spec.get("ipFamilyPolicy")
    if policy is not None and policy not in IP_FAMILY_POLICIES:
        errs.append(field.not_supported(_IP_FAMILY_POLICY, policy, IP_FAMILY_POLICIES))
    return errs


def _is_dual_stack(ips: list[str]) -> bool:
    families = {6 if common.is_ipv6_string(ip) else 4 for ip in ips}
    return families == {4, 6}


def validate_cluster_ips_related_fields(svc: Object) -> field.ErrorList:
    """ValidateServiceClusterIPsRelatedFields (ExternalName services were checked already)."""
    spec = _spec(svc)
    if spec.get("type") == "ExternalName":
        return []
    errs: field.ErrorList = []
    cluster_ip = spec.get("clusterIP") or ""
    ips: list[str] = spec.get("clusterIPs") or []
    if cluster_ip:
        if not ips:
            errs.append(field.required(_CLUSTER_IPS, ""))
        elif ips[0] != cluster_ip:
            errs.append(field.invalid(_CLUSTER_IPS, _ips_value(spec), "first value must match `clusterIP`"))
    elif ips:
        errs.append(field.invalid(_CLUSTER_IPS, _ips_value(spec), "must be empty when `clusterIP` is not specified"))
    errs += _validate_families_and_policy(spec)
    has_invalid = False
    for i, ip in enumerate(ips):
        if i == 0 and ip == CLUSTER_IP_NONE:
            if len(ips) > 1:
                has_invalid = True
                errs.append(field.invalid(_CLUSTER_IPS, _ips_value(spec), "'None' must be the first and only value"))
            continue
        ip_errs = common.validate_legacy_ip(ip, _CLUSTER_IPS.index(i))
        has_invalid = has_invalid or bool(ip_errs)
        errs += ip_errs
    if len(ips) > 2:
        errs.append(field.invalid(_CLUSTER_IPS, _ips_value(spec), "may only hold up to 2 values"))
    if has_invalid:
        return errs
    if len(ips) > 1 and not _is_dual_stack(ips):
        errs.append(field.invalid(_CLUSTER_IPS, _ips_value(spec), "may specify no more than one IP for each IP family"))
    families = spec.get("ipFamilies") or []
    if not is_headless(svc) and ips and families:
        for i, ip in enumerate(ips[:len(families)]):
            if families[i] == "IPv4" and common.is_ipv6_string(ip):
                errs.append(field.invalid(_CLUSTER_IPS.index(i), ip,
                                          f"expected an IPv4 value as indicated by `ipFamilies[{i}]`"))
            if families[i] == "IPv6" and not common.is_ipv6_string(ip):
                errs.append(field.invalid(_CLUSTER_IPS.index(i), ip,
                                          f"expected an IPv6 value as indicated by `ipFamilies[{i}]`"))
    return errs


def _policy_value(spec: dict[str, Any]) -> Any:
    """The *IPFamilyPolicy bad value: its string, or null when nil."""
    return spec.get("ipFamilyPolicy")


def validate_upgrade_downgrade_cluster_ips(old: Object, svc: Object) -> field.ErrorList:
    old_spec, spec = _spec(old), _spec(svc)
    if "ExternalName" in (spec.get("type"), old_spec.get("type")):
        return []
    if is_headless(old) and is_headless(svc):
        return []
    old_ips: list[str] = old_spec.get("clusterIPs") or []
    ips: list[str] = spec.get("clusterIPs") or []
    errs: field.ErrorList = []
    changed = "may not change once set"
    if len(old_ips) == len(ips):
        errs += [field.invalid(_CLUSTER_IPS.index(i), _ips_value(spec), changed)
                 for i, ip in enumerate(old_ips) if ip != ips[i]]
    elif len(old_ips) > len(ips):
        if not ips:
            errs.append(field.invalid(_CLUSTER_IPS.index(0), _ips_value(spec), "primary clusterIP can not be unset"))
        if old_ips and ips and ips[0] != old_ips[0]:
            errs.append(field.invalid(_CLUSTER_IPS.index(0), _ips_value(spec), changed))
        if len(ips) == 1 and spec.get("ipFamilyPolicy") != "SingleStack":
            errs.append(field.invalid(_IP_FAMILY_POLICY, _policy_value(spec),
                                      "must be set to 'SingleStack' when releasing the secondary clusterIP"))
    elif old_ips and ips[0] != old_ips[0]:
        errs.append(field.invalid(_CLUSTER_IPS.index(0), _ips_value(spec), changed))
    return errs


def validate_upgrade_downgrade_ip_families(old: Object, svc: Object) -> field.ErrorList:
    old_spec, spec = _spec(old), _spec(svc)
    if "ExternalName" in (spec.get("type"), old_spec.get("type")):
        return []
    if is_headless(old) or is_headless(svc):
        return []  # changing to / from headless, or headless: families may change
    old_families: list[str] = old_spec.get("ipFamilies") or []
    families: list[str] = spec.get("ipFamilies") or []
    errs: field.ErrorList = []
    changed = "may not change once set"
    if len(old_families) == len(families):
        errs += [field.invalid(_IP_FAMILIES.index(0), _families_value(spec), changed)
                 for i, family in enumerate(old_families) if family != families[i]]
    elif len(old_families) > len(families):
        if not spec.get("clusterIPs"):
            errs.append(field.invalid(_IP_FAMILIES.index(0), _families_value(spec), "primary ipFamily can not be unset"))
        if families and families[0] != old_families[0]:
            errs.append(field.invalid(_IP_FAMILIES.index(0), _ips_value(spec), changed))
        if len(families) == 1 and spec.get("ipFamilyPolicy") != "SingleStack":
            errs.append(field.invalid(_IP_FAMILY_POLICY, _policy_value(spec),
                                      "must be set to 'SingleStack' when releasing the secondary ipFamily"))
    elif old_families and families[0] != old_families[0]:
        errs.append(field.invalid(_IP_FAMILIES.index(0), _ips_value(spec), changed))
    return errs
