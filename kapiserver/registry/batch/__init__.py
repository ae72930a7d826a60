"""The batch group (upstream pkg/registry/batch/rest RESTStorageProvider).

v1 serves cronjobs and jobs, each with a status subresource; batch/v1beta1 was removed in
v1.25 and is not served.
"""

from __future__ import annotations

from kapiserver.registry.provider import StorageProvider

from .cronjobs import CRONJOBS
from .jobs import JOBS


def provider() -> StorageProvider:
    return StorageProvider("batch", (CRONJOBS, JOBS), ("v1",))
