"""resource.k8s.io details found by the e2e kinds suite (upstream pkg/registry/resource/*)."""

from __future__ import annotations

from kapiserver.registry.resource import deviceclasses, provider, resourceclaims, resourceslices


def test_deletes_answer_the_deleted_object_at_every_served_version() -> None:
    stored = [deviceclasses.DEVICECLASSES, resourceclaims.RESOURCECLAIMS, resourceclaims.RESOURCECLAIMTEMPLATES,
              resourceslices.RESOURCESLICES]
    assert all(spec.return_deleted_object for spec in stored)
    kinds = {spec.kind for spec in stored}
    served = [spec for spec in provider().specs if spec.kind in kinds]
    assert len(served) == 12 and all(spec.return_deleted_object for spec in served)
