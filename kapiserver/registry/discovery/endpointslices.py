"""endpointslices, discovery.k8s.io/v1 (upstream pkg/registry/discovery/endpointslice,
pkg/apis/discovery/validation, pkg/apis/discovery/v1 defaults).

There is no status: every change other than to metadata (labels included) bumps the
generation. `kubernetes.io/service-name` is a label, so it is selected with a label
selector; the only selectable fields are metadata.name and metadata.namespace, as upstream.
v1 requests clear `deprecatedTopology` whenever the endpoints change.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import field, metav1_validation, objectmeta, validation
from kapiserver.apimachinery.types import Object
from kapiserver.registry.core import validation_common as common
from kapiserver.registry.core.podspec.access import as_dict, as_list, as_str, dicts, semantic_equal
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy, immutable, start_generation
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

SUPPORTED_ADDRESS_TYPES = ("FQDN", "IPv4", "IPv6")  # sorted, as sets.List prints them
SUPPORTED_PORT_PROTOCOLS = ("SCTP", "TCP", "UDP")
MAX_TOPOLOGY_LABELS = 16
MAX_ADDRESSES = 100
MAX_PORTS = 100
MAX_ENDPOINTS = 1000
MAX_ZONE_HINTS = 8
MAX_NODE_HINTS = 8
_ENDPOINTS = field.new_path("endpoints")
_PORTS = field.new_path("ports")
_ADDRESS_TYPE = field.new_path("addressType")


def default_endpoint_slice(obj: Object) -> None:
    """SetDefaults_EndpointPort: a port's name defaults to "" and its protocol to TCP. Each
    endpoint's `conditions` is a Go struct, always encoded."""
    for endpoint in as_list(obj.get("endpoints")):
        if isinstance(endpoint, dict) and not isinstance(endpoint.get("conditions"), dict):
            endpoint["conditions"] = {}
    for port in as_list(obj.get("ports")):
        if not isinstance(port, dict):
            continue
        if port.get("name") is None:
            port["name"] = ""
        if port.get("protocol") is None:
            port["protocol"] = "TCP"


def _validate_ip_address(address: str, family: str, path: field.Path) -> field.ErrorList:
    errs = common.validate_legacy_ip(address, path)
    if errs:
        return errs
    if common.is_ipv6_string(address) != (family == "IPv6"):
        return [field.invalid(path, address, f"must be an {family} address")]
    return common.validate_non_special_ip(address, path)


