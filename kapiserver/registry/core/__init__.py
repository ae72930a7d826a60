"""The core ("legacy") API group, v1 (upstream pkg/registry/core/rest LegacyRESTStorageProvider)."""

from __future__ import annotations

from kapiserver.registry.provider import StorageProvider

from .configmaps import CONFIGMAPS
from .endpoints import ENDPOINTS
from .events import DEFAULT_EVENT_TTL_SECONDS, events_spec
from .namespaces import NAMESPACES
from .nodes import NODES
from .pods import PODS
from .secrets import SECRETS
from .serviceaccounts import SERVICEACCOUNTS
from .services import services_spec


def provider(event_ttl_seconds: int = DEFAULT_EVENT_TTL_SECONDS) -> StorageProvider:
    """The core group; events expire after `event_ttl_seconds` (--event-ttl)."""
    return StorageProvider("", (
        CONFIGMAPS,
        ENDPOINTS,
        events_spec(event_ttl_seconds),
        NAMESPACES,
        NODES,
        PODS,
        SECRETS,
        SERVICEACCOUNTS,
        services_spec(),
    ))
