"""roles, rbac.authorization.k8s.io/v1 (upstream pkg/registry/rbac/role, ValidateRole).

Upstream wraps the store in an escalation check (a user may only grant what they hold):
`escalation.policy_based` does, when RBAC is an authorization mode.
"""

from __future__ import annotations

from kapiserver.apimachinery import field, objectmeta
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy

from . import validation


def validate_role(obj: Object) -> field.ErrorList:
    return validation.validate_meta(obj, True) + validation.validate_rules(obj, True)


class RoleStrategy(Strategy):
    allow_create_on_update = True

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_role(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        # validated twice as upstream (strategy, then ValidateRoleUpdate): duplicate causes included
        return validate_role(obj) + validate_role(obj) + objectmeta.validate_object_meta_update(
            obj.get("metadata", {}), old.get("metadata", {}), field.new_path("metadata"))


ROLES = ResourceSpec(
    group=validation.GROUP, version="v1", kind="Role", plural="roles", singular="role", namespaced=True,
    strategy=RoleStrategy(),
)
