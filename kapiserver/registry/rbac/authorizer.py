"""The RBAC authorizer and its rule resolver (upstream plugin/pkg/auth/authorizer/rbac.RBACAuthorizer,
pkg/registry/rbac/validation.DefaultRuleResolver).

Roles and bindings are read through the watch cache at resourceVersion "0" (upstream reads
its informers), so a decision never waits for storage. ClusterRoleBindings are indexed by
subject once per cache revision: a request looks up its user, its groups and (for a service
account) its own name, instead of walking every binding. RoleBindings of one namespace are a
small range of the cache and are read per request.

A binding whose role is missing is skipped and reported: an allowed request ignores it, a
refused one carries `RBAC: <errors>` as its reason, as upstream does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from kapiserver.apimachinery.types import Object
from kapiserver.apimachinery.user import UserInfo
from kapiserver.storage.interface import ListOptions, Storage

from ..authorization.decision import Attributes, Decision, Rules
from . import evaluation

# A rule source seen by a visitor: (description of the binding, its rules) or an error text.
Visitor = Callable[[str, Object | None, str], bool]
_ANY = ListOptions("0")


@dataclass(frozen=True, slots=True)
class _Index:
    revision: int
    # subject key -> [(position, binding, subject)], positions in storage order
    by_subject: dict[tuple[str, ...], list[tuple[int, Object, Object]]]


def _subject_keys(subject: Object, namespace: str) -> tuple[str, ...] | None:
    kind, name = subject.get("kind") or "", subject.get("name") or ""
    if kind in ("User", "Group"):
        return (kind, name)
    if kind == "ServiceAccount":
        sa_namespace = subject.get("namespace") or namespace
        return ("User", f"{evaluation.SERVICE_ACCOUNT_PREFIX}{sa_namespace}:{name}") if sa_namespace else None
    return None


def _user_keys(user: UserInfo) -> list[tuple[str, ...]]:
    return [("User", user.name)] + [("Group", g) for g in user.groups]


def _index(bindings: list[Object], revision: int) -> _Index:
    by_subject: dict[tuple[str, ...], list[tuple[int, Object, Object]]] = {}
    for position, binding in enumerate(bindings):
        namespace = (binding.get("metadata") or {}).get("namespace") or ""
        for subject in binding.get("subjects") or []:
            key = _subject_keys(subject, namespace)
            if key is not None:
                by_subject.setdefault(key, []).append((position, binding, subject))
    return _Index(revision, by_subject)


def _applying(index: _Index, user: UserInfo) -> Iterator[tuple[Object, Object]]:
    """Bindings naming the user, in storage order, each with the first subject that names the user."""
    found: dict[int, tuple[int, Object, Object]] = {}
    for key in _user_keys(user):
        for position, binding, subject in index.by_subject.get(key, ()):
            seen = found.get(position)
            subjects = binding.get("subjects") or []
            if seen is None or _position_of(subjects, subject) < _position_of(subjects, seen[2]):
                found[position] = (position, binding, subject)
    for position in sorted(found):
        yield found[position][1], found[position][2]


def _position_of(subjects: list[Object], subject: Object) -> int:
    return next(i for i, s in enumerate(subjects) if s is subject)


class RuleResolver:
    """upstream DefaultRuleResolver over the four RBAC storages (watch-cached)."""

    def __init__(self, roles: Storage, role_bindings: Storage, cluster_roles: Storage,
                 cluster_role_bindings: Storage):
        self.roles = roles
        self.role_bindings = role_bindings
        self.cluster_roles = cluster_roles
        self.cluster_role_bindings = cluster_role_bindings
        self._cluster_index: _Index | None = None

    async def _cluster_binding_index(self) -> _Index:
        listed = await self.cluster_role_bindings.get_list("/registry/clusterrolebindings", _ANY)
        index = self._cluster_index
        if index is None or index.revision != listed.resource_version:
            index = self._cluster_index = _index(listed.items, listed.resource_version)
        return index

    async def get_role_reference_rules(self, role_ref: Object, binding_namespace: str) -> tuple[list[Object], str]:
        """(rules, error text): upstream GetRoleReferenceRules, with the listers' not-found wording."""
        kind, name = role_ref.get("kind") or "", role_ref.get("name") or ""
        if kind == "Role":
            role = await self.roles.get(f"/registry/roles/{binding_namespace}/{name}", "0", ignore_not_found=True)
            if role is None:
                return [], f'role.rbac.authorization.k8s.io "{name}" not found'
        elif kind == "ClusterRole":
            role = await self.cluster_roles.get(f"/registry/clusterroles/{name}", "0", ignore_not_found=True)
            if role is None:
                return [], f'clusterrole.rbac.authorization.k8s.io "{name}" not found'
        else:
            return [], f'unsupported role reference kind: "{kind}"'
        return list(role.get("rules") or []), ""

    async def visit_rules_for(self, user: UserInfo, namespace: str, visitor: Visitor) -> None:
        """Every rule that applies to the user in the namespace; the visitor returns False to stop."""
        index = await self._cluster_binding_index()
        if not await self._visit(_applying(index, user), "", visitor):
            return
        if not namespace:
            return
        listed = await self.role_bindings.get_list(f"/registry/rolebindings/{namespace}", _ANY)
        bindings = [(b, s) for b in listed.items for s in _first_applying(b, user, namespace)]
        await self._visit(iter(bindings), namespace, visitor)

    async def _visit(self, bindings: Iterator[tuple[Object, Object]], namespace: str, visitor: Visitor) -> bool:
        for binding, subject in bindings:
            rules, error = await self.get_role_reference_rules(binding.get("roleRef") or {}, namespace)
            if error and not visitor("", None, error):
                return False
            source = evaluation.describe_binding(binding, subject)
            for rule in rules:
                if not visitor(source, rule, ""):
                    return False
        return True

    async def rules_for(self, user: UserInfo, namespace: str) -> tuple[list[Object], list[str]]:
        """(every rule the user holds in the namespace, resolution errors)."""
        rules: list[Object] = []
        errors: list[str] = []

        def collect(source: str, rule: Object | None, error: str) -> bool:
            if rule is not None:
                rules.append(rule)
            if error:
                errors.append(error)
            return True

        await self.visit_rules_for(user, namespace, collect)
        return rules, errors


