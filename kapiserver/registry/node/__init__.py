"""The node.k8s.io group (upstream pkg/registry/node/rest RESTStorageProvider): v1 runtimeclasses
(v1beta1 and v1alpha1 are no longer served by v1.35)."""

from __future__ import annotations

from kapiserver.registry.provider import StorageProvider

from .runtimeclasses import RUNTIMECLASSES


def provider() -> StorageProvider:
    return StorageProvider("node.k8s.io", (RUNTIMECLASSES,))
