"""Post-start hooks of the control plane (upstream bootstrap-controller and
start-system-namespaces-controller): the namespaces a cluster always has."""

from __future__ import annotations

import logging

from kapiserver.apimachinery import errors
from kapiserver.apimachinery.user import API_SERVER_USER, SYSTEM_PRIVILEGED_GROUP, UserInfo
from kapiserver.registry.core.namespaces import NAMESPACES
from kapiserver.registry.rest import CreateOptions, RequestContext
from kapiserver.registry.store import Store
from kapiserver.server.genericapiserver import GenericAPIServer
from kapiserver.storage.factory import StorageFactory

log = logging.getLogger(__name__)

SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
SYSTEM_USER = UserInfo(API_SERVER_USER, groups=(SYSTEM_PRIVILEGED_GROUP,))


async def ensure_namespaces(storage: StorageFactory, names: tuple[str, ...]) -> None:
    store = Store(NAMESPACES, storage.storage_for(NAMESPACES.key_root))
    ctx = RequestContext(user=SYSTEM_USER)
    for name in names:
        obj = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}
        try:
            await store.create(ctx, obj, None, CreateOptions())
        except errors.StatusError as err:
            if err.reason != "AlreadyExists":
                raise


def add_hooks(server: GenericAPIServer, storage: StorageFactory) -> None:
    async def system_namespaces() -> None:
        await ensure_namespaces(storage, SYSTEM_NAMESPACES)

    server.add_post_start_hook("start-system-namespaces-controller", system_namespaces)
