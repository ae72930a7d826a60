"""What the access reviews ask of the cluster's authorizer (upstream authorizer.Authorizer and
authorizer.RuleResolver, as the review REST objects use them).

The reviews answer with whatever the configured authorizer decides, so they are honest for
every mode: the app layer passes the authorizer chain in (today AlwaysAllow, RBAC later).
`Attributes` is upstream's AttributesRecord; `Rules` is what RulesFor answers.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Protocol

from kapiserver.apimachinery.types import Object
from kapiserver.apimachinery.user import UserInfo


class Decision(enum.Enum):
    DENY = 0
    ALLOW = 1
    NO_OPINION = 2


@dataclass(frozen=True, slots=True)
class Attributes:
    """One request to authorize (upstream authorizer.AttributesRecord)."""

    user: UserInfo
    verb: str
    resource_request: bool
    namespace: str = ""
    api_group: str = ""
    api_version: str = ""
    resource: str = ""
    subresource: str = ""
    name: str = ""
    path: str = ""
    # The review's field and label selectors as sent (upstream parses them into requirements).
    field_selector: Object | None = None
    label_selector: Object | None = None


@dataclass(frozen=True, slots=True)
class Rules:
    """upstream RulesFor's answer: the rules a user has in a namespace, as review status dicts."""

    resource_rules: list[Object] = field(default_factory=list)
    non_resource_rules: list[Object] = field(default_factory=list)
    incomplete: bool = False
    evaluation_error: str = ""


class Authorizer(Protocol):
    async def authorize(self, attrs: Attributes) -> tuple[Decision, str, str]:
        """(decision, reason, evaluation error text or "")."""

    async def rules_for(self, user: UserInfo, namespace: str) -> Rules: ...


class AlwaysAllow:
    """--authorization-mode=AlwaysAllow (upstream authorizerfactory.alwaysAllowAuthorizer)."""

    async def authorize(self, attrs: Attributes) -> tuple[Decision, str, str]:
        return Decision.ALLOW, "", ""

    async def rules_for(self, user: UserInfo, namespace: str) -> Rules:
        return Rules([{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}],
                     [{"verbs": ["*"], "nonResourceURLs": ["*"]}])


ALWAYS_ALLOW = AlwaysAllow()
