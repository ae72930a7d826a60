"""The authorization.k8s.io group (upstream pkg/registry/authorization/rest RESTStorageProvider).

v1 serves the four access reviews, create-only, decided by the authorizer the control plane
passes in (the one the server authorizes requests with).
"""

from __future__ import annotations

from kapiserver.registry.provider import StorageProvider

from .decision import ALWAYS_ALLOW, Authorizer
from .selfsubjectrulesreviews import selfsubjectrulesreviews_spec
from .subjectaccessreviews import access_review_specs


def provider(authorizer: Authorizer = ALWAYS_ALLOW) -> StorageProvider:
    local, self_review, subject = access_review_specs(authorizer)
    return StorageProvider("authorization.k8s.io", (
        local, self_review, selfsubjectrulesreviews_spec(authorizer), subject))
