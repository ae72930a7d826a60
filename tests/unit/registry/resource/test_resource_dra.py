"""resource.k8s.io (DRA): defaults, validation, status rules, printers and the v1beta1 conversions."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kapiserver.registry.resource import (
    claims_validation,
    deviceclasses,
    devicetaintrules,
    provider,
    resourceclaims,
    resourceslices,
    validation_common,
    versions,
)
from kapiserver.registry.rest import RequestContext

CTX = RequestContext(namespace="ns", api_group="resource.k8s.io", api_version="v1")
META = {"name": "x", "namespace": "ns", "resourceVersion": "1"}


def claim(*requests: dict[str, Any], **devices: Any) -> dict[str, Any]:
    obj = {"metadata": dict(META), "spec": {"devices": {"requests": list(requests), **devices}}}
    resourceclaims.default_device_claim(obj["spec"]["devices"])
    return obj


def exact(name: str = "gpu", **fields: Any) -> dict[str, Any]:
    return {"name": name, "exactly": {"deviceClassName": "gpu.example.com", **fields}}


def test_request_defaults() -> None:
    obj = claim(exact(tolerations=[{"key": "k"}]), exact("all", allocationMode="All"),
                {"name": "any", "firstAvailable": [{"name": "a", "deviceClassName": "c"}]})
    first, every, any_ = obj["spec"]["devices"]["requests"]
    assert first["exactly"]["allocationMode"] == "ExactCount" and first["exactly"]["count"] == 1
    assert first["exactly"]["tolerations"][0]["operator"] == "Equal"
    assert "count" not in every["exactly"]
    assert any_["firstAvailable"][0] == {"name": "a", "deviceClassName": "c", "allocationMode": "ExactCount",
                                        "count": 1}
    assert claims_validation.validate_resource_claim(obj) == []


@pytest.mark.parametrize("requests,devices,expected", [
    ([{"name": "gpu"}], {}, [("spec.devices.requests[0]: Required value: exactly one of `exactly` or `firstAvailable` "
                             "is required")]),
    ([exact(), exact()], {}, ['spec.devices.requests[1]: Duplicate value: "gpu"']),
    ([exact(allocationMode="All", count=2)], {},
     ["spec.devices.requests[0].exactly.count: Invalid value: 2: must not be specified when allocationMode is 'All'"]),
    ([exact(allocationMode="Some")], {},
     [('spec.devices.requests[0].exactly.allocationMode: Unsupported value: "Some": supported values: "All", '
      '"ExactCount"')]),
    ([exact(selectors=[{}])], {}, ["spec.devices.requests[0].exactly.selectors[0].cel: Required value"]),
    ([exact()], {"constraints": [{"requests": ["gpu", "nic"], "matchAttribute": "model"}]},
     [("spec.devices.constraints[0].requests[1]: Invalid value: \"nic\": must be the name of a request in the claim or "
      "the name of a request and a subrequest separated by '/'"),
      "spec.devices.constraints[0].matchAttribute: Required value: must include a domain"]),
    ([exact()], {"config": [{"requests": ["gpu"], "opaque": {"driver": "gpu.example.com", "parameters": [1]}}]},
     [('spec.devices.config[0].opaque.parameters: Invalid value: "<value omitted>": parameters must be a valid JSON '
      'object')]),
    ([exact()], {"config": [{}]}, ["spec.devices.config[0].opaque: Required value"]),
])
def test_claim_validation(requests: list[dict[str, Any]], devices: dict[str, Any], expected: list[str]) -> None:
    assert [str(e) for e in claims_validation.validate_resource_claim(claim(*requests, **devices))] == expected


def test_claim_spec_is_immutable_and_status_rules() -> None:
    old = claim(exact())
    new = claim(exact(count=2))
    assert [str(e) for e in resourceclaims.ResourceClaimStrategy().validate_update(CTX, new, old)] == [
        "spec: Invalid value: field is immutable"]
    status = copy.deepcopy(old)
    status["status"] = {"reservedFor": [{"resource": "pods", "name": "p", "uid": "u"}]}
    assert [str(e) for e in claims_validation.validate_resource_claim_status(status, old)] == [
        "status.reservedFor: Forbidden: may not be specified when `allocated` is not set"]
    result = {"request": "gpu", "driver": "gpu.example.com", "pool": "node-1", "device": "gpu-0"}
    status["status"]["allocation"] = {"devices": {"results": [result, dict(result, request="nic/x")]}}
    assert [str(e) for e in claims_validation.validate_resource_claim_status(status, old)] == [
        ("status.allocation.devices.results[1].request: Invalid value: \"nic/x\": must be the name of a request in the "
        "claim or the name of a request and a subrequest separated by '/'")]
    status["status"]["allocation"]["devices"]["results"].pop()
    assert claims_validation.validate_resource_claim_status(status, old) == []
    assert resourceclaims.claim_state(status) == "allocated,reserved"
    assert resourceclaims.claim_state(old) == "pending"
    deleting = copy.deepcopy(old)
    deleting["metadata"]["deletionTimestamp"] = "2025-01-01T00:00:00Z"
    assert resourceclaims.claim_state(deleting) == "deleted"


def slice_(**spec: Any) -> dict[str, Any]:
    base = {"driver": "gpu.example.com", "pool": {"name": "node-1", "resourceSliceCount": 1}, "nodeName": "node-1"}
    return {"metadata": {"name": "s", "resourceVersion": "1"}, "spec": {**base, **spec}}


@pytest.mark.parametrize("spec,expected", [
    ({"devices": [{"name": "gpu-0", "attributes": {"model": {"string": "A100"}, "example.com/ver": {"version": "1.0.0"}},
                   "capacity": {"memory": {"value": "1Gi"}}}]}, []),
    ({"nodeName": None}, [("spec: Required value: exactly one of `nodeName`, `nodeSelector`, `allNodes`, "
                          "`perDeviceNodeSelection` is required")]),
    ({"allNodes": True},
     [('spec: Invalid value: "{`nodeName`, `allNodes`}": exactly one of `nodeName`, `nodeSelector`, `allNodes`, '
      '`perDeviceNodeSelection` is required, but multiple fields are set')]),
    ({"pool": {"name": "", "resourceSliceCount": 0}},
     ["spec.pool.name: Required value", "spec.pool.resourceSliceCount: Invalid value: 0: must be greater than zero"]),
    ({"devices": [{"name": "d", "attributes": {"a": {}, "b": {"version": "v1"}}}, {"name": "d"}]},
     ["spec.devices[0].attributes[a]: Required value: exactly one value must be specified",
      ('spec.devices[0].attributes[b].version: Invalid value: "v1": must be a string compatible with semver.org '
      'spec 2.0.0'),
      'spec.devices[1]: Duplicate value: "d"']),
])
def test_slice_validation(spec: dict[str, Any], expected: list[str]) -> None:
    assert [str(e) for e in resourceslices.validate_resource_slice(slice_(**spec))] == expected


def test_slice_update_printer_and_fields() -> None:
    old = slice_()
    moved = slice_(driver="other.example.com", nodeName="node-2")
    assert [e.field for e in resourceslices.validate_resource_slice_update(moved, old)] == ["spec.driver",
                                                                                            "spec.nodeName"]
    spec = resourceslices.RESOURCESLICES
    assert spec.printer.row(old)[:4] == ["s", "node-1", "gpu.example.com", "node-1"]
    assert spec.field_set(old) == {"metadata.name": "s", "spec.nodeName": "node-1", "spec.driver": "gpu.example.com"}


def test_device_class_and_taint_rule() -> None:
    cls = {"metadata": {"name": "gpu.example.com"}, "spec": {"selectors": [{"cel": {"expression": "true"}}],
                                                            "extendedResourceName": "bad name"}}
    assert [str(e) for e in deviceclasses.validate_device_class(cls)] == [
        'spec.extendedResourceName: Invalid value: "bad name": must be a valid extended resource name']
    rule = {"metadata": {"name": "t"}, "spec": {"deviceSelector": {"driver": "gpu.example.com"},
                                                "taint": {"key": "example.com/broken", "effect": "NoExecute"}}}
    devicetaintrules.DeviceTaintRuleStrategy().prepare_for_create(CTX, rule)
    assert rule["spec"]["taint"]["timeAdded"] and rule["metadata"]["generation"] == 1
    assert devicetaintrules.validate_device_taint_rule(rule) == []
    rule["spec"]["taint"]["effect"] = "Evict"
    assert [str(e) for e in devicetaintrules.validate_device_taint_rule(rule)] == [
        'spec.taint.effect: Unsupported value: "Evict": supported values: "NoSchedule", "NoExecute"']


def test_v1beta1_conversions_round_trip() -> None:
    beta = {"apiVersion": "resource.k8s.io/v1beta1", "spec": {"devices": {"requests": [
        {"name": "gpu", "deviceClassName": "c", "count": 2},
        {"name": "any", "firstAvailable": [{"name": "a", "deviceClassName": "c"}]}]}}}
    v1 = versions.claim_to_v1(beta)
    assert v1["spec"]["devices"]["requests"] == [
        {"name": "gpu", "exactly": {"deviceClassName": "c", "count": 2}},
        {"name": "any", "firstAvailable": [{"name": "a", "deviceClassName": "c"}]}]
    assert versions.claim_from_v1(v1) == beta
    assert beta["spec"]["devices"]["requests"][0] == {"name": "gpu", "deviceClassName": "c", "count": 2}
    sl = {"spec": {"devices": [{"name": "d", "basic": {"attributes": {"a": {"int": 1}}}}]}}
    assert versions.slice_to_v1(sl)["spec"]["devices"] == [{"name": "d", "attributes": {"a": {"int": 1}}}]
    assert versions.slice_from_v1(versions.slice_to_v1(sl)) == sl
    template = {"spec": {"spec": {"devices": {"requests": [{"name": "r", "deviceClassName": "c"}]}}}}
    assert versions.template_to_v1(template)["spec"]["spec"]["devices"]["requests"] == [
        {"name": "r", "exactly": {"deviceClassName": "c"}}]


def test_provider_versions_and_hashes() -> None:
    specs = provider().specs
    assert [s.version for s in specs].count("v1beta1") == 4 and specs[-1].plural == "devicetaintrules"
    beta_claims = next(s for s in specs if s.version == "v1beta1" and s.plural == "resourceclaims")
    assert beta_claims.storage_version == "v1" and [x.name for x in beta_claims.subresources] == ["status"]
    assert validation_common.validate_qualified_name("a/b/c", validation_common.field.ROOT)
