"""ConfigMaps and namespaces against upstream (ValidateConfigMap*, ValidateNamespace*, printers)."""

from __future__ import annotations

import base64

from kapiserver.apimachinery import field
from kapiserver.registry.core import configmaps, namespaces
from kapiserver.registry.rest import RequestContext

CTX = RequestContext(api_version="v1")
META = {"name": "c", "namespace": "ns", "resourceVersion": "1"}


def messages(errs: field.ErrorList) -> list[str]:
    return [str(e) for e in errs]


def test_config_map_binary_data_counts_decoded_bytes() -> None:
    blob = base64.b64encode(b"x" * (1024 * 1024)).decode()
    assert configmaps.validate_config_map({"metadata": META, "binaryData": {"b": blob}}) == []
    errs = configmaps.validate_config_map({"metadata": META, "binaryData": {"b": blob}, "data": {"a": "x"}})
    assert messages(errs) == ["[]: Too long: may not be more than 1048576 bytes"]


def test_config_map_duplicate_key() -> None:
    errs = configmaps.validate_config_map({"metadata": META, "data": {"k": "v"}, "binaryData": {"k": ""}})
    assert messages(errs) == ['data[k]: Invalid value: "k": duplicate of key present in binaryData']


def test_config_map_immutable_update() -> None:
    old = {"metadata": META, "data": {"a": "1"}, "immutable": True}
    assert configmaps.validate_config_map_update({"metadata": META, "data": {"a": "1"}, "immutable": True}, old) == []
    errs = configmaps.validate_config_map_update({"metadata": META, "data": {"a": "2"}, "binaryData": {}}, old)
    assert messages(errs) == ["immutable: Forbidden: field is immutable when `immutable` is set",
                              "data: Forbidden: field is immutable when `immutable` is set",
                              "binaryData: Forbidden: field is immutable when `immutable` is set"]


def test_config_map_printer_matches_upstream_columns() -> None:
    columns = configmaps.CONFIGMAPS.printer.columns
    assert [(c.name, c.type) for c in columns] == [("Name", "string"), ("Data", "string"), ("Age", "string")]
    assert columns[1].description.startswith("Data contains the configuration data.")
    assert configmaps.CONFIGMAPS.printer.row({"metadata": META, "data": {"a": ""}, "binaryData": {"b": ""}})[1] == 2


def test_namespace_defaults_label_and_phase() -> None:
    obj: dict[str, object] = {"metadata": {"name": "team"}}
    namespaces.NamespaceStrategy().default(obj)
    assert obj == {"metadata": {"name": "team", "labels": {"kubernetes.io/metadata.name": "team"}},
                   "status": {"phase": "Active"}}


def test_namespace_create_adds_kubernetes_finalizer() -> None:
    obj: dict[str, object] = {"metadata": {"name": "team"}, "spec": {"finalizers": ["example.com/x"]},
                              "status": {"phase": "Terminating"}}
    namespaces.NamespaceStrategy().prepare_for_create(CTX, obj)
    assert obj["spec"] == {"finalizers": ["example.com/x", "kubernetes"]}
    assert obj["status"] == {"phase": "Active"}


def test_namespace_update_keeps_finalizers_and_status() -> None:
    old = {"metadata": {"name": "team"}, "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}
    obj: dict[str, object] = {"metadata": {"name": "team"}, "spec": {"finalizers": []},
                              "status": {"phase": "Terminating"}}
    namespaces.NamespaceStrategy().prepare_for_update(CTX, obj, old)
    assert obj["spec"] == {"finalizers": ["kubernetes"]} and obj["status"] == {"phase": "Active"}
    assert obj["status"] is not old["status"]


def test_namespace_finalizer_names() -> None:
    obj = {"metadata": {"name": "team"}, "spec": {"finalizers": ["kubernetes", "orphan", "custom", "a.io/b"]}}
    assert messages(namespaces.validate_namespace(obj)) == [
        'spec.finalizers: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified']


def test_namespace_status_update_phase_rules() -> None:
    old = {"metadata": {"name": "team", "resourceVersion": "1"}}
    errs = namespaces.validate_namespace_status_update(
        {"metadata": {"name": "team", "resourceVersion": "1"}, "status": {"phase": "Terminating"}}, old)
    assert messages(errs) == [
        'status.Phase: Invalid value: "Terminating": may only be \'Active\' if `deletionTimestamp` is empty']


def test_namespace_spec_discovery_facts() -> None:
    spec = namespaces.NAMESPACES
    assert spec.short_names == ("ns",) and spec.return_deleted_object
    assert spec.excluded_verbs == ("deletecollection",)
    assert spec.field_set({}) == {"metadata.name": "", "status.phase": ""}
