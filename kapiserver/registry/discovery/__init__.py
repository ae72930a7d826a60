"""The discovery.k8s.io group (upstream pkg/registry/discovery/rest StorageProvider): v1 endpointslices."""

from __future__ import annotations

from kapiserver.registry.provider import StorageProvider

from .endpointslices import ENDPOINTSLICES


def provider() -> StorageProvider:
    return StorageProvider("discovery.k8s.io", (ENDPOINTSLICES,))
