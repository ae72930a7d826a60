"""The authentication.k8s.io group (upstream pkg/registry/authentication/rest RESTStorageProvider).

v1 serves selfsubjectreviews and tokenreviews, create-only; token reviews ask the server's
own authenticator, which the control plane passes in.
"""

from __future__ import annotations

from kapiserver.authentication.interfaces import Authenticator
from kapiserver.registry.provider import StorageProvider

from .selfsubjectreviews import SELFSUBJECTREVIEWS
from .tokenreviews import tokenreviews_spec


def provider(authenticator: Authenticator | None = None) -> StorageProvider:
    return StorageProvider("authentication.k8s.io", (SELFSUBJECTREVIEWS, tokenreviews_spec(authenticator)))
