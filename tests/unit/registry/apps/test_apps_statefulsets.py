"""apps/v1 statefulsets: v1.35 defaults, validation, the spec fields an update may change,
claim templates' type meta in storage, status and printer."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kapiserver.apimachinery import field
from kapiserver.registry.apps import statefulsets_validation as sv
from kapiserver.registry.apps.statefulsets import (
    STATEFULSETS,
    StatefulSetStatusStrategy,
    with_claim_type_meta,
)
from kapiserver.registry.rest import RequestContext

CTX = RequestContext(namespace="default", api_group="apps", api_version="v1")
STRATEGY = STATEFULSETS.strategy
CLAIM = {"metadata": {"name": "data"},
         "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}


def new(**spec: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {"apiVersion": "apps/v1", "kind": "StatefulSet",
                           "metadata": {"name": "db", "namespace": "default"},
                           "spec": {"serviceName": "db", "selector": {"matchLabels": {"app": "db"}},
                                    "template": {"metadata": {"labels": {"app": "db"}},
                                                 "spec": {"containers": [{"name": "c", "image": "postgres"}]}},
                                    "volumeClaimTemplates": [copy.deepcopy(CLAIM)]}}
    obj["spec"].update(spec)
    STRATEGY.default(obj)
    return obj


def messages(errs: field.ErrorList) -> list[str]:
    return [str(e) for e in errs]


def test_defaults() -> None:
    spec = new()["spec"]
    assert spec["podManagementPolicy"] == "OrderedReady"
    assert spec["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"partition": 0, "maxUnavailable": 1}}
    assert spec["persistentVolumeClaimRetentionPolicy"] == {"whenDeleted": "Retain", "whenScaled": "Retain"}
    assert (spec["replicas"], spec["revisionHistoryLimit"]) == (1, 10)
    claim = spec["volumeClaimTemplates"][0]
    assert claim["spec"]["volumeMode"] == "Filesystem" and claim["status"] == {"phase": "Pending"}
    assert new(updateStrategy={"type": "RollingUpdate"})["spec"]["updateStrategy"] == {"type": "RollingUpdate"}
    assert new(updateStrategy={"type": "OnDelete"})["spec"]["updateStrategy"] == {"type": "OnDelete"}


def test_claim_templates_lead_with_type_meta() -> None:
    obj = with_claim_type_meta({"spec": {"volumeClaimTemplates": [{"metadata": {"name": "a"}, "kind": "X"}]}})
    assert list(obj["spec"]["volumeClaimTemplates"][0].items()) == [
        ("apiVersion", "v1"), ("kind", "PersistentVolumeClaim"), ("metadata", {"name": "a"})]


def test_valid() -> None:
    assert STRATEGY.validate(CTX, new()) == []


@pytest.mark.parametrize("spec,expected", [
    ({"podManagementPolicy": "Sometimes"},
     ['spec.podManagementPolicy: Invalid value: "Sometimes": must be \'OrderedReady\' or \'Parallel\'']),
    ({"updateStrategy": {"type": "Blue"}},
     [('spec.updateStrategy: Invalid value: {"Type":"Blue","RollingUpdate":null}: must be \'RollingUpdate\' or '
      "'OnDelete'")]),
    ({"updateStrategy": {"type": "OnDelete", "rollingUpdate": {"partition": 2}}},
     [('spec.updateStrategy.rollingUpdate: Invalid value: {"Partition":2,"MaxUnavailable":null}: only allowed for '
      "updateStrategy 'RollingUpdate'")]),
    ({"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": -1, "maxUnavailable": 0}}},
     ["spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0",
      "spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: cannot be 0"]),
    ({"persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Keep", "whenScaled": "Delete"}},
     [('spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: "Keep": supported values: '
      '"Retain", "Delete"')]),
    ({"replicas": -1, "minReadySeconds": -1, "ordinals": {"start": -2}},
     ["spec.replicas: Invalid value: -1: must be greater than or equal to 0",
      "spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0",
      "spec.ordinals.start: Invalid value: -2: must be greater than or equal to 0"]),
    ({"selector": {}}, ["spec.selector: Invalid value: {}: empty selector is invalid for statefulset"]),
    ({"selector": {"matchLabels": {"app": "x"}}},
     ['spec.template.metadata.labels: Invalid value: {"app":"db"}: `selector` does not match template `labels`']),
])
def test_spec_validation(spec: dict[str, Any], expected: list[str]) -> None:
    assert messages(STRATEGY.validate(CTX, new(**spec))) == expected


def test_name_is_a_dns_label_and_the_pod_spec_is_not_validated() -> None:
    obj = new()
    obj["metadata"]["name"] = "db.v1"
    obj["spec"]["template"]["spec"]["containers"][0]["name"] = "Not_Valid"
    obj["spec"]["template"]["spec"]["restartPolicy"] = "Never"
    assert [m.split(":")[0] for m in messages(STRATEGY.validate(CTX, obj))] == [
        "metadata.name", "spec.template.spec.restartPolicy"]


def stored(**spec: Any) -> dict[str, Any]:
    obj = new(**spec)
    STRATEGY.prepare_for_create(CTX, obj)
    obj["metadata"].update(resourceVersion="3", uid="u")
    return with_claim_type_meta(obj)


def test_update_may_change_only_the_listed_fields() -> None:
    old = stored()
    obj = copy.deepcopy(old)
    obj["spec"].update(replicas=3, minReadySeconds=5, revisionHistoryLimit=2, ordinals={"start": 1},
                       updateStrategy={"type": "OnDelete"},
                       persistentVolumeClaimRetentionPolicy={"whenDeleted": "Delete", "whenScaled": "Delete"})
    obj["spec"]["template"]["spec"]["containers"][0]["image"] = "postgres:17"
    for claim in obj["spec"]["volumeClaimTemplates"]:
        del claim["apiVersion"], claim["kind"]
    assert STRATEGY.validate_update(CTX, obj, old) == []
    STRATEGY.prepare_for_update(CTX, obj, old)
    assert obj["metadata"]["generation"] == 2
    for change in ({"serviceName": "other"}, {"podManagementPolicy": "Parallel"}):
        obj = copy.deepcopy(old)
        obj["spec"].update(change)
        assert messages(STRATEGY.validate_update(CTX, obj, old)) == [f"spec: Forbidden: {sv.FORBIDDEN_UPDATE}"]
    obj = copy.deepcopy(old)
    obj["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"] = "2Gi"
    assert messages(STRATEGY.validate_update(CTX, obj, old)) == [
        ("spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
        "'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' "
        "are forbidden")]


def test_update_does_not_validate_the_name_again() -> None:
    old = stored()
    old["metadata"]["name"] = "db.v1"
    assert STRATEGY.validate_update(CTX, copy.deepcopy(old), old) == []


def test_status_update() -> None:
    status = StatefulSetStatusStrategy()
    old = stored()
    obj = copy.deepcopy(old)
    obj["spec"]["replicas"] = 9
    obj["status"] = {"replicas": 1, "readyReplicas": 1, "availableReplicas": 2, "currentReplicas": -1}
    status.prepare_for_update(CTX, obj, old)
    assert obj["spec"] == old["spec"]
    assert messages(status.validate_update(CTX, obj, old)) == [
        "status.currentReplicas: Invalid value: -1: must be greater than or equal to 0",
        "status.availableReplicas: Invalid value: 2: cannot be greater than status.replicas",
        "status.availableReplicas: Invalid value: 2: cannot be greater than status.readyReplicas"]


def test_printer() -> None:
    obj = new(replicas=3)
    obj["status"] = {"readyReplicas": 2}
    assert STATEFULSETS.printer.row(obj) == ["db", "2/3", "<unknown>", "c", "postgres"]
    assert [c.name for c in STATEFULSETS.printer.columns] == ["Name", "Ready", "Age", "Containers", "Images"]


def test_declaration() -> None:
    assert (STATEFULSETS.short_names, STATEFULSETS.categories) == (("sts",), ("all",))
    assert [s.name for s in STATEFULSETS.subresources] == ["status", "scale"]
    assert STATEFULSETS.storage_version_hash == "H+vl74LkKdo="
