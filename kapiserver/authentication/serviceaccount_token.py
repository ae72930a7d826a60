"""Service account bearer tokens (upstream pkg/serviceaccount/jwt.go JWTTokenAuthenticator and the
claims validator of claims.go).

A bearer token that is not a JWT, or names another issuer, is not this authenticator's: it
passes (None), and the request is unauthenticated unless another authenticator knows it. A token
of our issuer must carry our signature, an audience the server accepts (the API audiences, which
default to the issuer), be within its validity window (a minute of leeway, as go-jose's), and
its bound objects must still exist with the uids the token names: the service account, and the
pod, secret or node it was bound to. Failures are upstream's messages.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from kapiserver.apimachinery import timefmt
from kapiserver.apimachinery.types import Object
from kapiserver.apimachinery.user import UserInfo

from .interfaces import AuthenticationError, AuthRequest, TokenResponse

# Reads an object by (resource, namespace, name): serviceaccounts, pods, secrets, nodes ("" namespace).
ObjectGetter = Callable[[str, str, str], Awaitable[Object | None]]

LEEWAY_SECONDS = 60  # go-jose's jwt.DefaultLeeway
SERVICE_ACCOUNTS_GROUP = "system:serviceaccounts"
POD_NAME_KEY = "authentication.kubernetes.io/pod-name"
POD_UID_KEY = "authentication.kubernetes.io/pod-uid"
NODE_NAME_KEY = "authentication.kubernetes.io/node-name"
NODE_UID_KEY = "authentication.kubernetes.io/node-uid"
CREDENTIAL_ID_KEY = "authentication.kubernetes.io/credential-id"
INVALIDATED = "service account token has been invalidated"


def bearer_token(headers: Any) -> str:
    """upstream bearertoken: `Authorization: Bearer <token>`, the scheme in any case."""
    scheme, _, token = str(headers.get("Authorization", "")).strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _decode_part(part: str) -> dict[str, Any] | None:
    try:
        value = json.loads(_b64decode(part))
    except (ValueError, binascii.Error):
        return None
    return value if isinstance(value, dict) else None


def _audiences(claims: dict[str, Any]) -> list[str]:
    aud = claims.get("aud")
    if isinstance(aud, str):
        return [aud]
    return [str(a) for a in aud] if isinstance(aud, list) else []


def _go_quoted_list(values: Sequence[str]) -> str:
    """Go's %q of a []string: ["a" "b"]."""
    return "[" + " ".join(json.dumps(v) for v in values) + "]"


def _ref(claim: Any) -> dict[str, str] | None:
    if not isinstance(claim, dict):
        return None
    return {"name": str(claim.get("name") or ""), "uid": str(claim.get("uid") or "")}


def _uid(obj: Object) -> str:
    return str((obj.get("metadata") or {}).get("uid") or "")


def _deleted_before(obj: Object, instant: float) -> bool:
    stamp = (obj.get("metadata") or {}).get("deletionTimestamp")
    return bool(stamp) and timefmt.parse_time(str(stamp)).timestamp() < instant


