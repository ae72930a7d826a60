"""Front-proxy authentication (upstream authentication/request/headerrequest behind the
x509 request-header verifier).

A request whose client certificate was issued by a --requestheader-client-ca-file
authority (and, when --requestheader-allowed-names is set, whose common name is listed) is
made by a proxy on behalf of a user named in its headers: the first non-empty value of the
--requestheader-username-headers, the UID from --requestheader-uid-headers, every value of
the --requestheader-group-headers, and extra fields from headers starting with a
--requestheader-extra-headers-prefix (the rest of the header name, %-decoded and
lower-cased, is the key). Without a username header the request is not this
authenticator's; with a certificate no such authority issued, neither.

TLS has already verified the chain against every trusted authority together; `issued_by`
tells which bundle the leaf certificate belongs to. Only certificates issued directly by a
bundle's CA are recognised (no intermediates).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.x509.oid import NameOID

from kapiserver.apimachinery.user import UserInfo

from .interfaces import AuthenticationError, Authenticator, AuthRequest


def load_ca_bundle(pem: bytes) -> list[x509.Certificate]:
    return list(x509.load_pem_x509_certificates(pem))


def issued_by(der: bytes | None, authorities: Sequence[x509.Certificate]) -> x509.Certificate | None:
    """The client certificate when one of `authorities` issued it and it is valid now, else None."""
    if not der:
        return None
    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError:
        return None
    now = datetime.datetime.now(datetime.UTC)
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        return None
    for authority in authorities:
        try:
            cert.verify_directly_issued_by(authority)
        except (ValueError, TypeError, InvalidSignature):
            continue
        return cert
    return None


def _common_name(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else ""


@dataclass(frozen=True, slots=True)
class RequestHeaderConfig:
    """The --requestheader-* flags."""

    authorities: tuple[x509.Certificate, ...]
    username_headers: tuple[str, ...] = ()
    uid_headers: tuple[str, ...] = ()
    group_headers: tuple[str, ...] = ()
    extra_header_prefixes: tuple[str, ...] = ()
    allowed_names: tuple[str, ...] = ()


def _values(headers: Mapping[str, str], name: str) -> list[str]:
    """Every value of a header, whatever its case (a multidict keeps repeated headers)."""
    get_all = getattr(headers, "getall", None)
    if get_all is not None:
        return list(get_all(name, []))
    return [value for key, value in headers.items() if key.lower() == name.lower()]


def user_from_headers(headers: Mapping[str, str], config: RequestHeaderConfig) -> UserInfo | None:
    """upstream requestHeaderAuthRequestHandler.AuthenticateRequest, given trusted headers."""
    name = next((v for h in config.username_headers for v in _values(headers, h) if v), "")
    if not name:
        return None
    uid = next((v for h in config.uid_headers for v in _values(headers, h) if v), "")
    groups = tuple(v for h in config.group_headers for v in _values(headers, h))
    extra: dict[str, list[str]] = {}
    lowered_prefixes = [p.lower() for p in config.extra_header_prefixes]
    for header, value in headers.items():
        lowered = header.lower()
        for prefix in lowered_prefixes:
            if lowered.startswith(prefix):
                key = unquote(header[len(prefix):]).lower()
                extra.setdefault(key, []).append(value)
                break
    return UserInfo(name, uid, groups, {k: tuple(v) for k, v in extra.items()})


class RequestHeaderAuthenticator:
    def __init__(self, config: RequestHeaderConfig):
        self._config = config

    async def authenticate(self, request: AuthRequest) -> UserInfo | None:
        cert = issued_by(request.peer_certificate_der, self._config.authorities)
        if cert is None:
            return None
        if self._config.allowed_names and _common_name(cert) not in self._config.allowed_names:
            raise AuthenticationError(f"x509: subject with cn={_common_name(cert)} is not in the allowed list")
        return user_from_headers(request.headers, self._config)


class IssuedBy:
    """Consults `inner` only for client certificates one of `authorities` issued (the x509
    authenticator against --client-ca-file, when TLS also trusts the front-proxy authority)."""

    def __init__(self, authorities: Sequence[x509.Certificate], inner: Authenticator):
        self._authorities = tuple(authorities)
        self._inner = inner

    async def authenticate(self, request: AuthRequest) -> UserInfo | None:
        if request.peer_certificate and issued_by(request.peer_certificate_der, self._authorities) is None:
            return None
        return await self._inner.authenticate(request)
