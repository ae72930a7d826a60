"""Token reviews, self subject reviews, and TokenRequest: defaults, validation, bindings, upstream's claims and
a verifiable ES256 signature."""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from kapiserver.apimachinery import errors
from kapiserver.apimachinery.schema import GroupResource
from kapiserver.apimachinery.user import UserInfo
from kapiserver.authentication.interfaces import AuthenticationError, AuthRequest
from kapiserver.authentication.serviceaccount_jwt import JWTTokenGenerator, key_id, load_or_create_signing_key
from kapiserver.registry.authentication.selfsubjectreviews import SelfSubjectReviewREST
from kapiserver.registry.authentication.tokenreviews import TokenReviewREST
from kapiserver.registry.core.serviceaccounts_token import TokenREST, claims, validate_token_request
from kapiserver.registry.rest import CreateOptions, GetOptions, RequestContext

ISSUER = "https://kubernetes.default.svc.cluster.local"


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


class Tokens:
    """Knows one bearer token; refuses another loudly."""

    async def authenticate(self, request: AuthRequest) -> UserInfo | None:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token == "bad":
            raise AuthenticationError("token expired")
        return UserInfo("bob", "1", ("g",)) if token == "good" else None


def test_token_review() -> None:
    rest = TokenReviewREST(Tokens())
    ctx = RequestContext()
    good = run(rest.create(ctx, {"spec": {"token": "good"}}, None, CreateOptions()))
    assert good["status"] == {"authenticated": True, "user": {"username": "bob", "uid": "1", "groups": ["g"]}}
    assert run(rest.create(ctx, {"spec": {"token": "x"}}, None, CreateOptions()))["status"] == {"user": {}}
    assert run(rest.create(ctx, {"spec": {"token": "bad"}}, None, CreateOptions()))["status"] == {
        "error": "token expired", "user": {}}
    with pytest.raises(errors.StatusError, match="token is required for TokenReview in authentication"):
        run(rest.create(ctx, {"spec": {}}, None, CreateOptions()))


def test_self_subject_review_answers_the_caller() -> None:
    ctx = RequestContext(user=UserInfo("admin", groups=("system:masters", "system:authenticated")))
    out = run(SelfSubjectReviewREST().create(ctx, {}, None, CreateOptions()))
    assert out["status"] == {"userInfo": {"username": "admin", "groups": ["system:masters", "system:authenticated"]}}
    assert out["metadata"]["creationTimestamp"].endswith("Z")


def test_signing_key_is_created_once(tmp_path: Path) -> None:
    first = load_or_create_signing_key(tmp_path / "sa.key")
    again = load_or_create_signing_key(tmp_path / "sa.key")
    assert key_id(first.public_key()) == key_id(again.public_key())
    assert (tmp_path / "sa.key").stat().st_mode & 0o777 == 0o600


