"""The authorizer chain --authorization-mode builds (upstream pkg/kubeapiserver/authorizer
reload.go, authorization/union, authorizerfactory).

system:masters is allowed everything by a privileged-group authorizer placed first, then the
modes run in flag order: the first Allow or Deny decides, NoOpinion asks the next. Rules
are the union of every mode's rules.

kapiserver has no Node authorizer graph: `Node` is accepted and has no opinion, so nodes
get what RBAC gives them (the bootstrap `system:node` role is bound to nobody, as upstream).
"""

from __future__ import annotations

from collections.abc import Sequence

from kapiserver.apimachinery.user import SYSTEM_PRIVILEGED_GROUP, UserInfo

from .decision import Attributes, Authorizer, Decision, Rules


class PrivilegedGroups:
    """upstream authorizerfactory.NewPrivilegedGroups(system:masters)."""

    def __init__(self, *groups: str):
        self.groups = frozenset(groups)

    async def authorize(self, attrs: Attributes) -> tuple[Decision, str, str]:
        if self.groups.intersection(attrs.user.groups):
            return Decision.ALLOW, "", ""
        return Decision.NO_OPINION, "", ""

    async def rules_for(self, user: UserInfo, namespace: str) -> Rules:
        return Rules()


class AlwaysDeny:
    """--authorization-mode=AlwaysDeny (upstream authorizerfactory.alwaysDenyAuthorizer)."""

    async def authorize(self, attrs: Attributes) -> tuple[Decision, str, str]:
        return Decision.NO_OPINION, "Everything is forbidden.", ""

    async def rules_for(self, user: UserInfo, namespace: str) -> Rules:
        return Rules()


class NodeNoOpinion:
    """--authorization-mode=Node without the node graph: no opinion on any request."""

    async def authorize(self, attrs: Attributes) -> tuple[Decision, str, str]:
        return Decision.NO_OPINION, "", ""

    async def rules_for(self, user: UserInfo, namespace: str) -> Rules:
        if user.name.startswith("system:node:") and "system:nodes" in user.groups:
            return Rules(incomplete=True, evaluation_error="node authorizer does not support user rule resolution")
        return Rules()


def _aggregate(messages: list[str]) -> str:
    if not messages:
        return ""
    return messages[0] if len(messages) == 1 else "[" + ", ".join(messages) + "]"


class UnionAuthorizer:
    """upstream union.New over the authorizers and their rule resolvers."""

    def __init__(self, authorizers: Sequence[Authorizer]):
        self.authorizers = tuple(authorizers)

    async def authorize(self, attrs: Attributes) -> tuple[Decision, str, str]:
        reasons: list[str] = []
        errors: list[str] = []
        for authorizer in self.authorizers:
            decision, reason, error = await authorizer.authorize(attrs)
            if error:
                errors.append(error)
            if reason:
                reasons.append(reason)
            if decision != Decision.NO_OPINION:
                return decision, reason, error
        return Decision.NO_OPINION, "\n".join(reasons), _aggregate(errors)

    async def rules_for(self, user: UserInfo, namespace: str) -> Rules:
        resource: list[dict[str, object]] = []
        non_resource: list[dict[str, object]] = []
        incomplete = False
        errors: list[str] = []
        for authorizer in self.authorizers:
            if isinstance(authorizer, PrivilegedGroups):
                continue  # upstream adds it to the authorizers only, not to the rule resolvers
            rules = await authorizer.rules_for(user, namespace)
            resource += rules.resource_rules
            non_resource += rules.non_resource_rules
            incomplete = incomplete or rules.incomplete
            if rules.evaluation_error:
                errors.append(rules.evaluation_error)
        return Rules(resource, non_resource, incomplete, _aggregate(errors))


def new_authorizer(modes: Sequence[str], rbac: Authorizer | None, always_allow: Authorizer) -> UnionAuthorizer:
    """The chain for --authorization-mode (modes already validated)."""
    chain: list[Authorizer] = [PrivilegedGroups(SYSTEM_PRIVILEGED_GROUP)]
    for mode in modes:
        if mode == "AlwaysAllow":
            chain.append(always_allow)
        elif mode == "AlwaysDeny":
            chain.append(AlwaysDeny())
        elif mode == "Node":
            chain.append(NodeNoOpinion())
        elif mode == "RBAC" and rbac is not None:
            chain.append(rbac)
    return UnionAuthorizer(chain)
