"""ingresses, networking.k8s.io/v1 (upstream pkg/registry/networking/ingress).

Status belongs to `ingresses/status` (the ingress controller); the generation moves with
the spec. Creating an ingress that still uses the `kubernetes.io/ingress.class`
annotation is answered with upstream's deprecation warning.
"""

from __future__ import annotations

from kapiserver.apimachinery import field
from kapiserver.apimachinery.types import Object
from kapiserver.registry import subresources
from kapiserver.registry.core.podspec.access import as_dict, as_str, dicts
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import (
    Strategy,
    bump_generation_on_change,
    drop_status_on_create,
    keep_old_spec,
    keep_old_status,
    start_generation,
)
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

from .ingress_validation import (
    ANNOTATION_INGRESS_CLASS,
    validate_ingress_create,
    validate_ingress_status_update,
    validate_ingress_update,
)

LOAD_BALANCER_WIDTH = 16
ANNOTATION_WARNING = (f"annotation {field.go_quote(ANNOTATION_INGRESS_CLASS)} is deprecated, "
                      "please use 'spec.ingressClassName' instead")


def default_ingress(obj: Object) -> None:
    """The Go struct `status.loadBalancer` is always encoded, if only as {}."""
    status = obj.get("status")
    if not isinstance(status, dict):
        status = obj["status"] = {}
    if not isinstance(status.get("loadBalancer"), dict):
        status["loadBalancer"] = {}


class IngressStrategy(Strategy):
    def default(self, obj: Object) -> None:
        default_ingress(obj)

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        drop_status_on_create(obj)
        default_ingress(obj)
        start_generation(obj)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old_status(obj, old)
        bump_generation_on_change(obj, old, "spec")

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_ingress_create(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_ingress_update(obj, old)

    def warnings_on_create(self, ctx: RequestContext, obj: Object) -> list[str]:
        if ANNOTATION_INGRESS_CLASS in (obj.get("metadata", {}).get("annotations") or {}):
            return [ANNOTATION_WARNING]
        return []


class IngressStatusStrategy(IngressStrategy):
    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old_spec(obj, old)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_ingress_status_update(obj, old)


# -- printing ----------------------------------------------------------------------------


def format_hosts(rules: list[Object]) -> str:
    """upstream formatHosts: up to three hosts, "*" when none is set."""
    hosts: list[str] = []
    more = False
    for rule in rules:
        more = more or len(hosts) == 3
        if not more and rule.get("host"):
            hosts.append(as_str(rule["host"]))
    if not hosts:
        return "*"
    text = ",".join(hosts)
    return f"{text} + {len(rules) - 3} more..." if more else text


def load_balancer_status(status: Object, wide: bool) -> str:
    """upstream ingressLoadBalancerStatusStringer: sorted unique IPs or hostnames, clipped unless wide."""
    seen = set()
    for item in dicts(status.get("ingress")):
        if item.get("ip"):
            seen.add(as_str(item["ip"]))
        elif item.get("hostname"):
            seen.add(as_str(item["hostname"]))
    text = ",".join(sorted(seen))
    if not wide and len(text) > LOAD_BALANCER_WIDTH:
        text = text[:LOAD_BALANCER_WIDTH - 3] + "..."
    return text


def _row(obj: Object) -> list[object]:
    spec = as_dict(obj.get("spec"))
    class_name = as_str(spec["ingressClassName"]) if spec.get("ingressClassName") is not None else "<none>"
    # The server prints tables wide (upstream's TableConvertor), so the address is never clipped.
    address = load_balancer_status(as_dict(as_dict(obj.get("status")).get("loadBalancer")), True)
    ports = "80, 443" if dicts(spec.get("tls")) else "80"
    return [name_of(obj), class_name, format_hosts(dicts(spec.get("rules"))), address, ports, age(obj)]


INGRESS_PRINTER = Printer((
    NAME_COLUMN,
    Column("Class", "string", "", "The name of the IngressClass resource that should be used for additional "
                                  "configuration"),
    Column("Hosts", "string", "", "Hosts that incoming requests are matched against before the ingress rule"),
    Column("Address", "string", "", "Address is a list containing ingress points for the load-balancer"),
    Column("Ports", "string", "", "Ports of TLS configurations that open"),
    AGE_COLUMN,
), _row)

INGRESSES = ResourceSpec(
    group="networking.k8s.io", version="v1", kind="Ingress", plural="ingresses", singular="ingress",
    namespaced=True, strategy=IngressStrategy(), short_names=("ing",), printer=INGRESS_PRINTER,
    subresources=(subresources.status(IngressStatusStrategy()),),
)
