"""The events.k8s.io group (upstream pkg/registry/events/rest RESTStorageProvider): v1 events,
the core/v1 Events seen in their newer shape, with the same --event-ttl."""

from __future__ import annotations

from kapiserver.registry.core.events import DEFAULT_EVENT_TTL_SECONDS, events_spec
from kapiserver.registry.provider import StorageProvider

from .events import events_v1_spec


def provider(event_ttl_seconds: int = DEFAULT_EVENT_TTL_SECONDS) -> StorageProvider:
    return StorageProvider("events.k8s.io", (events_v1_spec(events_spec(event_ttl_seconds)),))
