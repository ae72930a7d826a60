"""storage.k8s.io/v1 kinds (upstream pkg/apis/storage validation, v1 defaults, printers)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

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
META = {"name": "x", "resourceVersion": "1"}


def sc(**body: Any) -> dict[str, Any]:
    obj = {"metadata": dict(META), "provisioner": "example.com/p", **body}
    storageclasses.default_storage_class(obj)
    return obj


def test_storage_class_defaults() -> None:
    obj = sc()
    assert (obj["reclaimPolicy"], obj["volumeBindingMode"]) == ("Delete", "Immediate")


@pytest.mark.parametrize("body,expected", [
    ({}, []),
    ({"provisioner": ""}, ["provisioner: Required value"]),
    ({"provisioner": "Bad Name"},
     [('provisioner: Invalid value: "bad name": name part must consist of alphanumeric characters, \'-\', \'_\' or '
      "'.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', "
      "regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")]),
    ({"reclaimPolicy": "Recycle"}, [('reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", '
                                    '"Retain"')]),
    ({"volumeBindingMode": "Later"},
     ['volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"']),
    ({"parameters": {"": "v"}}, ['parameters: Invalid value: "": field can not be empty.']),
    ({"allowedTopologies": [{"matchLabelExpressions": [{"key": "zone", "values": ["a", "a"]}, {"key": "zone",
                                                                                            "values": []}]}]},
     ['allowedTopologies[0].matchLabelExpressions[0].values[1]: Duplicate value: "a"',
      "allowedTopologies[0].matchLabelExpressions[1].values: Required value",
      'allowedTopologies[0].matchLabelExpressions[1].key: Duplicate value: "zone"']),
    ({"allowedTopologies": [{"matchLabelExpressions": [{"key": "z", "values": ["a"]}]},
                            {"matchLabelExpressions": [{"key": "z", "values": ["a"]}]}]},
     ['allowedTopologies[1].matchLabelExpressions: Duplicate value: ""']),
])
def test_storage_class_validation(body: dict[str, Any], expected: list[str]) -> None:
    assert [str(e) for e in storageclasses.validate_storage_class(sc(**body))] == expected


def test_storage_class_update_rules() -> None:
    old = sc(parameters={"a": "b"})
    new = sc(parameters={"a": "c"}, provisioner="example.com/q", reclaimPolicy="Retain",
             volumeBindingMode="WaitForFirstConsumer")
    assert [str(e) for e in storageclasses.validate_storage_class_update(new, old)] == [
        "parameters: Forbidden: updates to parameters are forbidden.",
        "provisioner: Forbidden: updates to provisioner are forbidden.",
        "reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.",
        'volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable']


def test_storage_class_printer_marks_the_default_class() -> None:
    obj = sc(allowVolumeExpansion=True)
    obj["metadata"]["annotations"] = {"storageclass.kubernetes.io/is-default-class": "true"}
    assert storageclasses.STORAGECLASSES.printer.row(obj)[:5] == ["x (default)", "example.com/p", "Delete",
                                                                  "Immediate", True]
    beta = {"metadata": {"name": "b", "annotations": {"storageclass.beta.kubernetes.io/is-default-class": "true"}}}
    assert storageclasses.STORAGECLASSES.printer.row(beta)[:5] == ["b (default)", "", "Delete", "Immediate", False]
    assert storageclasses.STORAGECLASSES.short_names == ("sc",)


def test_csi_driver_defaults_validation_and_printer() -> None:
    obj: dict[str, Any] = {"metadata": dict(META, name="d.example.com"), "spec": {}}
    csidrivers.default_csi_driver(obj)
    assert obj["spec"] == {"attachRequired": True, "podInfoOnMount": False, "storageCapacity": False,
                           "fsGroupPolicy": "ReadWriteOnceWithFSType", "requiresRepublish": False,
                           "seLinuxMount": False, "volumeLifecycleModes": ["Persistent"]}
    assert csidrivers.validate_csi_driver(obj) == []
    bad = copy.deepcopy(obj)
    bad["spec"].update(fsGroupPolicy="Some", volumeLifecycleModes=["Other"],
                       tokenRequests=[{"audience": "a", "expirationSeconds": 60}, {"audience": "a"}])
    del bad["spec"]["attachRequired"]
    assert [str(e) for e in csidrivers.validate_csi_driver(bad)] == [
        "spec.attachedRequired: Required value",
        'spec.fsGroupPolicy: Unsupported value: "Some": supported values: "File", "None", "ReadWriteOnceWithFSType"',
        "spec.tokenRequests[0].expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes",
        'spec.tokenRequests[1].audience: Duplicate value: "a"',
        'spec.volumeLifecycleModes: Unsupported value: "Other": supported values: "Persistent", "Ephemeral"']
    changed = copy.deepcopy(obj)
    changed["spec"]["attachRequired"] = False
    assert [str(e) for e in csidrivers.validate_csi_driver_update(changed, obj)] == [
        "spec.attachedRequired: Invalid value: false: field is immutable"]
    assert csidrivers.CSIDRIVERS.printer.row(obj)[:7] == ["d.example.com", True, False, False, "<unset>", False,
                                                          "Persistent"]


def test_csi_node_validation_and_allocatable_may_change() -> None:
    driver = {"name": "d.example.com", "nodeID": "n", "topologyKeys": ["zone"], "allocatable": {"count": 5}}
    old = {"metadata": dict(META, name="node-1"), "spec": {"drivers": [driver]}}
    assert csinodes.validate_csi_node(old) == []
    bad = {"metadata": dict(META), "spec": {"drivers": [{"name": "", "nodeID": "x" * 257,
                                                         "allocatable": {"count": -1}}, {"name": ""}]}}
    assert [(e.field, e.type) for e in csinodes.validate_csi_node(bad)] == [
        ("spec.drivers[0].name", "FieldValueRequired"), ("spec.drivers[0].name", "FieldValueInvalid"),
        ("spec.drivers[0].nodeID", "FieldValueInvalid"), ("spec.drivers[0].allocatable.count", "FieldValueInvalid"),
        ("spec.drivers[1].name", "FieldValueRequired"), ("spec.drivers[1].name", "FieldValueInvalid"),
        ("spec.drivers[1].nodeID", "FieldValueRequired"), ("spec.drivers[1].name", "FieldValueDuplicate")]
    more = copy.deepcopy(old)
    more["spec"]["drivers"][0]["allocatable"]["count"] = 9
    assert csinodes.validate_csi_node_update(more, old) == []
    moved = copy.deepcopy(old)
    moved["spec"]["drivers"][0]["nodeID"] = "m"
    assert [str(e) for e in csinodes.validate_csi_node_update(moved, old)] == [
        ('spec.drivers: Invalid value: {"Name":"d.example.com","NodeID":"m","TopologyKeys":["zone"],'
         '"Allocatable":null}: field is immutable')]
    assert csinodes.CSINODES.printer.row(old)[:2] == ["node-1", 1]


def test_volume_attachment_source_rules_status_and_printer() -> None:
    obj = {"metadata": dict(META), "spec": {"attacher": "d.example.com", "nodeName": "n1",
                                            "source": {"persistentVolumeName": "pv-1"}}}
    volumeattachments.VolumeAttachmentStrategy().prepare_for_create(CTX, obj)
    assert obj["status"] == {"attached": False}
    assert volumeattachments.validate_volume_attachment(obj) == []
    bad = {"metadata": dict(META), "spec": {"source": {}}}
    assert [str(e) for e in volumeattachments.validate_volume_attachment(bad)] == [
        "spec.attacher: Required value",
        "spec.source: Required value: must specify exactly one of inlineVolumeSpec and persistentVolumeName",
        ('spec.nodeName: Invalid value: "": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric '
        "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex "
        "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"),
        "spec.attacher: Required value",
        ('spec.attacher: Invalid value: "": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric '
        "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex "
        "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")]
    moved = copy.deepcopy(obj)
    moved["spec"]["nodeName"] = "n2"
    assert [str(e) for e in volumeattachments.validate_volume_attachment_update(moved, obj)] == [
        "spec: Invalid value: field is immutable"]
    assert volumeattachments.VOLUMEATTACHMENTS.printer.row(obj)[:5] == ["x", "d.example.com", "pv-1", "n1", False]


def test_csi_storage_capacity_canonical_quantities_and_immutability() -> None:
    obj = {"metadata": dict(META, namespace="ns"), "storageClassName": "sc", "capacity": "1024Mi",
           "maximumVolumeSize": "0.5Gi", "nodeTopology": {"matchLabels": {"zone": "a"}}}
    csistoragecapacities.canonicalize_quantities(obj)
    assert (obj["capacity"], obj["maximumVolumeSize"]) == ("1Gi", "512Mi")
    assert csistoragecapacities.validate_csi_storage_capacity(obj) == []
    negative = dict(obj, capacity="-1")
    assert [str(e) for e in csistoragecapacities.validate_csi_storage_capacity(negative)] == [
        'capacity: Invalid value: "-1": must be greater than or equal to 0']
    moved = dict(obj, storageClassName="other", nodeTopology={})
    assert [str(e) for e in csistoragecapacities.validate_csi_storage_capacity_update(moved, obj)] == [
        "nodeTopology: Invalid value: {}: field is immutable",
        'storageClassName: Invalid value: "other": field is immutable']
    printer = csistoragecapacities.CSISTORAGECAPACITIES.printer
    assert [c.name for c in printer.columns] == ["Name", "Created At"]


def test_volume_attributes_class() -> None:
    obj = {"metadata": dict(META), "driverName": "d.example.com", "parameters": {"iops": "5000"}}
    assert volumeattributesclasses.validate_volume_attributes_class(obj) == []
    assert [str(e) for e in volumeattributesclasses.validate_volume_attributes_class(dict(obj, parameters={}))] == [
        "parameters: Required value: must contain at least one key/value pair"]
    changed = dict(obj, driverName="e.example.com", parameters={"iops": "1"})
    assert [str(e) for e in volumeattributesclasses.validate_volume_attributes_class_update(changed, obj)] == [
        "driverName: Forbidden: updates to driverName are forbidden.",
        "parameters: Forbidden: updates to parameters are forbidden."]
    spec = volumeattributesclasses.VOLUMEATTRIBUTESCLASSES
    assert spec.printer.row(obj)[:2] == ["x", "d.example.com"] and spec.short_names == ("vac",)
    beta = volumeattributesclasses.VOLUMEATTRIBUTESCLASSES_V1BETA1
    assert (beta.version, beta.storage_version_hash) == ("v1beta1", spec.storage_version_hash)
