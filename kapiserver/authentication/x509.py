"""Client certificates (upstream authentication/request/x509): CN is the user, each O a group.

TLS has already verified the chain against --client-ca-file; this only reads the subject.
"""

from __future__ import annotations

from kapiserver.apimachinery.user import UserInfo

from .interfaces import AuthRequest


class X509Authenticator:
    async def authenticate(self, request: AuthRequest) -> UserInfo | None:
        cert = request.peer_certificate
        if not cert:
            return None
        common_name = ""
        groups: list[str] = []
        for rdn in cert.get("subject", ()):
            for key, value in rdn:
                if key == "commonName" and not common_name:
                    common_name = value
                elif key == "organizationName":
                    groups.append(value)
        if not common_name:
            return None
        return UserInfo(common_name, groups=tuple(groups))
