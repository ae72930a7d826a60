"""Authenticator interface (upstream authenticator.Request)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from kapiserver.apimachinery.user import UserInfo


@dataclass(frozen=True, slots=True)
class AuthRequest:
    """What an authenticator may look at: headers and the verified client certificate, if any."""

    headers: Mapping[str, str]
    peer_certificate: Mapping[str, Any] | None
    # The same certificate in DER, for authenticators that must know which authority issued it.
    peer_certificate_der: bytes | None = None


@dataclass(frozen=True, slots=True)
class TokenResponse:
    """A bearer token's user, and the audiences it was accepted for (a TokenReview's status)."""

    user: UserInfo
    audiences: tuple[str, ...] = ()


@runtime_checkable
class TokenAuthenticator(Protocol):
    async def authenticate_token(self, token: str, audiences: Sequence[str] = ()) -> TokenResponse | None:
        """As `authenticate`, for a bare token wanted for `audiences` (empty: the server's own)."""


class Authenticator(Protocol):
    async def authenticate(self, request: AuthRequest) -> UserInfo | None:
        """The user, or None when this authenticator does not recognise the credentials.

        Raises AuthenticationError when credentials are present but invalid."""


class AuthenticationError(Exception):
    """Credentials were presented and are wrong (the request gets 401, not anonymous access)."""
