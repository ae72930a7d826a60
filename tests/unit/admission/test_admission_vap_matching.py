"""Matching a request against matchConstraints / matchResources (upstream policy/matching)."""

from __future__ import annotations

import asyncio
from typing import Any

from kapiserver.admission.interfaces import Attributes, Operation
from kapiserver.admission.plugins.policy import matching
from kapiserver.apimachinery.schema import GroupVersionKind, GroupVersionResource
from kapiserver.apimachinery.user import UserInfo

NAMESPACES = {"test": {"metadata": {"name": "test", "labels": {"environment": "test"}}}}
RULE = {"apiGroups": ["apps"], "apiVersions": ["v1"], "operations": ["CREATE"], "resources": ["deployments"]}


async def _get(name: str) -> dict[str, Any] | None:
    return NAMESPACES.get(name)


def request(name: str = "web", namespace: str = "test", operation: Operation = Operation.CREATE,
            resource: str = "deployments", subresource: str = "", labels: dict[str, str] | None = None) -> Attributes:
    obj = {"metadata": {"name": name, "namespace": namespace, "labels": labels or {}}}
    return Attributes(operation, GroupVersionKind("apps", "v1", "Deployment"), GroupVersionResource("apps", "v1", resource),
                      subresource, namespace, name, obj, None, UserInfo("u"))


def matches(match: dict[str, Any], attrs: Attributes) -> bool:
    return asyncio.run(matching.matches(match, attrs, _get))


def test_resource_rules() -> None:
    assert matches({"resourceRules": [RULE]}, request())
    assert not matches({"resourceRules": [RULE]}, request(operation=Operation.UPDATE))
    assert not matches({"resourceRules": [RULE]}, request(subresource="scale"))
    assert matches({"resourceRules": [dict(RULE, resources=["deployments/*"])]}, request(subresource="scale"))
    assert matches({"resourceRules": [dict(RULE, resources=["*"], operations=["*"])]},
                   request(operation=Operation.DELETE))
    assert not matches({"resourceRules": [dict(RULE, resourceNames=["other"])]}, request())
    assert matches({"resourceRules": [dict(RULE, resourceNames=["web"])]}, request())
    assert not matches({"resourceRules": [dict(RULE, scope="Cluster")]}, request())
    assert matches({"resourceRules": [dict(RULE, scope="Namespaced")]}, request())
    assert matches({}, request())


def test_exclude_rules_win() -> None:
    assert not matches({"resourceRules": [RULE], "excludeResourceRules": [dict(RULE, resourceNames=["web"])]},
                       request())
    assert matches({"resourceRules": [RULE], "excludeResourceRules": [dict(RULE, resourceNames=["x"])]}, request())


def test_selectors() -> None:
    selector = {"matchLabels": {"environment": "test"}}
    assert matches({"resourceRules": [RULE], "namespaceSelector": selector}, request())
    assert not matches({"resourceRules": [RULE], "namespaceSelector": {"matchLabels": {"environment": "prod"}}},
                       request())
    expression = {"matchExpressions": [{"key": "app", "operator": "In", "values": ["web"]}]}
    assert matches({"objectSelector": expression}, request(labels={"app": "web"}))
    assert not matches({"objectSelector": expression}, request(labels={"app": "db"}))
