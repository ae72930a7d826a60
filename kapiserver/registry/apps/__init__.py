"""The apps group (upstream pkg/registry/apps/rest StorageProvider).

apps/v1 serves deployments (+status, +scale), statefulsets (+status, +scale), daemonsets
(+status), replicasets (+status, +scale) and controllerrevisions. The scale subresources
answer autoscaling/v1 Scale (registry/scale.py). The pod templates reuse
registry/core/podspec for their defaults and validation.
"""

from __future__ import annotations

from kapiserver.registry.provider import StorageProvider

from .controllerrevisions import CONTROLLERREVISIONS
from .daemonsets import DAEMONSETS
from .deployments import DEPLOYMENTS
from .replicasets import REPLICASETS
from .statefulsets import STATEFULSETS


def provider() -> StorageProvider:
    return StorageProvider("apps", (DEPLOYMENTS, STATEFULSETS, DAEMONSETS, REPLICASETS, CONTROLLERREVISIONS))
