"""Whether one PolicyRule allows one request, and how RBAC names its rules and bindings in
messages (upstream pkg/apis/rbac/v1/evaluation_helpers.go, plugin/pkg/auth/authorizer/rbac
describers, pkg/registry/rbac/validation CompactRules, PolicyRule.CompactString).

Pure functions over rule and binding dicts; the authorizer and the escalation check share them.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery.types import Object
from kapiserver.apimachinery.user import UserInfo

from ..authorization.decision import Attributes

SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:"


def _l(rule: Object, key: str) -> list[str]:
    value: Any = rule.get(key)
    return value if isinstance(value, list) else []


def verb_matches(rule: Object, verb: str) -> bool:
    return any(v == "*" or v == verb for v in _l(rule, "verbs"))


def api_group_matches(rule: Object, group: str) -> bool:
    return any(g == "*" or g == group for g in _l(rule, "apiGroups"))


def resource_matches(rule: Object, combined: str, subresource: str) -> bool:
    """`*`, the exact `resource[/subresource]`, or `*/subresource` for a subresource request."""
    for owned in _l(rule, "resources"):
        if owned == "*" or owned == combined:
            return True
        if subresource and owned == "*/" + subresource:
            return True
    return False


def resource_name_matches(rule: Object, name: str) -> bool:
    names = _l(rule, "resourceNames")
    return not names or name in names


def non_resource_url_matches(rule: Object, path: str) -> bool:
    for url in _l(rule, "nonResourceURLs"):
        if url == "*" or url == path:
            return True
        if url.endswith("*") and path.startswith(url.rstrip("*")):
            return True
    return False


def rule_allows(attrs: Attributes, rule: Object) -> bool:
    """upstream RuleAllows."""
    if not attrs.resource_request:
        return verb_matches(rule, attrs.verb) and non_resource_url_matches(rule, attrs.path)
    combined = f"{attrs.resource}/{attrs.subresource}" if attrs.subresource else attrs.resource
    return (verb_matches(rule, attrs.verb) and api_group_matches(rule, attrs.api_group)
            and resource_matches(rule, combined, attrs.subresource) and resource_name_matches(rule, attrs.name))


def applies_to_user(user: UserInfo, subject: Object, namespace: str) -> bool:
    """upstream appliesToUser: a ServiceAccount subject defaults to the binding's namespace."""
    kind, name = subject.get("kind") or "", subject.get("name") or ""
    if kind == "User":
        return bool(user.name == name)
    if kind == "Group":
        return name in user.groups
    if kind == "ServiceAccount":
        sa_namespace = subject.get("namespace") or namespace
        return bool(sa_namespace) and user.name == f"{SERVICE_ACCOUNT_PREFIX}{sa_namespace}:{name}"
    return False


def describe_subject(subject: Object, binding_namespace: str) -> str:
    kind, name = subject.get("kind") or "", subject.get("name") or ""
    if kind == "ServiceAccount":
        return f'{kind} {go_quote(name + "/" + (subject.get("namespace") or binding_namespace))}'
    return f"{kind} {go_quote(name)}"


def describe_binding(binding: Object, subject: Object) -> str:
    """The `source` of an allowed decision: `ClusterRoleBinding "x" of ClusterRole "y" to User "z"`,
    or `RoleBinding "name/namespace" of Role "y" to ServiceAccount "sa/ns"`."""
    metadata = binding.get("metadata") or {}
    ref = binding.get("roleRef") or {}
    namespace = metadata.get("namespace") or ""
    if namespace:
        head = f'RoleBinding {go_quote(metadata.get("name", "") + "/" + namespace)}'
    else:
        head = f'ClusterRoleBinding {go_quote(metadata.get("name", ""))}'
    return f'{head} of {ref.get("kind", "")} {go_quote(ref.get("name", ""))} to {describe_subject(subject, namespace)}'


def go_quote(value: str) -> str:
    """Go's %q of an ASCII-printable string (names and paths are)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def go_quote_list(values: list[str] | tuple[str, ...]) -> str:
    """Go's %q of a []string: `["a" "b"]`."""
    return "[" + " ".join(go_quote(v) for v in values) + "]"


def compact_string(rule: Object) -> str:
    """upstream PolicyRule.CompactString: `{APIGroups:[""], Resources:["pods"], Verbs:["get"]}`."""
    parts = [f"{label}:{go_quote_list(_l(rule, key))}" for label, key in (
        ("APIGroups", "apiGroups"), ("Resources", "resources"), ("NonResourceURLs", "nonResourceURLs"),
        ("ResourceNames", "resourceNames"), ("Verbs", "verbs")) if _l(rule, key)]
    return "{" + ", ".join(parts) + "}"


def _simple_key(rule: Object) -> tuple[str, str, bool, str] | None:
    names = _l(rule, "resourceNames")
    if len(names) > 1 or _l(rule, "nonResourceURLs"):
        return None
    if len(_l(rule, "apiGroups")) != 1 or len(_l(rule, "resources")) != 1:
        return None
    if set(rule) - {"apiGroups", "resources", "verbs", "resourceNames"}:
        return None
    return _l(rule, "apiGroups")[0], _l(rule, "resources")[0], bool(names), names[0] if names else ""


def compact_rules(rules: list[Object]) -> list[Object]:
    """upstream CompactRules: rules on one group, one resource (and at most one name) merge their verbs."""
    compacted: list[Object] = []
    simple: dict[tuple[str, str, bool, str], Object] = {}
    for rule in rules:
        key = _simple_key(rule)
        if key is None:
            compacted.append(rule)
        elif key in simple:
            simple[key]["verbs"] = _l(simple[key], "verbs") + _l(rule, "verbs")
        else:
            simple[key] = {k: list(v) for k, v in rule.items()}
    return compacted + list(simple.values())


def escalation_message(user: UserInfo, missing: list[Object], resolution_errors: list[str]) -> str:
    """ConfirmNoEscalation's refusal, listing the missing rights compacted and sorted."""
    described = sorted({compact_string(rule) for rule in compact_rules(missing)})
    message = (f"user {go_quote(user.name)} (groups={go_quote_list(user.groups)}) is attempting to grant RBAC "
               "permissions not currently held:\n" + "\n".join(described))
    if resolution_errors:
        message += f"; resolution errors: [{' '.join(resolution_errors)}]"
    return message
