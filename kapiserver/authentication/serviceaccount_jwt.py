"""Service account tokens as signed JWTs (upstream pkg/serviceaccount/jwt.go JWTTokenGenerator).

kube-apiserver signs with --service-account-signing-key-file; kapiserver, which must start
with no flags, keeps an ECDSA P-256 key in its data directory (`sa.key`, created on first
start, like the generated certificates) unless one is given. Tokens are compact JWS with
ES256, the key id upstream derives (base64url SHA-256 of the DER public key), and the claims
the caller builds (registry/core/serviceaccounts_token.py). Verification comes with the
service account authenticator.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

DEFAULT_ISSUER = "https://kubernetes.default.svc.cluster.local"
SIGNING_KEY_FILE = "sa.key"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def load_or_create_signing_key(path: Path) -> ec.EllipticCurvePrivateKey:
    """The PEM EC key at `path`; created (0600) when the file does not exist."""
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise ValueError(f"{path}: only ECDSA signing keys are supported")
        return key
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                            serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    return key


def key_id(public_key: ec.EllipticCurvePublicKey) -> str:
    """upstream keyIDFromPublicKey: base64url(SHA-256(PKIX DER))."""
    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return _b64url(hashlib.sha256(der).digest())


class JWTTokenGenerator:
    """Signs claims as an ES256 JWS; `issuer` is the iss claim every token carries."""

    def __init__(self, issuer: str, key: ec.EllipticCurvePrivateKey):
        if key.curve.name != "secp256r1":
            raise ValueError("only P-256 keys are supported for ES256")
        self.issuer = issuer
        self._key = key
        self._header = _b64url(json.dumps({"alg": "ES256", "kid": key_id(key.public_key())},
                                          separators=(",", ":")).encode())

    def generate_token(self, claims: dict[str, Any]) -> str:
        payload = dict(claims)
        payload["iss"] = self.issuer
        body = _b64url(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
        signing_input = f"{self._header}.{body}".encode()
        r, s = decode_dss_signature(self._key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        return f"{self._header}.{body}.{_b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"
