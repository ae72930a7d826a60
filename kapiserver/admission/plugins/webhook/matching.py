"""Which requests a webhook applies to (upstream predicates/rules, predicates/namespace,
predicates/object and generic.Webhook.ShouldCallHook's use of them).

Configurations of admission itself (webhook configurations and admission policies) are never
sent to webhooks, so a broken webhook cannot lock out its own repair.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from kapiserver.apimachinery import errors
from kapiserver.apimachinery.labels import Selector
from kapiserver.apimachinery.schema import GroupResource, GroupVersionResource
from kapiserver.apimachinery.types import Object

from ...interfaces import Attributes

ADMISSION_GROUP = "admissionregistration.k8s.io"
EXEMPT_RESOURCES = frozenset({
    "validatingwebhookconfigurations", "mutatingwebhookconfigurations", "validatingadmissionpolicies",
    "validatingadmissionpolicybindings", "mutatingadmissionpolicies", "mutatingadmissionpolicybindings",
})
NAMESPACES = GroupVersionResource("", "v1", "namespaces")

NamespaceGetter = Callable[[str], Awaitable[Object | None]]


def is_exempt(resource: GroupVersionResource) -> bool:
    """IsExemptAdmissionConfigurationResource."""
    return resource.group == ADMISSION_GROUP and resource.resource in EXEMPT_RESOURCES


def _split_resource(text: str) -> tuple[str, str]:
    res, _, sub = text.partition("/")
    return res, sub


def rule_matches(rule: Object, attrs: Attributes, resource: GroupVersionResource | None = None) -> bool:
    """rules.Matcher.Matches: scope, operation, group, version and resource[/subresource];
    `resource` overrides the request's (an equivalent resource)."""
    gvr = resource or attrs.resource
    scope = rule.get("scope") or "*"
    if scope == "Namespaced" and (gvr == NAMESPACES or not attrs.namespace):
        return False
    if scope == "Cluster" and not (gvr == NAMESPACES or not attrs.namespace):
        return False
    operations = rule.get("operations") or []
    if "*" not in operations and attrs.operation.value not in operations:
        return False
    groups = rule.get("apiGroups") or []
    if "*" not in groups and gvr.group not in groups:
        return False
    versions = rule.get("apiVersions") or []
    if "*" not in versions and gvr.version not in versions:
        return False
    for entry in rule.get("resources") or []:
        res, sub = _split_resource(str(entry))
        if (res == "*" or res == gvr.resource) and (sub == "*" or sub == attrs.subresource):
            return True
    return False


def object_matches(selector: Selector, attrs: Attributes) -> bool:
    """MatchObjectSelector: the new or the old object's labels (an empty selector: always)."""
    if selector.empty():
        return True
    for obj in (attrs.obj, attrs.old_obj):
        if isinstance(obj, dict):
            labels = (obj.get("metadata") or {}).get("labels") or {}
            if selector.matches(labels):
                return True
    return False


async def namespace_matches(selector: Selector, attrs: Attributes, get_namespace: NamespaceGetter) -> bool:
    """MatchNamespaceSelector: cluster-scoped objects other than namespaces always match; a
    namespace being created or updated is judged by its own new labels; a missing namespace
    refuses the request with NotFound, as upstream does."""
    if not attrs.namespace and attrs.resource.resource != "namespaces":
        return True
    if selector.empty():
        return True
    if attrs.resource.resource == "namespaces" and not attrs.subresource and attrs.obj is not None \
            and attrs.operation.value in ("CREATE", "UPDATE"):
        labels = (attrs.obj.get("metadata") or {}).get("labels") or {}
        return selector.matches(labels)
    namespace = await get_namespace(attrs.namespace)
    if namespace is None:
        raise errors.not_found(GroupResource("", "namespaces"), attrs.namespace)
    return selector.matches((namespace.get("metadata") or {}).get("labels") or {})
