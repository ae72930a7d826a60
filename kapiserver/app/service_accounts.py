"""Service account token authentication, wired to storage (upstream's ServiceAccountTokenGetter
reads informers, falling back to a live read for objects created since)."""

from __future__ import annotations

from kapiserver.apimachinery.types import Object
from kapiserver.authentication.serviceaccount_token import ServiceAccountTokenAuthenticator
from kapiserver.authentication.union import UnionAuthenticator
from kapiserver.storage import factory

from .config import CompletedConfig

_KEY_ROOTS = {"serviceaccounts": "/registry/serviceaccounts", "pods": "/registry/pods",
              "secrets": "/registry/secrets", "nodes": "/registry/minions"}


def add_token_authenticator(completed: CompletedConfig, storage: factory.StorageFactory) -> None:
    """Bearer tokens of this server's issuer authenticate after the front proxy and client
    certificates, as upstream's union orders them."""
    issuer, public_key = completed.token_issuer, completed.service_account_public_key
    if issuer is None or public_key is None:
        return

    async def get(resource: str, namespace: str, name: str) -> Object | None:
        root = _KEY_ROOTS[resource]
        key = f"{root}/{namespace}/{name}" if namespace else f"{root}/{name}"
        store = storage.storage_for(root)
        found = await store.get(key, "0", ignore_not_found=True)
        return found if found is not None else await store.get(key, "", ignore_not_found=True)

    tokens = ServiceAccountTokenAuthenticator([issuer.issuer], public_key, [issuer.issuer], get)
    completed.generic.authenticator = UnionAuthenticator([completed.generic.authenticator, tokens])
