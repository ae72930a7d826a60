"""The warning a kubernetes.io/tls Secret earns when its key does not fit its certificate.

upstream's secret strategy warns (never refuses) with the error Go's tls.X509KeyPair gives
for `tls.crt` and `tls.key`; this module reproduces that function's checks and texts:
PEM blocks found or skipped, the certificate parsed, the key parsed, and the key pair matched.
"""

from __future__ import annotations

import base64
import binascii
import re

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

_PEM_BLOCK = re.compile(rb"-----BEGIN ([^\r\n-]*)-----\r?\n(.*?)-----END \1-----", re.DOTALL)


def _pem_blocks(data: bytes) -> list[tuple[str, bytes]]:
    """(type, DER) for every well-formed PEM block, in order (Go's pem.Decode in a loop)."""
    blocks = []
    for match in _PEM_BLOCK.finditer(data):
        body = match.group(2)
        if b":" in body.split(b"\n", 1)[0]:
            body = body.split(b"\n\n", 1)[-1]  # skip RFC 1421 headers
        try:
            der = base64.b64decode(b"".join(body.split()), validate=True)
        except (binascii.Error, ValueError):
            continue
        blocks.append((match.group(1).decode("latin-1"), der))
    return blocks


def _go_list(items: list[str]) -> str:
    return "[" + " ".join(items) + "]"


def _certificate_der(cert_pem: bytes) -> tuple[bytes | None, str]:
    blocks = _pem_blocks(cert_pem)
    certs = [der for kind, der in blocks if kind == "CERTIFICATE"]
    skipped = [kind for kind, _ in blocks if kind != "CERTIFICATE"]
    if certs:
        return certs[0], ""
    if not skipped:
        return None, "tls: failed to find any PEM data in certificate input"
    if len(skipped) == 1 and skipped[0].endswith("PRIVATE KEY"):
        return None, ("tls: failed to find certificate PEM data in certificate input, but did find a private key; "
                      "PEM inputs may have been switched")
    return None, ('tls: failed to find "CERTIFICATE" PEM block in certificate input after skipping PEM blocks '
                  f"of the following types: {_go_list(skipped)}")


def _key_der(key_pem: bytes) -> tuple[bytes | None, str]:
    skipped: list[str] = []
    for kind, der in _pem_blocks(key_pem):
        if kind == "PRIVATE KEY" or kind.endswith(" PRIVATE KEY"):
            return der, ""
        skipped.append(kind)
    if not skipped:
        return None, "tls: failed to find any PEM data in key input"
    if skipped == ["CERTIFICATE"]:
        return None, "tls: found a certificate rather than a key in the PEM for the private key"
    return None, ('tls: failed to find PEM block with type ending in "PRIVATE KEY" in key input after skipping '
                  f"PEM blocks of the following types: {_go_list(skipped)}")


def key_pair_error(cert_pem: bytes, key_pem: bytes) -> str:
    """The error tls.X509KeyPair(cert, key) returns, or "" when the pair is usable."""
    cert_der, err = _certificate_der(cert_pem)
    if cert_der is None:
        return err
    key_der, err = _key_der(key_pem)
    if key_der is None:
        return err
    try:
        public = x509.load_der_x509_certificate(cert_der).public_key()
    except ValueError:
        return "x509: malformed certificate"
    try:
        private = serialization.load_der_private_key(key_der, password=None)
    except (ValueError, TypeError):
        return "tls: failed to parse private key"
    return _match(public, private)


def _match(public: object, private: object) -> str:
    if isinstance(public, rsa.RSAPublicKey):
        if not isinstance(private, rsa.RSAPrivateKey):
            return "tls: private key type does not match public key type"
        same = public.public_numbers().n == private.public_key().public_numbers().n
    elif isinstance(public, ec.EllipticCurvePublicKey):
        if not isinstance(private, ec.EllipticCurvePrivateKey):
            return "tls: private key type does not match public key type"
        mine, theirs = public.public_numbers(), private.public_key().public_numbers()
        same = (mine.x, mine.y) == (theirs.x, theirs.y)
    elif isinstance(public, ed25519.Ed25519PublicKey):
        if not isinstance(private, ed25519.Ed25519PrivateKey):
            return "tls: private key type does not match public key type"
        raw = serialization.Encoding.Raw, serialization.PublicFormat.Raw
        same = public.public_bytes(*raw) == private.public_key().public_bytes(*raw)
    else:
        return "tls: unknown public key algorithm"
    return "" if same else "tls: private key does not match public key"
