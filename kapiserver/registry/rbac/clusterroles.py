"""clusterroles, rbac.authorization.k8s.io/v1 (upstream pkg/registry/rbac/clusterrole, ValidateClusterRole).

An aggregated role (with `aggregationRule`) gets its rules from the roles its selectors pick;
see `aggregation` for the controller that fills them in.
"""

from __future__ import annotations

from kapiserver.apimachinery import field, metav1_validation, objectmeta
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy

from . import validation


def validate_cluster_role(obj: Object, allow_invalid_label_value: bool = False) -> field.ErrorList:
    errs = validation.validate_meta(obj, False) + validation.validate_rules(obj, False)
    return errs + validation.validate_aggregation_rule(obj, allow_invalid_label_value)


def _has_invalid_label_value(obj: Object) -> bool:
    rule = obj.get("aggregationRule")
    selectors = rule.get("clusterRoleSelectors") if isinstance(rule, dict) else None
    return any(metav1_validation.label_selector_has_invalid_label_value(s) for s in selectors or [])


class ClusterRoleStrategy(Strategy):
    allow_create_on_update = True

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_cluster_role(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        allow = _has_invalid_label_value(old)
        # upstream validates the new role twice (strategy, then ValidateClusterRoleUpdate); the
        # duplicate causes are part of its answer.
        errs = validate_cluster_role(obj, allow) + validate_cluster_role(obj, allow)
        return errs + objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                             field.new_path("metadata"))


CLUSTERROLES = ResourceSpec(
    group=validation.GROUP, version="v1", kind="ClusterRole", plural="clusterroles", singular="clusterrole",
    namespaced=False, strategy=ClusterRoleStrategy(),
)
