"""Escalation prevention in the RBAC registry (upstream pkg/registry/rbac/{role,clusterrole,
rolebinding,clusterrolebinding}/policybased, pkg/registry/rbac/escalation_check.go,
validation.ConfirmNoEscalation).

A user may create or update a Role or ClusterRole only with rules they already hold, unless
they may `escalate` it; a binding only to a role whose rules they hold, unless they may `bind`
it. system:masters skips both. Active only with the RBAC rule resolver (--authorization-mode
with RBAC): under AlwaysAllow upstream's escalate and bind checks allow everything anyway.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from kapiserver.apimachinery import errors, meta
from kapiserver.apimachinery.schema import GroupResource
from kapiserver.apimachinery.types import Object
from kapiserver.apimachinery.user import SYSTEM_PRIVILEGED_GROUP
from kapiserver.registry.rest import CreateOptions, RequestContext, UpdatedObjectInfo, ValidateObjectFunc
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.store import Store
from kapiserver.storage.interface import Storage

from ..authorization.decision import Attributes, Authorizer, Decision
from . import covers, evaluation
from .authorizer import RuleResolver
from .validation import GROUP

FULL_AUTHORITY = [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}, {"verbs": ["*"], "nonResourceURLs": ["*"]}]


def escalation_allowed(ctx: RequestContext) -> bool:
    return SYSTEM_PRIVILEGED_GROUP in ctx.user.groups


async def confirm_no_escalation(ctx: RequestContext, resolver: RuleResolver, rules: list[Object]) -> str:
    """"" when the user holds every rule, else upstream's refusal text."""
    owned, resolution_errors = await resolver.rules_for(ctx.user, ctx.namespace)
    covered, missing = covers.covers(owned, rules)
    return "" if covered else evaluation.escalation_message(ctx.user, missing, resolution_errors)


def is_only_mutating_gc_fields(obj: Object, old: Object | None) -> bool:
    if old is None:
        return False
    copy = meta.deep_copy(old)
    metadata = copy.setdefault("metadata", {})
    for key in ("ownerReferences", "finalizers"):
        new_value = (obj.get("metadata") or {}).get(key)
        if new_value is None:
            metadata.pop(key, None)
        else:
            metadata[key] = new_value
    return bool(copy == obj)


class _Checked:
    """An UpdatedObjectInfo whose new object passes `check` first (upstream WrapUpdatedObjectInfo)."""

    def __init__(self, inner: UpdatedObjectInfo, store: PolicyBasedStore):
        self.inner = inner
        self.store = store

    def preconditions(self) -> tuple[str | None, str | None]:
        return self.inner.preconditions()

    async def updated_object(self, ctx: RequestContext, old: Object | None) -> Object:
        obj = await self.inner.updated_object(ctx, old)
        if not is_only_mutating_gc_fields(obj, old):
            await self.store.check(ctx, obj, old)
        return obj


class PolicyBasedStore(Store):
    def __init__(self, spec: ResourceSpec, storage: Storage, authorizer: Authorizer, resolver: RuleResolver):
        super().__init__(spec, storage)
        self.authorizer = authorizer
        self.resolver = resolver
        self.binding = spec.kind.endswith("Binding")

    async def _allowed(self, ctx: RequestContext, verb: str, resource: str, name: str, group: str) -> bool:
        attrs = Attributes(ctx.user, verb, True, namespace=ctx.namespace, api_group=group, api_version="*",
                           resource=resource, name=name)
        decision, _, _ = await self.authorizer.authorize(attrs)
        return decision == Decision.ALLOW

    async def check(self, ctx: RequestContext, obj: Object, old: Object | None) -> None:
        if escalation_allowed(ctx):
            return
        gr, name = GroupResource(GROUP, self.spec.plural), meta.name(obj)
        if self.binding:
            ref: dict[str, Any] = obj.get("roleRef") or {}
            resource = {"ClusterRole": "clusterroles", "Role": "roles"}.get(ref.get("kind") or "")
            if resource and await self._allowed(ctx, "bind", resource, ref.get("name") or "", ref.get("apiGroup") or ""):
                return
            rules, error = await self.resolver.get_role_reference_rules(ref, ctx.namespace)
            if error:
                raise errors.forbidden(gr, name, error)
            refusal = await confirm_no_escalation(ctx, self.resolver, rules)
            if refusal:
                raise errors.forbidden(gr, name, refusal)
            return
        if await self._allowed(ctx, "escalate", self.spec.plural, ctx.name, GROUP):
            return
        refusal = await confirm_no_escalation(ctx, self.resolver, list(obj.get("rules") or []))
        if refusal:
            raise errors.forbidden(gr, name, refusal)
        aggregated = obj.get("aggregationRule") is not None
        if aggregated and (old is None or old.get("aggregationRule") is None) and \
                await confirm_no_escalation(ctx, self.resolver, FULL_AUTHORITY):
            raise errors.forbidden(gr, name, "must have cluster-admin privileges to use the aggregationRule")

    async def create(self, ctx: RequestContext, obj: Object, create_validation: ValidateObjectFunc | None,
                     options: CreateOptions) -> Object:
        await self.check(ctx, obj, None)
        return await super().create(ctx, obj, create_validation, options)

    async def update(self, ctx: RequestContext, name: str, obj_info: UpdatedObjectInfo,  # type: ignore[override]
                     *args: Any, **kwargs: Any) -> tuple[Object, bool]:
        return await super().update(ctx, name, _Checked(obj_info, self), *args, **kwargs)


def policy_based(spec: ResourceSpec, authorizer: Authorizer, resolver: RuleResolver | None) -> ResourceSpec:
    """The spec served with escalation checks, or unchanged without the RBAC rule resolver."""
    if resolver is None:
        return spec

    def rest(spec: ResourceSpec, storage: Storage) -> PolicyBasedStore:
        return PolicyBasedStore(spec, storage, authorizer, resolver)

    return replace(spec, rest_factory=rest)
