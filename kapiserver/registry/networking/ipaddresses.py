"""ipaddresses, networking.k8s.io/v1 and v1beta1 (upstream pkg/registry/networking/ipaddress,
ValidateIPAddress*).

An IPAddress is named by the address it reserves, in canonical form; its parent reference
is immutable. v1beta1 (off by default) has the same shape and shares v1's storage.
"""

from __future__ import annotations

from kapiserver.apimachinery import field, objectmeta, validation, validation_ip
from kapiserver.apimachinery.types import Object
from kapiserver.registry import conversion
from kapiserver.registry.core.podspec.access import as_dict, as_str
from kapiserver.registry.pathsegment import is_valid_path_segment_name
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy, immutable
from kapiserver.registry.table import NAME_COLUMN, Column, Printer, age, name_of

_PARENT_REF = field.new_path("spec", "parentRef")


def ip_address_name_errors(name: str, prefix: bool) -> list[str]:
    """ValidateIPAddressName: the name is an IP address in canonical form (never generated)."""
    return [err.detail for err in validation_ip.is_valid_ip(field.ROOT, name)]


def validate_parent_reference(ref: object) -> field.ErrorList:
    if ref is None:
        return [field.required(_PARENT_REF, "")]
    ref = as_dict(ref)
    errs: field.ErrorList = []
    group = as_str(ref.get("group"))
    if group:
        errs += [field.invalid(_PARENT_REF.child("group"), group, msg) for msg in validation.is_dns1123_subdomain(group)]
    for key in ("resource", "name"):
        value = as_str(ref.get(key))
        if not value:
            errs.append(field.required(_PARENT_REF.child(key), ""))
        else:
            errs += [field.invalid(_PARENT_REF.child(key), value, msg) for msg in is_valid_path_segment_name(value)]
    namespace = as_str(ref.get("namespace"))
    if namespace:
        errs += [field.invalid(_PARENT_REF.child("namespace"), namespace, msg)
                 for msg in is_valid_path_segment_name(namespace)]
    return errs


def validate_ip_address(obj: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(obj.get("metadata", {}), False, ip_address_name_errors,
                                           field.new_path("metadata"))
    return errs + validate_parent_reference(as_dict(obj.get("spec")).get("parentRef"))


def internal_parent_ref(ref: object) -> dict[str, str] | None:
    """The internal networking.ParentReference: what ValidateImmutableField compares, and what its
    error prints through json.Marshal (Go field names, empty strings kept; nil is null)."""
    if not isinstance(ref, dict):
        return None
    return {"Group": as_str(ref.get("group")), "Resource": as_str(ref.get("resource")),
            "Namespace": as_str(ref.get("namespace")), "Name": as_str(ref.get("name"))}


def validate_ip_address_update(obj: Object, old: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                  field.new_path("metadata"))
    return errs + immutable(_PARENT_REF, internal_parent_ref(as_dict(obj.get("spec")).get("parentRef")),
                            internal_parent_ref(as_dict(old.get("spec")).get("parentRef")))


class IPAddressStrategy(Strategy):
    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        obj.pop("status", None)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        obj.pop("status", None)

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_ip_address(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_ip_address_update(obj, old)


def format_parent_ref(ref: object) -> str:
    """upstream printIPAddress: `<resource>[.<group>]/[<namespace>/]<name>`, lowercased group resource."""
    if not isinstance(ref, dict):
        return "<none>"
    resource, group = as_str(ref.get("resource")), as_str(ref.get("group"))
    text = (f"{resource}.{group}" if group else resource).lower()
    if ref.get("namespace"):
        text += "/" + as_str(ref["namespace"])
    return text + "/" + as_str(ref.get("name"))


PARENT_REF_DESCRIPTION = ("ParentRef references the resource that an IPAddress is attached to. An IPAddress must "
                          "reference a parent object.")


def _row(obj: Object) -> list[object]:
    """upstream printIPAddress also computes the age cell, but its column list has no Age:
    the Table carries a third cell that kubectl does not show."""
    return [name_of(obj), format_parent_ref(as_dict(obj.get("spec")).get("parentRef")), age(obj)]


IPADDRESSES = ResourceSpec(
    group="networking.k8s.io", version="v1", kind="IPAddress", plural="ipaddresses", singular="ipaddress",
    namespaced=False, strategy=IPAddressStrategy(), short_names=("ip",),
    printer=Printer((NAME_COLUMN, Column("ParentRef", "string", "", PARENT_REF_DESCRIPTION)), _row),
)
IPADDRESSES_V1BETA1 = conversion.alternate_version(IPADDRESSES, "v1beta1")
