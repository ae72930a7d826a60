"""clusterrolebindings, rbac.authorization.k8s.io/v1 (upstream pkg/registry/rbac/clusterrolebinding,
ValidateClusterRoleBinding): only ClusterRoles, and service-account subjects name their namespace."""

from __future__ import annotations

from kapiserver.registry.spec import ResourceSpec

from . import validation
from .bindings import BindingStrategy, binding_printer

ROLE_REF_DESCRIPTION = ("RoleRef can only reference a ClusterRole in the global namespace. If the RoleRef cannot "
                        "be resolved, the Authorizer must return an error. This field is immutable.")

CLUSTERROLEBINDINGS = ResourceSpec(
    group=validation.GROUP, version="v1", kind="ClusterRoleBinding", plural="clusterrolebindings",
    singular="clusterrolebinding", namespaced=False, strategy=BindingStrategy(False, ("ClusterRole",)),
    printer=binding_printer(ROLE_REF_DESCRIPTION),
)