def test_jwt_is_a_verifiable_es256_jws(tmp_path: Path) -> None:
    key = load_or_create_signing_key(tmp_path / "sa.key")
    token = JWTTokenGenerator(ISSUER, key).generate_token({"sub": "x", "aud": ["a"]})
    header, payload, signature = token.split(".")
    assert json.loads(b64(header)) == {"alg": "ES256", "kid": key_id(key.public_key())}
    assert json.loads(b64(payload)) == {"aud": ["a"], "iss": ISSUER, "sub": "x"}
    raw = b64(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key.public_key().verify(der, f"{header}.{payload}".encode(), ec.ECDSA(hashes.SHA256()))


def test_token_request_validation_and_claims() -> None:
    assert [str(e) for e in validate_token_request({"spec": {"expirationSeconds": 300}})] == [
        "spec.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes"]
    assert validate_token_request({"spec": {"expirationSeconds": 3600}}) == []
    sa = {"metadata": {"name": "default", "namespace": "ns", "uid": "sa-uid"}}
    pod = {"metadata": {"name": "p", "uid": "pod-uid"}}
    out = claims(sa, pod, None, {"metadata": {"name": "n1"}}, 3600, 0, ["api"], 1000.9)
    jti = out.pop("jti")
    assert len(jti) == 36 and out == {
        "sub": "system:serviceaccount:ns:default", "aud": ["api"], "iat": 1000, "nbf": 1000, "exp": 4600,
        "kubernetes.io": {"namespace": "ns", "serviceaccount": {"name": "default", "uid": "sa-uid"},
                          "pod": {"name": "p", "uid": "pod-uid"}, "node": {"name": "n1"}}}


class Accounts:
    """The serviceaccounts Store's get (a stored ServiceAccount)."""

    async def get(self, ctx: RequestContext, name: str, options: GetOptions) -> dict[str, Any]:
        if name != "default":
            raise errors.not_found(GroupResource("", "serviceaccounts"), name)
        return {"metadata": {"name": "default", "namespace": ctx.namespace, "uid": "sa-uid"}}


class Signer:
    issuer = ISSUER

    def __init__(self) -> None:
        self.claims: dict[str, Any] = {}

    def generate_token(self, claims: dict[str, Any]) -> str:
        self.claims = claims
        return "signed"


def test_token_request() -> None:
    pods = {("ns", "web"): {"metadata": {"name": "web", "uid": "pod-uid"},
                            "spec": {"serviceAccountName": "default", "nodeName": "n1"}},
            ("ns", "other"): {"metadata": {"name": "other", "uid": "o"}, "spec": {"serviceAccountName": "x"}}}

    async def get_pod(namespace: str, name: str) -> dict[str, Any] | None:
        return pods.get((namespace, name))

    async def nothing(namespace: str, name: str) -> dict[str, Any] | None:
        return None

    signer = Signer()
    rest = TokenREST(Accounts(), signer, [ISSUER], {"pods": get_pod, "secrets": nothing, "nodes": nothing})
    ctx = RequestContext(namespace="ns", name="default")
    out = run(rest.create(ctx, {"spec": {}}, None, CreateOptions()))
    assert out["spec"] == {"expirationSeconds": 3600, "audiences": [ISSUER]}
    assert out["metadata"]["name"] == "default" and out["metadata"]["namespace"] == "ns"
    assert out["status"]["token"] == "signed" and out["status"]["expirationTimestamp"].endswith("Z")
    assert ctx.audit_annotations == {"authentication.kubernetes.io/issued-credential-id": f"JTI={signer.claims['jti']}"}
    bound = {"spec": {"expirationSeconds": 3607, "boundObjectRef": {"kind": "Pod", "apiVersion": "v1", "name": "web"}}}
    run(rest.create(ctx, bound, None, CreateOptions()))
    assert signer.claims["kubernetes.io"]["pod"] == {"name": "web", "uid": "pod-uid"}
    assert signer.claims["kubernetes.io"]["node"] == {"name": "n1"}
    assert signer.claims["exp"] - signer.claims["iat"] == 365 * 24 * 3600  # the extended bound-token lifetime
    assert signer.claims["kubernetes.io"]["warnafter"] == signer.claims["iat"] + 3607
    wrong = {"spec": {"boundObjectRef": {"kind": "Pod", "apiVersion": "v1", "name": "other"}}}
    with pytest.raises(errors.StatusError, match='cannot bind token for serviceaccount "default" to pod running '
                                                 "with different serviceaccount name."):
        run(rest.create(ctx, wrong, None, CreateOptions()))
    uid = {"spec": {"boundObjectRef": {"kind": "Pod", "apiVersion": "v1", "name": "web", "uid": "nope"}}}
    with pytest.raises(errors.StatusError) as caught:
        run(rest.create(ctx, uid, None, CreateOptions()))
    assert caught.value.status["code"] == 409
    short = {"spec": {"expirationSeconds": 60}}
    with pytest.raises(errors.StatusError) as caught:
        run(rest.create(ctx, short, None, CreateOptions()))
    assert caught.value.status["message"] == (
        'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: may not '
        "specify a duration less than 10 minutes")
    with pytest.raises(errors.StatusError) as caught:
        run(rest.create(ctx, {"metadata": {"name": "other"}, "spec": {}}, None, CreateOptions()))
    assert "metadata.name: Invalid value: \"other\": must match the service account name if specified" in \
        caught.value.status["message"]
