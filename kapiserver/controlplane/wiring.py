"""Resource specs wired to what only the assembled control plane has (upstream NewREST calls
that take other storages, clients or the server's authenticator).

The storage providers are plain lists of specs; a few specs need more than their own
storage: services reserve through the allocators and delete Endpoints, serviceaccounts/token
signs and reads pods, secrets and nodes, token reviews ask the server's authenticator.
`Wired` carries those specs from KubeAPIServer.new to `storage_providers()`.
"""

from __future__ import annotations

from dataclasses import dataclass

from kapiserver.apimachinery.types import Object
from kapiserver.authentication.interfaces import Authenticator
from kapiserver.registry import loopback
from kapiserver.registry.core.nodes import NODES
from kapiserver.registry.core.pods import PODS
from kapiserver.registry.core.secrets import SECRETS
from kapiserver.registry.core.serviceaccounts import serviceaccounts_spec
from kapiserver.registry.core.serviceaccounts_token import ObjectGetter, TokenIssuer
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.store import Store
from kapiserver.storage.factory import StorageFactory


@dataclass(frozen=True, slots=True)
class Wired:
    services: ResourceSpec | None = None
    serviceaccounts: ResourceSpec | None = None
    authenticator: Authenticator | None = None


def _getter(spec: ResourceSpec, storage: StorageFactory) -> ObjectGetter:
    client = loopback.Client(spec, Store(spec, storage.storage_for(spec.key_root)))

    async def get(namespace: str, name: str) -> Object | None:
        return await client.get(name, namespace)

    return get


def serviceaccounts_with_tokens(storage: StorageFactory, issuer: TokenIssuer | None,
                                audiences: tuple[str, ...] = ()) -> ResourceSpec:
    getters = {"pods": _getter(PODS, storage), "secrets": _getter(SECRETS, storage),
               "nodes": _getter(NODES, storage)}
    return serviceaccounts_spec(issuer, audiences, getters)
