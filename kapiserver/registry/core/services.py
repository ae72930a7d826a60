"""services (upstream pkg/registry/core/service: strategy, printer; SetDefaults_Service).

A write runs: defaults (on the decoded body) -> the REST's begin hook (services_store:
normalize cluster IPs, settle the IP families, reserve cluster IPs and node ports through
the `ServiceAllocator`) -> prepare (keep status, wipe type-dependent fields) -> validate
-> canonicalize. `services_spec()` wires the cluster's allocator into the spec's REST.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from kapiserver.apimachinery import field, labels, meta, validation_ip
from kapiserver.apimachinery.types import Object
from kapiserver.registry import subresources
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec, Subresource
from kapiserver.registry.strategy import Strategy
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of
from kapiserver.storage.interface import Storage

from . import services_prepare as prepare
from . import services_validation as svc_validation
from .proxy import ProxyREST
from .services_alloc import FamilyOnlyAllocator, ServiceAllocator
from .services_store import EndpointsDeleter, ServiceREST

DEFAULT_CLIENT_IP_AFFINITY_SECONDS = 10800
_SPEC = field.new_path("spec")


def _spec(obj: Object) -> dict[str, Any]:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        spec = obj["spec"] = {}
    return spec


def default_service(obj: Object) -> None:
    """SetDefaults_Service."""
    spec = _spec(obj)
    if not spec.get("sessionAffinity"):
        spec["sessionAffinity"] = "None"
    if spec["sessionAffinity"] == "None":
        spec.pop("sessionAffinityConfig", None)
    elif spec["sessionAffinity"] == "ClientIP":
        config = spec.get("sessionAffinityConfig")
        client_ip = config.get("clientIP") if isinstance(config, dict) else None
        if not isinstance(client_ip, dict) or client_ip.get("timeoutSeconds") is None:
            spec["sessionAffinityConfig"] = {"clientIP": {"timeoutSeconds": DEFAULT_CLIENT_IP_AFFINITY_SECONDS}}
    if not spec.get("type"):
        spec["type"] = "ClusterIP"
    for port in spec.get("ports") or []:
        if not isinstance(port, dict):
            continue
        if not port.get("protocol"):
            port["protocol"] = "TCP"
        if port.get("targetPort") in (None, 0, ""):
            port["targetPort"] = port.get("port", 0)
    if svc_validation.externally_accessible(obj) and not spec.get("externalTrafficPolicy"):
        spec["externalTrafficPolicy"] = "Cluster"
    if spec.get("internalTrafficPolicy") is None and spec["type"] in ("NodePort", "LoadBalancer", "ClusterIP"):
        spec["internalTrafficPolicy"] = "Cluster"
    if spec["type"] == "LoadBalancer":
        if spec.get("allocateLoadBalancerNodePorts") is None:
            spec["allocateLoadBalancerNodePorts"] = True
        ingress = ((obj.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
        for entry in ingress:
            if isinstance(entry, dict) and entry.get("ip") and entry.get("ipMode") is None:
                entry["ipMode"] = "VIP"


def warnings_for_service(svc: Object) -> list[str]:
    """GetWarningsForService."""
    spec = svc.get("spec") or {}
    annotations = svc.get("metadata", {}).get("annotations") or {}
    warnings: list[str] = []
    if svc_validation.TOPOLOGY_HINTS_ANNOTATION in annotations:
        warnings.append(f"annotation {svc_validation.TOPOLOGY_HINTS_ANNOTATION} is deprecated, please use "
                        f"{svc_validation.TOPOLOGY_MODE_ANNOTATION} instead")
    ip_set = spec.get("clusterIP") not in (None, "", "None")
    if ip_set:
        for i, ip in enumerate(spec.get("clusterIPs") or []):
            warnings += validation_ip.get_warnings_for_ip(_SPEC.child("clusterIPs").index(i), ip)
    headless = spec.get("type") == "ClusterIP" and spec.get("clusterIP") == "None"
    if headless:
        if spec.get("loadBalancerIP"):
            warnings.append("spec.loadBalancerIP is ignored for headless services")
        if spec.get("externalIPs"):
            warnings.append("spec.externalIPs is ignored for headless services")
        if spec.get("sessionAffinity") != "None":
            warnings.append("spec.SessionAffinity is ignored for headless services")
    for i, ip in enumerate(spec.get("externalIPs") or []):
        warnings += validation_ip.get_warnings_for_ip(_SPEC.child("externalIPs").index(i), ip)
    if spec.get("loadBalancerIP"):
        warnings += validation_ip.get_warnings_for_ip(_SPEC.child("loadBalancerIP"), spec["loadBalancerIP"])
    for i, cidr in enumerate(spec.get("loadBalancerSourceRanges") or []):
        warnings += validation_ip.get_warnings_for_cidr(_SPEC.child("loadBalancerSourceRanges").index(i), cidr)
    if spec.get("type") == "ExternalName" and spec.get("externalIPs"):
        warnings.append('spec.externalIPs is ignored when spec.type is "ExternalName"')
    if spec.get("type") != "ExternalName" and spec.get("externalName"):
        warnings.append('spec.externalName is ignored when spec.type is not "ExternalName"')
    if spec.get("trafficDistribution") == "PreferClose":
        warnings.append('spec.trafficDistribution: "PreferClose" is deprecated; use "PreferSameZone"')
    return warnings


class ServiceStrategy(Strategy):
    allow_create_on_update = True

    def default(self, obj: Object) -> None:
        default_service(obj)

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        obj["status"] = {"loadBalancer": {}}

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        obj["status"] = meta.deep_copy(old.get("status") or {"loadBalancer": {}})
        prepare.drop_type_dependent_fields(obj, old)

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return svc_validation.validate_service(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return svc_validation.validate_service_update(obj, old)

    def warnings_on_create(self, ctx: RequestContext, obj: Object) -> list[str]:
        return warnings_for_service(obj)

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        return warnings_for_service(obj)

    def canonicalize(self, obj: Object) -> None:
        """upstream drops internalTrafficPolicy of ExternalName services when it reads them."""
        spec = _spec(obj)
        if spec.get("type") == "ExternalName":
            spec.pop("internalTrafficPolicy", None)


class ServiceStatusStrategy(ServiceStrategy):
    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        obj["spec"] = meta.deep_copy(old.get("spec") or {})

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return svc_validation.validate_service_status_update(obj, old)

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        return []


# -- printing ----------------------------------------------------------------------------


def _load_balancer_ips(svc: Object) -> str:
    ingress = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    found = {entry.get("ip") or entry.get("hostname") for entry in ingress if isinstance(entry, dict)}
    return ",".join(sorted(value for value in found if value))


def external_ip(svc: Object) -> str:
    """getServiceExternalIP, wide (the server prints wide)."""
    spec = svc.get("spec") or {}
    external = spec.get("externalIPs") or []
    kind = spec.get("type")
    if kind in ("ClusterIP", "NodePort"):
        return ",".join(external) if external else "<none>"
    if kind == "LoadBalancer":
        lb_ips = _load_balancer_ips(svc)
        if external:
            return ",".join((lb_ips.split(",") if lb_ips else []) + list(external))
        return lb_ips or "<pending>"
    if kind == "ExternalName":
        return str(spec.get("externalName") or "")
    return "<unknown>"


def port_string(ports: list[Any]) -> str:
    """makePortString: `80/TCP,443:30443/TCP`."""
    pieces = []
    for port in ports:
        port = port if isinstance(port, dict) else {}
        number, protocol, node_port = port.get("port", 0), port.get("protocol", ""), port.get("nodePort", 0)
        pieces.append(f"{number}:{node_port}/{protocol}" if node_port and node_port > 0 else f"{number}/{protocol}")
    return ",".join(pieces)


def _row(svc: Object) -> list[object]:
    spec = svc.get("spec") or {}
    cluster_ips = spec.get("clusterIPs") or []
    return [name_of(svc), spec.get("type") or "", cluster_ips[0] if cluster_ips else "<none>", external_ip(svc),
            port_string(spec.get("ports") or []) or "<none>", age(svc), labels.format_labels(spec.get("selector"))]


TYPE_DESCRIPTION = (
    'type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, '
    'NodePort, and LoadBalancer. "ClusterIP" allocates a cluster-internal IP address for load-balancing to '
    'endpoints. Endpoints are determined by the selector or if that is not specified, by manual construction of an '
    'Endpoints object or EndpointSlice objects. If clusterIP is "None", no virtual IP is allocated and the endpoints '
    'are published as a set of endpoints rather than a virtual IP. "NodePort" builds on ClusterIP and allocates a '
    'port on every node which routes to the same endpoints as the clusterIP. "LoadBalancer" builds on NodePort and '
    'creates an external load-balancer (if supported in the current cloud) which routes to the same endpoints as the '
    'clusterIP. "ExternalName" aliases this service to the specified externalName. Several other fields do not apply '
    'to ExternalName services. More info: '
    'https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types')
CLUSTER_IP_DESCRIPTION = (
    'clusterIP is the IP address of the service and is usually assigned randomly. If an address is specified '
    'manually, is in-range (as per system configuration), and is not in use, it will be allocated to the service; '
    'otherwise creation of the service will fail. This field may not be changed through updates unless the type field '
    'is also being changed to ExternalName (which requires this field to be blank) or the type field is being changed '
    'from ExternalName (in which case this field may optionally be specified, as describe above).  Valid values are '
    '"None", empty string (""), or a valid IP address. Setting this to "None" makes a "headless service" (no virtual '
    'IP), which is useful when direct endpoint connections are preferred and proxying is not required.  Only applies '
    'to types ClusterIP, NodePort, and LoadBalancer. If this field is specified when creating a Service of type '
    'ExternalName, creation will fail. This field will be wiped when updating a Service to type ExternalName. More '
    'info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies')
EXTERNAL_IPS_DESCRIPTION = (
    'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.  '
    'These IPs are not managed by Kubernetes.  The user is responsible for ensuring that traffic arrives at a node '
    'with this IP.  A common example is external load-balancers that are not part of the Kubernetes system.')
PORTS_DESCRIPTION = ('The list of ports that are exposed by this service. More info: '
                     'https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies')
SELECTOR_DESCRIPTION = (
    'Route service traffic to pods with label keys and values matching this selector. If empty or not present, the '
    'service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only '
    'applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: '
    'https://kubernetes.io/docs/concepts/services-networking/service/')

SERVICE_PRINTER = Printer((
    NAME_COLUMN,
    Column("Type", "string", "", TYPE_DESCRIPTION),
    Column("Cluster-IP", "string", "", CLUSTER_IP_DESCRIPTION),
    Column("External-IP", "string", "", EXTERNAL_IPS_DESCRIPTION),
    Column("Port(s)", "string", "", PORTS_DESCRIPTION),
    AGE_COLUMN,
    Column("Selector", "string", "", SELECTOR_DESCRIPTION, 1),
), _row)


def _fields(svc: Object) -> dict[str, str]:
    spec = svc.get("spec") or {}
    return {"spec.clusterIP": spec.get("clusterIP") or "", "spec.type": spec.get("type") or ""}


def services_spec(allocator: ServiceAllocator | None = None, endpoints: EndpointsDeleter | None = None) -> ResourceSpec:
    """The services spec whose REST reserves through `allocator` (the cluster's cluster-IP and
    node-port allocators; by default families only) and deletes a deleted Service's
    `endpoints` (upstream NewREST's arguments)."""
    chosen: ServiceAllocator = allocator or FamilyOnlyAllocator()

    def rest(spec: ResourceSpec, storage: Storage) -> ServiceREST:
        return ServiceREST(spec, storage, chosen, endpoints)

    return dataclasses.replace(SERVICES, rest_factory=rest)


SERVICES = ResourceSpec(
    group="", version="v1", kind="Service", plural="services", singular="service", namespaced=True,
    strategy=ServiceStrategy(), short_names=("svc",), categories=("all",), return_deleted_object=True,
    printer=SERVICE_PRINTER, fields=_fields, storage_path="services/specs",
    subresources=(Subresource("proxy", lambda store: ProxyREST("Service")),
                  subresources.status(ServiceStatusStrategy())),
    rest_factory=lambda spec, storage: ServiceREST(spec, storage, FamilyOnlyAllocator()),
)
