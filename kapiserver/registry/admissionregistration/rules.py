"""Validation pieces webhooks and admission policies share (upstream
pkg/apis/admissionregistration/validation: rules, resources, match resources, match
conditions, param kinds and references; k8s.io/apiserver util/webhook URL and service checks).

CEL expressions are kept as written; match conditions and variables are compiled on write
when the caller asks (expressions.py), as upstream's validation does.
"""

from __future__ import annotations

import re
import urllib.parse

from kapiserver.apimachinery import field, metav1_validation, validation
from kapiserver.apimachinery.types import Object
from kapiserver.registry.core import validation_common as common
from kapiserver.registry.core.podspec.access import as_dict, as_str, dicts, strings
from kapiserver.registry.pathsegment import validate_path_segment_name

from . import expressions

SCOPES = ("*", "Cluster", "Namespaced")
FAILURE_POLICIES = ("Fail", "Ignore")
MATCH_POLICIES = ("Equivalent", "Exact")
REINVOCATION_POLICIES = ("IfNeeded", "Never")
OPERATIONS = ("*", "CONNECT", "CREATE", "DELETE", "UPDATE")
MAX_MATCH_CONDITIONS = 64
URL_FORM = "; desired format: https://host[/path]"


def _has_wildcard(values: list[str]) -> bool:
    return "*" in values


