"""DefaultStorageClass (upstream plugin/pkg/admission/storage/storageclass/setdefault).

A new PersistentVolumeClaim that names no class, neither in `spec.storageClassName` (an
explicit "" counts as naming one: "no class") nor in the beta `volume.beta.kubernetes.io/
storage-class` annotation, gets the StorageClass annotated `storageclass.kubernetes.io/
is-default-class: "true"` (or its beta twin). When several are marked, the newest wins, then
the lowest name (upstream util.GetDefaultClass). Creation only.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from kapiserver.apimachinery import timefmt
from kapiserver.apimachinery.types import Object

from ..interfaces import Attributes, Operation

PLUGIN_NAME = "DefaultStorageClass"
IS_DEFAULT_ANNOTATION = "storageclass.kubernetes.io/is-default-class"
BETA_IS_DEFAULT_ANNOTATION = "storageclass.beta.kubernetes.io/is-default-class"
BETA_STORAGE_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class"

# Lists every StorageClass (upstream reads its informer's lister).
StorageClassLister = Callable[[], Awaitable[list[Object]]]


def _metadata(obj: Object) -> Object:
    metadata = obj.get("metadata")
    return metadata if isinstance(metadata, dict) else {}


def is_default_class(storage_class: Object) -> bool:
    annotations = _metadata(storage_class).get("annotations") or {}
    return annotations.get(IS_DEFAULT_ANNOTATION) == "true" or annotations.get(BETA_IS_DEFAULT_ANNOTATION) == "true"


def _created_at(obj: Object) -> float:
    value = _metadata(obj).get("creationTimestamp")
    try:
        return timefmt.parse_time(str(value)).timestamp() if value else float("-inf")
    except ValueError:
        return float("-inf")


def default_class(classes: list[Object]) -> Object | None:
    """The default class: newest first, then the lowest name; None when none is marked."""
    marked = [c for c in classes if is_default_class(c)]
    if not marked:
        return None
    return min(marked, key=lambda c: (-_created_at(c), str(_metadata(c).get("name") or "")))


def claim_has_class(claim: Object) -> bool:
    """helper.PersistentVolumeClaimHasClass: the beta annotation, or spec.storageClassName set (even "")."""
    if BETA_STORAGE_CLASS_ANNOTATION in (_metadata(claim).get("annotations") or {}):
        return True
    spec = claim.get("spec")
    return isinstance(spec, dict) and spec.get("storageClassName") is not None


class DefaultStorageClass:
    def __init__(self, list_classes: StorageClassLister):
        self._list = list_classes

    def handles(self, operation: Operation) -> bool:
        return operation == Operation.CREATE

    async def admit(self, attrs: Attributes) -> None:
        if (attrs.resource.group, attrs.resource.resource) != ("", "persistentvolumeclaims") or attrs.subresource:
            return
        claim = attrs.obj
        if not isinstance(claim, dict) or claim_has_class(claim):
            return
        chosen = default_class(await self._list())
        if chosen is None:
            return
        spec = claim.get("spec")
        if not isinstance(spec, dict):
            spec = claim["spec"] = {}
        spec["storageClassName"] = _metadata(chosen).get("name")
