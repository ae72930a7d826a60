"""The internal.apiserver.k8s.io group (upstream pkg/registry/apiserverinternal/rest StorageProvider):
v1alpha1 storageversions, off by default (`--runtime-config=internal.apiserver.k8s.io/v1alpha1=true`)."""

from __future__ import annotations

from kapiserver.registry.provider import StorageProvider

from .storageversions import STORAGEVERSIONS


def provider() -> StorageProvider:
    return StorageProvider("internal.apiserver.k8s.io", (STORAGEVERSIONS,))
