"""The autoscaling group (upstream pkg/registry/autoscaling/rest RESTStorageProvider).

horizontalpodautoscalers (+status) are served at v2, the preferred and storage version,
and at v1, converted (versions.py); both share one storage. v2beta1 and v2beta2 were
removed in v1.25 and v1.26.
"""

from __future__ import annotations

from kapiserver.registry.provider import StorageProvider

from .horizontalpodautoscalers import HORIZONTALPODAUTOSCALERS, HORIZONTALPODAUTOSCALERS_V1


def provider() -> StorageProvider:
    return StorageProvider("autoscaling", (HORIZONTALPODAUTOSCALERS, HORIZONTALPODAUTOSCALERS_V1), ("v2", "v1"))
