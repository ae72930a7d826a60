"""The evaluator contract and object counting (upstream k8s.io/apiserver/pkg/quota/v1 Evaluator and
quota/v1/generic/evaluator.go).

An evaluator knows, for one group resource, which quota resource names it tracks, whether an
admission request can change usage, whether a quota applies to an object (at least one of the
quota's status.hard names is tracked, and every scope of the quota matches) and what one object
uses. Every resource without a dedicated evaluator is counted as `count/<resource>.<group>`
(`count/<resource>` in the core group), on create only.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery.types import Object

from ...interfaces import Attributes, Operation
from . import resources
from .resources import ResourceList

# A ScopedResourceSelectorRequirement: {"scopeName", "operator", "values"}.
ScopeSelector = dict[str, Any]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def object_count_name(group: str, resource: str) -> str:
    """ObjectCountQuotaResourceNameFor."""
    return f"count/{resource}" if not group else f"count/{resource}.{group}"


def scope_selectors(quota: Object) -> list[ScopeSelector]:
    """getScopeSelectorsFromQuota: each of spec.scopes as an Exists requirement, then the
    scopeSelector's expressions."""
    spec = _dict(quota.get("spec"))
    selectors: list[ScopeSelector] = [{"scopeName": scope, "operator": "Exists"}
                                      for scope in spec.get("scopes") or [] if isinstance(scope, str)]
    expressions = _dict(spec.get("scopeSelector")).get("matchExpressions") or []
    selectors += [e for e in expressions if isinstance(e, dict)]
    return selectors


def selector_matches(selector: ScopeSelector, labels: dict[str, str]) -> bool:
    """ScopedResourceSelectorRequirementsAsSelector(selector).Matches(labels): a one-key label
    selector whose key is the scope name."""
    key = str(selector.get("scopeName") or "")
    values = [str(v) for v in selector.get("values") or []]
    operator = selector.get("operator")
    if operator == "In":
        return key in labels and labels[key] in values
    if operator == "NotIn":
        return key not in labels or labels[key] not in values
    if operator == "Exists":
        return key in labels
    if operator == "DoesNotExist":
        return key not in labels
    return False


def status_hard(quota: Object) -> ResourceList:
    return resources.parse(_dict(quota.get("status")).get("hard"))


def status_used(quota: Object) -> ResourceList:
    return resources.parse(_dict(quota.get("status")).get("used"))


class Evaluator:
    """quota.Evaluator; this base counts objects (upstream objectCountEvaluator)."""

    def __init__(self, group: str, resource: str, alias: str = ""):
        self.group_resource = (group, resource)
        self.resource_names = [object_count_name(group, resource)] + ([alias] if alias else [])

    def constraints(self, required: list[str], obj: Object) -> str | None:
        """Why the object cannot be admitted by a quota tracking `required`, or None."""
        return None

    def handles(self, attrs: Attributes) -> bool:
        """Whether the request could change usage: object creation, not subresources."""
        return not attrs.subresource and attrs.operation == Operation.CREATE

    def matches_scope(self, selector: ScopeSelector, obj: Object) -> bool:
        """MatchesNoScopeFunc: a scoped quota never applies to plain object counts."""
        return False

    def matches(self, quota: Object, obj: Object) -> bool:
        """generic.Matches: the quota tracks one of our names in status.hard and all its scopes match."""
        if not self.matching_resources(list(status_hard(quota))):
            return False
        return all(self.matches_scope(selector, obj) for selector in scope_selectors(quota))

    def matching_resources(self, names: list[str]) -> list[str]:
        return resources.intersection(names, self.resource_names)

    def usage(self, obj: Object) -> ResourceList:
        return {name: resources.ONE for name in self.resource_names}


def has_usage_stats(quota: Object, interesting: list[str]) -> bool:
    """hasUsageStats: every tracked hard resource of the quota has a used value."""
    wanted = set(interesting)
    used = _dict(_dict(quota.get("status")).get("used"))
    return all(name in used for name in _dict(_dict(quota.get("status")).get("hard")) if name in wanted)
