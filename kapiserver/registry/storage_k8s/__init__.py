"""The storage.k8s.io group (upstream pkg/registry/storage/rest RESTStorageProvider).

Named storage_k8s so it is not mistaken for kapiserver.storage. v1 serves csidrivers,
csinodes, csistoragecapacities, storageclasses, volumeattachments (+status) and
volumeattributesclasses (GA in v1.34); v1beta1 serves volumeattributesclasses when enabled
with --runtime-config, from v1's storage.
"""

from __future__ import annotations

from kapiserver.registry.provider import StorageProvider

from .csidrivers import CSIDRIVERS
from .csinodes import CSINODES
from .csistoragecapacities import CSISTORAGECAPACITIES
from .storageclasses import STORAGECLASSES
from .volumeattachments import VOLUMEATTACHMENTS
from .volumeattributesclasses import VOLUMEATTRIBUTESCLASSES, VOLUMEATTRIBUTESCLASSES_V1BETA1


def provider() -> StorageProvider:
    return StorageProvider("storage.k8s.io", (
        CSIDRIVERS,
        CSINODES,
        CSISTORAGECAPACITIES,
        STORAGECLASSES,
        VOLUMEATTACHMENTS,
        VOLUMEATTRIBUTESCLASSES,
        VOLUMEATTRIBUTESCLASSES_V1BETA1,
    ), ("v1", "v1beta1"))
