"""The policy group (upstream pkg/registry/policy/rest RESTStorageProvider).

v1 serves poddisruptionbudgets with their status; policy/v1beta1 (and PodSecurityPolicy)
were removed in v1.25. Evictions are served by core as pods/eviction, and read the budgets
declared here (see core/eviction_budgets.py).
"""

from __future__ import annotations

from kapiserver.registry.provider import StorageProvider

from .poddisruptionbudgets import PODDISRUPTIONBUDGETS

__all__ = ["PODDISRUPTIONBUDGETS", "provider"]


def provider() -> StorageProvider:
    return StorageProvider("policy", (PODDISRUPTIONBUDGETS,), ("v1",))
