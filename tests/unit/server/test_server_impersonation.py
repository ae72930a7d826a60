"""Impersonation headers: what is asked for, who results, and upstream's refusals."""

from __future__ import annotations

import pytest
from multidict import CIMultiDict

from kapiserver.apimachinery.errors import StatusError
from kapiserver.apimachinery.user import UserInfo
from kapiserver.server.filters.forbidden import forbidden
from kapiserver.server.filters.impersonation import Request, build_requests, impersonated_user


def headers(*pairs: tuple[str, str]) -> CIMultiDict[str]:
    return CIMultiDict(pairs)


def test_a_user_with_groups_and_extras() -> None:
    asked = build_requests(headers(("Impersonate-User", "jane"), ("Impersonate-Group", "devs"),
                                   ("Impersonate-Group", "ops"), ("Impersonate-Extra-Scopes", "view"),
                                   ("Impersonate-Extra-Acme.com%2Fteam", "blue"), ("Impersonate-Uid", "42")))
    assert [(r.resource, r.name, r.subresource) for r in asked] == [
        ("users", "jane", ""), ("groups", "devs", ""), ("groups", "ops", ""), ("userextras", "view", "scopes"),
        ("userextras", "blue", "acme.com/team"), ("uids", "42", "")]
    user = impersonated_user(asked, groups_given=True)
    assert user == UserInfo("jane", "42", ("devs", "ops", "system:authenticated"),
                            {"scopes": ("view",), "acme.com/team": ("blue",)})


def test_a_service_account_brings_its_groups_unless_groups_are_given() -> None:
    asked = build_requests(headers(("Impersonate-User", "system:serviceaccount:team:robot")))
    assert asked == [Request("serviceaccounts", "robot", namespace="team")]
    assert impersonated_user(asked, groups_given=False).groups == (
        "system:serviceaccounts", "system:serviceaccounts:team", "system:authenticated")
    with_groups = build_requests(headers(("Impersonate-User", "system:serviceaccount:team:robot"),
                                         ("Impersonate-Group", "system:unauthenticated")))
    assert impersonated_user(with_groups, groups_given=True).groups == ("system:unauthenticated",)


def test_anonymous_is_unauthenticated() -> None:
    asked = build_requests(headers(("Impersonate-User", "system:anonymous")))
    assert impersonated_user(asked, groups_given=False).groups == ("system:unauthenticated",)


def test_nothing_asked() -> None:
    assert build_requests(headers(("Accept", "application/json"))) == []


def test_groups_without_a_user_are_a_bad_request() -> None:
    with pytest.raises(StatusError) as refused:
        build_requests(headers(("Impersonate-Group", "devs")))
    assert refused.value.status["code"] == 400
    assert refused.value.status["message"] == "requested [{Group  devs    }] without impersonating a user"


def test_forbidden_message() -> None:
    err = forbidden(Request("users", "jane").attributes(UserInfo("bob")), "")
    assert err.status["message"] == ('users "jane" is forbidden: User "bob" cannot impersonate resource "users" in '
                                     'API group "" at the cluster scope')
    err = forbidden(Request("serviceaccounts", "robot", namespace="team").attributes(UserInfo("bob")),
                    "no RBAC policy matched")
    assert err.status["message"] == ('serviceaccounts "robot" is forbidden: User "bob" cannot impersonate resource '
                                     '"serviceaccounts" in API group "" in the namespace "team": no RBAC policy matched')
