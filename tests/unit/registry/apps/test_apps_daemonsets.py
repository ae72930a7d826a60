"""apps/v1 daemonsets: defaults, the template-generation annotation, validation and printer."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kapiserver.apimachinery import field
from kapiserver.registry.apps.daemonsets import DAEMONSETS, TEMPLATE_GENERATION, DaemonSetStatusStrategy
from kapiserver.registry.rest import RequestContext

CTX = RequestContext(namespace="default", api_group="apps", api_version="v1")
STRATEGY = DAEMONSETS.strategy


def new(**spec: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {"apiVersion": "apps/v1", "kind": "DaemonSet",
                           "metadata": {"name": "agent", "namespace": "default", "resourceVersion": "1"},
                           "spec": {"selector": {"matchLabels": {"app": "agent"}},
                                    "template": {"metadata": {"labels": {"app": "agent"}},
                                                 "spec": {"containers": [{"name": "a", "image": "agent:1"}]}}}}
    obj["spec"].update(spec)
    STRATEGY.default(obj)
    return obj


def messages(errs: field.ErrorList) -> list[str]:
    return [str(e) for e in errs]


def annotation(obj: dict[str, Any]) -> str:
    return str(obj["metadata"]["annotations"][TEMPLATE_GENERATION])


def test_defaults() -> None:
    spec = new()["spec"]
    assert spec["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}
    assert spec["revisionHistoryLimit"] == 10
    assert new(updateStrategy={"type": "OnDelete"})["spec"]["updateStrategy"] == {"type": "OnDelete"}


def test_template_generation_is_owned_by_the_server() -> None:
    obj = new()
    STRATEGY.prepare_for_create(CTX, obj)
    assert annotation(obj) == "1" and obj["metadata"]["generation"] == 1
    kept = new()
    kept["metadata"]["annotations"] = {TEMPLATE_GENERATION: "4"}
    STRATEGY.prepare_for_create(CTX, kept)
    assert annotation(kept) == "4"
    old = copy.deepcopy(obj)
    same = copy.deepcopy(old)
    same["metadata"]["annotations"][TEMPLATE_GENERATION] = "9"
    same["spec"]["minReadySeconds"] = 3
    STRATEGY.prepare_for_update(CTX, same, old)
    assert annotation(same) == "1" and same["metadata"]["generation"] == 2
    changed = copy.deepcopy(old)
    changed["spec"]["template"]["spec"]["containers"][0]["image"] = "agent:2"
    del changed["metadata"]["annotations"]
    STRATEGY.prepare_for_update(CTX, changed, old)
    assert annotation(changed) == "2" and changed["metadata"]["generation"] == 2
    assert STRATEGY.warnings_on_update(CTX, changed, old) == []
    status = copy.deepcopy(changed)
    status["metadata"]["annotations"][TEMPLATE_GENERATION] = "7"
    DaemonSetStatusStrategy().prepare_for_update(CTX, status, changed)
    assert annotation(status) == "2"


@pytest.mark.parametrize("spec,expected", [
    ({"selector": None},
     ['spec.template.metadata.labels: Invalid value: {"app":"agent"}: `selector` does not match template `labels`']),
    ({"selector": {}}, ["spec.selector: Invalid value: {}: empty selector is invalid for daemonset"]),
    ({"updateStrategy": {"type": "Sometimes"}},
     [('spec.updateStrategy: Unsupported value: {"Type":"Sometimes","RollingUpdate":null}: supported values: '
      '"RollingUpdate", "OnDelete"')]),
    ({"updateStrategy": {"rollingUpdate": {"maxSurge": 1}}},
     [("spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is "
      "non-zero")]),
    ({"updateStrategy": {"rollingUpdate": {"maxUnavailable": 0}}},
     ["spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0"]),
    ({"updateStrategy": {"rollingUpdate": {"maxUnavailable": "200%", "maxSurge": 0}}},
     ['spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: "200%": must not be greater than 100%']),
    ({"minReadySeconds": -1}, ["spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0"]),
])
def test_spec_validation(spec: dict[str, Any], expected: list[str]) -> None:
    obj = new(**spec)
    STRATEGY.prepare_for_create(CTX, obj)
    assert messages(STRATEGY.validate(CTX, obj)) == expected


def test_template_rules_and_selector_immutability() -> None:
    obj = new()
    obj["spec"]["template"]["spec"]["activeDeadlineSeconds"] = 3
    STRATEGY.prepare_for_create(CTX, obj)
    assert messages(STRATEGY.validate(CTX, obj)) == [
        "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in DaemonSet is not Supported"]
    old = new()
    STRATEGY.prepare_for_create(CTX, old)
    obj = copy.deepcopy(old)
    obj["spec"]["selector"]["matchLabels"] = {"app": "agent", "x": "y"}
    obj["spec"]["template"]["metadata"]["labels"]["x"] = "y"
    assert messages(STRATEGY.validate_update(CTX, obj, old)) == [
        'spec.selector: Invalid value: {"matchLabels":{"app":"agent","x":"y"}}: field is immutable']


def test_status_validation() -> None:
    old = new()
    STRATEGY.prepare_for_create(CTX, old)
    old["status"] = {"collisionCount": 2}
    obj = copy.deepcopy(old)
    obj["status"] = {"numberReady": -1}
    assert messages(DaemonSetStatusStrategy().validate_update(CTX, obj, old)) == [
        "status.numberReady: Invalid value: -1: must be greater than or equal to 0",
        "status.collisionCount: Invalid value: 0: cannot be decremented"]


def test_printer() -> None:
    obj = new()
    obj["spec"]["template"]["spec"]["nodeSelector"] = {"os": "linux", "arch": "amd64"}
    obj["status"] = {"desiredNumberScheduled": 3, "currentNumberScheduled": 2, "numberReady": 1,
                     "updatedNumberScheduled": 2, "numberAvailable": 1}
    assert DAEMONSETS.printer.row(obj) == ["agent", 3, 2, 1, 2, 1, "arch=amd64,os=linux", "<unknown>", "a", "agent:1",
                                           "app=agent"]
    assert new()["spec"]["template"]["spec"].get("nodeSelector") is None
    assert DAEMONSETS.printer.row(new())[6] == "<none>"
    assert [c.name for c in DAEMONSETS.printer.columns] == [
        "Name", "Desired", "Current", "Ready", "Up-to-date", "Available", "Node Selector", "Age", "Containers",
        "Images", "Selector"]


def test_declaration() -> None:
    assert (DAEMONSETS.short_names, DAEMONSETS.categories) == (("ds",), ("all",))
    assert [s.name for s in DAEMONSETS.subresources] == ["status"]
    assert DAEMONSETS.storage_version_hash == "dd7pWHUlMKQ="
