"""Front-proxy authentication: the user from the configured headers, only for the proxy's certificate."""

from __future__ import annotations

import asyncio
import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from multidict import CIMultiDict

from kapiserver.authentication import requestheader
from kapiserver.authentication.interfaces import AuthenticationError, AuthRequest


def _ca(name: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=1))
            .not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    return key, cert


def _client(ca: tuple[ec.EllipticCurvePrivateKey, x509.Certificate], cn: str) -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
            .issuer_name(ca[1].subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=1)).not_valid_after(now + datetime.timedelta(hours=1))
            .sign(ca[0], hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.DER)


FRONT_PROXY = _ca("front-proxy")
CLIENTS = _ca("clients")
CONFIG = requestheader.RequestHeaderConfig(
    authorities=(FRONT_PROXY[1],), username_headers=("X-Remote-User",), uid_headers=("X-Remote-Uid",),
    group_headers=("X-Remote-Group",), extra_header_prefixes=("X-Remote-Extra-",),
    allowed_names=("front-proxy-client",))


def request(der: bytes | None, headers: dict[str, str] | CIMultiDict[str]) -> AuthRequest:
    return AuthRequest(CIMultiDict(headers), {"subject": ()} if der else None, der)


def test_user_from_headers() -> None:
    headers: CIMultiDict[str] = CIMultiDict([("X-Remote-User", "alice"), ("X-Remote-Uid", "u-1"),
                                             ("X-Remote-Group", "devs"), ("x-remote-group", "ops"),
                                             ("X-Remote-Extra-Acme.com%2Fproject", "p1"),
                                             ("X-Remote-Extra-Scopes", "a"), ("X-Remote-Extra-scopes", "b")])
    user = asyncio.run(requestheader.RequestHeaderAuthenticator(CONFIG).authenticate(
        request(_client(FRONT_PROXY, "front-proxy-client"), headers)))
    assert user is not None
    assert (user.name, user.uid, user.groups) == ("alice", "u-1", ("devs", "ops"))
    assert user.extra == {"acme.com/project": ("p1",), "scopes": ("a", "b")}


def test_only_the_front_proxy_certificate_may_assert_users() -> None:
    authenticator = requestheader.RequestHeaderAuthenticator(CONFIG)
    headers = {"X-Remote-User": "alice"}
    assert asyncio.run(authenticator.authenticate(request(_client(CLIENTS, "front-proxy-client"), headers))) is None
    assert asyncio.run(authenticator.authenticate(request(None, headers))) is None
    with pytest.raises(AuthenticationError, match="x509: subject with cn=someone is not in the allowed list"):
        asyncio.run(authenticator.authenticate(request(_client(FRONT_PROXY, "someone"), headers)))
    no_user = asyncio.run(authenticator.authenticate(request(_client(FRONT_PROXY, "front-proxy-client"), {})))
    assert no_user is None


def test_client_certificates_of_the_front_proxy_are_not_users() -> None:
    class Inner:
        async def authenticate(self, req: AuthRequest) -> object:
            return "x509-user"

    guarded = requestheader.IssuedBy([CLIENTS[1]], Inner())  # type: ignore[arg-type]
    assert asyncio.run(guarded.authenticate(request(_client(CLIENTS, "bob"), {}))) == "x509-user"
    assert asyncio.run(guarded.authenticate(request(_client(FRONT_PROXY, "front-proxy-client"), {}))) is None