class ServiceAccountTokenAuthenticator:
    def __init__(self, issuers: Sequence[str], public_key: ec.EllipticCurvePublicKey, audiences: Sequence[str],
                 get: ObjectGetter, now: Callable[[], float] = time.time):
        self._issuers = frozenset(issuers)
        self._key = public_key
        self._audiences = list(audiences)
        self._get = get
        self._now = now

    async def authenticate(self, request: AuthRequest) -> UserInfo | None:
        response = await self.authenticate_token(bearer_token(request.headers))
        return response.user if response is not None else None

    async def authenticate_token(self, token: str, audiences: Sequence[str] = ()) -> TokenResponse | None:
        """`audiences` are those the caller wants the token for (the server's own when empty); the
        token is accepted for those of them it names (a token without audiences names the server's)."""
        parts = token.split(".") if token else []
        if len(parts) != 3:
            return None
        header, claims = _decode_part(parts[0]), _decode_part(parts[1])
        if header is None or claims is None or claims.get("iss") not in self._issuers:
            return None
        self._verify_signature(header, parts)
        token_audiences = _audiences(claims) or self._audiences
        requested = list(audiences) or self._audiences
        accepted = tuple(a for a in token_audiences if a in requested)
        if not accepted:
            raise AuthenticationError(f"token audiences {_go_quoted_list(token_audiences)} is invalid for the target "
                                      f"audiences {_go_quoted_list(requested)}")
        return TokenResponse(await self._validate(claims), accepted)

    def _verify_signature(self, header: dict[str, Any], parts: list[str]) -> None:
        if header.get("alg") != "ES256":
            raise AuthenticationError("square/go-jose: error in cryptographic primitive")
        try:
            raw = _b64decode(parts[2])
            if len(raw) != 64:
                raise InvalidSignature
            signature = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
            self._key.verify(signature, f"{parts[0]}.{parts[1]}".encode(), ec.ECDSA(hashes.SHA256()))
        except (InvalidSignature, ValueError, binascii.Error) as exc:
            raise AuthenticationError("square/go-jose: error in cryptographic primitive") from exc

    async def _validate(self, claims: dict[str, Any]) -> UserInfo:
        """upstream validator.Validate: the time window, then the bound objects."""
        now = self._now()
        expiry, not_before = claims.get("exp"), claims.get("nbf")
        if isinstance(expiry, (int, float)) and now > expiry + LEEWAY_SECONDS:
            raise AuthenticationError("service account token has expired")
        if isinstance(not_before, (int, float)) and now < not_before - LEEWAY_SECONDS:
            raise AuthenticationError("service account token is not valid yet")
        private = claims.get("kubernetes.io")
        if not isinstance(private, dict) or _ref(private.get("serviceaccount")) is None:
            raise AuthenticationError("service account token claims could not be validated due to unexpected "
                                      "private claim")
        namespace = str(private.get("namespace") or "")
        invalid_if_deleted_before = now - LEEWAY_SECONDS
        sa_ref = _ref(private.get("serviceaccount")) or {}
        account = await self._get("serviceaccounts", namespace, sa_ref["name"])
        if account is None:
            raise AuthenticationError(f'serviceaccounts "{sa_ref["name"]}" not found')
        if _deleted_before(account, invalid_if_deleted_before):
            raise AuthenticationError(f"service account {namespace}/{sa_ref['name']} has been deleted")
        if _uid(account) != sa_ref["uid"]:
            raise AuthenticationError(f"service account UID ({_uid(account)}) does not match claim ({sa_ref['uid']})")
        extra: dict[str, tuple[str, ...]] = {}
        for resource, kind in (("secrets", "secret"), ("pods", "pod"), ("nodes", "node")):
            ref = _ref(private.get(kind))
            if ref is None:
                continue
            bound = await self._get(resource, "" if resource == "nodes" else namespace, ref["name"])
            if bound is None or _deleted_before(bound, invalid_if_deleted_before):
                raise AuthenticationError(INVALIDATED)
            if ref["uid"] != _uid(bound) and (ref["uid"] or resource != "nodes"):  # a node's uid is optional
                raise AuthenticationError(f"{kind} UID ({_uid(bound)}) does not match service account {kind} ref "
                                          f"claim ({ref['uid']})")
            if resource == "pods":
                extra[POD_NAME_KEY], extra[POD_UID_KEY] = (ref["name"],), (ref["uid"],)
            elif resource == "nodes":
                extra[NODE_NAME_KEY] = (ref["name"],)
                if ref["uid"]:
                    extra[NODE_UID_KEY] = (ref["uid"],)
        if claims.get("jti"):
            extra[CREDENTIAL_ID_KEY] = (f"JTI={claims['jti']}",)
        return UserInfo(f"system:serviceaccount:{namespace}:{sa_ref['name']}", sa_ref["uid"],
                        (SERVICE_ACCOUNTS_GROUP, f"{SERVICE_ACCOUNTS_GROUP}:{namespace}"), extra)