def validate_resources(resources: list[str], path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = [] if resources else [field.required(path, "")]
    with_wildcard_sub: set[str] = set()
    sub_with_wildcard_res: set[str] = set()
    double = single = without_sub = False
    for i, item in enumerate(resources):
        if not item:
            errs.append(field.required(path.index(i), ""))
            continue
        double = double or item == "*/*"
        single = single or item == "*"
        resource, sep, sub = item.partition("/")
        if not sep:
            without_sub = item != "*"
            continue
        if resource in with_wildcard_sub:
            errs.append(field.invalid(path.index(i), item, f"if '{resource}/*' is present, must not specify {item}"))
        if sub in sub_with_wildcard_res:
            errs.append(field.invalid(path.index(i), item, f"if '*/{sub}' is present, must not specify {item}"))
        if sub == "*":
            with_wildcard_sub.add(resource)
        if resource == "*":
            sub_with_wildcard_res.add(sub)
    if len(resources) > 1 and double:
        errs.append(field.invalid(path, list(resources), "if '*/*' is present, must not specify other resources"))
    if single and without_sub:
        errs.append(field.invalid(path, list(resources),
                                  "if '*' is present, must not specify other resources without subresources"))
    return errs


def validate_rule(rule: Object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    groups, versions = strings(rule.get("apiGroups")), strings(rule.get("apiVersions"))
    if not groups:
        errs.append(field.required(path.child("apiGroups"), ""))
    if len(groups) > 1 and _has_wildcard(groups):
        errs.append(field.invalid(path.child("apiGroups"), list(groups),
                                  "if '*' is present, must not specify other API groups"))
    if not versions:
        errs.append(field.required(path.child("apiVersions"), ""))
    if len(versions) > 1 and _has_wildcard(versions):
        errs.append(field.invalid(path.child("apiVersions"), list(versions),
                                  "if '*' is present, must not specify other API versions"))
    errs += [field.required(path.child("apiVersions").index(i), "") for i, v in enumerate(versions) if not v]
    errs += validate_resources(strings(rule.get("resources")), path.child("resources"))
    scope = rule.get("scope")
    if scope is not None and scope not in SCOPES:
        errs.append(field.not_supported(path.child("scope"), scope, SCOPES))
    return errs


def validate_rule_with_operations(rule: Object, path: field.Path) -> field.ErrorList:
    operations = strings(rule.get("operations"))
    errs: field.ErrorList = [] if operations else [field.required(path.child("operations"), "")]
    if len(operations) > 1 and _has_wildcard(operations):
        errs.append(field.invalid(path.child("operations"), list(operations),
                                  "if '*' is present, must not specify other operations"))
    errs += [field.not_supported(path.child("operations").index(i), op, OPERATIONS)
             for i, op in enumerate(operations) if op not in OPERATIONS]
    return errs + validate_rule(rule, path)


def validate_named_rule_with_operations(rule: Object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    seen: set[str] = set()
    for i, name in enumerate(strings(rule.get("resourceNames"))):
        errs += [field.invalid(path.child("resourceNames").index(i), name, msg)
                 for msg in validate_path_segment_name(name, False)]
        if name in seen:
            errs.append(field.duplicate(path.child("resourceNames").index(i), name))
        seen.add(name)
    return errs + validate_rule_with_operations(rule, path)


def validate_label_selector(selector: object, path: field.Path, allow_invalid: bool = False) -> field.ErrorList:
    opts = metav1_validation.LabelSelectorValidationOptions(allow_invalid_label_value_in_selector=allow_invalid)
    return metav1_validation.validate_label_selector(as_dict(selector), opts, path)


def validate_match_resources(match: object, path: field.Path) -> field.ErrorList:
    if not isinstance(match, dict):
        return []
    errs: field.ErrorList = []
    policy = match.get("matchPolicy")
    if policy is None:
        errs.append(field.required(path.child("matchPolicy"), ""))
    elif policy not in MATCH_POLICIES:
        errs.append(field.not_supported(path.child("matchPolicy"), policy, MATCH_POLICIES))
    for key in ("namespaceSelector", "objectSelector"):
        if match.get(key) is None:
            errs.append(field.required(path.child(key), ""))
        else:
            errs += validate_label_selector(match[key], path.child(key))
    for key in ("resourceRules", "excludeResourceRules"):
        for i, rule in enumerate(dicts(match.get(key))):
            errs += validate_named_rule_with_operations(rule, path.child(key).index(i))
    return errs


def validate_match_conditions(conditions: list[Object], path: field.Path,
                              compile_with_params: bool | None = None) -> field.ErrorList:
    """Names, count and expressions; each expression is compiled unless compile_with_params is
    None (then `params` is declared when it is True)."""
    errs: field.ErrorList = []
    if len(conditions) > MAX_MATCH_CONDITIONS:
        errs.append(field.too_many(path, len(conditions), MAX_MATCH_CONDITIONS))
    names: set[str] = set()
    for i, condition in enumerate(conditions):
        item = path.index(i)
        expression = as_str(condition.get("expression")).strip()
        if not expression:
            errs.append(field.required(item.child("expression"), ""))
        elif compile_with_params is not None:
            errs += expressions.validate_match_condition_expression(expression, compile_with_params,
                                                                    item.child("expression"))
        name = as_str(condition.get("name"))
        if not name:
            errs.append(field.required(item.child("name"), ""))
        else:
            errs += common.validate_qualified_name(name, item.child("name"))
            if name in names:
                errs.append(field.duplicate(item.child("name"), name))
            names.add(name)
    return errs


def validate_param_kind(kind: Object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    api_version = as_str(kind.get("apiVersion"))
    if not api_version:
        errs.append(field.required(path.child("apiVersion"), ""))
    elif api_version.count("/") > 1:
        errs.append(field.invalid(path.child("apiVersion"), api_version, f"unexpected GroupVersion string: {api_version}"))
    elif api_version != "/":
        group, _, version = api_version.rpartition("/")
        if group:
            messages = validation.is_dns1123_subdomain(group)
            if messages:
                errs.append(field.invalid(path.child("apiVersion"), group, ",".join(messages)))
        if not version:
            errs.append(field.invalid(path.child("apiVersion"), api_version, "version must be specified"))
        else:
            messages = validation.is_dns1035_label(version)
            if messages:
                errs.append(field.invalid(path.child("apiVersion"), version, ",".join(messages)))
    name = as_str(kind.get("kind"))
    if not name:
        errs.append(field.required(path.child("kind"), ""))
    else:
        messages = validation.is_dns1035_label(name.lower())
        if messages:
            errs.append(field.invalid(path.child("kind"), name,
                                      "may have mixed case, but should otherwise match: " + ",".join(messages)))
    return errs


def validate_param_ref(ref: object, path: field.Path) -> field.ErrorList:
    if not isinstance(ref, dict):
        return []
    errs: field.ErrorList = []
    name, selector = as_str(ref.get("name")), ref.get("selector")
    if name:
        errs += [field.invalid(path.child("name"), name, msg) for msg in validate_path_segment_name(name, False)]
        if selector is not None:
            errs.append(field.forbidden(path.child("name"), "name and selector are mutually exclusive"))
    if selector is not None:
        errs += validate_label_selector(selector, path.child("selector"))
        if name:
            errs.append(field.forbidden(path.child("selector"), "name and selector are mutually exclusive"))
    if not name and selector is None:
        errs.append(field.required(path, "one of name or selector must be specified"))
    action = ref.get("parameterNotFoundAction")
    if not action:
        errs.append(field.required(path.child("parameterNotFoundAction"), ""))
    elif action not in ("Deny", "Allow"):
        errs.append(field.not_supported(path.child("parameterNotFoundAction"), action, ("Deny", "Allow")))
    return errs


def validate_webhook_url(path: field.Path, url: str) -> field.ErrorList:
    try:
        parsed = urllib.parse.urlsplit(url)
    except ValueError as exc:
        return [field.required(path, f"url must be a valid URL: {exc}{URL_FORM}")]
    errs: field.ErrorList = []
    if parsed.scheme != "https":
        errs.append(field.invalid(path, parsed.scheme, "'https' is the only allowed URL scheme" + URL_FORM))
    host = parsed.netloc.rpartition("@")[2]
    if not host:
        errs.append(field.invalid(path, host, "host must be specified" + URL_FORM))
    if "@" in parsed.netloc:
        errs.append(field.invalid(path, parsed.netloc.rpartition("@")[0], "user information is not permitted in the URL"))
    if parsed.fragment:
        errs.append(field.invalid(path, parsed.fragment, "fragments are not permitted in the URL"))
    if parsed.query:
        errs.append(field.invalid(path, parsed.query, "query parameters are not permitted in the URL"))
    return errs


def validate_webhook_service(path: field.Path, service: Object) -> field.ErrorList:
    errs: field.ErrorList = []
    if not as_str(service.get("name")):
        errs.append(field.required(path.child("name"), ""))
    if not as_str(service.get("namespace")):
        errs.append(field.required(path.child("namespace"), ""))
    port = common.int_value(service.get("port"))
    messages = validation.is_valid_port_num(port)
    if messages:
        errs.append(field.invalid(path.child("port"), port, "port is not valid: " + ", ".join(messages)))
    if service.get("path") is None:
        return errs
    url_path = as_str(service["path"])
    if url_path in ("/", ""):
        return errs
    if url_path == "//":
        return errs + [field.invalid(path.child("path"), url_path, "segment[0] may not be empty")]
    if not url_path.startswith("/"):
        errs.append(field.invalid(path.child("path"), url_path, "must start with a '/'"))
    to_check = url_path[1:]
    to_check = to_check.removesuffix("/")
    for i, step in enumerate(to_check.split("/")):
        if not step:
            errs.append(field.invalid(path.child("path"), url_path, f"segment[{i}] may not be empty"))
            continue
        errs += [field.invalid(path.child("path"), url_path, f"segment[{i}]: {m}")
                 for m in validation.is_dns1123_subdomain(step)]
    return errs


_CEL_IDENT = re.compile(r"^[_a-zA-Z][_a-zA-Z0-9]*$")
CEL_RESERVED = frozenset({"true", "false", "null", "in", "as", "break", "const", "continue", "else", "for", "function",
                          "if", "import", "let", "loop", "package", "namespace", "return", "var", "void", "while"})


def is_cel_identifier(name: str) -> bool:
    return bool(_CEL_IDENT.match(name)) and name not in CEL_RESERVED


def validate_variables(variables: object, path: field.Path,
                       compiler: expressions.PolicyCompiler | None = None) -> field.ErrorList:
    """Names and expressions; with a compiler, each expression is compiled in order into `variables`."""
    errs: field.ErrorList = []
    for i, variable in enumerate(dicts(variables)):
        item = path.index(i)
        name = as_str(variable.get("name"))
        if not name.strip():
            errs.append(field.required(item.child("name"), "name is not specified"))
        elif not is_cel_identifier(name):
            errs.append(field.invalid(item.child("name"), name, "name is not a valid CEL identifier"))
        expression = as_str(variable.get("expression"))
        if not expression.strip():
            errs.append(field.required(item.child("expression"), "expression is not specified"))
        elif compiler is not None:
            errs += compiler.variable(name, expression, item.child("expression"))
    return errs

