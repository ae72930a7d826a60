"""resource.k8s.io details found by the e2e kinds suite (upstream pkg/registry/resource/*)."""

from __future__ import annotations

import copy

from kapiserver.registry.resource import deviceclasses, provider, resourceclaims, resourceslices
from kapiserver.registry.rest import RequestContext


def test_deletes_answer_the_deleted_object_at_every_served_version() -> None:
    stored = [deviceclasses.DEVICECLASSES, resourceclaims.RESOURCECLAIMS, resourceclaims.RESOURCECLAIMTEMPLATES,
              resourceslices.RESOURCESLICES]
    assert all(spec.return_deleted_object for spec in stored)
    kinds = {spec.kind for spec in stored}
    served = [spec for spec in provider().specs if spec.kind in kinds]
    assert len(served) == 12 and all(spec.return_deleted_object for spec in served)


def test_tolerations_are_dropped_while_dra_device_taints_is_off_unless_the_stored_spec_has_some() -> None:
    ctx = RequestContext(namespace="ns", api_group="resource.k8s.io", api_version="v1")
    toleration = {"key": "example.com/unhealthy", "operator": "Exists", "effect": "NoSchedule"}
    request = {"name": "gpu", "exactly": {"deviceClassName": "gpu.example.com", "tolerations": [toleration]},
               "firstAvailable": [{"name": "small", "deviceClassName": "c", "tolerations": [toleration]}]}
    claim = {"metadata": {"name": "c", "namespace": "ns"}, "spec": {"devices": {"requests": [request]}}}
    created = copy.deepcopy(claim)
    resourceclaims.ResourceClaimStrategy().prepare_for_create(ctx, created)
    [kept] = created["spec"]["devices"]["requests"]
    assert "tolerations" not in kept["exactly"] and "tolerations" not in kept["firstAvailable"][0]
    updated = copy.deepcopy(claim)
    resourceclaims.ResourceClaimStrategy().prepare_for_update(ctx, updated, claim)
    assert updated["spec"] == claim["spec"]
    template = {"metadata": {"name": "t", "namespace": "ns"}, "spec": {"spec": copy.deepcopy(claim["spec"])}}
    resourceclaims.ResourceClaimTemplateStrategy().prepare_for_create(ctx, template)
    assert "tolerations" not in template["spec"]["spec"]["devices"]["requests"][0]["exactly"]


def test_device_taints_are_dropped_while_dra_device_taints_is_off_unless_the_stored_slice_has_some() -> None:
    ctx = RequestContext(api_group="resource.k8s.io", api_version="v1")
    device = {"name": "gpu-0", "taints": [{"key": "example.com/unhealthy", "effect": "NoSchedule"}]}
    stored = {"metadata": {"name": "s", "generation": 1}, "spec": {"driver": "gpu.example.com", "devices": [device]}}
    created = copy.deepcopy(stored)
    resourceslices.ResourceSliceStrategy().prepare_for_create(ctx, created)
    assert created["spec"]["devices"] == [{"name": "gpu-0"}] and created["metadata"]["generation"] == 1
    tainted = copy.deepcopy(created)
    tainted["spec"]["devices"][0]["taints"] = device["taints"]
    resourceslices.ResourceSliceStrategy().prepare_for_update(ctx, tainted, created)
    assert tainted["spec"]["devices"] == [{"name": "gpu-0"}] and tainted["metadata"]["generation"] == 2
    kept = copy.deepcopy(stored)
    resourceslices.ResourceSliceStrategy().prepare_for_update(ctx, kept, stored)
    assert kept["spec"]["devices"] == [device]
