"""The core ("legacy") API group, v1 (upstream pkg/registry/core/rest LegacyRESTStorageProvider)."""

from __future__ import annotations

from kapiserver.registry.provider import StorageProvider

from .configmaps import CONFIGMAPS
from .namespaces import NAMESPACES


def provider() -> StorageProvider:
    return StorageProvider("", (CONFIGMAPS, NAMESPACES))
