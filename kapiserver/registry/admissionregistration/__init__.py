"""The admissionregistration.k8s.io group (upstream pkg/registry/admissionregistration/rest).

v1 serves mutating and validating webhook configurations, validatingadmissionpolicies
(+status) and their bindings. MutatingAdmissionPolicy and its binding are beta in v1.35:
v1beta1 and v1alpha1 (from v1beta1's storage) are served with --runtime-config.
"""

from __future__ import annotations

from kapiserver.registry.provider import StorageProvider

from .policy_specs import (
    MUTATINGADMISSIONPOLICIES,
    MUTATINGADMISSIONPOLICIES_V1ALPHA1,
    MUTATINGADMISSIONPOLICYBINDINGS,
    MUTATINGADMISSIONPOLICYBINDINGS_V1ALPHA1,
    VALIDATINGADMISSIONPOLICIES,
    VALIDATINGADMISSIONPOLICYBINDINGS,
)
from .webhooks import MUTATINGWEBHOOKCONFIGURATIONS, VALIDATINGWEBHOOKCONFIGURATIONS


def provider() -> StorageProvider:
    return StorageProvider("admissionregistration.k8s.io", (
        MUTATINGWEBHOOKCONFIGURATIONS,
        VALIDATINGADMISSIONPOLICIES,
        VALIDATINGADMISSIONPOLICYBINDINGS,
        VALIDATINGWEBHOOKCONFIGURATIONS,
        MUTATINGADMISSIONPOLICIES,
        MUTATINGADMISSIONPOLICYBINDINGS,
        MUTATINGADMISSIONPOLICIES_V1ALPHA1,
        MUTATINGADMISSIONPOLICYBINDINGS_V1ALPHA1,
    ), ("v1", "v1beta1", "v1alpha1"))
