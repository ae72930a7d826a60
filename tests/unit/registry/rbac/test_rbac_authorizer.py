"""The RBAC authorizer over real (memory, watch-cached) storage, and the union chain."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from kapiserver.apimachinery.user import UserInfo
from kapiserver.registry.authorization import decision, union
from kapiserver.registry.authorization.decision import Attributes, Decision
from kapiserver.registry.rbac.authorizer import RBACAuthorizer, RuleResolver
from kapiserver.storage.factory import StorageConfig, StorageFactory

ROBOT = UserInfo("system:serviceaccount:ns:robot", groups=("system:serviceaccounts", "system:authenticated"))


def _run(body: Callable[[StorageFactory, RBACAuthorizer], Awaitable[None]]) -> None:
    async def main() -> None:
        storage = StorageFactory(StorageConfig(backend="memory"))
        await storage.start()
        try:
            resolver = RuleResolver(*(storage.storage_for(f"/registry/{r}") for r in (
                "roles", "rolebindings", "clusterroles", "clusterrolebindings")))
            await body(storage, RBACAuthorizer(resolver))
        finally:
            await storage.close()

    asyncio.run(main())


async def _put(storage: StorageFactory, root: str, obj: dict) -> None:
    ns = obj["metadata"].get("namespace")
    key = f"/registry/{root}/{ns}/{obj['metadata']['name']}" if ns else f"/registry/{root}/{obj['metadata']['name']}"
    await storage.storage_for(f"/registry/{root}").create(key, obj)


def _list_cm(user: UserInfo = ROBOT, ns: str = "ns", verb: str = "list") -> Attributes:
    return Attributes(user, verb, True, namespace=ns, resource="configmaps")


def test_role_binding_allows_with_upstream_reason() -> None:
    async def body(storage: StorageFactory, rbac: RBACAuthorizer) -> None:
        assert await rbac.authorize(_list_cm()) == (Decision.NO_OPINION, "", "")
        await _put(storage, "roles", {"metadata": {"name": "r", "namespace": "ns"},
                                      "rules": [{"verbs": ["list"], "apiGroups": [""], "resources": ["configmaps"]}]})
        await _put(storage, "rolebindings", {"metadata": {"name": "rb", "namespace": "ns"},
                                             "roleRef": {"kind": "Role", "name": "r"},
                                             "subjects": [{"kind": "ServiceAccount", "name": "robot"}]})
        await asyncio.sleep(0.05)
        assert await rbac.authorize(_list_cm()) == (
            Decision.ALLOW, 'RBAC: allowed by RoleBinding "rb/ns" of Role "r" to ServiceAccount "robot/ns"', "")
        assert (await rbac.authorize(_list_cm(ns="other")))[0] == Decision.NO_OPINION
        assert (await rbac.authorize(_list_cm(verb="delete")))[0] == Decision.NO_OPINION
        rules = await rbac.rules_for(ROBOT, "ns")
        assert rules.resource_rules == [{"verbs": ["list"], "apiGroups": [""], "resources": ["configmaps"]}]

    _run(body)


def test_cluster_role_binding_by_group_and_missing_role() -> None:
    async def body(storage: StorageFactory, rbac: RBACAuthorizer) -> None:
        await _put(storage, "clusterrolebindings", {"metadata": {"name": "gone"},
                                                    "roleRef": {"kind": "ClusterRole", "name": "missing"},
                                                    "subjects": [{"kind": "Group", "name": "system:authenticated"}]})
        await asyncio.sleep(0.05)
        assert await rbac.authorize(_list_cm()) == (
            Decision.NO_OPINION, 'RBAC: clusterrole.rbac.authorization.k8s.io "missing" not found', "")
        await _put(storage, "clusterroles", {"metadata": {"name": "viewer"},
                                             "rules": [{"verbs": ["get", "list"], "apiGroups": ["*"],
                                                        "resources": ["*"]}]})
        await _put(storage, "clusterrolebindings", {"metadata": {"name": "v"},
                                                    "roleRef": {"kind": "ClusterRole", "name": "viewer"},
                                                    "subjects": [{"kind": "Group", "name": "system:serviceaccounts"}]})
        await asyncio.sleep(0.05)
        assert await rbac.authorize(_list_cm()) == (
            Decision.ALLOW, ('RBAC: allowed by ClusterRoleBinding "v" of ClusterRole "viewer" to Group '
                             '"system:serviceaccounts"'), "")

    _run(body)


def test_union_privileged_group_first_and_modes_in_order() -> None:
    async def body(storage: StorageFactory, rbac: RBACAuthorizer) -> None:
        chain = union.new_authorizer(["Node", "RBAC"], rbac, decision.ALWAYS_ALLOW)
        admin = UserInfo("admin", groups=("system:masters",))
        assert await chain.authorize(_list_cm(admin)) == (Decision.ALLOW, "", "")
        assert (await chain.authorize(_list_cm()))[0] == Decision.NO_OPINION
        allow_last = union.new_authorizer(["RBAC", "AlwaysAllow"], rbac, decision.ALWAYS_ALLOW)
        assert (await allow_last.authorize(_list_cm()))[0] == Decision.ALLOW
        deny = union.new_authorizer(["AlwaysDeny"], None, decision.ALWAYS_ALLOW)
        assert await deny.authorize(_list_cm()) == (Decision.NO_OPINION, "Everything is forbidden.", "")
        assert (await chain.rules_for(admin, "ns")).resource_rules == []

    _run(body)