def _first_applying(binding: Object, user: UserInfo, namespace: str) -> list[Object]:
    for subject in binding.get("subjects") or []:
        if evaluation.applies_to_user(user, subject, namespace):
            return [subject]
    return []


class RBACAuthorizer:
    """--authorization-mode=RBAC: allows what some bound rule allows, else no opinion."""

    def __init__(self, resolver: RuleResolver):
        self.resolver = resolver

    async def authorize(self, attrs: Attributes) -> tuple[Decision, str, str]:
        allowed_by: list[str] = []
        errors: list[str] = []

        def check(source: str, rule: Object | None, error: str) -> bool:
            if rule is not None and evaluation.rule_allows(attrs, rule):
                allowed_by.append(source)
                return False
            if error:
                errors.append(error)
            return True

        await self.resolver.visit_rules_for(attrs.user, attrs.namespace, check)
        if allowed_by:
            return Decision.ALLOW, f"RBAC: allowed by {allowed_by[0]}", ""
        reason = ""
        if errors:
            reason = "RBAC: " + (errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]")
        return Decision.NO_OPINION, reason, ""

    async def rules_for(self, user: UserInfo, namespace: str) -> Rules:
        rules, errors = await self.resolver.rules_for(user, namespace)
        resource = [r for r in rules if r.get("resources")]
        non_resource = [r for r in rules if r.get("nonResourceURLs")]
        error = ""
        if errors:
            error = errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"
        return Rules(resource, non_resource, False, error)
