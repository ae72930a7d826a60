"""The rbac.authorization.k8s.io group (upstream pkg/registry/rbac/rest RESTStorageProvider).

v1 serves roles, rolebindings, clusterroles and clusterrolebindings (v1alpha1 and v1beta1
are no longer served by v1.35). Its post-start hook `rbac/bootstrap-roles` creates and
reconciles the bootstrap policy on every start.
"""

from __future__ import annotations

from kapiserver.registry.hooks import HookedStorageProvider

from ..authorization.decision import ALWAYS_ALLOW, Authorizer
from .authorizer import RuleResolver
from .escalation import policy_based
from .hook import SPECS, post_start_hook


def provider(authorizer: Authorizer = ALWAYS_ALLOW, resolver: RuleResolver | None = None) -> HookedStorageProvider:
    """With RBAC's rule resolver, the four resources refuse escalation (see `escalation`)."""
    specs = tuple(policy_based(spec, authorizer, resolver) for spec in SPECS)
    return HookedStorageProvider("rbac.authorization.k8s.io", specs, post_start_hook)
