"""Access reviews: upstream's validation messages, the caller or the named subject asked about, the
authorizer's decision in status, rules reviews, and the discovery facts of create-only kinds."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from kapiserver.apimachinery import errors
from kapiserver.apimachinery.user import UserInfo
from kapiserver.endpoints.installer import api_resource, verbs_of
from kapiserver.registry import authorization
from kapiserver.registry.authorization.decision import ALWAYS_ALLOW, Attributes, Decision, Rules
from kapiserver.registry.authorization.selfsubjectrulesreviews import SelfSubjectRulesReviewREST
from kapiserver.registry.authorization.subjectaccessreviews import (
    AccessReviewREST,
    attributes_from,
    validate_local_subject_access_review,
    validate_self_subject_access_review,
    validate_subject_access_review,
)
from kapiserver.registry.rest import CreateOptions, RequestContext

ALICE = UserInfo("alice", groups=("devs", "system:authenticated"))


class DenySecrets:
    """An authorizer with opinions: secrets are denied, the rest has none."""

    def __init__(self) -> None:
        self.asked: list[Attributes] = []

    async def authorize(self, attrs: Attributes) -> tuple[Decision, str, str]:
        self.asked.append(attrs)
        if attrs.resource == "secrets":
            return Decision.DENY, "secrets are off limits", ""
        return Decision.NO_OPINION, "", "webhook unreachable"

    async def rules_for(self, user: UserInfo, namespace: str) -> Rules:
        return Rules([{"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]}], [], True, "partial")


def messages(errs: Any) -> list[str]:
    return [str(e) for e in errs]


def test_subject_access_review_validation() -> None:
    assert messages(validate_subject_access_review({"spec": {}})) == [
        ("spec.resourceAttributes: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes "
        "must be specified"),
        'spec.user: Invalid value: "": at least one of user or group must be specified']
    both = {"spec": {"user": "bob", "resourceAttributes": {"verb": "get"},
                     "nonResourceAttributes": {"verb": "get", "path": "/healthz"}}, "metadata": {"name": "x"}}
    assert messages(validate_subject_access_review(both)) == [
        ('spec.nonResourceAttributes: Invalid value: {"path":"/healthz","verb":"get"}: cannot be specified in '
        "combination with resourceAttributes"),
        'metadata: Invalid value: {"name":"x"}: must be empty']
    selectors = {"spec": {"groups": ["g"], "resourceAttributes": {
        "fieldSelector": {}, "labelSelector": {"rawSelector": "a=b", "requirements": [{"key": "a", "operator": "In"}]}}}}
    assert messages(validate_subject_access_review(selectors)) == [
        ("spec.resourceAttributes.fieldSelector.requirements: Required value: when "
        "spec.resourceAttributes.fieldSelector is specified, requirements or rawSelector is required"),
        ('spec.resourceAttributes.labelSelector.rawSelector: Invalid value: "a=b": may not specified at the same time '
        "as requirements"),
        ("spec.resourceAttributes.labelSelector.requirements[0].values: Required value: must be specified when "
        "`operator` is 'In' or 'NotIn'")]


def test_self_and_local_review_validation() -> None:
    assert validate_self_subject_access_review({"spec": {"resourceAttributes": {"verb": "get"}}}) == []
    local = {"metadata": {"namespace": "ns"},
             "spec": {"user": "bob", "resourceAttributes": {"namespace": "other"}, "nonResourceAttributes": {}}}
    assert messages(validate_local_subject_access_review(local)) == [
        "spec.nonResourceAttributes: Invalid value: {}: cannot be specified in combination with resourceAttributes",
        'spec.resourceAttributes.namespace: Invalid value: "other": must match metadata.namespace',
        "spec.nonResourceAttributes: Invalid value: {}: disallowed on this kind of request"]


def test_attributes_match_all_versions_when_none_is_given() -> None:
    attrs = attributes_from(ALICE, {"resourceAttributes": {"verb": "list", "resource": "pods", "namespace": "ns"}})
    assert (attrs.verb, attrs.api_version, attrs.resource, attrs.resource_request) == ("list", "*", "pods", True)
    path = attributes_from(ALICE, {"nonResourceAttributes": {"verb": "get", "path": "/version"}})
    assert (path.resource_request, path.path) == (False, "/version")


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_self_review_asks_about_the_caller() -> None:
    authorizer = DenySecrets()
    rest = AccessReviewREST("SelfSubjectAccessReview", authorizer)
    ctx = RequestContext(user=ALICE)
    out = run(rest.create(ctx, {"spec": {"resourceAttributes": {"verb": "get", "resource": "secrets"}}}, None,
                          CreateOptions()))
    assert out["status"] == {"allowed": False, "denied": True, "reason": "secrets are off limits"}
    assert authorizer.asked[0].user == ALICE
    out = run(rest.create(ctx, {"spec": {"resourceAttributes": {"verb": "get", "resource": "pods"}}}, None,
                          CreateOptions()))
    assert out["status"] == {"allowed": False, "evaluationError": "webhook unreachable"}


def test_subject_review_asks_about_the_named_user() -> None:
    authorizer = DenySecrets()
    rest = AccessReviewREST("SubjectAccessReview", authorizer)
    body = {"spec": {"user": "bob", "groups": ["g"], "uid": "7", "extra": {"k": ["v"]},
                     "resourceAttributes": {"verb": "get", "resource": "pods"}}}
    run(rest.create(RequestContext(user=ALICE), body, None, CreateOptions()))
    assert authorizer.asked[0].user == UserInfo("bob", "7", ("g",), {"k": ("v",)})
    with pytest.raises(errors.StatusError) as caught:
        run(rest.create(RequestContext(user=ALICE), {"spec": {"resourceAttributes": {}}}, None, CreateOptions()))
    assert caught.value.status["message"] == (
        'SubjectAccessReview.authorization.k8s.io "" is invalid: spec.user: Invalid value: "": at least one of user '
        "or group must be specified")


def test_always_allow_allows_everything() -> None:
    rest = AccessReviewREST("SelfSubjectAccessReview", ALWAYS_ALLOW)
    out = run(rest.create(RequestContext(user=ALICE), {"spec": {"nonResourceAttributes": {"verb": "get"}}}, None,
                          CreateOptions()))
    assert out["status"] == {"allowed": True}


def test_local_review_must_match_its_namespace() -> None:
    rest = AccessReviewREST("LocalSubjectAccessReview", ALWAYS_ALLOW)
    body = {"metadata": {"namespace": "a"}, "spec": {"user": "u", "resourceAttributes": {"namespace": "a"}}}
    with pytest.raises(errors.StatusError) as caught:
        run(rest.create(RequestContext(namespace="b", user=ALICE), body, None, CreateOptions()))
    assert caught.value.status["message"] == "spec.resourceAttributes.namespace must match namespace: b"


def test_rules_review() -> None:
    out = run(SelfSubjectRulesReviewREST(DenySecrets()).create(
        RequestContext(user=ALICE), {"spec": {"namespace": "ns"}}, None, CreateOptions()))
    assert out == {"kind": "SelfSubjectRulesReview", "apiVersion": "authorization.k8s.io/v1", "metadata": {},
                   "spec": {}, "status": {"resourceRules": [{"verbs": ["get"], "apiGroups": [""],
                                                             "resources": ["pods"]}],
                                          "nonResourceRules": [], "incomplete": True, "evaluationError": "partial"}}
    with pytest.raises(errors.StatusError, match="no namespace on request"):
        run(SelfSubjectRulesReviewREST(ALWAYS_ALLOW).create(RequestContext(user=ALICE), {"spec": {}}, None,
                                                            CreateOptions()))


def test_discovery_rows_are_create_only_and_unstored() -> None:
    info = authorization.provider().new_rest_storage(lambda spec: None, lambda g, v, r: True)  # type: ignore[arg-type,return-value]
    assert info is not None
    rows = [api_resource(e, frozenset(verbs_of(e))) for e in info.versions["v1"]]
    assert [r["name"] for r in rows] == ["localsubjectaccessreviews", "selfsubjectaccessreviews",
                                         "selfsubjectrulesreviews", "subjectaccessreviews"]
    assert rows[0] == {"name": "localsubjectaccessreviews", "singularName": "localsubjectaccessreview",
                       "namespaced": True, "kind": "LocalSubjectAccessReview", "verbs": ["create"]}
