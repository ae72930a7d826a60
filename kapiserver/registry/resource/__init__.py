"""The resource.k8s.io group, Dynamic Resource Allocation (upstream pkg/registry/resource/rest).

v1 (GA since v1.34) serves deviceclasses, resourceclaims (+status), resourceclaimtemplates
and resourceslices, and owns their storage. v1beta2 (v1's shape) and v1beta1 (converted,
see versions.py) serve the same objects, and v1alpha3 serves devicetaintrules (+status);
all three are off by default and served with --runtime-config.
"""

from __future__ import annotations

from kapiserver.registry.provider import StorageProvider

from . import versions
from .deviceclasses import DEVICECLASSES
from .devicetaintrules import DEVICETAINTRULES
from .resourceclaims import RESOURCECLAIMS, RESOURCECLAIMTEMPLATES, ResourceClaimStatusStrategy
from .resourceslices import RESOURCESLICES

_V1 = (DEVICECLASSES, RESOURCECLAIMS, RESOURCECLAIMTEMPLATES, RESOURCESLICES)
_V1BETA2 = tuple(versions.served_as(spec, "v1beta2") for spec in _V1)
_V1BETA1 = (
    versions.served_as(DEVICECLASSES, "v1beta1"),
    versions.served_as(RESOURCECLAIMS, "v1beta1", versions.claim_to_v1, versions.claim_from_v1,
                       ResourceClaimStatusStrategy()),
    versions.served_as(RESOURCECLAIMTEMPLATES, "v1beta1", versions.template_to_v1, versions.template_from_v1),
    versions.served_as(RESOURCESLICES, "v1beta1", versions.slice_to_v1, versions.slice_from_v1),
)


def provider() -> StorageProvider:
    return StorageProvider("resource.k8s.io", _V1 + _V1BETA2 + _V1BETA1 + (DEVICETAINTRULES,),
                           ("v1", "v1beta2", "v1beta1", "v1alpha3"))
