"""The authenticated user (upstream k8s.io/apiserver/pkg/authentication/user.Info).

It lives here, below every layer, because authentication produces it and admission,
authorization, audit and the registry all read it, and those must not import each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ALL_AUTHENTICATED = "system:authenticated"
ALL_UNAUTHENTICATED = "system:unauthenticated"
ANONYMOUS = "system:anonymous"
SYSTEM_PRIVILEGED_GROUP = "system:masters"
API_SERVER_USER = "system:apiserver"


@dataclass(frozen=True, slots=True)
class UserInfo:
    name: str
    uid: str = ""
    groups: tuple[str, ...] = ()
    extra: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        """The authentication.k8s.io UserInfo shape (reviews, audit, admission)."""
        out: dict[str, object] = {"username": self.name}
        if self.uid:
            out["uid"] = self.uid
        if self.groups:
            out["groups"] = list(self.groups)
        if self.extra:
            out["extra"] = {k: list(v) for k, v in self.extra.items()}
        return out
