"""Validation of FlowSchemas and PriorityLevelConfigurations (upstream pkg/apis/flowcontrol/validation).

The mandatory objects (`exempt`, `catch-all`) must keep their bootstrap spec, except the
exempt level's nominalConcurrencyShares and lendablePercent, which operators may tune.
"""

from __future__ import annotations

import math
from typing import Any

from kapiserver.apimachinery import field, objectmeta
from kapiserver.apimachinery.types import Object
from kapiserver.registry.core import internal_json

from . import bootstrap

MAX_MATCHING_PRECEDENCE = 10000
MAX_QUEUES = 10 * 1000 * 1000
MAX_HASH_BITS = 60
SUPPORTED_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "proxy", "update", "watch")
SUBJECT_KINDS = ("Group", "ServiceAccount", "User")
DISTINGUISHER_METHODS = ("ByNamespace", "ByUser")
NS_ERR_INTRO = "each member of this list must be '*' or a DNS-1123 label; "


def _l(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _d(value: Any) -> Object:
    return value if isinstance(value, dict) else {}


def _verbs(verbs: list[str], path: field.Path) -> field.ErrorList:
    if not verbs:
        return [field.required(path, "verbs must contain at least one value")]
    if "*" in verbs:
        return [field.invalid(path, verbs, "if '*' is present, must not specify other verbs")] if len(verbs) > 1 else []
    if not set(verbs) <= set(SUPPORTED_VERBS):
        return [field.not_supported(path, verbs, SUPPORTED_VERBS)]
    return []


def _wildcard_list(values: list[str], path: field.Path, required: str, what: str) -> field.ErrorList:
    if not values:
        return [field.required(path, required)]
    if len(values) > 1 and "*" in values:
        return [field.invalid(path, values, f"if '*' is present, must not specify other {what}")]
    return []


def validate_non_resource_url_path(path: str, fld: field.Path) -> field.FieldError | None:
    if not path:
        return field.invalid(fld, path, "must not be empty")
    if path == "/":
        return None
    if not path.startswith("/"):
        return field.invalid(fld, path, "must start with slash")
    if " " in path:
        return field.invalid(fld, path, "must not contain white-space")
    if "//" in path:
        return field.invalid(fld, path, "must not contain double slash")
    stars = path.count("*")
    if stars > 1 or (stars == 1 and path[-2:] != "/*"):
        return field.invalid(fld, path, "wildcard can only do suffix matching")
    return None


def _resource_rule(rule: Object, path: field.Path) -> field.ErrorList:
    errs = _verbs(_l(rule.get("verbs")), path.child("verbs"))
    errs += _wildcard_list(_l(rule.get("apiGroups")), path.child("apiGroups"),
                           "resource rules must supply at least one api group", "api groups")
    errs += _wildcard_list(_l(rule.get("resources")), path.child("resources"),
                           "resource rules must supply at least one resource", "resources")
    namespaces = _l(rule.get("namespaces"))
    if not namespaces and not rule.get("clusterScope"):
        errs.append(field.required(path.child("namespaces"),
                                   "resource rules that are not cluster scoped must supply at least one namespace"))
    elif "*" in namespaces:
        if len(namespaces) > 1:
            errs.append(field.invalid(path.child("namespaces"), namespaces,
                                      "if '*' is present, must not specify other namespaces"))
    else:
        for i, ns in enumerate(namespaces):
            errs += [field.invalid(path.child("namespaces").index(i), ns, NS_ERR_INTRO + msg)
                     for msg in objectmeta.validate_namespace_name(ns, False)]
    return errs


def _non_resource_rule(rule: Object, path: field.Path) -> field.ErrorList:
    errs = _verbs(_l(rule.get("verbs")), path.child("verbs"))
    urls = _l(rule.get("nonResourceURLs"))
    if not urls:
        errs.append(field.required(path.child("nonResourceURLs"), "nonResourceURLs must contain at least one value"))
    elif "*" in urls:
        if len(urls) > 1:
            errs.append(field.invalid(path.child("nonResourceURLs"), urls,
                                      "if '*' is present, must not specify other non-resource URLs"))
    else:
        for i, url in enumerate(urls):
            err = validate_non_resource_url_path(url, path.child("nonResourceURLs").index(i))
            if err is not None:
                errs.append(err)
    return errs


_SUBJECT_FIELDS = {"ServiceAccount": "serviceAccount", "User": "user", "Group": "group"}
_FORBIDDEN_MSG = {"user": "user is forbidden when subject kind is not 'User'",
                  "group": "group is forbidden when subject kind is not 'Group'",
                  "serviceAccount": "serviceAccount is forbidden when subject kind is not 'ServiceAccount'"}


def _subject(subject: Object, path: field.Path) -> field.ErrorList:
    kind = subject.get("kind") or ""
    own = _SUBJECT_FIELDS.get(kind)
    if own is None:
        return [field.not_supported(path.child("kind"), kind, SUBJECT_KINDS)]
    errs: field.ErrorList = []
    body = subject.get(own)
    if not isinstance(body, dict):
        errs.append(field.required(path.child(own), f"{own} is required when subject kind is '{kind}'"))
    elif not body.get("name"):
        errs.append(field.required(path.child(own).child("name"), ""))
    elif own == "serviceAccount" and body["name"] != "*":
        errs += [field.invalid(path.child(own).child("name"), body["name"], msg)
                 for msg in objectmeta.name_is_dns_subdomain(body["name"], False)]
    if own == "serviceAccount" and isinstance(body, dict):
        ns = body.get("namespace") or ""
        if ns:
            errs += [field.invalid(path.child(own).child("namespace"), ns, msg)
                     for msg in objectmeta.validate_namespace_name(ns, False)]
        else:
            errs.append(field.required(path.child(own).child("namespace"), "must specify namespace for service account"))
    for other in ("serviceAccount", "user", "group"):
        if other != own and subject.get(other) is not None:
            errs.append(field.forbidden(path.child(other), _FORBIDDEN_MSG[other]))
    return errs


def _rules_with_subjects(rule: Object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    subjects = _l(rule.get("subjects"))
    if not subjects:
        errs.append(field.required(path.child("subjects"), "subjects must contain at least one value"))
    for i, subject in enumerate(subjects):
        errs += _subject(_d(subject), path.child("subjects").index(i))
    resource_rules, non_resource_rules = _l(rule.get("resourceRules")), _l(rule.get("nonResourceRules"))
    if not resource_rules and not non_resource_rules:
        errs.append(field.required(path, "at least one of resourceRules and nonResourceRules has to be non-empty"))
    for i, r in enumerate(resource_rules):
        errs += _resource_rule(_d(r), path.child("resourceRules").index(i))
    for i, r in enumerate(non_resource_rules):
        errs += _non_resource_rule(_d(r), path.child("nonResourceRules").index(i))
    return errs


def validate_flow_schema_spec(name: str, spec: Object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    precedence = spec.get("matchingPrecedence") or 0
    if precedence <= 0:
        errs.append(field.invalid(path.child("matchingPrecedence"), precedence, "must be a positive value"))
    if precedence > MAX_MATCHING_PRECEDENCE:
        errs.append(field.invalid(path.child("matchingPrecedence"), precedence,
                                  f"must not be greater than {MAX_MATCHING_PRECEDENCE}"))
    if precedence == 1 and name != "exempt":
        errs.append(field.invalid(path.child("matchingPrecedence"), precedence,
                                  "only the schema named 'exempt' may have matchingPrecedence 1"))
    method = spec.get("distinguisherMethod")
    if isinstance(method, dict) and method.get("type") not in DISTINGUISHER_METHODS:
        errs.append(field.not_supported(path.child("distinguisherMethod").child("type"),
                                        internal_json.marshal(method, "flowcontrol.v1.FlowDistinguisherMethod"),
                                        DISTINGUISHER_METHODS))
    pl_name = _d(spec.get("priorityLevelConfiguration")).get("name") or ""
    pl_path = path.child("priorityLevelConfiguration").child("name")
    if pl_name:
        errs += [field.invalid(pl_path, pl_name, msg) for msg in objectmeta.name_is_dns_subdomain(pl_name, False)]
    else:
        errs.append(field.required(pl_path, "must reference a priority level"))
    for i, rule in enumerate(_l(spec.get("rules"))):
        errs += _rules_with_subjects(_d(rule), path.child("rules").index(i))
    return errs


def validate_conditions(status: Object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    seen: set[str] = set()
    for i, condition in enumerate(_l(status.get("conditions"))):
        kind = _d(condition).get("type") or ""
        if kind in seen:
            errs.append(field.duplicate(path.child("conditions").index(i).child("type"), kind))
        seen.add(kind)
        if not kind:
            errs.append(field.required(path.child("conditions").index(i).child("type"), "must not be empty"))
    return errs


def _meta(obj: Object) -> field.ErrorList:
    return objectmeta.validate_object_meta(obj.get("metadata", {}), False, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))


def validate_flow_schema(fs: Object) -> field.ErrorList:
    name = fs.get("metadata", {}).get("name") or ""
    spec = _d(fs.get("spec"))
    errs = _meta(fs) + validate_flow_schema_spec(name, spec, field.new_path("spec"))
    mandatory = bootstrap.mandatory_flow_schemas().get(name)
    if mandatory is not None and not bootstrap.semantic_equal(spec, mandatory["spec"]):
        errs.append(field.invalid(field.new_path("spec"), internal_json.marshal(spec, "flowcontrol.v1.FlowSchemaSpec"),
                                  f"spec of '{name}' must equal the fixed value"))
    return errs + validate_conditions(_d(fs.get("status")), field.new_path("status"))


def _queuing(queuing: Object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    limit, queues, hand = (queuing.get(k) or 0 for k in ("queueLengthLimit", "queues", "handSize"))
    if limit <= 0:
        errs.append(field.invalid(path.child("queueLengthLimit"), limit, "must be positive"))
    if queues <= 0:
        errs.append(field.invalid(path.child("queues"), queues, "must be positive"))
    elif queues > MAX_QUEUES:
        errs.append(field.invalid(path.child("queues"), queues, f"must not be greater than {MAX_QUEUES}"))
    if hand <= 0:
        errs.append(field.invalid(path.child("handSize"), hand, "must be positive"))
    elif hand > queues:
        errs.append(field.invalid(path.child("handSize"), hand, f"should not be greater than queues ({queues})"))
    elif required_entropy_bits(queues, hand) > MAX_HASH_BITS:
        errs.append(field.invalid(path.child("handSize"), hand, f"required entropy bits of deckSize {queues} and "
                                                                f"handSize {hand} should not be greater than "
                                                                f"{MAX_HASH_BITS}"))
    return errs


def required_entropy_bits(deck: int, hand: int) -> int:
    """upstream shufflesharding.RequiredEntropyBits: ceil(log2(deck) * hand)."""
    return math.ceil(math.log2(deck) * hand)


def _limit_response(response: Object, path: field.Path) -> field.ErrorList:
    kind = response.get("type") or ""
    queuing = response.get("queuing")
    if kind == "Reject":
        if queuing is not None:
            return [field.forbidden(path.child("queuing"), "must be nil if limited.limitResponse.type is not Limited")]
        return []
    if kind == "Queue":
        if queuing is None:
            return [field.required(path.child("queuing"),
                                   "must not be empty if limited.limitResponse.type is Limited")]
        return _queuing(_d(queuing), path.child("queuing"))
    return [field.not_supported(path.child("type"), kind, ("Queue", "Reject"))]


def _percent(value: Any, path: field.Path) -> field.ErrorList:
    if value is not None and not 0 <= value <= 100:
        return [field.invalid(path, value, "must be between 0 and 100, inclusive")]
    return []


def _limited(limited: Object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    shares = limited.get("nominalConcurrencyShares") or 0
    if shares < 0:
        errs.append(field.invalid(path.child("nominalConcurrencyShares"), shares, "must be a non-negative integer"))
    errs += _limit_response(_d(limited.get("limitResponse")), path.child("limitResponse"))
    errs += _percent(limited.get("lendablePercent"), path.child("lendablePercent"))
    borrowing = limited.get("borrowingLimitPercent")
    if borrowing is not None and borrowing < 0:
        errs.append(field.invalid(path.child("borrowingLimitPercent"), borrowing,
                                  "if specified, must be a non-negative integer"))
    return errs


def validate_priority_level_spec(spec: Object, name: str, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    kind = spec.get("type") or ""
    if (name == "exempt") != (kind == "Exempt"):
        errs.append(field.invalid(path.child("type"), kind, "type must be 'Exempt' if and only if name is 'exempt'"))
    if kind == "Exempt":
        if spec.get("limited") is not None:
            errs.append(field.forbidden(path.child("limited"), "must be nil if the type is not Limited"))
        exempt = spec.get("exempt")
        if isinstance(exempt, dict):
            shares = exempt.get("nominalConcurrencyShares")
            if shares is not None and shares < 0:
                errs.append(field.invalid(path.child("exempt").child("nominalConcurrencyShares"), shares,
                                          "must be a non-negative number"))
            errs += _percent(exempt.get("lendablePercent"), path.child("exempt").child("lendablePercent"))
    elif kind == "Limited":
        if spec.get("exempt") is not None:
            errs.append(field.forbidden(path.child("exempt"), "must be nil if the type is Limited"))
        if spec.get("limited") is None:
            errs.append(field.required(path.child("limited"), "must not be empty when type is Limited"))
        else:
            errs += _limited(_d(spec["limited"]), path.child("limited"))
    else:
        errs.append(field.not_supported(path.child("type"), kind, ("Exempt", "Limited")))
    return errs


def validate_priority_level_configuration(pl: Object) -> field.ErrorList:
    name = pl.get("metadata", {}).get("name") or ""
    spec = _d(pl.get("spec"))
    errs = _meta(pl) + validate_priority_level_spec(spec, name, field.new_path("spec"))
    mandatory = bootstrap.mandatory_priority_levels().get(name)
    if mandatory is not None and not bootstrap.priority_level_spec_equalish(mandatory["spec"], spec, name):
        shown = internal_json.marshal(spec, "flowcontrol.v1.PriorityLevelConfigurationSpec")
        errs.append(field.invalid(field.new_path("spec"), shown, f"spec of '{name}' must equal the fixed value"))
    return errs + validate_conditions(_d(pl.get("status")), field.new_path("status"))
