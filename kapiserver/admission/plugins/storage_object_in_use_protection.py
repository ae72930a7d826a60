"""StorageObjectInUseProtection (upstream plugin/pkg/admission/storage/storageobjectinuseprotection).

Every new PersistentVolume gets the `kubernetes.io/pv-protection` finalizer and every new
PersistentVolumeClaim `kubernetes.io/pvc-protection`, so that deleting one still in use only
marks it Terminating: kube-controller-manager's PV and PVC protection controllers remove the
finalizer once nothing uses the object. Without those controllers (kube-apiserver alone) the
object stays Terminating until someone removes the finalizer, exactly as upstream behaves.
Creation only; subresources are left alone.
"""

from __future__ import annotations

from ..interfaces import Attributes, Operation

PLUGIN_NAME = "StorageObjectInUseProtection"
PV_PROTECTION_FINALIZER = "kubernetes.io/pv-protection"
PVC_PROTECTION_FINALIZER = "kubernetes.io/pvc-protection"
_FINALIZERS = {"persistentvolumes": PV_PROTECTION_FINALIZER, "persistentvolumeclaims": PVC_PROTECTION_FINALIZER}


class StorageObjectInUseProtection:
    def handles(self, operation: Operation) -> bool:
        return operation == Operation.CREATE

    async def admit(self, attrs: Attributes) -> None:
        if attrs.resource.group != "" or attrs.subresource or not isinstance(attrs.obj, dict):
            return
        finalizer = _FINALIZERS.get(attrs.resource.resource)
        if finalizer is None:
            return
        metadata = attrs.obj.setdefault("metadata", {})
        finalizers = metadata.get("finalizers")
        if not isinstance(finalizers, list):
            finalizers = []
        if finalizer not in finalizers:
            metadata["finalizers"] = [*finalizers, finalizer]
