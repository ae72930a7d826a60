"""core/v1 replicationcontrollers, podtemplates, limitranges and resourcequotas: defaults,
validation messages and printer cells."""

from __future__ import annotations

import copy
from typing import Any

from kapiserver.registry.core import limitranges, podtemplates, replicationcontrollers, resourcequotas
from kapiserver.registry.rest import RequestContext

CTX = RequestContext(namespace="default", api_version="v1")
CONTAINERS = [{"name": "c", "image": "nginx"}]


def messages(errs: list[Any]) -> list[str]:
    return [str(e) for e in errs]


def rc(**spec: Any) -> dict[str, Any]:
    body = {"apiVersion": "v1", "kind": "ReplicationController", "metadata": {"name": "web", "namespace": "default"},
            "spec": {"template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": CONTAINERS}},
                     **spec}}
    replicationcontrollers.REPLICATIONCONTROLLERS.strategy.default(body)
    return body


def test_rc_defaults_and_generation() -> None:
    obj = rc()
    assert obj["spec"]["selector"] == {"app": "web"} and obj["spec"]["replicas"] == 1
    assert obj["metadata"]["labels"] == {"app": "web"}
    assert obj["spec"]["template"]["spec"]["restartPolicy"] == "Always"
    strategy = replicationcontrollers.REPLICATIONCONTROLLERS.strategy
    obj["status"] = {"replicas": 5}
    strategy.prepare_for_create(CTX, obj)
    assert "status" not in obj and obj["metadata"]["generation"] == 1
    assert strategy.validate(CTX, obj) == []
    scaled = copy.deepcopy(obj)
    scaled["spec"]["replicas"] = 3
    strategy.prepare_for_update(CTX, scaled, obj)
    assert scaled["metadata"]["generation"] == 2


def test_rc_validation() -> None:
    obj = rc(selector={"app": "other"}, replicas=2)
    obj["spec"]["template"]["spec"].update(restartPolicy="Never", activeDeadlineSeconds=5,
                                           volumes=[{"name": "d", "gcePersistentDisk": {"pdName": "x"}}])
    errs = messages(replicationcontrollers.REPLICATIONCONTROLLERS.strategy.validate(CTX, obj))
    assert errs == [
        ('spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match '
        "template `labels`"),
        ("spec.template.spec.volumes[0].gcePersistentDisk.readOnly: Invalid value: false: must be true for "
        "replicated pods > 1; GCE PD can only be mounted on multiple machines if it is read-only"),
        'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
        ("spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicationController is "
        "not Supported"),
    ]
    status = {"replicas": 1, "readyReplicas": 2, "availableReplicas": 3}
    assert messages(replicationcontrollers.validate_replication_controller_status(status)) == [
        "status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas",
        "status.availableReplicas: Invalid value: 3: cannot be greater than status.replicas",
        "status.availableReplicas: Invalid value: 3: cannot be greater than readyReplicas",
    ]


def test_rc_printer_and_fields() -> None:
    obj = rc(replicas=3)
    obj["status"] = {"replicas": 2, "readyReplicas": 1}
    row = replicationcontrollers.RC_PRINTER.row(obj)
    assert row[:4] == ["web", 3, 2, 1] and row[5:] == ["c", "nginx", "app=web"]
    assert replicationcontrollers.REPLICATIONCONTROLLERS.field_set(obj)["status.replicas"] == "2"


def test_pod_templates() -> None:
    obj = {"apiVersion": "v1", "kind": "PodTemplate", "metadata": {"name": "t", "namespace": "default"},
           "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": CONTAINERS}}}
    strategy = podtemplates.PODTEMPLATES.strategy
    strategy.default(obj)
    assert obj["template"]["spec"]["dnsPolicy"] == "ClusterFirst"
    assert strategy.validate(CTX, obj) == []
    assert podtemplates.PODTEMPLATE_PRINTER.row(obj) == ["t", "c", "nginx", "a=b"]
    bad = copy.deepcopy(obj)
    bad["template"]["spec"]["containers"][0]["name"] = "Bad_Name"
    assert messages(strategy.validate(CTX, bad))[0].startswith('template.spec.containers[0].name: Invalid value: '
                                                              '"Bad_Name"')


