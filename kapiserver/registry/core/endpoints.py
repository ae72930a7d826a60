"""endpoints (upstream pkg/registry/core/endpoint, ValidateEndpoints*, SetDefaults_Endpoints).

v1 Endpoints is deprecated since v1.33: upstream warns on every request to it (the type's
APILifecycleDeprecated). Writes carry the warning from here; reads need the generic
deprecation mechanism of the request handlers. Every write is stored with its subsets
repacked into canonical form (endpoints_repack).
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import field, objectmeta, validation, validation_ip
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

from . import validation_common as common
from .endpoints_repack import repack_subsets

DEPRECATION_WARNING = "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"
_SUBSETS = field.new_path("subsets")


def default_endpoints(obj: Object) -> None:
    for subset in obj.get("subsets") or []:
        for port in (subset.get("ports") or []) if isinstance(subset, dict) else []:
            if isinstance(port, dict) and not port.get("protocol"):
                port["protocol"] = "TCP"


def _validate_address(address: dict[str, Any], path: field.Path) -> field.ErrorList:
    ip = str(address.get("ip") or "")
    errs = common.validate_legacy_ip(ip, path.child("ip"))
    if address.get("hostname"):
        errs += common.validate_dns1123_label(address["hostname"], path.child("hostname"))
    if address.get("nodeName") is not None:
        node = address["nodeName"]
        errs += [field.invalid(path.child("nodeName"), node, msg) for msg in objectmeta.name_is_dns_subdomain(node, False)]
    return errs + common.validate_non_special_ip(ip, path.child("ip"))


def _validate_port(port: dict[str, Any], require_name: bool, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    name = port.get("name") or ""
    if require_name and not name:
        errs.append(field.required(path.child("name"), ""))
    elif name:
        errs += common.validate_dns1123_label(name, path.child("name"))
    number = common.int_value(port.get("port"))
    errs += [field.invalid(path.child("port"), number, msg) for msg in validation.is_valid_port_num(number)]
    errs += common.validate_protocol(port.get("protocol") or "", path.child("protocol"))
    if port.get("appProtocol") is not None:
        errs += common.validate_qualified_name(port["appProtocol"], path.child("appProtocol"))
    return errs


def _dicts(items: Any) -> list[dict[str, Any]]:
    return [item if isinstance(item, dict) else {} for item in items or []]


def validate_subsets(subsets: Any) -> field.ErrorList:
    errs: field.ErrorList = []
    for i, subset in enumerate(_dicts(subsets)):
        path = _SUBSETS.index(i)
        if not subset.get("addresses") and not subset.get("notReadyAddresses"):
            errs.append(field.required(path, "must specify `addresses` or `notReadyAddresses`"))
        for name in ("addresses", "notReadyAddresses"):
            for j, address in enumerate(_dicts(subset.get(name))):
                errs += _validate_address(address, path.child(name).index(j))
        ports = _dicts(subset.get("ports"))
        for j, port in enumerate(ports):
            errs += _validate_port(port, len(ports) > 1, path.child("ports").index(j))
    return errs


def validate_endpoints(obj: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(obj.get("metadata", {}), True, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))
    return errs + validate_subsets(obj.get("subsets"))


def warnings_for_endpoints(obj: Object) -> list[str]:
    warnings = [DEPRECATION_WARNING]
    for i, subset in enumerate(_dicts(obj.get("subsets"))):
        for name in ("addresses", "notReadyAddresses"):
            for j, address in enumerate(_dicts(subset.get(name))):
                path = _SUBSETS.index(i).child(name).index(j).child("ip")
                warnings += validation_ip.get_warnings_for_ip(path, str(address.get("ip") or ""))
    return warnings


class EndpointsStrategy(Strategy):
    allow_create_on_update = True

    def default(self, obj: Object) -> None:
        default_endpoints(obj)

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_endpoints(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        errs = objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                      field.new_path("metadata"))
        return errs + validate_endpoints(obj)

    def warnings_on_create(self, ctx: RequestContext, obj: Object) -> list[str]:
        return warnings_for_endpoints(obj)

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        return warnings_for_endpoints(obj)

    def canonicalize(self, obj: Object) -> None:
        if "subsets" in obj:
            subsets = repack_subsets(obj.get("subsets") or [])
            if subsets:
                obj["subsets"] = subsets
            else:
                obj.pop("subsets")


def format_endpoints(obj: Object) -> str:
    """formatEndpoints: the first three `ip:port` (or bare IPs), then `+ N more...`."""
    subsets = _dicts(obj.get("subsets"))
    if not subsets:
        return "<none>"
    shown: list[str] = []
    count, limit = 0, 3
    more = False
    for subset in subsets:
        addresses = _dicts(subset.get("addresses"))
        ports = _dicts(subset.get("ports"))
        for port in ports or [{}]:
            count += len(addresses)
            for address in addresses:
                if len(shown) == limit:
                    more = True
                    break
                ip = str(address.get("ip") or "")
                if not ports:
                    shown.append(ip)  # headless services may publish addresses without ports
                else:
                    shown.append(f"[{ip}]:{port.get('port', 0)}" if ":" in ip else f"{ip}:{port.get('port', 0)}")
    text = ",".join(shown)
    return f"{text} + {count - limit} more..." if more else text


SUBSETS_DESCRIPTION = (
    "The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs "
    "they share. A single address with multiple ports, some of which are ready and some of which are not (because "
    "they come from different containers) will result in the address being displayed in different subsets for the "
    "different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of "
    "addresses and ports that comprise a service.")


def _row(obj: Object) -> list[object]:
    return [name_of(obj), format_endpoints(obj), age(obj)]


ENDPOINTS = ResourceSpec(
    group="", version="v1", kind="Endpoints", plural="endpoints", singular="endpoints", namespaced=True,
    strategy=EndpointsStrategy(), short_names=("ep",), storage_path="services/endpoints",
    printer=Printer((NAME_COLUMN, Column("Endpoints", "string", "", SUBSETS_DESCRIPTION), AGE_COLUMN), _row),
)
