"""Service validation (upstream ValidateService, ValidateServiceUpdate, ValidateServiceStatusUpdate).

Paths and messages are upstream's, including its quirks (`spec.LoadBalancerSourceRanges`,
a root-level `allocateLoadBalancerNodePorts`, `spec.ipFamilies[0]` for any family change).
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import field, metav1_validation, objectmeta, validation
from kapiserver.apimachinery.types import Object

from . import services_ips
from . import validation_common as common

MAX_CLIENT_IP_AFFINITY_SECONDS = 86400
TOPOLOGY_HINTS_ANNOTATION = "service.kubernetes.io/topology-aware-hints"
TOPOLOGY_MODE_ANNOTATION = "service.kubernetes.io/topology-mode"
LB_SOURCE_RANGES_ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges"
SERVICE_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
SESSION_AFFINITIES = ("ClientIP", "None")
TRAFFIC_POLICIES = ("Cluster", "Local")
TRAFFIC_DISTRIBUTIONS = ("PreferClose", "PreferSameZone", "PreferSameNode")
LB_IP_MODES = ("Proxy", "VIP")
_ONLY_LB = "may only be used when `type` is 'LoadBalancer'"
_SPEC = field.new_path("spec")


def spec_of(svc: Object) -> dict[str, Any]:
    spec = svc.get("spec")
    return spec if isinstance(spec, dict) else {}


is_headless = services_ips.is_headless


def externally_accessible(svc: Object) -> bool:
    """apiservice.ExternallyAccessible: LoadBalancer, NodePort, or ClusterIP with external IPs."""
    spec = spec_of(svc)
    kind = spec.get("type")
    return kind in ("LoadBalancer", "NodePort") or (kind == "ClusterIP" and bool(spec.get("externalIPs")))


def needs_health_check(svc: Object) -> bool:
    spec = spec_of(svc)
    return spec.get("type") == "LoadBalancer" and spec.get("externalTrafficPolicy") == "Local"


def _validate_type_specifics(svc: Object, spec: dict[str, Any]) -> field.ErrorList:
    kind = spec.get("type")
    ips = spec.get("clusterIPs") or []
    if kind in ("LoadBalancer", "NodePort") and is_headless(svc):
        return [field.invalid(_SPEC.child("clusterIPs").index(0), ips[0],
                              f"may not be set to 'None' for {kind} services")]
    if kind != "ExternalName":
        return []
    errs: field.ErrorList = []
    for name in ("clusterIPs", "ipFamilies"):
        if spec.get(name):
            errs.append(field.forbidden(_SPEC.child(name), "may not be set for ExternalName services"))
    if spec.get("ipFamilyPolicy") is not None:
        errs.append(field.forbidden(_SPEC.child("ipFamilyPolicy"), "may not be set for ExternalName services"))
    cname = str(spec.get("externalName") or "").removesuffix(".")
    if cname:
        errs += common.validate_dns1123_subdomain(cname, _SPEC.child("externalName"))
    else:
        errs.append(field.required(_SPEC.child("externalName"), ""))
    return errs


def validate_service_port(port: dict[str, Any], require_name: bool, names: set[str], path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    name = port.get("name") or ""
    if require_name and not name:
        errs.append(field.required(path.child("name"), ""))
    elif name:
        errs += common.validate_dns1123_label(name, path.child("name"))
        if name in names:
            errs.append(field.duplicate(path.child("name"), name))
        names.add(name)
    number = common.int_value(port.get("port"))
    errs += [field.invalid(path.child("port"), number, msg) for msg in validation.is_valid_port_num(number)]
    errs += common.validate_protocol(port.get("protocol") or "", path.child("protocol"))
    errs += common.validate_port_num_or_name(port.get("targetPort"), path.child("targetPort"))
    if port.get("appProtocol") is not None:
        errs += common.validate_qualified_name(port["appProtocol"], path.child("appProtocol"))
    return errs


def _validate_session_affinity(spec: dict[str, Any]) -> field.ErrorList:
    affinity = spec.get("sessionAffinity") or ""
    path = _SPEC.child("sessionAffinity")
    if not affinity:
        errs = [field.required(path, "")]
    elif affinity not in SESSION_AFFINITIES:
        errs = [field.not_supported(path, affinity, SESSION_AFFINITIES)]
    else:
        errs = []
    config = spec.get("sessionAffinityConfig")
    config_path = _SPEC.child("sessionAffinityConfig")
    if affinity == "None" and config is not None:
        errs.append(field.forbidden(config_path, "must not be set when session affinity is None"))
    elif affinity == "ClientIP":
        errs += _validate_client_ip_affinity(config, config_path)
    return errs


def _validate_client_ip_affinity(config: Any, path: field.Path) -> field.ErrorList:
    detail = "when session affinity type is ClientIP"
    if not isinstance(config, dict):
        return [field.required(path, detail)]
    client_ip = config.get("clientIP")
    if not isinstance(client_ip, dict):
        return [field.required(path.child("clientIP"), detail)]
    timeout = client_ip.get("timeoutSeconds")
    if timeout is None:
        return [field.required(path.child("clientIP", "timeoutSeconds"), detail)]
    if not 0 < timeout <= MAX_CLIENT_IP_AFFINITY_SECONDS:
        return [field.invalid(path.child("clientIP", "timeoutSeconds"), timeout,
                              f"must be greater than 0 and less than {MAX_CLIENT_IP_AFFINITY_SECONDS}")]
    return []


def _ports(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [p if isinstance(p, dict) else {} for p in spec.get("ports") or []]


def _validate_each_port(spec: dict[str, Any]) -> field.ErrorList:
    ports = _ports(spec)
    names: set[str] = set()
    errs: field.ErrorList = []
    for i, port in enumerate(ports):
        errs += validate_service_port(port, len(ports) > 1, names, _SPEC.child("ports").index(i))
    return errs


def _duplicate_port_value(protocol: str, number: int) -> dict[str, Any]:
    """The core.ServicePort key upstream reports a duplicate (protocol, port) with, as json.Marshal
    renders the internal struct (Go field names; a zero IntOrString is 0)."""
    return {"Name": "", "Protocol": protocol, "AppProtocol": None, "Port": number, "TargetPort": 0, "NodePort": 0}


def _validate_port_sets(spec: dict[str, Any]) -> field.ErrorList:
    """nodePort only off ClusterIP, then (protocol, nodePort) and (protocol, port) unique."""
    ports = _ports(spec)
    path = _SPEC.child("ports")
    errs: field.ErrorList = []
    if spec.get("type") == "ClusterIP":
        errs += [field.forbidden(path.index(i).child("nodePort"), "may not be used when `type` is 'ClusterIP'")
                 for i, port in enumerate(ports) if common.int_value(port.get("nodePort"))]
    seen_node_ports: set[tuple[str, int]] = set()
    for i, port in enumerate(ports):
        node_port = common.int_value(port.get("nodePort"))
        if not node_port:
            continue
        key = (port.get("protocol") or "", node_port)
        if key in seen_node_ports:
            errs.append(field.duplicate(path.index(i).child("nodePort"), node_port))
        seen_node_ports.add(key)
    seen: set[tuple[str, int]] = set()
    for i, port in enumerate(ports):
        key = (port.get("protocol") or "", common.int_value(port.get("port")))
        if key in seen:
            errs.append(field.duplicate(path.index(i), _duplicate_port_value(*key)))
        seen.add(key)
    return errs


def _validate_source_ranges(svc: Object, spec: dict[str, Any]) -> field.ErrorList:
    errs: field.ErrorList = []
    ranges = spec.get("loadBalancerSourceRanges") or []
    annotations = svc.get("metadata", {}).get("annotations") or {}
    if ranges:
        path = _SPEC.child("LoadBalancerSourceRanges")
        if spec.get("type") != "LoadBalancer":
            errs.append(field.forbidden(path, _ONLY_LB))
        for i, value in enumerate(ranges):
            errs += common.validate_legacy_cidr(str(value).strip(), path.index(i))
    elif LB_SOURCE_RANGES_ANNOTATION in annotations:
        path = field.new_path("metadata", "annotations").key(LB_SOURCE_RANGES_ANNOTATION)
        if spec.get("type") != "LoadBalancer":
            errs.append(field.forbidden(path, _ONLY_LB))
        value = annotations[LB_SOURCE_RANGES_ANNOTATION].strip()
        if value:
            for cidr in value.split(","):
                errs += common.validate_legacy_cidr(cidr.strip(), path)
    return errs


def _validate_traffic_policies(svc: Object, spec: dict[str, Any]) -> field.ErrorList:
    errs: field.ErrorList = []
    policy = spec.get("externalTrafficPolicy") or ""
    if not externally_accessible(svc):
        if policy:
            errs.append(field.invalid(_SPEC.child("externalTrafficPolicy"), policy,
                                      "may only be set for externally-accessible services"))
    elif not policy:
        errs.append(field.required(_SPEC.child("externalTrafficPolicy"), ""))
    elif policy not in TRAFFIC_POLICIES:
        errs.append(field.not_supported(_SPEC.child("externalTrafficPolicy"), policy, TRAFFIC_POLICIES))
    health = common.int_value(spec.get("healthCheckNodePort"))
    if not needs_health_check(svc):
        if health:
            errs.append(field.invalid(_SPEC.child("healthCheckNodePort"), health,
                                      "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` "
                                      "is 'Local'"))
    elif not health:
        errs.append(field.required(_SPEC.child("healthCheckNodePort"), ""))
    else:
        errs += [field.invalid(_SPEC.child("healthCheckNodePort"), health, msg)
                 for msg in validation.is_valid_port_num(health)]
    internal = spec.get("internalTrafficPolicy")
    if internal is None and spec.get("type") in ("NodePort", "LoadBalancer", "ClusterIP"):
        errs.append(field.required(_SPEC.child("internalTrafficPolicy"), ""))
    if internal is not None and internal not in TRAFFIC_POLICIES:
        errs.append(field.not_supported(_SPEC.child("internalTrafficPolicy"), internal, TRAFFIC_POLICIES))
    distribution = spec.get("trafficDistribution")
    if distribution is not None and distribution not in TRAFFIC_DISTRIBUTIONS:
        errs.append(field.not_supported(_SPEC.child("trafficDistribution"), distribution, TRAFFIC_DISTRIBUTIONS))
    return errs


def validate_load_balancer_class(svc: Object, old: Object | None) -> field.ErrorList:
    spec = spec_of(svc)
    lb_class = spec.get("loadBalancerClass")
    path = _SPEC.child("loadBalancerClass")
    errs: field.ErrorList = []
    old_spec = spec_of(old) if old is not None else {}
    both_lb = old_spec.get("type") == "LoadBalancer" and spec.get("type") == "LoadBalancer"
    if both_lb and old_spec.get("loadBalancerClass") != lb_class:
        errs.append(field.invalid(path, lb_class, "may not change once set"))
    if spec.get("type") == "LoadBalancer":
        if lb_class is not None:
            errs += common.validate_qualified_name(lb_class, path)
    elif lb_class is not None:
        errs.append(field.forbidden(path, _ONLY_LB))
    return errs


def validate_service(svc: Object) -> field.ErrorList:
    """ValidateService, check by check in upstream's order."""
    metadata = svc.get("metadata", {})
    meta_path = field.new_path("metadata")
    errs = objectmeta.validate_object_meta(metadata, True, objectmeta.name_is_dns1035_label, meta_path)
    annotations = metadata.get("annotations") or {}
    if TOPOLOGY_MODE_ANNOTATION in annotations and TOPOLOGY_HINTS_ANNOTATION in annotations:
        mode = annotations[TOPOLOGY_MODE_ANNOTATION]
        if mode != annotations[TOPOLOGY_HINTS_ANNOTATION]:
            errs.append(field.invalid(meta_path.child("annotations").key(TOPOLOGY_MODE_ANNOTATION), mode,
                                      f"must match annotations[{TOPOLOGY_HINTS_ANNOTATION}] when both are specified"))
    spec = spec_of(svc)
    kind = spec.get("type") or ""
    if not spec.get("ports") and not is_headless(svc) and kind != "ExternalName":
        errs.append(field.required(_SPEC.child("ports"), ""))
    errs += _validate_type_specifics(svc, spec)
    errs += _validate_each_port(spec)
    if spec.get("selector") is not None:
        errs += metav1_validation.validate_labels(spec["selector"], _SPEC.child("selector"))
    errs += _validate_session_affinity(spec)
    errs += services_ips.validate_cluster_ips_related_fields(svc)
    for i, ip in enumerate(spec.get("externalIPs") or []):
        path = _SPEC.child("externalIPs").index(i)
        errs += common.validate_legacy_ip(ip, path) or common.validate_non_special_ip(ip, path)
    if not kind:
        errs.append(field.required(_SPEC.child("type"), ""))
    elif kind not in SERVICE_TYPES:
        errs.append(field.not_supported(_SPEC.child("type"), kind, SERVICE_TYPES))
    errs += _validate_port_sets(spec)
    errs += _validate_source_ranges(svc, spec)
    if spec.get("allocateLoadBalancerNodePorts") is not None and kind != "LoadBalancer":
        errs.append(field.forbidden(_SPEC.child("allocateLoadBalancerNodePorts"), _ONLY_LB))
    if kind == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is None:
        errs.append(field.required(field.new_path("allocateLoadBalancerNodePorts"), ""))
    errs += validate_load_balancer_class(svc, None)
    return errs + _validate_traffic_policies(svc, spec)


