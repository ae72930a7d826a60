"""The certificates.k8s.io group (upstream pkg/registry/certificates/rest RESTStorageProvider).

v1 serves certificatesigningrequests with /approval and /status. v1beta1 (clustertrustbundles,
podcertificaterequests) and v1alpha1 (clustertrustbundles, from v1beta1's storage) are off
by default and served with --runtime-config.
"""

from __future__ import annotations

from kapiserver.registry.provider import StorageProvider

from .certificatesigningrequests import CERTIFICATESIGNINGREQUESTS
from .clustertrustbundles import CLUSTERTRUSTBUNDLES, CLUSTERTRUSTBUNDLES_V1ALPHA1
from .podcertificaterequests import PODCERTIFICATEREQUESTS


def provider() -> StorageProvider:
    return StorageProvider("certificates.k8s.io", (
        CERTIFICATESIGNINGREQUESTS,
        CLUSTERTRUSTBUNDLES,
        PODCERTIFICATEREQUESTS,
        CLUSTERTRUSTBUNDLES_V1ALPHA1,
    ), ("v1", "v1beta1", "v1alpha1"))
