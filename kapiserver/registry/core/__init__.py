"""The core ("legacy") API group, v1 (upstream pkg/registry/core/rest LegacyRESTStorageProvider)."""

from __future__ import annotations

from kapiserver.registry.provider import StorageProvider
from kapiserver.registry.spec import ResourceSpec

from .bindings import BINDINGS
from .componentstatuses import COMPONENTSTATUSES
from .configmaps import CONFIGMAPS
from .endpoints import ENDPOINTS
from .events import DEFAULT_EVENT_TTL_SECONDS, events_spec
from .eviction_budgets import LegacyStorageProvider
from .limitranges import LIMITRANGES
from .namespaces import NAMESPACES
from .nodes import NODES
from .persistentvolumeclaims import PERSISTENTVOLUMECLAIMS
from .persistentvolumes import PERSISTENTVOLUMES
from .pods import PODS
from .podtemplates import PODTEMPLATES
from .replicationcontrollers import REPLICATIONCONTROLLERS
from .resourcequotas import RESOURCEQUOTAS
from .secrets import SECRETS
from .serviceaccounts import SERVICEACCOUNTS
from .services import services_spec


def provider(event_ttl_seconds: int = DEFAULT_EVENT_TTL_SECONDS,
             disruption_budgets: ResourceSpec | None = None, services: ResourceSpec | None = None,
             serviceaccounts: ResourceSpec | None = None) -> StorageProvider:
    """The core group; events expire after `event_ttl_seconds` (--event-ttl); pods/eviction honours
    the PodDisruptionBudgets of `disruption_budgets` (the policy group's spec) when given.
    `services` and `serviceaccounts` are the specs the control plane wired to its allocators
    and token issuer (services_spec(), serviceaccounts_spec()); by default, specs without them."""
    return LegacyStorageProvider((
        BINDINGS,
        COMPONENTSTATUSES,
        CONFIGMAPS,
        ENDPOINTS,
        events_spec(event_ttl_seconds),
        LIMITRANGES,
        NAMESPACES,
        NODES,
        PERSISTENTVOLUMECLAIMS,
        PERSISTENTVOLUMES,
        PODS,
        PODTEMPLATES,
        REPLICATIONCONTROLLERS,
        RESOURCEQUOTAS,
        SECRETS,
        serviceaccounts or SERVICEACCOUNTS,
        services or services_spec(),
    ), disruption_budgets)
