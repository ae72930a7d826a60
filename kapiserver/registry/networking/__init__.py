"""The networking.k8s.io group (upstream pkg/registry/networking/rest RESTStorageProvider).

v1 serves ingresses, ingressclasses, ipaddresses, networkpolicies and servicecidrs (the
MultiCIDRServiceAllocator kinds are GA since v1.33); v1beta1 serves ipaddresses and
servicecidrs when enabled with --runtime-config, from v1's storage.
"""

from __future__ import annotations

from kapiserver.registry.provider import StorageProvider

from .ingressclasses import INGRESSCLASSES
from .ingresses import INGRESSES
from .ipaddresses import IPADDRESSES, IPADDRESSES_V1BETA1
from .networkpolicies import NETWORKPOLICIES
from .servicecidrs import SERVICECIDRS, SERVICECIDRS_V1BETA1


def provider() -> StorageProvider:
    return StorageProvider("networking.k8s.io", (
        INGRESSCLASSES,
        INGRESSES,
        IPADDRESSES,
        NETWORKPOLICIES,
        SERVICECIDRS,
        IPADDRESSES_V1BETA1,
        SERVICECIDRS_V1BETA1,
    ), ("v1", "v1beta1"))