def validate_service_update(svc: Object, old: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta_update(svc.get("metadata", {}), old.get("metadata", {}),
                                                  field.new_path("metadata"))
    errs += services_ips.validate_upgrade_downgrade_cluster_ips(old, svc)
    errs += services_ips.validate_upgrade_downgrade_ip_families(old, svc)
    errs += validate_load_balancer_class(svc, old)
    if needs_health_check(old) and needs_health_check(svc) and \
            spec_of(svc).get("healthCheckNodePort") != spec_of(old).get("healthCheckNodePort"):
        errs.append(field.forbidden(_SPEC.child("healthCheckNodePort"), "field is immutable"))
    return errs + validate_service(svc)


def validate_load_balancer_status(svc: Object) -> field.ErrorList:
    """ValidateLoadBalancerStatus (AllowServiceLBStatusOnNonLB off, LoadBalancerIPMode on)."""
    path = field.new_path("status", "loadBalancer", "ingress")
    ingress = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    if spec_of(svc).get("type") != "LoadBalancer" and ingress:
        return [field.forbidden(path, "may only be used when `spec.type` is 'LoadBalancer'")]
    errs: field.ErrorList = []
    for i, entry in enumerate(ingress):
        entry = entry if isinstance(entry, dict) else {}
        ip, mode, hostname = entry.get("ip") or "", entry.get("ipMode"), entry.get("hostname") or ""
        if ip:
            errs += common.validate_legacy_ip(ip, path.index(i).child("ip"))
        if mode is None:
            if ip:
                errs.append(field.required(path.index(i).child("ipMode"), "must be specified when `ip` is set"))
        elif not ip:
            errs.append(field.forbidden(path.index(i).child("ipMode"), "may not be specified when `ip` is not set"))
        elif mode not in LB_IP_MODES:
            errs.append(field.not_supported(path.index(i).child("ipMode"), mode, LB_IP_MODES))
        if hostname:
            errs += common.validate_dns1123_subdomain(hostname, path.index(i).child("hostname"))
            if common.parse_ip_sloppy(hostname) is not None:
                errs.append(field.invalid(path.index(i).child("hostname"), hostname,
                                          "must be a DNS name, not an IP address"))
    return errs


def validate_service_status_update(svc: Object, old: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta_update(svc.get("metadata", {}), old.get("metadata", {}),
                                                  field.new_path("metadata"))
    return errs + validate_load_balancer_status(svc)
