"""How a Service write is prepared before validation (upstream service storage's beginCreate /
beginUpdate helpers and the strategy's dropTypeDependentFields).

Services are a union discriminated by `type`, with fields the server may have filled in
(cluster IPs, node ports). These functions infer what the client meant: keep allocated
values a resubmitted manifest left out, keep clusterIP and clusterIPs in step, and wipe
what a type change made meaningless when the client did not touch it. They mutate the new
object only; the old one is shared and stays as it is.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery.types import Object

from .validation_common import int_value


def _spec(svc: Object) -> dict[str, Any]:
    spec = svc.get("spec")
    if not isinstance(spec, dict):
        spec = svc["spec"] = {}
    return spec


def _old_spec(svc: Object) -> dict[str, Any]:
    spec = svc.get("spec")
    return spec if isinstance(spec, dict) else {}


def needs_cluster_ip(spec: dict[str, Any]) -> bool:
    return spec.get("type") != "ExternalName"


def needs_node_port(spec: dict[str, Any]) -> bool:
    return spec.get("type") in ("NodePort", "LoadBalancer")


def needs_health_check_node_port(spec: dict[str, Any]) -> bool:
    return spec.get("type") == "LoadBalancer" and spec.get("externalTrafficPolicy") == "Local"


def _set_or_drop(spec: dict[str, Any], key: str, value: Any) -> None:
    if value is None or value == "" or value == 0:
        spec.pop(key, None)
    else:
        spec[key] = value


def normalize_cluster_ips(svc: Object, old: Object | None) -> None:
    """Keep clusterIP (old clients) and clusterIPs (new clients) in step."""
    spec = _spec(svc)
    cluster_ip = spec.get("clusterIP") or ""
    ips = spec.get("clusterIPs") or []
    if old is None:
        if cluster_ip and not ips:
            spec["clusterIPs"] = [cluster_ip]
        return
    old_spec = _old_spec(old)
    old_ip = old_spec.get("clusterIP") or ""
    old_ips = old_spec.get("clusterIPs") or []
    if old_ips and not ips and old_ip == cluster_ip:
        spec["clusterIPs"] = list(old_ips)  # an old client patched something else
        ips = spec["clusterIPs"]
    if old_ip != cluster_ip and list(old_ips) == list(ips):
        if old_ip and not cluster_ip:
            spec.pop("clusterIPs", None)  # cleared the singular field: clear the plural on its behalf
        else:
            spec["clusterIPs"] = [cluster_ip]


def patch_allocated_values(svc: Object, old: Object) -> None:
    """Fill in what the server allocated and the client left out (for idempotent re-applies)."""
    spec, old_spec = _spec(svc), _old_spec(old)
    if needs_cluster_ip(old_spec) and needs_cluster_ip(spec):
        if not spec.get("clusterIP") and old_spec.get("clusterIP"):
            spec["clusterIP"] = old_spec["clusterIP"]
        if not spec.get("clusterIPs") and old_spec.get("clusterIPs"):
            spec["clusterIPs"] = list(old_spec["clusterIPs"])
    if needs_node_port(old_spec) and needs_node_port(spec):
        _patch_node_ports(spec, old_spec)
    keeps_health_check = needs_health_check_node_port(old_spec) and needs_health_check_node_port(spec)
    if keeps_health_check and not int_value(spec.get("healthCheckNodePort")) and old_spec.get("healthCheckNodePort"):
        spec["healthCheckNodePort"] = old_spec["healthCheckNodePort"]


def _ports(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in spec.get("ports") or [] if isinstance(p, dict)]


def _patch_node_ports(spec: dict[str, Any], old_spec: dict[str, Any]) -> None:
    def used(s: dict[str, Any]) -> set[int]:
        return {int_value(p.get("nodePort")) for p in _ports(s)} - {0}

    taken = used(old_spec) & used(spec)
    by_name = {p.get("name") or "": int_value(p.get("nodePort")) for p in _ports(old_spec)}
    for port in _ports(spec):
        if not int_value(port.get("nodePort")):
            old_value = by_name.get(port.get("name") or "", 0)
            if old_value not in taken and old_value:
                port["nodePort"] = old_value


def drop_type_dependent_fields(svc: Object, old: Object) -> None:
    """Wipe fields a type change made meaningless, unless the client changed them too."""
    spec, old_spec = _spec(svc), _old_spec(old)
    if needs_cluster_ip(old_spec) and not needs_cluster_ip(spec):
        if spec.get("clusterIP") == old_spec.get("clusterIP") and \
                list(spec.get("clusterIPs") or []) == list(old_spec.get("clusterIPs") or []):
            spec.pop("clusterIP", None)
            spec.pop("clusterIPs", None)
        if spec.get("ipFamilies") == old_spec.get("ipFamilies"):
            spec.pop("ipFamilies", None)
        if spec.get("ipFamilyPolicy") == old_spec.get("ipFamilyPolicy"):
            spec.pop("ipFamilyPolicy", None)
    if needs_node_port(old_spec) and not needs_node_port(spec):
        old_ports = {int_value(p.get("nodePort")) for p in _ports(old_spec)} - {0}
        new_ports = {int_value(p.get("nodePort")) for p in _ports(spec)} - {0}
        if new_ports <= old_ports:
            for port in _ports(spec):
                port.pop("nodePort", None)
    drops_health_check = needs_health_check_node_port(old_spec) and not needs_health_check_node_port(spec)
    if drops_health_check and \
            int_value(spec.get("healthCheckNodePort")) == int_value(old_spec.get("healthCheckNodePort")):
        spec.pop("healthCheckNodePort", None)
    if old_spec.get("type") == "LoadBalancer" and spec.get("type") != "LoadBalancer":
        allocate = spec.get("allocateLoadBalancerNodePorts")
        if allocate is not None and allocate == old_spec.get("allocateLoadBalancerNodePorts"):
            spec.pop("allocateLoadBalancerNodePorts", None)
        if spec.get("loadBalancerClass") == old_spec.get("loadBalancerClass"):
            spec.pop("loadBalancerClass", None)
    drops_node_ports = needs_node_port(old_spec) and not needs_node_port(spec)
    if drops_node_ports and spec.get("externalTrafficPolicy") == old_spec.get("externalTrafficPolicy"):
        spec.pop("externalTrafficPolicy", None)
    if spec.get("type") != "LoadBalancer":
        status = svc.get("status")
        if isinstance(status, dict):
            status["loadBalancer"] = {}
