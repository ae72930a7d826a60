"""Settling a Service's IP families (upstream service storage's initIPFamilyFields).

Before any address is allocated, ipFamilyPolicy and ipFamilies are inferred from what the
client gave (clusterIPs, ipFamilies, the policy) and from what the cluster serves (the
families of --service-cluster-ip-range, the first one primary). Create and update share
the rules; an update adopts the old policy when the client left it out, and may drop the
secondary family only when the policy says SingleStack.

Pure: mutates the new Service only, raises StatusError (422) with upstream's messages.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import errors, field
from kapiserver.apimachinery.schema import GroupKind
from kapiserver.apimachinery.types import Object

from . import services_ips
from .validation_common import is_ipv6_string, parse_ip_sloppy

SERVICE_KIND = GroupKind("", "Service")
CLUSTER_IP_NONE = "None"
_SPEC = field.new_path("spec")
_POLICY = _SPEC.child("ipFamilyPolicy")


def spec_of(svc: Object) -> dict[str, Any]:
    spec = svc.get("spec")
    if not isinstance(spec, dict):
        spec = svc["spec"] = {}
    return spec


def family_of(ip: str) -> str:
    """IPv4, IPv6, or "unknown" for what does not parse (upstream familyOf)."""
    parsed = parse_ip_sloppy(ip)
    if parsed is None:
        return "unknown"
    return "IPv6" if is_ipv6_string(ip) else "IPv4"


def other_family(family: str) -> str:
    return "IPv6" if family == "IPv4" else "IPv4"


def _policy(spec: dict[str, Any]) -> str:
    return str(spec.get("ipFamilyPolicy") or "")


def _same(old: dict[str, Any], new: dict[str, Any], key: str) -> bool:
    return list(old.get(key) or []) == list(new.get(key) or [])


def _reduced(old: dict[str, Any], new: dict[str, Any], key: str) -> bool:
    values = new.get(key) or []
    return bool(values) and len(values) < len(old.get(key) or [])


def is_matching_prefer_dual_stack(spec: dict[str, Any], old_spec: dict[str, Any] | None) -> bool:
    """A PreferDualStack Service whose cluster IP fields did not change: neither upgraded nor
    downgraded when the cluster's stack changes (upstream isMatchingPreferDualStackClusterIPFields)."""
    if old_spec is None or spec.get("ipFamilyPolicy") is None:
        return False
    if old_spec.get("type") != spec.get("type") or spec.get("type") not in ("ClusterIP", "NodePort", "LoadBalancer"):
        return False
    if _policy(spec) != "PreferDualStack" or (old_spec.get("ipFamilyPolicy") is not None
                                               and _policy(old_spec) != "PreferDualStack"):
        return False
    return _same(old_spec, spec, "clusterIPs") and _same(old_spec, spec, "ipFamilies")


def _default_policy(spec: dict[str, Any], old_spec: dict[str, Any] | None) -> None:
    if spec.get("ipFamilyPolicy") is not None:
        return
    if old_spec is not None and old_spec.get("ipFamilyPolicy") is not None:
        spec["ipFamilyPolicy"] = old_spec["ipFamilyPolicy"]
    elif spec.get("clusterIP") == CLUSTER_IP_NONE and not spec.get("selector"):
        spec["ipFamilyPolicy"] = "RequireDualStack"  # headless and selectorless: dual by default
    else:
        spec["ipFamilyPolicy"] = "SingleStack"


def _update_prep(spec: dict[str, Any], old_spec: dict[str, Any]) -> field.ErrorList:
    errs: field.ErrorList = []
    if _policy(spec) == "SingleStack":
        # Unchanged fields plus SingleStack is clear intent to drop the secondary family.
        if _same(old_spec, spec, "clusterIPs") and len(spec.get("clusterIPs") or []) > 1:
            spec["clusterIPs"] = spec["clusterIPs"][:1]
        if _same(old_spec, spec, "ipFamilies") and len(spec.get("ipFamilies") or []) > 1:
            spec["ipFamilies"] = spec["ipFamilies"][:1]
        return errs
    if _reduced(old_spec, spec, "clusterIPs"):
        errs.append(field.invalid(_POLICY, spec.get("ipFamilyPolicy"),
                                  "must be 'SingleStack' to release the secondary cluster IP"))
    if _reduced(old_spec, spec, "ipFamilies"):
        errs.append(field.invalid(_POLICY, spec.get("ipFamilyPolicy"),
                                  "must be 'SingleStack' to release the secondary IP family"))
    return errs


