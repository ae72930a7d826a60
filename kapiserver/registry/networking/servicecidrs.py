"""servicecidrs, networking.k8s.io/v1 and v1beta1 (upstream pkg/registry/networking/servicecidr,
ValidateServiceCIDR*).

A ServiceCIDR holds one range, or one of each family; the ranges never change, except that a
single-family range may gain the other family (upstream issue 131261). Status (conditions
written by the service-cidr controller) lives in `servicecidrs/status`. v1beta1 (off by
default) has the same shape and shares v1's storage.
"""

from __future__ import annotations

from kapiserver.apimachinery import field, objectmeta, validation_ip
from kapiserver.apimachinery.types import Object
from kapiserver.registry import conversion, subresources
from kapiserver.registry.core import validation_common as common
from kapiserver.registry.core.podspec.access import as_dict, strings
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy, keep_old_spec, keep_old_status
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

FIELD_IMMUTABLE = "field is immutable"
_CIDRS = field.new_path("spec", "cidrs")


def _family(cidr: str) -> str:
    """netutils.IPFamilyOfCIDRString: "4", "6" or "" when it does not parse."""
    address, sep, _ = cidr.partition("/")
    ip = common.parse_ip_sloppy(address) if sep else None
    return "" if ip is None else str(ip.version)


def _bad_spec(cidrs: list[str]) -> dict[str, list[str]]:
    """The internal ServiceCIDRSpec as json.Marshal renders it in a field error (no json tags)."""
    return {"CIDRs": list(cidrs)}


def validate_service_cidr_spec(spec: Object) -> field.ErrorList:
    cidrs = strings(spec.get("cidrs"))
    if not cidrs:
        return [field.required(_CIDRS, "at least one CIDR required")]
    if len(cidrs) > 2:
        return [field.invalid(_CIDRS, _bad_spec(cidrs), "may only hold up to 2 values")]
    errs: field.ErrorList = []
    for i, cidr in enumerate(cidrs):
        errs += validation_ip.is_valid_cidr(_CIDRS.index(i), cidr)
    if len(cidrs) == 2 and _family(cidrs[0]) == _family(cidrs[1]) and _family(cidrs[0]):
        errs.append(field.invalid(_CIDRS, list(cidrs),
                                  "may specify no more than one IP for each IP family, i.e 192.168.0.0/24 and "
                                  "2001:db8::/64"))
    return errs


def validate_service_cidr(obj: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(obj.get("metadata", {}), False, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))
    return errs + validate_service_cidr_spec(as_dict(obj.get("spec")))


def validate_service_cidr_update(obj: Object, old: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                  field.new_path("metadata"))
    new_cidrs = strings(as_dict(obj.get("spec")).get("cidrs"))
    old_cidrs = strings(as_dict(old.get("spec")).get("cidrs"))
    if len(new_cidrs) == len(old_cidrs):
        for i, (new, previous) in enumerate(zip(new_cidrs, old_cidrs)):
            if new != previous:
                errs.append(field.invalid(_CIDRS.index(i), new, FIELD_IMMUTABLE))
    elif len(old_cidrs) == 1 and len(new_cidrs) == 2:
        if new_cidrs[0] != old_cidrs[0]:
            errs.append(field.invalid(_CIDRS.index(0), new_cidrs[0], FIELD_IMMUTABLE))
        errs += validate_service_cidr_spec(as_dict(obj.get("spec")))
    else:
        present = as_dict(obj.get("spec")).get("cidrs") is not None
        errs.append(field.invalid(_CIDRS, list(new_cidrs) if present else None, FIELD_IMMUTABLE))
    return errs


class ServiceCIDRStrategy(Strategy):
    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        obj["status"] = {}  # a Go struct, always encoded

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old_status(obj, old)

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_service_cidr(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_service_cidr_update(obj, old)


class ServiceCIDRStatusStrategy(ServiceCIDRStrategy):
    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old_spec(obj, old)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                      field.new_path("metadata"))


CIDRS_DESCRIPTION = (
    "CIDRs defines the IP blocks in CIDR notation (e.g. \"192.168.0.0/24\" or \"2001:db8::/64\") from which to "
    "assign service cluster IPs. Max of two CIDRs is allowed, one of each IP family. This field is immutable.")


def _row(obj: Object) -> list[object]:
    return [name_of(obj), ",".join(strings(as_dict(obj.get("spec")).get("cidrs"))), age(obj)]


SERVICECIDRS = ResourceSpec(
    group="networking.k8s.io", version="v1", kind="ServiceCIDR", plural="servicecidrs", singular="servicecidr",
    namespaced=False, strategy=ServiceCIDRStrategy(),
    subresources=(subresources.status(ServiceCIDRStatusStrategy()),),
    printer=Printer((NAME_COLUMN, Column("CIDRs", "string", "", CIDRS_DESCRIPTION), AGE_COLUMN), _row),
)
SERVICECIDRS_V1BETA1 = conversion.alternate_version(SERVICECIDRS, "v1beta1")
