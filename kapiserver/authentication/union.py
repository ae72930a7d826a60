"""The first authenticator that recognises a request wins (upstream union + group adder)."""

from __future__ import annotations

from collections.abc import Sequence

from kapiserver.apimachinery.user import ALL_AUTHENTICATED, UserInfo

from .interfaces import Authenticator, AuthRequest


class UnionAuthenticator:
    def __init__(self, authenticators: Sequence[Authenticator]):
        self._authenticators = tuple(authenticators)

    async def authenticate(self, request: AuthRequest) -> UserInfo | None:
        for authenticator in self._authenticators:
            user = await authenticator.authenticate(request)
            if user is not None:
                return _with_authenticated_group(user)
        return None


def _with_authenticated_group(user: UserInfo) -> UserInfo:
    """Every authenticated user is in system:authenticated (upstream AuthenticatedGroupAdder)."""
    if ALL_AUTHENTICATED in user.groups or user.name == "system:anonymous":
        return user
    return UserInfo(user.name, user.uid, user.groups + (ALL_AUTHENTICATED,), user.extra)