def _validate_addresses(endpoint: Object, address_type: str, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    addresses = as_list(endpoint.get("addresses"))
    if not addresses:
        errs.append(field.required(path, "must contain at least 1 address"))
    elif len(addresses) > MAX_ADDRESSES:
        errs.append(field.too_many(path, len(addresses), MAX_ADDRESSES))
    for i, raw in enumerate(addresses):
        address = as_str(raw)
        if address_type in ("IPv4", "IPv6"):
            errs += _validate_ip_address(address, address_type, path.index(i))
        elif address_type == "FQDN":
            errs += validation.is_fully_qualified_domain_name(path.index(i), address)
    return errs


def _validate_hint_names(names: list[str], path: field.Path, maximum: int, label_values: bool) -> field.ErrorList:
    if len(names) > maximum:
        return [field.too_many(path, len(names), maximum)]
    errs: field.ErrorList = []
    seen: set[str] = set()
    for i, name in enumerate(names):
        name_path = path.index(i).child("name")
        if name in seen:
            errs.append(field.duplicate(name_path, name))
        seen.add(name)
        messages = validation.is_valid_label_value(name) if label_values else objectmeta.name_is_dns_subdomain(name, False)
        errs += [field.invalid(name_path, name, msg) for msg in messages]
    return errs


def _validate_hints(hints: Object, path: field.Path) -> field.ErrorList:
    zones = [as_str(z.get("name")) for z in dicts(hints.get("forZones"))]
    errs = _validate_hint_names(zones, path.child("forZones"), MAX_ZONE_HINTS, True)
    if hints.get("forNodes") is not None:
        nodes = [as_str(n.get("name")) for n in dicts(hints.get("forNodes"))]
        errs += _validate_hint_names(nodes, path.child("forNodes"), MAX_NODE_HINTS, False)
    return errs


def _validate_endpoint(endpoint: Object, address_type: str, path: field.Path) -> field.ErrorList:
    errs = _validate_addresses(endpoint, address_type, path.child("addresses"))
    if endpoint.get("nodeName") is not None:
        node = as_str(endpoint["nodeName"])
        errs += [field.invalid(path.child("nodeName"), node, msg) for msg in objectmeta.name_is_dns_subdomain(node, False)]
    topology = as_dict(endpoint.get("deprecatedTopology"))
    topology_path = path.child("deprecatedTopology")
    if len(topology) > MAX_TOPOLOGY_LABELS:
        errs.append(field.too_many(topology_path, len(topology), MAX_TOPOLOGY_LABELS))
    errs += metav1_validation.validate_labels(topology, topology_path)
    if endpoint.get("hostname") is not None:
        errs += common.validate_dns1123_label(as_str(endpoint["hostname"]), path.child("hostname"))
    if endpoint.get("hints") is not None:
        errs += _validate_hints(as_dict(endpoint["hints"]), path.child("hints"))
    return errs


def validate_endpoints(endpoints: list[Object], address_type: str) -> field.ErrorList:
    if len(endpoints) > MAX_ENDPOINTS:
        return [field.too_many(_ENDPOINTS, len(endpoints), MAX_ENDPOINTS)]
    errs: field.ErrorList = []
    for i, endpoint in enumerate(endpoints):
        errs += _validate_endpoint(endpoint, address_type, _ENDPOINTS.index(i))
    return errs


def validate_ports(ports: list[Object]) -> field.ErrorList:
    if len(ports) > MAX_PORTS:
        return [field.too_many(_PORTS, len(ports), MAX_PORTS)]
    errs: field.ErrorList = []
    names: set[str] = set()
    for i, port in enumerate(ports):
        path = _PORTS.index(i)
        name = as_str(port.get("name"))
        if name:
            errs += common.validate_dns1123_label(name, path.child("name"))
        if name in names:
            errs.append(field.duplicate(path.child("name"), name))
        names.add(name)
        protocol = port.get("protocol")
        if protocol is None:
            errs.append(field.required(path.child("protocol"), ""))
        elif protocol not in SUPPORTED_PORT_PROTOCOLS:
            errs.append(field.not_supported(path.child("protocol"), protocol, SUPPORTED_PORT_PROTOCOLS))
        if port.get("appProtocol") is not None:
            errs += common.validate_qualified_name(as_str(port["appProtocol"]), path.child("appProtocol"))
    return errs


def validate_address_type(address_type: str) -> field.ErrorList:
    if not address_type:
        return [field.required(_ADDRESS_TYPE, "")]
    if address_type not in SUPPORTED_ADDRESS_TYPES:
        return [field.not_supported(_ADDRESS_TYPE, address_type, SUPPORTED_ADDRESS_TYPES)]
    return []


def validate_endpoint_slice(obj: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(obj.get("metadata", {}), True, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))
    address_type = as_str(obj.get("addressType"))
    errs += validate_address_type(address_type)
    errs += validate_endpoints(dicts(obj.get("endpoints")), address_type)
    return errs + validate_ports(dicts(obj.get("ports")))


def validate_endpoint_slice_update(obj: Object, old: Object) -> field.ErrorList:
    errs = validate_endpoint_slice(obj)
    return errs + immutable(_ADDRESS_TYPE, as_str(obj.get("addressType")), as_str(old.get("addressType")))


def _drop_deprecated_topology(obj: Object) -> None:
    for endpoint in as_list(obj.get("endpoints")):
        if isinstance(endpoint, dict):
            endpoint.pop("deprecatedTopology", None)


def _without_metadata(obj: Object) -> dict[str, Any]:
    return {key: value for key, value in obj.items() if key not in ("metadata", "apiVersion", "kind")}


class EndpointSliceStrategy(Strategy):
    def default(self, obj: Object) -> None:
        default_endpoint_slice(obj)

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        start_generation(obj)
        _drop_deprecated_topology(obj)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        labels_changed = not semantic_equal(obj.get("metadata", {}).get("labels"), old.get("metadata", {}).get("labels"))
        if labels_changed or not semantic_equal(_without_metadata(obj), _without_metadata(old)):
            old_generation = int(old.get("metadata", {}).get("generation") or 0)
            obj.setdefault("metadata", {})["generation"] = old_generation + 1
        if not semantic_equal(obj.get("endpoints"), old.get("endpoints")):
            _drop_deprecated_topology(obj)

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_endpoint_slice(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_endpoint_slice_update(obj, old)


# -- printing ----------------------------------------------------------------------------


def _list_with_more(items: list[str], count: int, limit: int = 3) -> str:
    """upstream listWithMoreString: the first three, "+ N more...", or "<unset>"."""
    text = ",".join(items[:limit])
    if count > limit:
        return f"{text} + {count - limit} more..."
    return text or "<unset>"


def format_discovery_ports(ports: list[Object]) -> str:
    cells = []
    for port in ports:
        if port.get("port") is not None:
            cells.append(str(port["port"]))
        elif port.get("name") is not None:
            cells.append(as_str(port["name"]))
        else:
            cells.append("*")
    return _list_with_more(cells, len(cells))


def format_discovery_endpoints(endpoints: list[Object]) -> str:
    addresses = [as_str(a) for endpoint in endpoints for a in as_list(endpoint.get("addresses"))]
    return _list_with_more(addresses, len(addresses))


ADDRESS_TYPE_DESCRIPTION = (
    "addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be "
    "the same type. This field is immutable after creation. The following address types are currently supported: "
    "* IPv4: Represents an IPv4 Address. * IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully Qualified "
    "Domain Name.")
PORTS_DESCRIPTION = (
    "ports specifies the list of network ports exposed by each endpoint in this slice. Each port must have a unique "
    "name. When ports is empty, it indicates that there are no defined ports. When a port is defined with a nil port "
    "value, it indicates \"all ports\". Each slice may include a maximum of 100 ports.")
ENDPOINTS_DESCRIPTION = (
    "endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints.")


def _row(obj: Object) -> list[object]:
    return [name_of(obj), as_str(obj.get("addressType")), format_discovery_ports(dicts(obj.get("ports"))),
            format_discovery_endpoints(dicts(obj.get("endpoints"))), age(obj)]


ENDPOINT_SLICE_PRINTER = Printer((
    NAME_COLUMN,
    Column("AddressType", "string", "", ADDRESS_TYPE_DESCRIPTION),
    Column("Ports", "string", "", PORTS_DESCRIPTION),
    Column("Endpoints", "string", "", ENDPOINTS_DESCRIPTION),
    AGE_COLUMN,
), _row)

ENDPOINTSLICES = ResourceSpec(
    group="discovery.k8s.io", version="v1", kind="EndpointSlice", plural="endpointslices",
    singular="endpointslice", namespaced=True, strategy=EndpointSliceStrategy(), printer=ENDPOINT_SLICE_PRINTER,
)

