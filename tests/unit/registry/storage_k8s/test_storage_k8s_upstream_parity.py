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


def test_struct_bad_values_keep_go_field_order() -> None:
    old = {"metadata": {"name": "n1", "resourceVersion": "1"},
           "spec": {"drivers": [{"name": "d.example.com", "nodeID": "a", "topologyKeys": ["zone"]}]}}
    moved = {"metadata": dict(old["metadata"]),
             "spec": {"drivers": [{"name": "d.example.com", "nodeID": "b&c", "topologyKeys": ["zone"]}]}}
    assert [str(e) for e in csinodes.validate_csi_node_update(moved, old)] == [
        ('spec.drivers: Invalid value: {"Name":"d.example.com","NodeID":"b\\u0026c","TopologyKeys":["zone"],'
        '"Allocatable":null}: field is immutable')]
    capacity = {"metadata": {"name": "c", "namespace": "ns", "resourceVersion": "1"}, "storageClassName": "sc",
                "nodeTopology": {"matchLabels": {"zone": "a"}}}
    topology = {"matchLabels": {"zone": "b", "rack": "r1"},
                "matchExpressions": [{"key": "gpu", "operator": "Exists"}]}
    errs = csistoragecapacities.validate_csi_storage_capacity_update(dict(capacity, nodeTopology=topology), capacity)
    assert [str(e) for e in errs] == [
        ('nodeTopology: Invalid value: {"matchLabels":{"rack":"r1","zone":"b"},'
        '"matchExpressions":[{"key":"gpu","operator":"Exists"}]}: field is immutable')]
