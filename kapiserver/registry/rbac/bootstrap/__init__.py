"""The bootstrap RBAC policy of kube-apiserver v1.35 (upstream plugin/pkg/auth/authorizer/rbac/bootstrappolicy).

- rules:            builders for PolicyRules, Roles and bindings in upstream's shape
- cluster_roles:    ClusterRoles() - cluster-admin, admin/edit/view, system:* roles
- controller_roles: ControllerRoles() - system:controller:* roles and their bindings
- bindings:         ClusterRoleBindings(), NamespaceRoles(), NamespaceRoleBindings()

The data is what the policy produces with v1.35's default feature gates (upstream's
testdata/*.yaml golden files), already in the sorted, de-duplicated form upstream's
rule builder emits.
"""

from __future__ import annotations

from .bindings import cluster_role_bindings, namespace_role_bindings, namespace_roles
from .cluster_roles import cluster_roles
from .controller_roles import controller_role_bindings, controller_roles

__all__ = ["cluster_role_bindings", "cluster_roles", "controller_role_bindings", "controller_roles",
           "namespace_role_bindings", "namespace_roles"]
