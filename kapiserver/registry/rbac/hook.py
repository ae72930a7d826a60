"""The `rbac/bootstrap-roles` post-start hook (upstream pkg/registry/rbac/rest PolicyData.EnsureRBACPolicy).

On every start: migrate pre-aggregation roles and pre-split bindings, then create or
reconcile every bootstrap ClusterRole, ClusterRoleBinding, Role and RoleBinding (see
`reconcile` for what is kept). A failure on one object is logged and the rest go on, as
upstream does.
"""

from __future__ import annotations

import asyncio
import logging

from kapiserver.apimachinery import errors, meta
from kapiserver.apimachinery.types import Object
from kapiserver.registry.core.namespaces import NAMESPACES
from kapiserver.registry.hooks import PostStartHook
from kapiserver.registry.loopback import Client
from kapiserver.registry.provider import StorageFor
from kapiserver.registry.store import Store

from . import bootstrap, reconcile
from .aggregation import AggregationController
from .clusterrolebindings import CLUSTERROLEBINDINGS
from .clusterroles import CLUSTERROLES
from .reconcile import Operation
from .rolebindings import ROLEBINDINGS
from .roles import ROLES

SPECS = (ROLES, ROLEBINDINGS, CLUSTERROLES, CLUSTERROLEBINDINGS)

log = logging.getLogger(__name__)
HOOK_NAME = "rbac/bootstrap-roles"
CLUSTER_ROLES_TO_AGGREGATE = {"admin": "system:aggregate-to-admin", "edit": "system:aggregate-to-edit",
                              "view": "system:aggregate-to-view"}
_ATTEMPTS = 3


async def prime_aggregated_cluster_roles(roles: Client) -> None:
    """Roles that became aggregated: keep custom rules of the old role in its new aggregate-to-* role."""
    for old_name, new_name in CLUSTER_ROLES_TO_AGGREGATE.items():
        if await roles.get(new_name) is not None:
            continue
        existing = await roles.get(old_name)
        if existing is None:
            continue
        if existing.get("aggregationRule") is not None:
            return
        copy = meta.deep_copy(existing)
        copy["metadata"] = {k: v for k, v in copy["metadata"].items()
                            if k in ("labels", "annotations")} | {"name": new_name}
        try:
            await roles.create(copy)
        except errors.StatusError as err:
            if err.reason != "AlreadyExists":
                raise


async def prime_split_cluster_role_bindings(bindings: Client) -> None:
    """system:discovery once also granted public info: copy its subjects to system:public-info-viewer."""
    template = next(b for b in bootstrap.cluster_role_bindings() if meta.name(b) == "system:public-info-viewer")
    if await bindings.get(meta.name(template)) is not None:
        return
    existing = await bindings.get("system:discovery")
    if existing is None:
        return
    new = meta.deep_copy(template)
    new["subjects"] = meta.deep_copy(existing.get("subjects") or [])
    for key in ("annotations", "labels"):
        if existing["metadata"].get(key):
            new["metadata"][key] = dict(existing["metadata"][key])
    try:
        await bindings.create(new)
    except errors.StatusError as err:
        if err.reason != "AlreadyExists":
            raise


async def ensure_namespace(namespaces: Client, name: str) -> None:
    """upstream tryEnsureNamespace: a namespaced bootstrap object needs its namespace."""
    if await namespaces.get(name) is None:
        try:
            await namespaces.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
        except errors.StatusError as err:
            if err.reason != "AlreadyExists":
                raise


async def reconcile_one(client: Client, expected: Object, is_binding: bool,
                        namespaces: Client | None = None) -> Operation:
    """Create or reconcile one object, re-running on races as upstream does."""
    name, namespace = meta.name(expected), meta.namespace(expected)
    for _ in range(_ATTEMPTS):
        existing = await client.get(name, namespace)
        compute = reconcile.compute_reconciled_binding if is_binding else reconcile.compute_reconciled_role
        result = compute(existing, expected)
        if result.protected:
            if result.operation != Operation.NONE:
                log.warning("skipped reconcile-protected %s %s/%s", client.spec.singular, namespace, name)
            return Operation.NONE
        try:
            return await _write(client, result, existing, namespaces)
        except errors.StatusError as err:
            if err.reason not in ("AlreadyExists", "NotFound", "Conflict"):
                raise
    raise RuntimeError(f"unable to reconcile {client.spec.singular} {namespace}/{name}: too many conflicts")


async def _write(client: Client, result: reconcile.Result, existing: Object | None,
                 namespaces: Client | None) -> Operation:
    if result.operation == Operation.RECREATE and existing is not None:
        try:
            await client.delete(meta.name(existing), meta.namespace(existing), meta.uid(existing) or None)
        except errors.StatusError as err:
            if err.reason != "NotFound":
                raise
    if result.operation in (Operation.CREATE, Operation.RECREATE):
        if namespaces is not None and meta.namespace(result.obj):
            await ensure_namespace(namespaces, meta.namespace(result.obj))
        await client.create(result.obj)
    elif result.operation == Operation.UPDATE:
        await client.update(result.obj)
    return result.operation


async def ensure_rbac_policy(clients: dict[str, Client], namespaces: Client) -> None:
    await prime_aggregated_cluster_roles(clients["clusterroles"])
    await prime_split_cluster_role_bindings(clients["clusterrolebindings"])
    plan = [
        ("clusterroles", bootstrap.cluster_roles() + bootstrap.controller_roles(), False),
        ("clusterrolebindings", bootstrap.cluster_role_bindings() + bootstrap.controller_role_bindings(), True),
        ("roles", bootstrap.namespace_roles(), False),
        ("rolebindings", bootstrap.namespace_role_bindings(), True),
    ]
    for resource, objects, is_binding in plan:
        # Objects of one kind do not depend on each other: reconciling them together lets the
        # store commit their writes in a few batches instead of one commit each.
        await asyncio.gather(*(_reconcile_logged(clients[resource], obj, is_binding, namespaces, resource)
                               for obj in objects))


async def _reconcile_logged(client: Client, obj: Object, is_binding: bool, namespaces: Client,
                            resource: str) -> None:
    try:
        await reconcile_one(client, obj, is_binding, namespaces)
    except Exception:
        log.exception("unable to reconcile %s %s", resource, meta.name(obj))


def post_start_hook(storage_for: StorageFor) -> PostStartHook:
    """The hook, plus the in-process aggregation controller it starts (stopped before shutdown)."""
    clients = {spec.plural: Client(spec, Store(spec, storage_for(spec))) for spec in SPECS}
    namespaces = Client(NAMESPACES, Store(NAMESPACES, storage_for(NAMESPACES)))
    controller = AggregationController(clients["clusterroles"])

    async def run() -> None:
        await ensure_rbac_policy(clients, namespaces)
        await controller.start()

    return PostStartHook(HOOK_NAME, run, controller.stop)
