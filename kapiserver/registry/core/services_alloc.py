"""The seam where Service IP allocation plugs in (upstream service storage's Allocators).

Upstream allocates cluster IPs and node ports in the REST layer's BeginCreate/BeginUpdate,
before the strategy validates; the first thing it does there is settle the IP families
(initIPFamilyFields). `ServiceAllocator` is that step for this server: the strategy calls
it from prepare_for_create / prepare_for_update, and it may raise a StatusError (422) as
upstream's allocator does.

`FamilyOnlyAllocator`, the default, settles ipFamilyPolicy and ipFamilies for a
single-stack cluster and assigns no addresses; the cluster-IP and node-port allocators
will replace it, with release on delete (afterDelete) beside them.
"""

from __future__ import annotations

from typing import Any, Protocol

from kapiserver.apimachinery import errors, field
from kapiserver.apimachinery.schema import GroupKind
from kapiserver.apimachinery.types import Object

from .validation_common import go_slice, is_ipv6_string

CLUSTER_IP_NONE = "None"
_SPEC = field.new_path("spec")


class ServiceAllocator(Protocol):
    def allocate_create(self, svc: Object) -> None:
        """Settle families and assign addresses/ports for a new Service (may raise StatusError)."""

    def allocate_update(self, svc: Object, old: Object) -> None:
        """The same for an update; `old` is shared and must not be mutated."""


def _spec(svc: Object) -> dict[str, Any]:
    spec = svc.get("spec")
    if not isinstance(spec, dict):
        spec = svc["spec"] = {}
    return spec


class FamilyOnlyAllocator:
    """initIPFamilyFields for a cluster serving the given families (first = primary)."""

    def __init__(self, families: tuple[str, ...] = ("IPv4",)):
        self.families = families

    @property
    def dual_stack(self) -> bool:
        return len(self.families) > 1

    def allocate_create(self, svc: Object) -> None:
        self.init_ip_family_fields(svc)

    def allocate_update(self, svc: Object, old: Object) -> None:
        self.init_ip_family_fields(svc)

    def init_ip_family_fields(self, svc: Object) -> None:
        spec = _spec(svc)
        if spec.get("type") == "ExternalName":
            return
        ips: list[str] = spec.get("clusterIPs") or []
        families: list[str] = list(spec.get("ipFamilies") or [])
        if spec.get("ipFamilyPolicy") is None:
            spec["ipFamilyPolicy"] = "RequireDualStack" if len(ips) >= 2 or len(families) >= 2 else "SingleStack"
        errs = self._check_against_cluster(spec, families)
        for i, ip in enumerate(ips):
            if ip == CLUSTER_IP_NONE:
                break
            family = "IPv6" if is_ipv6_string(ip) else "IPv4"
            if i >= len(families):
                if family not in self.families:
                    errs.append(field.invalid(_SPEC.child("clusterIPs").index(i), go_slice(ips),
                                              f"{family} is not configured on this cluster"))
                else:
                    families.append(family)
        if errs:
            name = svc.get("metadata", {}).get("name", "")
            raise errors.invalid(GroupKind("", "Service"), name, errs)
        if not families:
            families = [self.families[0]]
        if spec["ipFamilyPolicy"] != "SingleStack" and self.dual_stack and len(families) == 1:
            families.append(next(f for f in self.families if f != families[0]))
        spec["ipFamilies"] = families

    def _check_against_cluster(self, spec: dict[str, Any], families: list[str]) -> field.ErrorList:
        errs: field.ErrorList = []
        if spec["ipFamilyPolicy"] == "RequireDualStack" and not self.dual_stack:
            errs.append(field.invalid(_SPEC.child("ipFamilyPolicy"), spec["ipFamilyPolicy"],
                                      "this cluster is not configured for dual-stack services"))
        for i, family in enumerate(families):
            if family not in self.families:
                errs.append(field.invalid(_SPEC.child("ipFamilies").index(i), family, "not configured on this cluster"))
        return errs
