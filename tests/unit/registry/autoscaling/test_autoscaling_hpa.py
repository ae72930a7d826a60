"""autoscaling HorizontalPodAutoscaler: v2 defaults, v1 <-> v2 conversion through annotations,
validation messages and the TARGETS cell."""

from __future__ import annotations

import copy
from typing import Any

from kapiserver.registry.autoscaling import horizontalpodautoscalers as hpas
from kapiserver.registry.autoscaling import validation, versions
from kapiserver.registry.rest import RequestContext

CTX = RequestContext(namespace="default", api_group="autoscaling", api_version="v2")
REF = {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}


def hpa(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "web", "namespace": "default"}, "spec": {"scaleTargetRef": REF, "maxReplicas": 5,
                                                                          **spec}}


def messages(errs: list[Any]) -> list[str]:
    return [str(e) for e in errs]


def test_v2_defaults() -> None:
    obj = hpa(behavior={"scaleDown": {"stabilizationWindowSeconds": 300}})
    hpas.set_defaults_v2(obj)
    spec = obj["spec"]
    assert spec["minReplicas"] == 1
    assert spec["metrics"] == [{"type": "Resource", "resource": {"name": "cpu", "target": {
        "type": "Utilization", "averageUtilization": 80}}}]
    assert spec["behavior"]["scaleUp"] == hpas.DEFAULT_SCALE_UP
    assert spec["behavior"]["scaleDown"] == {"selectPolicy": "Max", "stabilizationWindowSeconds": 300, "policies": [
        {"type": "Percent", "value": 100, "periodSeconds": 15}]}
    plain = hpa()
    hpas.set_defaults_v2(plain)
    assert "behavior" not in plain["spec"]


def test_v2_to_v1_keeps_v2_fields_in_annotations() -> None:
    obj = hpa(minReplicas=2, metrics=[
        {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}},
        {"type": "Pods", "pods": {"target": {"averageValue": "1000", "type": "AverageValue"}, "metric": {"name": "qps"}}},
    ], behavior={"scaleUp": {"policies": [{"type": "Pods", "value": 4, "periodSeconds": 15}]}})
    obj["status"] = {"currentReplicas": 2, "desiredReplicas": 3, "currentMetrics": [
        {"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 40}}}],
        "conditions": [{"type": "AbleToScale", "status": "True", "reason": "Ready"}]}
    v1 = versions.v2_to_v1(obj)
    assert v1["spec"] == {"scaleTargetRef": REF, "minReplicas": 2, "maxReplicas": 5, "targetCPUUtilizationPercentage": 50}
    assert v1["status"] == {"currentReplicas": 2, "desiredReplicas": 3, "currentCPUUtilizationPercentage": 40}
    annotations = v1["metadata"]["annotations"]
    assert annotations[versions.METRIC_SPECS_ANNOTATION] == (
        '[{"type":"Pods","pods":{"metric":{"name":"qps"},"target":{"type":"AverageValue","averageValue":"1k"}}}]')
    assert annotations[versions.BEHAVIOR_ANNOTATION] == (
        '{"ScaleUp":{"StabilizationWindowSeconds":null,"SelectPolicy":null,"Policies":[{"Type":"Pods","Value":4,'
        '"PeriodSeconds":15}],"Tolerance":null},"ScaleDown":null}')
    assert annotations[versions.CONDITIONS_ANNOTATION] == (
        '[{"type":"AbleToScale","status":"True","lastTransitionTime":null,"reason":"Ready"}]')
    back = versions.v1_to_v2(v1)
    assert [m["type"] for m in back["spec"]["metrics"]] == ["Pods", "Resource"]
    assert back["spec"]["behavior"] == {"scaleUp": {"policies": [{"type": "Pods", "value": 4, "periodSeconds": 15}]}}
    assert back["status"]["conditions"] == [{**obj["status"]["conditions"][0], "lastTransitionTime": None}]
    assert "annotations" not in back["metadata"]
    assert obj["spec"]["metrics"][0]["resource"]["name"] == "cpu"  # the argument is untouched


def test_v1_without_target_gets_the_implicit_cpu_metric() -> None:
    v1 = {"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "x"},
          "spec": {"scaleTargetRef": REF, "maxReplicas": 3}}
    v2 = versions.v1_to_v2(v1)
    assert v2["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"] == 80
    lowercase = copy.deepcopy(v1)
    lowercase["metadata"]["annotations"] = {versions.BEHAVIOR_ANNOTATION: '{"scaleUp":{"stabilizationWindowSeconds":30}}'}
    assert versions.v1_to_v2(lowercase)["spec"]["behavior"] == {"scaleUp": {"stabilizationWindowSeconds": 30}}


def test_validation_messages() -> None:
    obj = hpa(minReplicas=0, maxReplicas=0, scaleTargetRef={"kind": "Deployment", "name": "web", "apiVersion": "v1"},
              metrics=[{"type": "Pods", "resource": {"name": "cpu", "target": {"type": "Utilization"}}}],
              behavior={"scaleUp": {"selectPolicy": "Most", "policies": []}})
    assert messages(validation.validate_horizontal_pod_autoscaler(obj, validation.validation_options(obj, None))) == [
        "spec.minReplicas: Invalid value: 0: must be greater than or equal to 1",
        "spec.maxReplicas: Invalid value: 0: must be greater than 0",
        'spec.scaleTargetRef.apiVersion: Invalid value: "v1": apiVersion must specify API group',
        ("spec.metrics[0].resource.target.averageUtilization: Required value: must set either a target raw value or "
        "a target utilization"),
        "spec.metrics[0].pods: Required value: must populate information for the given metric source",
        ("spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling to zero "
        "replicas"),
        'spec.behavior.scaleUp.selectPolicy: Unsupported value: "Most": supported values: "Disabled", "Max", "Min"',
        "spec.behavior.scaleUp.policies: Required value: must specify at least one Policy",
    ]
    rc = hpa(scaleTargetRef={"kind": "ReplicationController", "name": "rc", "apiVersion": "v1"})
    assert validation.validate_horizontal_pod_autoscaler(rc, validation.validation_options(rc, None)) == []


def test_strategy_and_printer() -> None:
    obj = hpa()
    obj["status"] = {"currentReplicas": 3}
    strategy = hpas.HORIZONTALPODAUTOSCALERS.strategy
    strategy.default(obj)
    strategy.prepare_for_create(CTX, obj)
    assert "status" not in obj
    obj["metadata"]["creationTimestamp"] = "2024-01-01T00:00:00Z"
    assert hpas.HPA_PRINTER.row(obj)[:6] == ["web", "Deployment/web", "cpu: <unknown>/80%", "1", 5, 0]
    metrics = [
        {"type": "External", "external": {"metric": {"name": "q"}, "target": {"type": "AverageValue",
                                                                             "averageValue": "30"}}},
        {"type": "Object", "object": {"metric": {"name": "r"}, "target": {"type": "Value", "value": "2k"}}},
        {"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "1Gi"}}},
    ]
    statuses = [{"type": "External", "external": {"current": {"averageValue": "12"}}}]
    assert hpas.format_hpa_metrics(metrics, statuses) == "12/30 (avg), <unknown>/2k + 1 more..."
    v1 = versions.v2_to_v1(obj)
    assert hpas.HPA_V1_PRINTER.row(v1)[2] == "cpu: <unknown>/80%"
