"""Service account bearer tokens: what authenticates, and upstream's refusals."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from kapiserver.authentication.interfaces import AuthenticationError, AuthRequest
from kapiserver.authentication.serviceaccount_jwt import JWTTokenGenerator
from kapiserver.authentication.serviceaccount_token import ServiceAccountTokenAuthenticator, bearer_token
from kapiserver.registry.core.serviceaccounts_token import claims

ISSUER = "https://kubernetes.default.svc.cluster.local"
NOW = 1_800_000_000.0
KEY = ec.generate_private_key(ec.SECP256R1())
SA = {"metadata": {"name": "robot", "namespace": "team", "uid": "sa-uid"}}
POD = {"metadata": {"name": "web-0", "namespace": "team", "uid": "pod-uid"}}


def token(sa: dict[str, Any] = SA, pod: dict[str, Any] | None = None, audiences: list[str] | None = None,
          issued: float = NOW, key: ec.EllipticCurvePrivateKey = KEY, issuer: str = ISSUER) -> str:
    return JWTTokenGenerator(issuer, key).generate_token(
        claims(sa, pod, None, None, 3600, 0, audiences or [ISSUER], issued))


def authenticate(value: str, objects: dict[tuple[str, str], dict[str, Any]] | None = None, now: float = NOW) -> Any:
    store = {("serviceaccounts", "robot"): SA, ("pods", "web-0"): POD} if objects is None else objects

    async def get(resource: str, namespace: str, name: str) -> dict[str, Any] | None:
        return store.get((resource, name))

    authenticator = ServiceAccountTokenAuthenticator([ISSUER], KEY.public_key(), [ISSUER], get, now=lambda: now)
    return asyncio.run(authenticator.authenticate(AuthRequest({"Authorization": f"Bearer {value}"}, None)))


def test_a_bound_token_names_the_service_account_and_its_pod() -> None:
    user = authenticate(token(pod=POD))
    assert (user.name, user.uid) == ("system:serviceaccount:team:robot", "sa-uid")
    assert user.groups == ("system:serviceaccounts", "system:serviceaccounts:team")
    assert user.extra["authentication.kubernetes.io/pod-name"] == ("web-0",)
    assert user.extra["authentication.kubernetes.io/pod-uid"] == ("pod-uid",)
    assert user.extra["authentication.kubernetes.io/credential-id"][0].startswith("JTI=")


@pytest.mark.parametrize("value", ["", "opaque-token", "a.b", "not.json.at-all"])
def test_tokens_that_are_not_ours_pass(value: str) -> None:
    assert authenticate(value) is None


def test_another_issuer_passes() -> None:
    assert authenticate(token(issuer="https://other.example.com")) is None


@pytest.mark.parametrize(("make", "now", "message"), [
    (lambda: token(key=ec.generate_private_key(ec.SECP256R1())), NOW,
     "square/go-jose: error in cryptographic primitive"),
    (lambda: token(audiences=["vault"]), NOW,
     'token audiences ["vault"] is invalid for the target audiences ["https://kubernetes.default.svc.cluster.local"]'),
    (lambda: token(), NOW + 3600 + 61, "service account token has expired"),
    (lambda: token(), NOW - 61, "service account token is not valid yet"),
])
def test_refusals(make: Any, now: float, message: str) -> None:
    with pytest.raises(AuthenticationError) as refused:
        authenticate(make(), now=now)
    assert str(refused.value) == message


def test_deleted_or_replaced_objects_invalidate_the_token() -> None:
    with pytest.raises(AuthenticationError, match='^serviceaccounts "robot" not found$'):
        authenticate(token(), objects={})
    replaced = {"metadata": {**SA["metadata"], "uid": "new-uid"}}
    with pytest.raises(AuthenticationError, match=r"^service account UID \(new-uid\) does not match claim \(sa-uid\)$"):
        authenticate(token(), objects={("serviceaccounts", "robot"): replaced})
    with pytest.raises(AuthenticationError, match="^service account token has been invalidated$"):
        authenticate(token(pod=POD), objects={("serviceaccounts", "robot"): SA})
    deleted = {"metadata": {**SA["metadata"], "deletionTimestamp": "2020-01-01T00:00:00Z"}}
    with pytest.raises(AuthenticationError, match="^service account team/robot has been deleted$"):
        authenticate(token(), objects={("serviceaccounts", "robot"): deleted})


def test_bearer_scheme_in_any_case() -> None:
    assert bearer_token({"Authorization": "bearer abc"}) == "abc"
    assert bearer_token({"Authorization": "Basic abc"}) == ""


def test_a_review_asks_for_its_own_audiences() -> None:
    async def get(resource: str, namespace: str, name: str) -> dict[str, Any] | None:
        return SA if resource == "serviceaccounts" else None

    authenticator = ServiceAccountTokenAuthenticator([ISSUER], KEY.public_key(), [ISSUER], get, now=lambda: NOW)
    vault = token(audiences=["vault", "other"])
    response = asyncio.run(authenticator.authenticate_token(vault, ["vault"]))
    assert response is not None and response.audiences == ("vault",)
    assert asyncio.run(authenticator.authenticate_token(token(), [])).audiences == (ISSUER,)
    with pytest.raises(AuthenticationError) as refused:
        asyncio.run(authenticator.authenticate_token(vault, ["elsewhere"]))
    assert str(refused.value) == 'token audiences ["vault" "other"] is invalid for the target audiences ["elsewhere"]'
