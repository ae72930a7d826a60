"""Service account issuer discovery (upstream pkg/routes/openidmetadata.go and
pkg/serviceaccount/openidmetadata.go).

Relying parties outside the cluster verify service account tokens with the issuer's OIDC
provider configuration and its JSON Web Key Set; kube-apiserver serves both whenever the
issuer is an https URL. The configuration is rendered per request: its JWKS URI names the
address the server listens on, known only once it does.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import orjson
from cryptography.hazmat.primitives.asymmetric import ec

from kapiserver.authentication import serviceaccount_jwt
from kapiserver.endpoints.responses import write_document
from kapiserver.server.genericapiserver import GenericAPIServer, PathHandler

OPENID_CONFIG_PATH = "/.well-known/openid-configuration"
JWKS_PATH = "/openid/v1/jwks"
# upstream's GetCacheAgeMaxSeconds for keys read once at start
CACHE_MAX_AGE_SECONDS = 3600


def _b64url_int(value: int, size: int) -> str:
    return base64.urlsafe_b64encode(value.to_bytes(size, "big")).rstrip(b"=").decode()


def public_jwk(public_key: ec.EllipticCurvePublicKey) -> dict[str, Any]:
    """A P-256 key as go-jose marshals it, fields in its order."""
    numbers = public_key.public_numbers()
    return {"use": "sig", "kty": "EC", "kid": serviceaccount_jwt.key_id(public_key), "crv": "P-256",
            "alg": "ES256", "x": _b64url_int(numbers.x, 32), "y": _b64url_int(numbers.y, 32)}


def openid_configuration(issuer: str, jwks_uri: str) -> dict[str, Any]:
    return {"issuer": issuer, "jwks_uri": jwks_uri, "response_types_supported": ["id_token"],
            "subject_types_supported": ["public"], "id_token_signing_alg_values_supported": ["ES256"]}


def serves(issuer: str) -> bool:
    """upstream NewOpenIDMetadataProvider's check: an https URL without query or fragment."""
    parts = urlsplit(issuer)
    return parts.scheme == "https" and not parts.query and not parts.fragment


def install(server: GenericAPIServer, issuer: str, public_key: ec.EllipticCurvePublicKey,
            jwks_uri: str = "") -> None:
    if not serves(issuer):
        return
    keyset = orjson.dumps({"keys": [public_jwk(public_key)]})

    def configuration() -> bytes:
        uri = jwks_uri or f"https://{server.config.external_address}{JWKS_PATH}"
        return orjson.dumps(openid_configuration(issuer, uri))

    server.handle_path(OPENID_CONFIG_PATH, _serve(configuration, "application/json"))
    server.handle_path(JWKS_PATH, _serve(lambda: keyset, "application/jwk-set+json"))


def _serve(render: Callable[[], bytes], content_type: str) -> PathHandler:
    async def handle(request: Any) -> Any:
        return write_document(render(), content_type, CACHE_MAX_AGE_SECONDS)

    return handle
