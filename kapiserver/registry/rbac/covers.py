"""Whether one set of PolicyRules covers another (upstream pkg/registry/rbac/validation Covers,
BreakdownRule, ruleCovers), used by bootstrap reconciliation to find missing permissions."""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery.types import Object


def _l(rule: Object, key: str) -> list[str]:
    value: Any = rule.get(key)
    return value if isinstance(value, list) else []


def breakdown_rule(rule: Object) -> list[Object]:
    """Split a rule into atomic rules: one (group, resource, verb[, name]) or (url, verb) each."""
    subrules: list[Object] = []
    names = _l(rule, "resourceNames")
    for group in _l(rule, "apiGroups"):
        for resource in _l(rule, "resources"):
            for verb in _l(rule, "verbs"):
                if names:
                    subrules += [{"verbs": [verb], "apiGroups": [group], "resources": [resource],
                                  "resourceNames": [name]} for name in names]
                else:
                    subrules.append({"verbs": [verb], "apiGroups": [group], "resources": [resource]})
    for url in _l(rule, "nonResourceURLs"):
        subrules += [{"verbs": [verb], "nonResourceURLs": [url]} for verb in _l(rule, "verbs")]
    return subrules


def _has_all(values: list[str], wanted: list[str]) -> bool:
    return all(w in values for w in wanted)


def _resource_covers_all(owned: list[str], wanted: list[str]) -> bool:
    if "*" in owned or _has_all(owned, wanted):
        return True
    for path in wanted:
        if path in owned:
            continue
        if "/" not in path or "*/" + path.split("/", 1)[1] not in owned:
            return False
    return True


def _url_covers(owner: str, sub: str) -> bool:
    return owner == sub or (owner.endswith("*") and sub.startswith(owner.rstrip("*")))


def rule_covers(owner: Object, sub: Object) -> bool:
    verbs = "*" in _l(owner, "verbs") or _has_all(_l(owner, "verbs"), _l(sub, "verbs"))
    groups = "*" in _l(owner, "apiGroups") or _has_all(_l(owner, "apiGroups"), _l(sub, "apiGroups"))
    resources = _resource_covers_all(_l(owner, "resources"), _l(sub, "resources"))
    urls = all(any(_url_covers(o, s) for o in _l(owner, "nonResourceURLs")) for s in _l(sub, "nonResourceURLs"))
    owner_names, sub_names = _l(owner, "resourceNames"), _l(sub, "resourceNames")
    names = not owner_names or (bool(sub_names) and _has_all(owner_names, sub_names))
    return verbs and groups and resources and names and urls


def covers(owner_rules: list[Object], servant_rules: list[Object]) -> tuple[bool, list[Object]]:
    """(covered, the atomic servant rules no owner rule covers)."""
    uncovered = [sub for rule in servant_rules for sub in breakdown_rule(rule)
                 if not any(rule_covers(owner, sub) for owner in owner_rules)]
    return not uncovered, uncovered
