"""--authorization-mode to the authorizer chain (upstream pkg/kubeapiserver/authorizer Config.New).

AlwaysAllow alone builds no chain: the server then leaves its authorization filter out and
the access reviews answer with AlwaysAllow, exactly what upstream's chain would decide. Any
other mode list builds system:masters first, then the modes in order. RBAC reads roles and
bindings through the watch cache of the server's own storage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kapiserver.registry.authorization import decision, union
from kapiserver.registry.rbac.authorizer import RBACAuthorizer, RuleResolver
from kapiserver.storage.factory import StorageFactory


@dataclass(frozen=True, slots=True)
class Authorization:
    # None: AlwaysAllow alone, no filter.
    authorizer: decision.Authorizer | None
    # The RBAC rule resolver when RBAC is a mode (the rbac registry's escalation checks use it).
    rule_resolver: RuleResolver | None


def rule_resolver(storage: StorageFactory) -> RuleResolver:
    return RuleResolver(storage.storage_for("/registry/roles"), storage.storage_for("/registry/rolebindings"),
                        storage.storage_for("/registry/clusterroles"),
                        storage.storage_for("/registry/clusterrolebindings"))


def new_authorization(modes: Sequence[str], storage: StorageFactory) -> Authorization:
    if list(modes) == ["AlwaysAllow"]:
        return Authorization(None, None)
    resolver = rule_resolver(storage) if "RBAC" in modes else None
    rbac = RBACAuthorizer(resolver) if resolver is not None else None
    return Authorization(union.new_authorizer(modes, rbac, decision.ALWAYS_ALLOW), resolver)
