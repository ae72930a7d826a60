"""The first authenticator that recognises a request wins (upstream union + group adder)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from kapiserver.apimachinery.user import ALL_AUTHENTICATED, UserInfo

from .interfaces import Authenticator, AuthRequest, TokenResponse


class UnionAuthenticator:
    def __init__(self, authenticators: Sequence[Authenticator]):
        self._authenticators = tuple(authenticators)

    async def authenticate(self, request: AuthRequest) -> UserInfo | None:
        for authenticator in self._authenticators:
            user = await authenticator.authenticate(request)
            if user is not None:
                return _with_authenticated_group(user)
        return None

    async def authenticate_token(self, token: str, audiences: Sequence[str] = ()) -> TokenResponse | None:
        """The token authenticators among the members, in order (a TokenReview's question)."""
        for authenticator in self._authenticators:
            review = getattr(authenticator, "authenticate_token", None)
            response = await review(token, audiences) if review is not None else None
            if response is not None:
                return replace(response, user=_with_authenticated_group(response.user))
        return None


def _with_authenticated_group(user: UserInfo) -> UserInfo:
    """Every authenticated user is in system:authenticated (upstream AuthenticatedGroupAdder)."""
    if ALL_AUTHENTICATED in user.groups or user.name == "system:anonymous":
        return user
    return UserInfo(user.name, user.uid, user.groups + (ALL_AUTHENTICATED,), user.extra)