def limit_range(*items: dict[str, Any]) -> dict[str, Any]:
    obj = {"metadata": {"name": "l", "namespace": "default"}, "spec": {"limits": list(items)}}
    limitranges.LIMITRANGES.strategy.default(obj)
    return obj


def test_limit_range_defaults_and_validation() -> None:
    obj = limit_range({"type": "Container", "max": {"cpu": "2"}, "min": {"memory": "100Mi"}})
    assert obj["spec"]["limits"][0]["default"] == {"cpu": "2"}
    assert obj["spec"]["limits"][0]["defaultRequest"] == {"cpu": "2", "memory": "100Mi"}
    assert limitranges.validate_limit_range(obj) == []
    bad = limit_range({"type": "Pod", "default": {"cpu": "1"}, "max": {"cpu": "1"}},
                      {"type": "PersistentVolumeClaim", "max": {"cpu": "1"}}, {"type": "Pod"}, {"type": "Box"})
    assert messages(limitranges.validate_limit_range(bad)) == [
        "spec.limits[0].default: Forbidden: may not be specified when `type` is 'Pod'",
        ("spec.limits[1].limits: Required value: either minimum or maximum storage value is required, but neither "
        "was provided"),
        'spec.limits[2].type: Duplicate value: "Pod"',
        'spec.limits[3].type: Invalid value: "Box": must be a standard limit type or fully qualified',
    ]
    ratio = limit_range({"type": "Container", "min": {"cpu": "1"}, "max": {"cpu": "2"},
                         "maxLimitRequestRatio": {"cpu": "3"}})
    assert messages(limitranges.validate_limit_range(ratio))[-1].endswith(
        "ratio 3 is greater than max/min = 2.000000")


def quota(**spec: Any) -> dict[str, Any]:
    obj = {"metadata": {"name": "q", "namespace": "default"}, "spec": spec}
    resourcequotas.RESOURCEQUOTAS.strategy.default(obj)
    return obj


def test_resource_quota_validation_and_printer() -> None:
    assert resourcequotas.validate_resource_quota(quota(hard={"pods": "10", "requests.cpu": "1"})) == []
    bad = quota(hard={"cpu": "1"}, scopes=["BestEffort"],
                scopeSelector={"matchExpressions": [{"scopeName": "Terminating", "operator": "In"}]})
    assert messages(resourcequotas.validate_resource_quota(bad)) == [
        'spec.scopes: Invalid value: ["BestEffort"]: unsupported scope applied to resource',
        ('spec.scopeSelector.matchExpressions.operator: Invalid value: "In": must be \'Exist\' when scope is any of '
        "ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, "
        "ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity"),
        ("spec.scopeSelector.matchExpressions.values: Required value: must be at least one value when `operator` is "
        "'In' or 'NotIn' for scope selector"),
    ]
    old = quota(hard={"pods": "1"}, scopes=["NotTerminating"])
    old["metadata"]["resourceVersion"] = "1"
    new = copy.deepcopy(old)
    new["spec"]["scopes"] = ["Terminating"]
    assert messages(resourcequotas.RESOURCEQUOTAS.strategy.validate_update(CTX, new, old)) == [
        'spec.scopes: Invalid value: ["Terminating"]: field is immutable']
    printed = quota()
    printed["status"] = {"hard": {"pods": "10", "limits.memory": "2Gi", "requests.cpu": "1"},
                         "used": {"pods": "3", "requests.cpu": "500m"}}
    assert resourcequotas.QUOTA_PRINTER.row(printed)[1:3] == ["pods: 3/10, requests.cpu: 500m/1", "limits.memory: 0/2Gi"]
