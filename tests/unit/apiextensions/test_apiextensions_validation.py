"""CRD validation (apiextensions/validation.py, validation_parts.py): upstream's messages and
paths over the internal shape (hoisted per-version fields), create and update rules."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kapiserver.apiextensions import defaults, validation
from kapiserver.apimachinery import field

SCHEMA = {"type": "object", "properties": {"spec": {"type": "object", "properties": {"x": {"type": "string"}}}}}


def crd(**spec: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {"group": "example.com", "scope": "Namespaced",
                 "names": {"plural": "widgets", "kind": "Widget"},
                 "versions": [{"name": "v1", "served": True, "storage": True,
                               "schema": {"openAPIV3Schema": copy.deepcopy(SCHEMA)}}]},
    }
    obj["spec"].update(spec)
    defaults.set_defaults(obj)
    return obj


def messages(errs: field.ErrorList) -> list[str]:
    return [str(e) for e in errs]


def test_valid_crd_has_no_errors() -> None:
    assert validation.validate_crd(crd()) == []


def test_defaults() -> None:
    obj = crd()
    assert obj["spec"]["names"] == {"plural": "widgets", "kind": "Widget", "singular": "widget",
                                    "listKind": "WidgetList"}
    assert obj["spec"]["conversion"] == {"strategy": "None"}
    assert obj["status"]["storedVersions"] == ["v1"]


def test_name_must_be_plural_dot_group() -> None:
    obj = crd()
    obj["metadata"]["name"] = "gadgets.example.com"
    assert messages(validation.validate_crd(obj)) == [
        'metadata.name: Invalid value: "gadgets.example.com": must be spec.names.plural+"."+spec.group']


def test_group_needs_a_dot_and_scope_is_an_enum() -> None:
    obj = crd(group="example", scope="")
    obj["metadata"]["name"] = "widgets.example"
    assert messages(validation.validate_crd(obj))[:2] == [
        'spec.group: Invalid value: "example": should be a domain with at least one dot',
        "spec.scope: Required value"]


def test_single_version_schema_errors_are_reported_at_the_top_level() -> None:
    obj = crd()
    obj["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["x"] = {}
    assert messages(validation.validate_crd(obj)) == [
        ("spec.validation.openAPIV3Schema.properties[spec].properties[x].type: Required value: must not be empty "
        "for specified object fields")]


def test_schema_required_per_version() -> None:
    obj = crd()
    del obj["spec"]["versions"][0]["schema"]
    assert messages(validation.validate_crd(obj)) == ["spec.versions[0].schema.openAPIV3Schema: Required value"]


def test_exactly_one_storage_version_prints_the_internal_versions() -> None:
    obj = crd(versions=[{"name": "v1", "served": True, "storage": False, "schema": {"openAPIV3Schema": SCHEMA}},
                        {"name": "v2", "served": True, "storage": False, "schema": {"openAPIV3Schema": SCHEMA}}])
    errs = messages(validation.validate_crd(obj))
    assert errs[0] == ('spec.versions: Invalid value: [{"Name":"v1","Served":true,"Storage":false,"Deprecated":false,'
                       '"DeprecationWarning":null,"Schema":null,"Subresources":null,"AdditionalPrinterColumns":null,'
                       '"SelectableFields":null},{"Name":"v2","Served":true,"Storage":false,"Deprecated":false,'
                       '"DeprecationWarning":null,"Schema":null,"Subresources":null,"AdditionalPrinterColumns":null,'
                       '"SelectableFields":null}]: must have exactly one version marked as storage version')
    assert errs[1] == "status.storedVersions: Invalid value: null: must have at least one stored version"


def test_names() -> None:
    obj = crd()
    obj["spec"]["names"].update(listKind="Widget", shortNames=["W"], categories=["all", "x_y"])
    assert messages(validation.validate_crd(obj)) == [
        ('spec.names.shortNames[0]: Invalid value: "W": a DNS-1035 label must consist of lower case alphanumeric '
        "characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. "
        "'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"),
        'spec.names.listKind: Invalid value: "Widget": kind and listKind may not be the same',
        ('spec.names.categories[1]: Invalid value: "x_y": a DNS-1035 label must consist of lower case alphanumeric '
        "characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. "
        "'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")]


def test_printer_columns_and_scale_paths() -> None:
    obj = crd()
    version = obj["spec"]["versions"][0]
    version["additionalPrinterColumns"] = [{"name": "", "type": "float", "format": "weird", "jsonPath": "spec.x"}]
    version["subresources"] = {"scale": {"specReplicasPath": ".status.x", "statusReplicasPath": "",
                                         "labelSelectorPath": ".metadata.x"}}
    assert messages(validation.validate_crd(obj)) == [
        "spec.subresources.scale.specReplicasPath: Invalid value: \".status.x\": should be a json path under .spec",
        "spec.subresources.scale.statusReplicasPath: Required value",
        ('spec.subresources.scale.labelSelectorPath: Invalid value: ".metadata.x": should be a json path under either '
        ".spec or .status"),
        "spec.additionalPrinterColumns[0].name: Required value",
        ('spec.additionalPrinterColumns[0].type: Invalid value: "float": must be one of boolean,date,integer,number,'
        "string"),
        ('spec.additionalPrinterColumns[0].format: Invalid value: "weird": must be one of byte,date,date-time,double,'
        "float,int32,int64,password"),
        ('spec.additionalPrinterColumns[0].JSONPath: Invalid value: "spec.x": must be a simple json path starting '
        "with .")]


def test_status_subresource_limits_the_root_of_the_schema() -> None:
    obj = crd()
    obj["spec"]["versions"][0]["subresources"] = {"status": {}}
    obj["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["type"] = "array"
    obj["spec"]["versions"][0]["schema"]["openAPIV3Schema"].pop("properties")
    obj["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["items"] = {"type": "string"}
    errs = messages(validation.validate_crd(obj))
    assert errs[0] == ('spec.validation.openAPIV3Schema.type: Invalid value: "array": only "object" is allowed as '
                       "the type at the root of the schema if the status subresource is enabled")


def test_selectable_fields() -> None:
    obj = crd()
    obj["spec"]["versions"][0]["selectableFields"] = [
        {"jsonPath": ".spec.x"}, {"jsonPath": ".spec.x"}, {"jsonPath": ".spec.missing"}, {"jsonPath": ".spec"},
        {"jsonPath": ".spec[0]"}]
    assert messages(validation.validate_crd(obj)) == [
        'spec.selectableFields[1].jsonPath: Duplicate value: ".spec.x"',
        ('spec.selectableFields[2].jsonPath: Invalid value: ".spec.missing": is an invalid path: does not refer to '
        "a valid field"),
        ('spec.selectableFields[3].jsonPath: Invalid value: ".spec": must point to a field of type string, boolean or '
        "integer. Enum string fields and strings with formats are allowed."),
        ('spec.selectableFields[4].jsonPath: Invalid value: ".spec[0]": is an invalid path: array notation is not '
        "allowed")]


def test_conversion_webhook() -> None:
    obj = crd(conversion={"strategy": "Webhook", "webhook": {"clientConfig": {"url": "http://x/convert"},
                                                               "conversionReviewVersions": ["v9"]}})
    assert messages(validation.validate_crd(obj)) == [
        ('spec.conversion.webhookClientConfig.url: Invalid value: "http": \'https\' is the only allowed URL scheme; '
        "desired format: https://host[/path]"),
        'spec.conversion.conversionReviewVersions: Invalid value: ["v9"]: must include at least one of v1, v1beta1']
    obj = crd(conversion={"strategy": "None", "webhook": {"conversionReviewVersions": ["v1"]}})
    assert messages(validation.validate_crd(obj)) == [
        "spec.conversion.conversionReviewVersions: Forbidden: should not be set when strategy is not set to Webhook"]


def test_deprecation_warning() -> None:
    obj = crd()
    obj["spec"]["versions"][0]["deprecationWarning"] = "x"
    assert messages(validation.validate_crd(obj)) == [
        'spec.versions[0].deprecationWarning: Invalid value: "x": can only be set for deprecated versions']


def test_protected_groups_need_approval() -> None:
    obj = crd(group="widgets.k8s.io")
    obj["metadata"]["name"] = "widgets.widgets.k8s.io"
    assert messages(validation.validate_crd(obj)) == [
        ('metadata.annotations[api-approved.kubernetes.io]: Required value: protected groups must have approval '
        'annotation "api-approved.kubernetes.io", see https://github.com/kubernetes/enhancements/pull/1111')]
    obj["metadata"]["annotations"] = {"api-approved.kubernetes.io": "unapproved, testing"}
    assert validation.validate_crd(obj) == []


def test_update_keeps_group_and_plural_and_established_scope() -> None:
    old = crd()
    old["status"]["conditions"] = [{"type": "Established", "status": "True"}]
    new = copy.deepcopy(old)
    new["spec"].update(group="other.com", scope="Cluster")
    new["spec"]["names"]["plural"] = "gadgets"
    errs = messages(validation.validate_crd_update(new, old))
    assert 'spec.scope: Invalid value: "Cluster": field is immutable' in errs
    assert 'spec.group: Invalid value: "other.com": field is immutable' in errs
    assert 'spec.names.plural: Invalid value: "gadgets": field is immutable' in errs


def test_stored_versions_must_stay_in_spec() -> None:
    obj = crd()
    obj["status"]["storedVersions"] = ["v1", "v0"]
    assert messages(validation.validate_crd(obj)) == [
        ('status.storedVersions[1]: Invalid value: "v0": missing from spec.versions; v0 was previously a storage '
        "version, and must remain in spec.versions until a storage migration ensures no data remains persisted in "
        "v0 and removes v0 from status.storedVersions")]


@pytest.mark.parametrize(("fmt", "warned"), [("date-time", []), ("k8s-short-name", []), ("int32", ["int32"]), ("bogus", ["bogus"])])
def test_unrecognized_formats(fmt: str, warned: list[str]) -> None:
    obj = crd()
    obj["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["x"]["format"] = fmt
    assert validation.unrecognized_formats(obj) == warned
