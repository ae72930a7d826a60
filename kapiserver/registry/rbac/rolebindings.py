"""rolebindings, rbac.authorization.k8s.io/v1 (upstream pkg/registry/rbac/rolebinding, ValidateRoleBinding)."""

from __future__ import annotations

from kapiserver.registry.spec import ResourceSpec

from . import validation
from .bindings import BindingStrategy, binding_printer

ROLE_REF_DESCRIPTION = ("RoleRef can reference a Role in the current namespace or a ClusterRole in the global "
                        "namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This "
                        "field is immutable.")

ROLEBINDINGS = ResourceSpec(
    group=validation.GROUP, version="v1", kind="RoleBinding", plural="rolebindings", singular="rolebinding",
    namespaced=True, strategy=BindingStrategy(True, ("Role", "ClusterRole")),
    printer=binding_printer(ROLE_REF_DESCRIPTION),
)
