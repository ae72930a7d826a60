"""apps/v1 deployments: defaults, validation with upstream's messages, generation, status and printer."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kapiserver.apimachinery import errors, field
from kapiserver.registry.apps import deployments
from kapiserver.registry.apps.deployments import DEPLOYMENTS, DeploymentStatusStrategy
from kapiserver.registry.rest import RequestContext

CTX = RequestContext(namespace="default", api_group="apps", api_version="v1")
STRATEGY = DEPLOYMENTS.strategy


def new(**spec: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {"apiVersion": "apps/v1", "kind": "Deployment",
                           "metadata": {"name": "web", "namespace": "default"},
                           "spec": {"selector": {"matchLabels": {"app": "web"}},
                                    "template": {"metadata": {"labels": {"app": "web"}},
                                                 "spec": {"containers": [{"name": "nginx", "image": "nginx"}]}}}}
    obj["spec"].update(spec)
    STRATEGY.default(obj)
    return obj


def messages(errs: field.ErrorList) -> list[str]:
    return [str(e) for e in errs]


def test_defaults_as_upstream() -> None:
    spec = new()["spec"]
    assert spec["replicas"] == 1 and spec["revisionHistoryLimit"] == 10 and spec["progressDeadlineSeconds"] == 600
    assert spec["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}
    pod = spec["template"]["spec"]
    assert (pod["restartPolicy"], pod["dnsPolicy"], pod["schedulerName"]) == ("Always", "ClusterFirst",
                                                                              "default-scheduler")
    assert pod["containers"][0]["imagePullPolicy"] == "Always"
    recreate = new(strategy={"type": "Recreate"}, replicas=0)["spec"]
    assert recreate["strategy"] == {"type": "Recreate"} and recreate["replicas"] == 0


def test_bad_quantity_is_a_decode_error() -> None:
    obj = {"spec": {"template": {"spec": {"containers": [{"name": "c", "resources": {"limits": {"cpu": "x"}}}]}}}}
    with pytest.raises(errors.StatusError) as bad:
        STRATEGY.default(obj)
    assert bad.value.code == 400
    assert bad.value.message.startswith('Deployment in version "v1" cannot be handled as a Deployment: ')


def test_valid_deployment() -> None:
    assert STRATEGY.validate(CTX, new()) == []


@pytest.mark.parametrize("spec,expected", [
    ({"replicas": -1}, ["spec.replicas: Invalid value: -1: must be greater than or equal to 0"]),
    ({"selector": None}, ["spec.selector: Required value",
                          ('spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match '
                          "template `labels`")]),
    ({"selector": {}}, ["spec.selector: Invalid value: {}: empty selector is invalid for deployment"]),
    ({"selector": {"matchLabels": {"app": "other"}}},
     ['spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`']),
    ({"selector": {"matchExpressions": [{"key": "app", "operator": "Maybe"}]}},
     ['spec.selector.matchExpressions[0].operator: Invalid value: "Maybe": not a valid selector operator',
      'spec.selector: Invalid value: {"matchExpressions":[{"key":"app","operator":"Maybe"}]}: invalid label selector']),
    ({"strategy": {"type": "Recreate", "rollingUpdate": {}}},
     ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"]),
    ({"strategy": {"type": "Blue"}},
     [('spec.strategy: Unsupported value: {"Type":"Blue","RollingUpdate":null}: supported values: "Recreate", '
      '"RollingUpdate"')]),
    ({"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": "0%"}}},
     ["spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"]),
    ({"strategy": {"rollingUpdate": {"maxUnavailable": "120%", "maxSurge": "x"}}},
     [('spec.strategy.rollingUpdate.maxSurge: Invalid value: "x": a valid percent string must be a numeric string '
      "followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"),
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "120%": must not be greater than 100%']),
    ({"minReadySeconds": 700},
     ["spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds"]),
    ({"revisionHistoryLimit": -1}, ["spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0"]),
])
def test_spec_validation(spec: dict[str, Any], expected: list[str]) -> None:
    assert messages(STRATEGY.validate(CTX, new(**spec))) == expected


def test_template_rules() -> None:
    obj = new()
    pod = obj["spec"]["template"]["spec"]
    pod.update(restartPolicy="OnFailure", activeDeadlineSeconds=10)
    assert messages(STRATEGY.validate(CTX, obj)) == [
        'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
        "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported"]
    obj = new(replicas=2)
    obj["spec"]["template"]["spec"]["volumes"] = [{"name": "d", "gcePersistentDisk": {"pdName": "p"}}]
    assert messages(STRATEGY.validate(CTX, obj)) == [
        ("spec.template.spec.volumes[0].gcePersistentDisk.readOnly: Invalid value: false: must be true for replicated "
        "pods > 1; GCE PD can only be mounted on multiple machines if it is read-only")]
    obj = new()
    obj["spec"]["template"]["spec"]["containers"][0]["name"] = "Bad_Name"
    assert messages(STRATEGY.validate(CTX, obj))[0].startswith(
        'spec.template.spec.containers[0].name: Invalid value: "Bad_Name": a lowercase RFC 1123 label')


def stored(**spec: Any) -> dict[str, Any]:
    obj = new(**spec)
    STRATEGY.prepare_for_create(CTX, obj)
    obj["metadata"].update(resourceVersion="5", uid="u")
    obj["status"] = {"replicas": 1}
    return obj


def test_create_resets_status_and_starts_generation() -> None:
    obj = new()
    obj["status"] = {"replicas": 4}
    STRATEGY.prepare_for_create(CTX, obj)
    assert "status" not in obj and obj["metadata"]["generation"] == 1


def test_generation_moves_with_spec_and_annotations_only() -> None:
    old = stored()
    same = copy.deepcopy(old)
    same["metadata"]["labels"] = {"x": "y"}
    same["spec"]["template"]["spec"]["containers"][0]["resources"] = {"limits": {}}
    STRATEGY.prepare_for_update(CTX, same, old)
    assert same["metadata"]["generation"] == 1 and same["status"] == {"replicas": 1}
    for change in ({"spec": {"paused": True}}, {"metadata": {"annotations": {"a": "b"}}}):
        obj = copy.deepcopy(old)
        for key, value in change.items():
            obj[key].update(value)
        obj["status"] = {}
        STRATEGY.prepare_for_update(CTX, obj, old)
        assert obj["metadata"]["generation"] == 2 and obj["status"] == {"replicas": 1}


def test_selector_is_immutable() -> None:
    old = stored()
    obj = copy.deepcopy(old)
    obj["spec"]["selector"] = {"matchLabels": {"app": "web", "tier": "x"}}
    obj["spec"]["template"]["metadata"]["labels"]["tier"] = "x"
    assert messages(STRATEGY.validate_update(CTX, obj, old)) == [
        'spec.selector: Invalid value: {"matchLabels":{"app":"web","tier":"x"}}: field is immutable']


def test_status_strategy_keeps_spec_and_labels_and_checks_counts() -> None:
    status = DeploymentStatusStrategy()
    old = stored()
    obj = copy.deepcopy(old)
    obj["spec"]["replicas"] = 7
    obj["metadata"]["labels"] = {"x": "y"}
    obj["status"] = {"replicas": 2, "readyReplicas": 3, "availableReplicas": 3, "collisionCount": 1}
    status.prepare_for_update(CTX, obj, old)
    assert obj["spec"] == old["spec"] and "labels" not in obj["metadata"]
    assert messages(status.validate_update(CTX, obj, old)) == [
        "status.readyReplicas: Invalid value: 3: cannot be greater than status.replicas",
        "status.availableReplicas: Invalid value: 3: cannot be greater than status.replicas"]
    old["status"]["collisionCount"] = 2
    assert messages(status.validate_update(CTX, obj, old))[-1] == (
        "status.collisionCount: Invalid value: 1: cannot be decremented")
    assert status.reset_fields() == [("spec",), ("metadata", "labels")]


def test_warnings() -> None:
    obj = new()
    obj["metadata"]["name"] = "web.v1"
    obj["spec"]["template"]["spec"]["nodeSelector"] = {"beta.kubernetes.io/os": "linux"}
    assert STRATEGY.warnings_on_create(CTX, obj) == [
        ("metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS "
        "label is recommended: [must not contain dots]"),
        ('spec.template.spec.nodeSelector[beta.kubernetes.io/os]: deprecated since v1.14; use "kubernetes.io/os" '
        "instead")]


def test_printer_cells() -> None:
    obj = new(replicas=3)
    obj["status"] = {"readyReplicas": 1, "updatedReplicas": 2, "availableReplicas": 1}
    obj["spec"]["template"]["spec"]["containers"].append({"name": "side", "image": "busybox"})
    cells = DEPLOYMENTS.printer.row(obj)
    assert cells == ["web", "1/3", 2, 1, "<unknown>", "nginx,side", "nginx,busybox", "app=web"]
    assert [c.name for c in DEPLOYMENTS.printer.columns] == [
        "Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"]
    assert [c.priority for c in DEPLOYMENTS.printer.columns][-3:] == [1, 1, 1]
    obj["spec"]["selector"] = {"matchExpressions": [{"key": "a", "operator": "Bad"}]}
    assert deployments.DEPLOYMENT_PRINTER.row(obj)[-1] == "<invalid>"


def test_declaration() -> None:
    assert (DEPLOYMENTS.short_names, DEPLOYMENTS.categories) == (("deploy",), ("all",))
    assert [s.name for s in DEPLOYMENTS.subresources] == ["status", "scale"]
    assert DEPLOYMENTS.storage_version_hash == "8aSe+NMegvE="
