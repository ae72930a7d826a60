"""storage.k8s.io details found by the e2e kinds suite (upstream pkg/registry/storage/*)."""

from __future__ import annotations

from kapiserver.registry.rest import RequestContext
from kapiserver.registry.storage_k8s import (
    csidrivers,
    csinodes,
    csistoragecapacities,
    storageclasses,
    volumeattachments,
    volumeattributesclasses,
)

CTX = RequestContext(api_group="storage.k8s.io", api_version="v1")


def test_csi_driver_create_sets_no_generation_and_a_spec_change_makes_it_one() -> None:
    strategy = csidrivers.CSIDriverStrategy()
    created = {"metadata": {"name": "ebs.csi.aws.com"}, "spec": {}}
    strategy.default(created)
    strategy.prepare_for_create(CTX, created)
    assert "generation" not in created["metadata"]
    updated = {"metadata": {"name": "ebs.csi.aws.com"}, "spec": dict(created["spec"], podInfoOnMount=True)}
    strategy.prepare_for_update(CTX, updated, created)
    assert updated["metadata"]["generation"] == 1
    unchanged = {"metadata": {"name": "ebs.csi.aws.com", "generation": 1}, "spec": dict(updated["spec"])}
    strategy.prepare_for_update(CTX, unchanged, updated)
    assert unchanged["metadata"]["generation"] == 1


def test_deletes_answer_the_deleted_object_where_upstream_sets_return_deleted_object() -> None:
    returning = [csidrivers.CSIDRIVERS, csinodes.CSINODES, storageclasses.STORAGECLASSES,
                 volumeattachments.VOLUMEATTACHMENTS, volumeattributesclasses.VOLUMEATTRIBUTESCLASSES,
                 volumeattributesclasses.VOLUMEATTRIBUTESCLASSES_V1BETA1]
    assert all(spec.return_deleted_object for spec in returning)
    assert not csistoragecapacities.CSISTORAGECAPACITIES.return_deleted_object
