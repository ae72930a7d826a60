"""PersistentVolumeClaimResize (upstream plugin/pkg/admission/storage/persistentvolume/resize).

Validation of claim updates that grow `spec.resources.requests.storage`: only a Bound claim
may grow, and only when it keeps its StorageClass and that class exists with
`allowVolumeExpansion: true`. Validation has already refused any other spec change of a
pending claim, and shrinking is validation's business (recovery down to status.capacity).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from kapiserver.apimachinery import quantity
from kapiserver.apimachinery.types import Object

from ..errors import new_forbidden
from ..interfaces import Attributes, Operation

PLUGIN_NAME = "PersistentVolumeClaimResize"
BETA_STORAGE_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class"
ONLY_BOUND = "Only bound persistent volume claims can be expanded"
NOT_EXPANDABLE = ("only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc "
                  "must support resize")

# Reads one StorageClass by name (None when there is none).
StorageClassGetter = Callable[[str], Awaitable[Object | None]]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def requested_storage(claim: Object) -> quantity.Quantity:
    raw = _dict(_dict(_dict(claim.get("spec")).get("resources")).get("requests")).get("storage")
    try:
        return quantity.from_json(raw) if raw is not None else quantity.ZERO
    except quantity.QuantityError:
        return quantity.ZERO


def claim_class(claim: Object) -> str:
    """helper.GetPersistentVolumeClaimClass: the beta annotation first, then spec.storageClassName."""
    annotations = _dict(_dict(claim.get("metadata")).get("annotations"))
    if BETA_STORAGE_CLASS_ANNOTATION in annotations:
        return str(annotations[BETA_STORAGE_CLASS_ANNOTATION])
    return str(_dict(claim.get("spec")).get("storageClassName") or "")


class PersistentVolumeClaimResize:
    def __init__(self, get_class: StorageClassGetter):
        self._get_class = get_class

    def handles(self, operation: Operation) -> bool:
        return operation == Operation.UPDATE

    async def _allow_resize(self, claim: Object, old: Object) -> bool:
        name, old_name = claim_class(claim), claim_class(old)
        if not name or name != old_name:
            return False
        storage_class = await self._get_class(name)
        return storage_class is not None and storage_class.get("allowVolumeExpansion") is True

    async def validate(self, attrs: Attributes) -> None:
        if (attrs.resource.group, attrs.resource.resource) != ("", "persistentvolumeclaims") or attrs.subresource:
            return
        claim, old = attrs.obj, attrs.old_obj
        if not isinstance(claim, dict) or not isinstance(old, dict):
            return
        if quantity.compare(requested_storage(claim), requested_storage(old)) <= 0:
            return
        if _dict(old.get("status")).get("phase") != "Bound":
            raise new_forbidden(attrs, ONLY_BOUND)
        if not await self._allow_resize(claim, old):
            raise new_forbidden(attrs, NOT_EXPANDABLE)
