"""networkpolicies, networking.k8s.io/v1 (upstream pkg/registry/networking/networkpolicy,
ValidateNetworkPolicy*, SetDefaults_NetworkPolicy*).

NetworkPolicy has no status since the NetworkPolicyStatus gate was removed: the generation
moves with the spec. An update may keep a CIDR of the stored policy that today's rules would
refuse (ValidateIPBlock's AllowCIDRsEvenIfInvalid); a new one is checked in full.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from kapiserver.apimachinery import field, labels, metav1_validation, objectmeta, validation, validation_ip
from kapiserver.apimachinery.types import Object
from kapiserver.registry.core import validation_common as common
from kapiserver.registry.core.podspec.access import as_dict, as_list, as_str, dicts, strings
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy, bump_generation_on_change, start_generation
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

PROTOCOLS = ("TCP", "UDP", "SCTP")  # upstream lists them in this order, unsorted
POLICY_TYPES = ("Ingress", "Egress")
_SPEC = field.new_path("spec")


def default_network_policy(obj: Object) -> None:
    """SetDefaults_NetworkPolicy and SetDefaults_NetworkPolicyPort."""
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        spec = obj["spec"] = {}
    if not isinstance(spec.get("podSelector"), dict):
        spec["podSelector"] = {}  # a struct, always encoded
    for direction, peers in (("ingress", "from"), ("egress", "to")):
        for rule in dicts(spec.get(direction)):
            for port in as_list(rule.get("ports")):
                if isinstance(port, dict) and port.get("protocol") is None:
                    port["protocol"] = "TCP"
    if not spec.get("policyTypes"):
        spec["policyTypes"] = ["Ingress", "Egress"] if spec.get("egress") else ["Ingress"]


def validate_network_policy_port(port: Object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    protocol = port.get("protocol")
    if protocol is not None and protocol not in PROTOCOLS:
        errs.append(field.not_supported(path.child("protocol"), protocol, PROTOCOLS))
    number = port.get("port")
    end_port = port.get("endPort")
    if number is None:
        if end_port is not None:
            errs.append(field.invalid(path.child("endPort"), end_port, "may not be specified when `port` is not specified"))
    elif isinstance(number, int) and not isinstance(number, bool):
        errs += [field.invalid(path.child("port"), number, msg) for msg in validation.is_valid_port_num(number)]
        if end_port is not None:
            if end_port < number:
                errs.append(field.invalid(path.child("endPort"), end_port, "must be greater than or equal to `port`"))
            errs += [field.invalid(path.child("endPort"), end_port, msg) for msg in validation.is_valid_port_num(end_port)]
    else:
        if end_port is not None:
            errs.append(field.invalid(path.child("endPort"), end_port, "may not be specified when `port` is non-numeric"))
        name = as_str(number)
        errs += [field.invalid(path.child("port"), name, msg) for msg in validation.is_valid_port_name(name)]
    return errs


def _network(value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """netutils.ParseCIDRSloppy's network (leading zeros in IPv4 octets read as decimal)."""
    address, sep, bits = value.partition("/")
    ip = common.parse_ip_sloppy(address)
    if ip is None or not sep or not bits.isdigit():
        return None
    try:
        return ipaddress.ip_network(f"{ip}/{int(bits)}", strict=False)
    except ValueError:
        return None


def validate_ip_block(block: Object, path: field.Path, allowed_cidrs: tuple[str, ...]) -> field.ErrorList:
    cidr = as_str(block.get("cidr"))
    if not cidr:
        return [field.required(path.child("cidr"), "")]
    errs = validation_ip.is_valid_cidr_for_legacy_field(path.child("cidr"), cidr, common.STRICT_IP_CIDR_VALIDATION,
                                                        allowed_cidrs)
    network = _network(cidr)
    if network is None:
        return errs
    for i, except_cidr in enumerate(strings(block.get("except"))):
        except_path = path.child("except").index(i)
        errs += validation_ip.is_valid_cidr_for_legacy_field(except_path, except_cidr,
                                                             common.STRICT_IP_CIDR_VALIDATION, allowed_cidrs)
        excepted = _network(except_cidr)
        if excepted is None:
            continue
        contained = excepted.version == network.version and excepted.network_address in network
        if not contained or network.prefixlen >= excepted.prefixlen:
            errs.append(field.invalid(except_path, except_cidr, "must be a strict subset of `cidr`"))
    return errs


