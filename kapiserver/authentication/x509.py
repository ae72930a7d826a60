"""Client certificates (upstream authentication/request/x509 CommonNameUserConversion).

TLS has already verified the chain against --client-ca-file; this only reads the leaf:
CN is the user, each O a group, a subject UID attribute the user's uid (the
AllowParsingUserUIDFromCertAuth gate, on since v1.33), and the SHA-256 of the leaf's DER
becomes the credential id extra, so audit and `kubectl auth whoami` can tell which
certificate was used.
"""

from __future__ import annotations

import hashlib

from kapiserver.apimachinery.user import UserInfo

from .interfaces import AuthenticationError, AuthRequest

CREDENTIAL_ID_KEY = "authentication.kubernetes.io/credential-id"


def credential_id(der: bytes) -> str:
    """The id upstream records for a certificate: X509SHA256= and the hex digest of its DER."""
    return "X509SHA256=" + hashlib.sha256(der).hexdigest()


class X509Authenticator:
    async def authenticate(self, request: AuthRequest) -> UserInfo | None:
        cert = request.peer_certificate
        if not cert:
            return None
        common_name = ""
        groups: list[str] = []
        uids: list[str] = []
        for rdn in cert.get("subject", ()):
            for key, value in rdn:
                if key == "commonName" and not common_name:
                    common_name = value
                elif key == "organizationName":
                    groups.append(value)
                elif key == "userId":
                    uids.append(value)
        if not common_name:
            return None
        extra = {CREDENTIAL_ID_KEY: (credential_id(request.peer_certificate_der),)} \
            if request.peer_certificate_der else {}
        return UserInfo(common_name, uid=_uid(uids), groups=tuple(groups), extra=extra)


def _uid(uids: list[str]) -> str:
    """At most one non-empty UID attribute; more, or an empty one, is a bad credential."""
    if not uids:
        return ""
    if len(uids) != 1:
        raise AuthenticationError(f"expected 1 UID, but found multiple: [{' '.join(uids)}]")
    if not uids[0]:
        raise AuthenticationError("UID cannot be an empty string")
    return uids[0]
