"""Where a pod may run: affinity, tolerations, topology spread, DNS config, host aliases,
readiness and scheduling gates (upstream validateAffinity, ValidateTolerations,
validateTopologySpreadConstraints, validatePodDNSConfig, ValidateHostAliases, ...).
"""

from __future__ import annotations

from kapiserver.apimachinery import field, metav1_validation, objectmeta, validation, validation_ip
from kapiserver.apimachinery.types import Object

from .. import internal_json
from .access import as_dict, as_int, as_str, dicts, opt_int, strings
from .options import PodValidationOptions

MAX_DNS_NAMESERVERS = 3
MAX_DNS_SEARCH_PATHS = 32
MAX_DNS_SEARCH_LIST_CHARS = 2048
_IS_NOT_POSITIVE = "must be greater than zero"
_TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"]


def _label_selector_opts(allow_invalid: bool) -> metav1_validation.LabelSelectorValidationOptions:
    return metav1_validation.LabelSelectorValidationOptions(allow_invalid_label_value_in_selector=allow_invalid)


def _selector(value: object) -> Object | None:
    return value if isinstance(value, dict) else None


# --- tolerations -----------------------------------------------------------------------------


def validate_tolerations(tolerations: object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    for i, toleration in enumerate(dicts(tolerations)):
        item = path.index(i)
        key = as_str(toleration.get("key"))
        operator = as_str(toleration.get("operator"))
        effect = as_str(toleration.get("effect"))
        value = as_str(toleration.get("value"))
        if key:
            errs += metav1_validation.validate_label_name(key, item.child("key"))
        if not key and operator != "Exists":
            errs.append(field.invalid(item.child("operator"), operator,
                                      'operator must be Exists when `key` is empty, which means "match all values '
                                      'and all keys"'))
        if toleration.get("tolerationSeconds") is not None and effect != "NoExecute":
            errs.append(field.invalid(item.child("effect"), effect,
                                      "effect must be 'NoExecute' when `tolerationSeconds` is set"))
        if operator in ("Equal", ""):
            problems = validation.is_valid_label_value(value)
            if problems:
                errs.append(field.invalid(item.child("operator"), value, ";".join(problems)))
        elif operator == "Exists":
            if value:
                errs.append(field.invalid(item.child("operator"), internal_json.marshal(toleration, "core.v1.Toleration"),
                                          "value must be empty when `operator` is 'Exists'"))
        else:
            errs.append(field.not_supported(item.child("operator"), operator, ["Equal", "Exists"]))
        if effect and effect not in _TAINT_EFFECTS:
            errs.append(field.not_supported(item.child("effect"), effect, _TAINT_EFFECTS))
    return errs


# --- affinity --------------------------------------------------------------------------------


def validate_node_selector_requirement(requirement: Object, allow_invalid_value: bool,
                                       path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    operator = as_str(requirement.get("operator"))
    values = strings(requirement.get("values"))
    if operator in ("In", "NotIn"):
        if not values:
            errs.append(field.required(path.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"))
    elif operator in ("Exists", "DoesNotExist"):
        if values:
            errs.append(field.forbidden(path.child("values"),
                                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
    elif operator in ("Gt", "Lt"):
        if len(values) != 1:
            errs.append(field.required(path.child("values"),
                                       "must be specified single value when `operator` is 'Lt' or 'Gt'"))
    else:
        errs.append(field.invalid(path.child("operator"), operator, "not a valid selector operator"))
    errs += metav1_validation.validate_label_name(as_str(requirement.get("key")), path.child("key"))
    if not allow_invalid_value:
        for i, value in enumerate(values):
            errs += [field.invalid(path.child("values").index(i), value, msg)
                     for msg in validation.is_valid_label_value(value)]
    return errs


def _validate_node_field_requirement(requirement: Object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    operator = as_str(requirement.get("operator"))
    values = strings(requirement.get("values"))
    if operator in ("In", "NotIn"):
        if len(values) != 1:
            errs.append(field.required(path.child("values"), "must be only one value when `operator` is 'In' or "
                                                             "'NotIn' for node field selector"))
    else:
        errs.append(field.invalid(path.child("operator"), operator, "not a valid selector operator"))
    key = as_str(requirement.get("key"))
    if key != "metadata.name":
        errs.append(field.invalid(path.child("key"), key, "not a valid field selector key"))
    else:
        for i, value in enumerate(values):
            errs += [field.invalid(path.child("values").index(i), value, msg)
                     for msg in objectmeta.name_is_dns_subdomain(value, False)]
    return errs


def validate_node_selector_term(term: Object, allow_invalid_value: bool, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    for j, requirement in enumerate(dicts(term.get("matchExpressions"))):
        errs += validate_node_selector_requirement(requirement, allow_invalid_value,
                                                   path.child("matchExpressions").index(j))
    for j, requirement in enumerate(dicts(term.get("matchFields"))):
        errs += _validate_node_field_requirement(requirement, path.child("matchFields").index(j))
    return errs


def validate_node_selector(selector: Object, allow_invalid_value: bool, path: field.Path) -> field.ErrorList:
    terms = dicts(selector.get("nodeSelectorTerms"))
    term_path = path.child("nodeSelectorTerms")
    if not terms:
        return [field.required(term_path, "must have at least one node selector term")]
    errs: field.ErrorList = []
    for i, term in enumerate(terms):
        errs += validate_node_selector_term(term, allow_invalid_value, term_path.index(i))
    return errs


def _validate_node_affinity(affinity: Object, opts: PodValidationOptions, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    required = affinity.get("requiredDuringSchedulingIgnoredDuringExecution")
    if isinstance(required, dict):
        errs += validate_node_selector(required, opts.allow_invalid_label_value_in_required_node_affinity,
                                       path.child("requiredDuringSchedulingIgnoredDuringExecution"))
    preferred_path = path.child("preferredDuringSchedulingIgnoredDuringExecution")
    for i, term in enumerate(dicts(affinity.get("preferredDuringSchedulingIgnoredDuringExecution"))):
        weight = as_int(term.get("weight"))
        if weight <= 0 or weight > 100:
            errs.append(field.invalid(preferred_path.index(i).child("weight"), weight, "must be in the range 1-100"))
        errs += validate_node_selector_term(as_dict(term.get("preference")), True,
                                            preferred_path.index(i).child("preference"))
    return errs


def _validate_label_keys(path: field.Path, keys: list[str], selector: Object | None) -> field.ErrorList:
    if not keys:
        return []
    if selector is None:
        return [field.forbidden(path, "must not be specified when labelSelector is not set")]
    errs: field.ErrorList = []
    for i, key in enumerate(keys):
        errs += metav1_validation.validate_label_name(key, path.index(i))
    return errs


def _validate_match_label_keys(path: field.Path, match: list[str], mismatch: list[str],
                               selector: Object | None) -> field.ErrorList:
    errs = _validate_label_keys(path.child("matchLabelKeys"), match, selector)
    errs += _validate_label_keys(path.child("mismatchLabelKeys"), mismatch, selector)
    if selector is not None:
        positions = {key: i for i, key in enumerate(match)}
        seen = set(as_dict(selector.get("matchLabels")))
        for expression in dicts(selector.get("matchExpressions")):
            key = as_str(expression.get("key"))
            if key in positions and key in seen:
                errs.append(field.invalid(path.index(positions[key]), key,
                                          "exists in both matchLabelKeys and labelSelector"))
            seen.add(key)
    mismatched = set(mismatch)
    for i, key in enumerate(match):
        if key in mismatched:
            errs.append(field.invalid(path.child("matchLabelKeys").index(i), key,
                                      "exists in both matchLabelKeys and mismatchLabelKeys"))
    return errs


def _validate_pod_affinity_term(term: Object, allow_invalid: bool, path: field.Path) -> field.ErrorList:
    opts = _label_selector_opts(allow_invalid)
    selector = _selector(term.get("labelSelector"))
    errs = metav1_validation.validate_label_selector(selector, opts, path.child("labelSelector"))
    errs += metav1_validation.validate_label_selector(_selector(term.get("namespaceSelector")), opts,
                                                      path.child("namespaceSelector"))
    for name in strings(term.get("namespaces")):
        errs += [field.invalid(path.child("namespace"), name, msg)
                 for msg in objectmeta.validate_namespace_name(name, False)]
    errs += _validate_match_label_keys(path, strings(term.get("matchLabelKeys")),
                                       strings(term.get("mismatchLabelKeys")), selector)
    topology_key = as_str(term.get("topologyKey"))
    if not topology_key:
        errs.append(field.required(path.child("topologyKey"), "can not be empty"))
    return errs + metav1_validation.validate_label_name(topology_key, path.child("topologyKey"))


def _validate_pod_affinity(affinity: Object, allow_invalid: bool, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    required_path = path.child("requiredDuringSchedulingIgnoredDuringExecution")
    for i, term in enumerate(dicts(affinity.get("requiredDuringSchedulingIgnoredDuringExecution"))):
        errs += _validate_pod_affinity_term(term, allow_invalid, required_path.index(i))
    preferred_path = path.child("preferredDuringSchedulingIgnoredDuringExecution")
    for i, weighted in enumerate(dicts(affinity.get("preferredDuringSchedulingIgnoredDuringExecution"))):
        weight = as_int(weighted.get("weight"))
        if weight <= 0 or weight > 100:
            errs.append(field.invalid(preferred_path.index(i).child("weight"), weight, "must be in the range 1-100"))
        errs += _validate_pod_affinity_term(as_dict(weighted.get("podAffinityTerm")), allow_invalid,
                                            preferred_path.index(i).child("podAffinityTerm"))
    return errs


def validate_affinity(affinity: object, opts: PodValidationOptions, path: field.Path) -> field.ErrorList:
    if not isinstance(affinity, dict):
        return []
    errs: field.ErrorList = []
    if isinstance(affinity.get("nodeAffinity"), dict):
        errs += _validate_node_affinity(affinity["nodeAffinity"], opts, path.child("nodeAffinity"))
    for kind in ("podAffinity", "podAntiAffinity"):
        if isinstance(affinity.get(kind), dict):
            errs += _validate_pod_affinity(affinity[kind], opts.allow_invalid_label_value_in_selector,
                                           path.child(kind))
    return errs


# --- topology spread -------------------------------------------------------------------------


def validate_topology_spread_constraints(constraints: object, path: field.Path,
                                         opts: PodValidationOptions) -> field.ErrorList:
    errs: field.ErrorList = []
    items = dicts(constraints)
    for i, constraint in enumerate(items):
        item = path.index(i)
        max_skew = as_int(constraint.get("maxSkew"))
        if max_skew <= 0:
            errs.append(field.invalid(item.child("maxSkew"), max_skew, _IS_NOT_POSITIVE))
        if not as_str(constraint.get("topologyKey")):
            errs.append(field.required(item.child("topologyKey"), "can not be empty"))
        action = as_str(constraint.get("whenUnsatisfiable"))
        if action not in ("DoNotSchedule", "ScheduleAnyway"):
            errs.append(field.not_supported(item.child("whenUnsatisfiable"), action, ["DoNotSchedule", "ScheduleAnyway"]))
        pair = (as_str(constraint.get("topologyKey")), action)
        if any((as_str(rest.get("topologyKey")), as_str(rest.get("whenUnsatisfiable"))) == pair
               for rest in items[i + 1:]):
            errs.append(field.duplicate(item.child("{topologyKey, whenUnsatisfiable}"), f"{{{pair[0]}, {pair[1]}}}"))
        min_domains = opt_int(constraint.get("minDomains"))
        if min_domains is not None:
            if min_domains <= 0:
                errs.append(field.invalid(item.child("minDomains"), min_domains, _IS_NOT_POSITIVE))
            if action != "DoNotSchedule":
                errs.append(field.invalid(item.child("minDomains"), min_domains,
                                          f"can only use minDomains if whenUnsatisfiable=DoNotSchedule, not {action}"))
        for key in ("nodeAffinityPolicy", "nodeTaintsPolicy"):
            policy = constraint.get(key)
            if policy is not None and policy not in ("Honor", "Ignore"):
                errs.append(field.not_supported(item.child(key), as_str(policy), ["Honor", "Ignore"]))
        errs += _validate_spread_label_keys(item.child("matchLabelKeys"), strings(constraint.get("matchLabelKeys")),
                                            _selector(constraint.get("labelSelector")))
        if not opts.allow_invalid_topology_spread_constraint_label_selector:
            errs += metav1_validation.validate_label_selector(_selector(constraint.get("labelSelector")),
                                                              _label_selector_opts(False), item.child("labelSelector"))
    return errs


def _validate_spread_label_keys(path: field.Path, keys: list[str], selector: Object | None) -> field.ErrorList:
    if not keys:
        return []
    errs: field.ErrorList = []
    known: set[str] = set()
    if selector is not None:
        known |= set(as_dict(selector.get("matchLabels")))
        known |= {as_str(e.get("key")) for e in dicts(selector.get("matchExpressions"))}
    else:
        errs.append(field.forbidden(path, "must not be specified when labelSelector is not set"))
    for i, key in enumerate(keys):
        errs += metav1_validation.validate_label_name(key, path.index(i))
        if key in known:
            errs.append(field.invalid(path.index(i), key, "exists in both matchLabelKeys and labelSelector"))
    return errs


# --- DNS, hosts and gates --------------------------------------------------------------------


def validate_dns_config(spec: Object, path: field.Path, opts: PodValidationOptions) -> field.ErrorList:
    config = spec.get("dnsConfig")
    if spec.get("dnsPolicy") == "None":
        if not isinstance(config, dict):
            return [field.required(path, "must provide `dnsConfig` when `dnsPolicy` is None")]
        if not config.get("nameservers"):
            return [field.required(path.child("nameservers"),
                                   "must provide at least one DNS nameserver when `dnsPolicy` is None")]
    if not isinstance(config, dict):
        return []
    errs: field.ErrorList = []
    nameservers = strings(config.get("nameservers"))
    if len(nameservers) > MAX_DNS_NAMESERVERS:
        errs.append(field.invalid(path.child("nameservers"), nameservers,
                                  f"must not have more than {MAX_DNS_NAMESERVERS} nameservers"))
    for i, server in enumerate(nameservers):
        errs += validation_ip.is_valid_ip(path.child("nameservers").index(i), server)
    searches = strings(config.get("searches"))
    if len(searches) > MAX_DNS_SEARCH_PATHS:
        errs.append(field.invalid(path.child("searches"), searches,
                                  f"must not have more than {MAX_DNS_SEARCH_PATHS} search paths"))
    if len(" ".join(searches)) > MAX_DNS_SEARCH_LIST_CHARS:
        errs.append(field.invalid(path.child("searches"), searches, f"must not have more than "
                                  f"{MAX_DNS_SEARCH_LIST_CHARS} characters (including spaces) in the search list"))
    for i, search in enumerate(searches):
        if opts.allow_relaxed_dns_search_validation:
            if search != ".":
                search = search.removesuffix(".")
                errs += [field.invalid(path.child("searches").index(i), search, msg)
                         for msg in validation.is_dns1123_subdomain_with_underscore(search)]
        else:
            search = search.removesuffix(".")
            errs += [field.invalid(path.child("searches").index(i), search, msg)
                     for msg in validation.is_dns1123_subdomain(search)]
    for i, option in enumerate(dicts(config.get("options"))):
        if not as_str(option.get("name")):
            errs.append(field.required(path.child("options").index(i), "must not be empty"))
    return errs


def validate_host_aliases(aliases: object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    for i, alias in enumerate(dicts(aliases)):
        errs += validation_ip.is_valid_ip(path.index(i).child("ip"), as_str(alias.get("ip")))
        for j, hostname in enumerate(strings(alias.get("hostnames"))):
            errs += [field.invalid(path.index(i).child("hostnames").index(j), hostname, msg)
                     for msg in validation.is_dns1123_subdomain(hostname)]
    return errs


def validate_readiness_gates(gates: object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    for i, gate in enumerate(dicts(gates)):
        condition = as_str(gate.get("conditionType"))
        errs += [field.invalid(path.index(i).child("conditionType"), condition, msg)
                 for msg in validation.is_qualified_name(condition)]
    return errs


def validate_scheduling_gates(gates: object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    seen: set[str] = set()
    for i, gate in enumerate(dicts(gates)):
        name = as_str(gate.get("name"))
        errs += [field.invalid(path.index(i), name, msg) for msg in validation.is_qualified_name(name)]
        if name in seen:
            errs.append(field.duplicate(path.index(i), name))
        seen.add(name)
    return errs
