"""The coordination.k8s.io group (upstream pkg/registry/coordination/rest RESTStorageProvider).

v1 serves leases; leasecandidates (v1beta1, v1alpha2) are off by default in v1.35 and
served when --runtime-config asks for them.
"""

from __future__ import annotations

from kapiserver.registry.provider import StorageProvider

from .leasecandidates import LEASECANDIDATES, LEASECANDIDATES_V1ALPHA2
from .leases import LEASES


def provider() -> StorageProvider:
    return StorageProvider("coordination.k8s.io", (LEASES, LEASECANDIDATES, LEASECANDIDATES_V1ALPHA2),
                           ("v1", "v1beta1", "v1alpha2"))
