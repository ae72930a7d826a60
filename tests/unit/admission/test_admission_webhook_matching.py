"""Rules, selectors and match conditions of admission webhooks."""

from __future__ import annotations

import asyncio

import pytest

from kapiserver.admission.interfaces import Attributes, Operation
from kapiserver.admission.plugins.webhook import matching
from kapiserver.admission.plugins.webhook.matchconditions import MatchConditionError, Matcher
from kapiserver.apimachinery import errors, labels
from kapiserver.apimachinery.schema import GroupVersionKind, GroupVersionResource
from kapiserver.apimachinery.user import UserInfo


def _attrs(resource: str = "pods", sub: str = "", namespace: str = "ns", op: Operation = Operation.CREATE,
           obj: dict | None = None, old: dict | None = None, group: str = "") -> Attributes:
    return Attributes(op, GroupVersionKind(group, "v1", "Pod"), GroupVersionResource(group, "v1", resource), sub,
                      namespace, "n", obj, old, UserInfo("alice"))


RULE = {"operations": ["CREATE"], "apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"]}


def test_rules() -> None:
    assert matching.rule_matches(RULE, _attrs())
    assert not matching.rule_matches(RULE, _attrs(op=Operation.DELETE))
    assert not matching.rule_matches(RULE, _attrs(sub="status"))
    assert matching.rule_matches(dict(RULE, resources=["pods/*"]), _attrs(sub="status"))
    assert matching.rule_matches(dict(RULE, resources=["pods/*"]), _attrs())  # "*" also matches ""
    assert matching.rule_matches(dict(RULE, resources=["*"]), _attrs())
    assert not matching.rule_matches(dict(RULE, resources=["*"]), _attrs(sub="status"))
    assert matching.rule_matches(dict(RULE, resources=["*/status"]), _attrs(sub="status"))
    assert matching.rule_matches(dict(RULE, operations=["*"], apiGroups=["*"], apiVersions=["*"]),
                                 _attrs(op=Operation.UPDATE, group="apps"))
    assert not matching.rule_matches(dict(RULE, scope="Cluster"), _attrs())
    assert matching.rule_matches(dict(RULE, scope="Namespaced"), _attrs())
    namespaces = dict(RULE, resources=["namespaces"])
    assert matching.rule_matches(dict(namespaces, scope="Cluster"), _attrs("namespaces", namespace="x"))
    assert not matching.rule_matches(dict(namespaces, scope="Namespaced"), _attrs("namespaces", namespace="x"))


def test_exempt() -> None:
    assert matching.is_exempt(GroupVersionResource("admissionregistration.k8s.io", "v1",
                                                   "validatingwebhookconfigurations"))
    assert not matching.is_exempt(GroupVersionResource("", "v1", "pods"))


def test_object_selector_matches_new_or_old() -> None:
    sel = labels.selector_from_label_selector({"matchLabels": {"a": "b"}})
    assert matching.object_matches(sel, _attrs(obj={"metadata": {"labels": {"a": "b"}}}))
    assert matching.object_matches(sel, _attrs(obj=None, old={"metadata": {"labels": {"a": "b"}}}))
    assert not matching.object_matches(sel, _attrs(obj={"metadata": {}}))
    assert matching.object_matches(labels.EVERYTHING, _attrs())


def test_namespace_selector() -> None:
    sel = labels.selector_from_label_selector({"matchLabels": {"team": "x"}})
    spaces = {"ns": {"metadata": {"name": "ns", "labels": {"team": "x"}}}}

    async def get(name: str) -> dict | None:
        return spaces.get(name)

    run = asyncio.run
    assert run(matching.namespace_matches(sel, _attrs(), get))
    assert run(matching.namespace_matches(sel, _attrs("nodes", namespace=""), get))
    ns_obj = {"metadata": {"name": "new", "labels": {"team": "x"}}}
    assert run(matching.namespace_matches(sel, _attrs("namespaces", namespace="new", obj=ns_obj), get))
    with pytest.raises(errors.StatusError) as caught:
        run(matching.namespace_matches(sel, _attrs(namespace="gone"), get))
    assert caught.value.code == 404 and caught.value.message == 'namespaces "gone" not found'


def test_match_conditions() -> None:
    conditions = [{"name": "not-alice", "expression": "request.userInfo.username != 'alice'"}]
    request = {"userInfo": {"username": "alice"}}
    result = Matcher(conditions, True).match({}, None, request)
    assert not result.matches and result.failed_condition == "not-alice"
    assert Matcher(conditions, True).match({}, None, {"userInfo": {"username": "bob"}}).matches
    broken = [{"name": "b", "expression": "object.metadata.missing == 'x'"}]
    assert not Matcher(broken, False).match({"metadata": {}}, None, request).matches
    with pytest.raises(MatchConditionError, match="no such key: missing"):
        Matcher(broken, True).match({"metadata": {}}, None, request)