def validate_network_policy_peer(peer: Object, allow_invalid_labels: bool, allowed_cidrs: tuple[str, ...],
                                 path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    opts = metav1_validation.LabelSelectorValidationOptions(allow_invalid_label_value_in_selector=allow_invalid_labels)
    count = 0
    for key in ("podSelector", "namespaceSelector"):
        if peer.get(key) is not None:
            count += 1
            errs += metav1_validation.validate_label_selector(as_dict(peer[key]), opts, path.child(key))
    if peer.get("ipBlock") is not None:
        count += 1
        errs += validate_ip_block(as_dict(peer["ipBlock"]), path.child("ipBlock"), allowed_cidrs)
    if count == 0:
        errs.append(field.required(path, "must specify a peer"))
    elif count > 1 and peer.get("ipBlock") is not None:
        errs.append(field.forbidden(path, "may not specify both ipBlock and another peer"))
    return errs


def validate_network_policy_spec(spec: Object, allow_invalid_labels: bool = False,
                                 allowed_cidrs: tuple[str, ...] = ()) -> field.ErrorList:
    opts = metav1_validation.LabelSelectorValidationOptions(allow_invalid_label_value_in_selector=allow_invalid_labels)
    errs = metav1_validation.validate_label_selector(as_dict(spec.get("podSelector")), opts, _SPEC.child("podSelector"))
    for direction, peers in (("ingress", "from"), ("egress", "to")):
        for i, rule in enumerate(dicts(spec.get(direction))):
            rule_path = _SPEC.child(direction).index(i)
            for j, port in enumerate(dicts(rule.get("ports"))):
                errs += validate_network_policy_port(port, rule_path.child("ports").index(j))
            for j, peer in enumerate(dicts(rule.get(peers))):
                errs += validate_network_policy_peer(peer, allow_invalid_labels, allowed_cidrs,
                                                     rule_path.child(peers).index(j))
    policy_types = strings(spec.get("policyTypes"))
    types_path = _SPEC.child("policyTypes")
    if len(policy_types) > len(POLICY_TYPES):
        errs.append(field.invalid(types_path, list(policy_types), "may not specify more than two policyTypes"))
        return errs
    for i, policy_type in enumerate(policy_types):
        if policy_type not in POLICY_TYPES:
            errs.append(field.not_supported(types_path.index(i), policy_type, POLICY_TYPES))
    return errs


def _existing_cidrs(old: Object) -> tuple[str, ...]:
    spec = as_dict(old.get("spec"))
    cidrs: list[str] = []
    for direction, peers in (("ingress", "from"), ("egress", "to")):
        for rule in dicts(spec.get(direction)):
            for peer in dicts(rule.get(peers)):
                block = peer.get("ipBlock")
                if isinstance(block, dict):
                    cidrs.append(as_str(block.get("cidr")))
                    cidrs += strings(block.get("except"))
    return tuple(cidrs)


def validate_network_policy(obj: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(obj.get("metadata", {}), True, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))
    return errs + validate_network_policy_spec(as_dict(obj.get("spec")))


def validate_network_policy_update(obj: Object, old: Object) -> field.ErrorList:
    """ValidationOptionsForNetworking + ValidateNetworkPolicyUpdate: a stored pod selector with
    invalid label values may stay, and so may the stored policy's CIDRs."""
    opts = metav1_validation.LabelSelectorValidationOptions(allow_invalid_label_value_in_selector=False)
    old_selector = as_dict(as_dict(old.get("spec")).get("podSelector"))
    allow_invalid = bool(metav1_validation.validate_label_selector(old_selector, opts, field.ROOT))
    errs = objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                  field.new_path("metadata"))
    return errs + validate_network_policy_spec(as_dict(obj.get("spec")), allow_invalid, _existing_cidrs(old))


def network_policy_warnings(obj: Object) -> list[str]:
    """Warnings for CIDRs that a later release will refuse (leading zeros, host bits set)."""
    warnings: list[str] = []
    spec = as_dict(obj.get("spec"))
    for direction, peers in (("ingress", "from"), ("egress", "to")):
        for i, rule in enumerate(dicts(spec.get(direction))):
            for j, peer in enumerate(dicts(rule.get(peers))):
                block = peer.get("ipBlock")
                if not isinstance(block, dict):
                    continue
                path = _SPEC.child(direction).index(i).child(peers).index(j).child("ipBlock")
                warnings += validation_ip.get_warnings_for_cidr(path.child("cidr"), as_str(block.get("cidr")))
                for k, cidr in enumerate(strings(block.get("except"))):
                    warnings += validation_ip.get_warnings_for_cidr(path.child("except").index(k), cidr)
    return warnings


class NetworkPolicyStrategy(Strategy):
    def default(self, obj: Object) -> None:
        default_network_policy(obj)

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        obj.pop("status", None)
        start_generation(obj)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        obj.pop("status", None)
        bump_generation_on_change(obj, old, "spec")

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_network_policy(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_network_policy_update(obj, old)

    def warnings_on_create(self, ctx: RequestContext, obj: Object) -> list[str]:
        return network_policy_warnings(obj)

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        return network_policy_warnings(obj)


def format_label_selector(selector: Any) -> str:
    """upstream metav1.FormatLabelSelector: the selector's string, `<none>` when empty, `<error>` when bad."""
    try:
        text = str(labels.selector_from_label_selector(selector if isinstance(selector, dict) else None))
    except labels.SelectorError:
        return "<error>"
    return text or "<none>"


POD_SELECTOR_DESCRIPTION = (
    "Selects the pods to which this NetworkPolicy object applies.  The array of ingress rules is applied to any pods "
    "selected by this field. Multiple network policies can select the same set of pods.  In this case, the ingress "
    "rules for each are combined additively. This field is NOT optional and follows standard label selector "
    "semantics. An empty podSelector matches all pods in this namespace.")


def _row(obj: Object) -> list[object]:
    selector = as_dict(obj.get("spec")).get("podSelector")
    return [name_of(obj), format_label_selector(selector if isinstance(selector, dict) else {}), age(obj)]


NETWORKPOLICIES = ResourceSpec(
    group="networking.k8s.io", version="v1", kind="NetworkPolicy", plural="networkpolicies",
    singular="networkpolicy", namespaced=True, strategy=NetworkPolicyStrategy(), short_names=("netpol",),
    printer=Printer((NAME_COLUMN, Column("Pod-Selector", "string", "", POD_SELECTOR_DESCRIPTION), AGE_COLUMN),
                    _row),
)
