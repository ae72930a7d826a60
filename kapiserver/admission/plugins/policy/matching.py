"""Whether a request falls under a policy's matchConstraints or a binding's matchResources
(upstream policy/matching, webhook/predicates/rules, namespace and object matchers).

Order and outcome follow upstream's Matcher.Matches: a namespaceSelector or objectSelector
that does not match ends the question (a selector that cannot be read only counts once the
rules say the request is in scope); excludeResourceRules win over resourceRules; no
resourceRules means every resource. matchPolicy Equivalent would also try other versions of
the same resource; kapiserver serves each built-in resource in one version, so only the
request's own resource is tried.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from kapiserver.admission.interfaces import Attributes
from kapiserver.apimachinery import errors, labels
from kapiserver.apimachinery.schema import GroupResource
from kapiserver.apimachinery.types import Object

GetNamespace = Callable[[str], Awaitable[Object | None]]


def _exact_or_wildcard(items: list[str], requested: str) -> bool:
    return any(item in ("*", requested) for item in items)


def rule_matches(rule: Object, attrs: Attributes) -> bool:
    """upstream rules.Matcher.Matches: scope, operation, group, version and resource[/subresource]."""
    resource = attrs.resource
    scope = rule.get("scope") or "*"
    is_namespace = resource.group == "" and resource.version == "v1" and resource.resource == "namespaces"
    if scope == "Namespaced" and (is_namespace or not attrs.namespace):
        return False
    if scope == "Cluster" and not (is_namespace or not attrs.namespace):
        return False
    if scope not in ("*", "Namespaced", "Cluster"):
        return False
    operations = rule.get("operations") or []
    if "*" not in operations and attrs.operation.value not in operations:
        return False
    if not _exact_or_wildcard(rule.get("apiGroups") or [], resource.group):
        return False
    if not _exact_or_wildcard(rule.get("apiVersions") or [], resource.version):
        return False
    for item in rule.get("resources") or []:
        res, _, sub = str(item).partition("/")
        if res in ("*", resource.resource) and sub in ("*", attrs.subresource):
            return True
    return False


def _rules_match(named_rules: list[Object], attrs: Attributes) -> bool:
    for rule in named_rules:
        if not rule_matches(rule, attrs):
            continue
        names = rule.get("resourceNames") or []
        if not names or attrs.name in names:
            return True
    return False


def _labels_of(obj: Object | None) -> dict[str, str] | None:
    if obj is None:
        return None
    return (obj.get("metadata") or {}).get("labels") or {}


async def _namespace_matches(selector_obj: Any, attrs: Attributes, get_namespace: GetNamespace
                             ) -> tuple[bool, errors.StatusError | None]:
    """upstream namespace.Matcher.MatchNamespaceSelector."""
    if not attrs.namespace and attrs.resource.resource != "namespaces":
        return True, None
    try:
        selector = labels.selector_from_label_selector(selector_obj)
    except labels.SelectorError as err:
        return False, errors.internal_error(str(err))
    if selector.empty():
        return True, None
    if attrs.resource.resource == "namespaces" and not attrs.subresource and attrs.operation.value in (
            "CREATE", "UPDATE"):
        return selector.matches(_labels_of(attrs.obj) or {}), None
    namespace = await get_namespace(attrs.namespace)
    if namespace is None:
        return False, errors.not_found(GroupResource("", "namespaces"), attrs.namespace)
    return selector.matches(_labels_of(namespace) or {}), None


def _object_matches(selector_obj: Any, attrs: Attributes) -> tuple[bool, errors.StatusError | None]:
    """upstream object.Matcher.MatchObjectSelector: the new or the old object's labels."""
    try:
        selector = labels.selector_from_label_selector(selector_obj)
    except labels.SelectorError as err:
        return False, errors.internal_error(str(err))
    if selector.empty():
        return True, None
    return any(found is not None and selector.matches(found)
               for found in (_labels_of(attrs.obj), _labels_of(attrs.old_obj))), None


async def matches(match: Object, attrs: Attributes, get_namespace: GetNamespace) -> bool:
    """upstream Matcher.Matches; raises the selector's error when the rules select the request."""
    ns_ok, ns_err = await _namespace_matches(match.get("namespaceSelector") or {}, attrs, get_namespace)
    if not ns_ok and ns_err is None:
        return False
    obj_ok, obj_err = _object_matches(match.get("objectSelector") or {}, attrs)
    if not obj_ok and obj_err is None:
        return False
    if _rules_match(match.get("excludeResourceRules") or [], attrs):
        return False
    rules = match.get("resourceRules") or []
    if rules and not _rules_match(rules, attrs):
        return False
    if ns_err is not None:
        raise ns_err
    if obj_err is not None:
        raise obj_err
    return True


async def definition_matches(policy: Object, attrs: Attributes, get_namespace: GetNamespace) -> bool:
    constraints = (policy.get("spec") or {}).get("matchConstraints")
    if constraints is None:
        raise ValueError("policy contained no match constraints, a required field")
    return await matches(constraints, attrs, get_namespace)


async def binding_matches(binding: Object, attrs: Attributes, get_namespace: GetNamespace) -> bool:
    match = (binding.get("spec") or {}).get("matchResources")
    if match is None:
        return True
    return await matches(match, attrs, get_namespace)
