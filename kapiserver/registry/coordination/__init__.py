"""The coordination.k8s.io group (upstream pkg/registry/coordination/rest RESTStorageProvider).

v1 serves leases; the LeaseCandidate versions (v1beta1, v1alpha2) are off by default
and not served yet.
"""

from __future__ import annotations

from kapiserver.registry.provider import StorageProvider

from .leases import LEASES


def provider() -> StorageProvider:
    return StorageProvider("coordination.k8s.io", (LEASES,))