def _infer_families(spec: dict[str, Any], cluster: tuple[str, ...]) -> field.ErrorList:
    errs: field.ErrorList = []
    if _policy(spec) == "SingleStack":
        if len(spec.get("clusterIPs") or []) == 2:
            errs.append(field.invalid(_POLICY, spec.get("ipFamilyPolicy"), "must be 'RequireDualStack' or "
                                      "'PreferDualStack' when multiple cluster IPs are specified"))
        if len(spec.get("ipFamilies") or []) == 2:
            errs.append(field.invalid(_POLICY, spec.get("ipFamilyPolicy"), "must be 'RequireDualStack' or "
                                      "'PreferDualStack' when multiple IP families are specified"))
    ips: list[str] = list(spec.get("clusterIPs") or [])
    families: list[str] = list(spec.get("ipFamilies") or [])
    for i, ip in enumerate(ips):
        if ip == CLUSTER_IP_NONE:
            break
        family = family_of(ip)
        if i >= len(families):
            if family not in cluster:
                errs.append(field.invalid(_SPEC.child("clusterIPs").index(i), ips,
                                          f"{family} is not configured on this cluster"))
            else:
                families.append(family)
    if families or "ipFamilies" in spec:
        spec["ipFamilies"] = families
    return errs


def _headless_selectorless(spec: dict[str, Any], primary: str) -> None:
    families: list[str] = list(spec.get("ipFamilies") or []) or [primary]
    if len(families) < 2 and _policy(spec) != "SingleStack":
        families.append(other_family(families[0]))
    spec["ipFamilies"] = families


def init_ip_family_fields(svc: Object, old: Object | None, cluster: tuple[str, ...]) -> None:
    """Settle ipFamilyPolicy and ipFamilies of `svc` for a cluster serving `cluster` families.

    Raises StatusError (Invalid) for what cannot be served; `old` is the stored object of an
    update (shared: read only).
    """
    spec = spec_of(svc)
    if spec.get("type") == "ExternalName":
        return
    old_spec = spec_of_read_only(old)
    if is_matching_prefer_dual_stack(spec, old_spec):
        return
    _default_policy(spec, old_spec)
    name = str((svc.get("metadata") or {}).get("name") or "")
    errs = services_ips.validate_cluster_ips_related_fields(svc)
    if errs:
        raise errors.invalid(SERVICE_KIND, name, errs)
    if old_spec is not None:
        errs += _update_prep(spec, old_spec)
    errs += _infer_families(spec, cluster)
    if errs:
        raise errors.invalid(SERVICE_KIND, name, errs)
    if spec.get("clusterIP") == CLUSTER_IP_NONE and not spec.get("selector"):
        _headless_selectorless(spec, cluster[0])
        return
    if _policy(spec) == "RequireDualStack" and len(cluster) < 2:
        errs.append(field.invalid(_POLICY, spec.get("ipFamilyPolicy"),
                                  "this cluster is not configured for dual-stack services"))
    for i, family in enumerate(spec.get("ipFamilies") or []):
        if family not in cluster:
            errs.append(field.invalid(_SPEC.child("ipFamilies").index(i), family, "not configured on this cluster"))
    if errs:
        raise errors.invalid(SERVICE_KIND, name, errs)
    families: list[str] = list(spec.get("ipFamilies") or []) or [cluster[0]]
    if _policy(spec) != "SingleStack" and len(families) == 1 and len(cluster) == 2:
        families.append(other_family(families[0]))
    spec["ipFamilies"] = families


def spec_of_read_only(svc: Object | None) -> dict[str, Any] | None:
    if svc is None:
        return None
    spec = svc.get("spec")
    return spec if isinstance(spec, dict) else {}
