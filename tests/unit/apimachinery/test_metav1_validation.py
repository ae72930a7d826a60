"""Tables from upstream pkg/apis/meta/v1/validation/validation_test.go, plus exact messages."""

from __future__ import annotations

import pytest

from kapiserver.apimachinery import field
from kapiserver.apimachinery import metav1_validation as mv

FIELD = field.new_path("field")


@pytest.mark.parametrize("labels", [
    {"simple": "bar"}, {"now-with-dashes": "bar"}, {"1-starts-with-num": "bar"}, {"1234": "bar"},
    {"simple/simple": "bar"}, {"now-with-dashes/simple": "bar"}, {"now-with-dashes/now-with-dashes": "bar"},
    {"now.with.dots/simple": "bar"}, {"now-with.dashes-and.dots/simple": "bar"}, {"1-num.2-num/3-num": "bar"},
    {"1234/5678": "bar"}, {"1.2.3.4/5678": "bar"}, {"UpperCaseAreOK123": "bar"}, {"goodvalue": "123_-.BaR"},
])
def test_labels_good(labels: dict[str, str]) -> None:
    assert mv.validate_labels(labels, FIELD) == []


@pytest.mark.parametrize("labels,needle", [
    ({"nospecialchars^=@": "bar"}, "name part must consist of"),
    ({"cantendwithadash-": "bar"}, "name part must consist of"),
    ({"only/one/slash": "bar"}, "a valid label key must consist of"),
    ({"a" * 254: "bar"}, "must be no more than"),
    ({"toolongvalue": "a" * 64}, "must be no more than"),
    ({"backslashesinvalue": "some\\bad\\value"}, "a valid label must be an empty string or consist of"),
    ({"nocommasallowed": "bad,value"}, "a valid label must be an empty string or consist of"),
    ({"strangecharsinvalue": "?#$notsogood"}, "a valid label must be an empty string or consist of"),
])
def test_labels_bad(labels: dict[str, str], needle: str) -> None:
    errs = mv.validate_labels(labels, FIELD)
    assert len(errs) == 1 and needle in errs[0].detail and errs[0].field == "field"


@pytest.mark.parametrize("dry_run", [[], ["All"], ["All", "All"], None])
def test_dry_run_good(dry_run: list[str] | None) -> None:
    assert mv.validate_dry_run(field.new_path("dryRun"), dry_run) == []


@pytest.mark.parametrize("dry_run", [["False"], ["All", "False"]])
def test_dry_run_bad(dry_run: list[str]) -> None:
    errs = mv.validate_dry_run(field.new_path("dryRun"), dry_run)
    assert [str(e) for e in errs] == [
        f'dryRun: Unsupported value: {field.render_value(dry_run)}: supported values: "All"']


_IGNORE = "ignoreStoreReadErrorWithClusterBreakingPotential"


@pytest.mark.parametrize("options,conflicts", [
    ({_IGNORE: None, "dryRun": ["All"]}, []),
    ({_IGNORE: False, "dryRun": ["All"], "propagationPolicy": "Background", "gracePeriodSeconds": 0,
      "preconditions": {}}, []),
    ({_IGNORE: False, "dryRun": ["All"], "orphanDependents": True, "gracePeriodSeconds": 0,
      "preconditions": {}}, []),
    ({_IGNORE: True, "dryRun": ["All"], "propagationPolicy": "Background", "gracePeriodSeconds": 0,
      "preconditions": {}}, ["dryRun", "propagationPolicy", "gracePeriodSeconds", "preconditions"]),
    ({_IGNORE: True, "dryRun": ["All"], "orphanDependents": True, "gracePeriodSeconds": 0,
      "preconditions": {}}, ["dryRun", "orphanDependents", "gracePeriodSeconds", "preconditions"]),
    ({_IGNORE: False}, []),
])
def test_delete_options_with_ignore_store_read_error(options: dict, conflicts: list[str]) -> None:
    assert [str(e) for e in mv.validate_delete_options(options)] == [
        f"{_IGNORE}: Invalid value: true: cannot be set together with .{name}" for name in conflicts]


def test_delete_options_propagation() -> None:
    assert mv.validate_delete_options({"propagationPolicy": "Foreground"}) == []
    errs = mv.validate_delete_options({"propagationPolicy": "Now", "orphanDependents": False})
    assert [str(e) for e in errs] == [
        ('propagationPolicy: Invalid value: "Now": orphanDependents and deletionPropagation cannot be '
        "both set"),
        ('propagationPolicy: Unsupported value: "Now": supported values: "Foreground", "Background", '
        '"Orphan", "nil"'),
    ]


_APPLY_YAML, _APPLY_CBOR, _MERGE = "application/apply-patch+yaml", "application/apply-patch+cbor", \
    "application/merge-patch+json"


@pytest.mark.parametrize("options,patch_type", [
    ({"force": True, "fieldManager": "kubectl"}, _APPLY_YAML),
    ({"fieldManager": "kubectl"}, _APPLY_YAML),
    ({"force": True, "fieldManager": "kubectl"}, _APPLY_CBOR),
    ({"fieldManager": "kubectl"}, _APPLY_CBOR),
    ({}, _MERGE),
    ({"fieldManager": "patcher"}, _MERGE),
])
def test_patch_options_good(options: dict, patch_type: str) -> None:
    assert mv.validate_patch_options(options, patch_type) == []


@pytest.mark.parametrize("options,patch_type,want", [
    ({}, _APPLY_YAML, ["fieldManager: Required value: is required for apply patch"]),
    ({}, _APPLY_CBOR, ["fieldManager: Required value: is required for apply patch"]),
    ({"force": True}, _MERGE, ["force: Forbidden: may not be specified for non-apply patch"]),
    ({"fieldManager": "kubectl", "force": False}, _MERGE,
     ["force: Forbidden: may not be specified for non-apply patch"]),
])
def test_patch_options_bad(options: dict, patch_type: str, want: list[str]) -> None:
    assert [str(e) for e in mv.validate_patch_options(options, patch_type)] == want


@pytest.mark.parametrize("manager", ["filedManager", "你好", "🍔"])
def test_field_manager_good(manager: str) -> None:
    assert mv.validate_field_manager(manager, field.new_path("fieldManager")) == []


def test_field_manager_bad() -> None:
    errs = mv.validate_field_manager("field\nmanager", field.new_path("fieldManager"))
    assert [str(e) for e in errs] == [
        'fieldManager: Invalid value: "field\\nmanager": invalid character U+000A (at position 5)']
    errs = mv.validate_field_manager("f" * 129, field.new_path("fieldManager"))
    assert [str(e) for e in errs] == ["fieldManager: Too long: may not be more than 128 bytes"]
    errs = mv.validate_field_manager("é\u200b", field.new_path("fieldManager"))
    assert errs[0].detail == "invalid character U+200B (at position 2)"  # byte offsets, as Go


def test_create_update_options() -> None:
    for validate in (mv.validate_create_options, mv.validate_update_options):
        assert validate({"fieldManager": "m", "dryRun": ["All"], "fieldValidation": "Strict"}) == []
        assert [str(e) for e in validate({"fieldValidation": "strict"})] == [
            'fieldValidation: Unsupported value: "strict": supported values: "", "Ignore", "Strict", "Warn"']


def test_table_options() -> None:
    assert mv.validate_table_options({"includeObject": "Metadata"}) == []
    assert [str(e) for e in mv.validate_table_options({"includeObject": "All"})] == [
        "includeObject: Invalid value: \"All\": must be 'Metadata', 'Object', 'None', or empty"]


_TOO_LONG_SUBRESOURCE = "TooLong" * 37


@pytest.mark.parametrize("entry", [
    {"operation": "Update", "fieldsType": "RandomVersion", "apiVersion": "v1"},
    {"operation": "RandomOperation", "fieldsType": "FieldsV1", "apiVersion": "v1"},
    {"fieldsType": "FieldsV1", "apiVersion": "v1"},
    {"operation": "Update", "fieldsType": "FieldsV1", "manager": "field\nmanager", "apiVersion": "v1"},
    {"operation": "Apply", "fieldsType": "FieldsV1", "apiVersion": "v1",
     "subresource": _TOO_LONG_SUBRESOURCE},
])
def test_managed_fields_bad(entry: dict) -> None:
    assert mv.validate_managed_fields([entry], field.new_path("managedFields"))


@pytest.mark.parametrize("entry", [
    {"operation": "Update", "apiVersion": "v1"},
    {"operation": "Update", "fieldsType": "FieldsV1", "apiVersion": "v1"},
    {"operation": "Apply", "fieldsType": "FieldsV1", "apiVersion": "v1", "subresource": "scale"},
    {"operation": "Apply", "fieldsType": "FieldsV1", "apiVersion": "v1", "manager": "🍔"},
])
def test_managed_fields_good(entry: dict) -> None:
    assert mv.validate_managed_fields([entry], field.new_path("managedFields")) == []


def test_managed_fields_messages() -> None:
    entries = [{"operation": "Patch", "fieldsType": "FieldsV2"}]
    errs = mv.validate_managed_fields(entries, field.new_path("metadata", "managedFields"))
    assert [str(e) for e in errs] == [
        'metadata.managedFields[0].operation: Invalid value: "Patch": must be `Apply` or `Update`',
        'metadata.managedFields[0].fieldsType: Invalid value: "FieldsV2": must be `FieldsV1`',
    ]


_CONDITIONS = field.new_path("status").child("conditions")
_REASON_MSG = ("a condition reason must start with alphabetic character, optionally followed by a string "
               "of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_' "
               "(e.g. 'my_name',  or 'MY_NAME',  or 'MyName',  or 'ReasonA,ReasonB',  or "
               "'ReasonA:ReasonB', regex used for validation is '[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?')")


def _condition_errors(conditions: list[dict]) -> list[str]:
    return [str(e) for e in mv.validate_conditions(conditions, _CONDITIONS)]


def test_conditions_bunch_of_invalid_fields() -> None:
    errs = _condition_errors([{"type": ":invalid", "status": "unknown", "observedGeneration": -1,
                               "reason": "invalid;val", "message": ""}])
    for needle in [
        ('status.conditions[0].type: Invalid value: ":invalid": name part must consist of alphanumeric '
         "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
         "'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
         "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"),
        ('status.conditions[0].status: Unsupported value: "unknown": supported values: "False", "True", '
         '"Unknown"'),
        "status.conditions[0].observedGeneration: Invalid value: -1: must be greater than or equal to zero",
        "status.conditions[0].lastTransitionTime: Required value",
        f'status.conditions[0].reason: Invalid value: "invalid;val": {_REASON_MSG}',
    ]:
        assert needle in errs


def test_conditions_duplicates() -> None:
    errs = _condition_errors([{"type": "First"}, {"type": "Second"}, {"type": "First"}])
    assert 'status.conditions[2].type: Duplicate value: "First"' in errs


@pytest.mark.parametrize("reason,ok", [("valid:val", True), ("valid,val", True), ("valid,val:", False)])
def test_condition_reasons(reason: str, ok: bool) -> None:
    errs = _condition_errors([{"type": "First", "reason": reason}])
    reason_errs = [e for e in errs if e.startswith("status.conditions[0].reason")]
    assert (reason_errs == []) is ok
    if not ok:
        assert reason_errs == [f'status.conditions[0].reason: Invalid value: "{reason}": {_REASON_MSG}']


def test_valid_condition() -> None:
    condition = {"type": "Ready", "status": "True", "lastTransitionTime": "2024-01-01T00:00:00Z",
                 "reason": "AllGood", "message": "x" * 100}
    assert _condition_errors([condition]) == []
    assert _condition_errors([condition | {"lastTransitionTime": "0001-01-01T00:00:00Z"}]) == [
        "status.conditions[0].lastTransitionTime: Required value"]
    assert _condition_errors([condition | {"message": "x" * (32 * 1024 + 1)}]) == [
        "status.conditions[0].message: Too long: may not be more than 32768 bytes"]


@pytest.mark.parametrize("selector,count,needle", [
    ({"matchExpressions": [{"key": "key", "operator": "In", "values": ["value"]}]}, 0, None),
    ({"matchExpressions": [{"key": "-key", "operator": "In", "values": ["value"]}]}, 1,
     "name part must consist of alphanumeric characters"),
    ({"matchExpressions": [{"key": "key", "operator": "abc", "values": ["value"]}]}, 1,
     "not a valid selector operator"),
    ({"matchExpressions": [{"key": "key", "operator": "In", "values": ["-value"]}]}, 1,
     "a valid label must be an empty string or consist of"),
])
def test_label_selector_match_expression(selector: dict, count: int, needle: str | None) -> None:
    opts = mv.LabelSelectorValidationOptions()
    errs = mv.validate_label_selector(selector, opts, field.new_path("labelSelector"))
    assert len(errs) == count
    if needle:
        assert needle in str(errs[0])


def test_label_selector_messages_and_options() -> None:
    path = field.new_path("spec", "selector")
    selector = {"matchLabels": {"a": "-"},
                "matchExpressions": [{"key": "k", "operator": "In"},
                                     {"key": "k", "operator": "Exists", "values": ["v"]},
                                     {"key": "k", "operator": "Gt", "values": ["-1"]}]}
    errs = [str(e) for e in mv.validate_label_selector(selector, mv.LabelSelectorValidationOptions(), path)]
    assert errs[1:] == [
        ("spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is "
         "'In' or 'NotIn'"),
        ("spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is "
         "'Exists' or 'DoesNotExist'"),
        'spec.selector.matchExpressions[2].operator: Invalid value: "Gt": not a valid selector operator',
        errs[-1],
    ]
    assert errs[0].startswith('spec.selector.matchLabels: Invalid value: "-": a valid label must be')
    assert errs[-1].startswith('spec.selector.matchExpressions[2].values[0]: Invalid value: "-1": a valid')
    relaxed = mv.LabelSelectorValidationOptions(allow_invalid_label_value_in_selector=True,
                                                allow_unknown_operator_in_requirement=True)
    assert len(mv.validate_label_selector(selector, relaxed, path)) == 3
    assert mv.validate_label_selector(None, mv.LabelSelectorValidationOptions(), path) == []
    assert mv.label_selector_has_invalid_label_value(selector)
    assert not mv.label_selector_has_invalid_label_value(None)


def test_field_selector_requirement() -> None:
    path = field.new_path("fieldSelector", "requirements").index(0)
    opts = mv.FieldSelectorValidationOptions()
    requirement = {"key": "spec.nodeName", "operator": "Exists"}
    assert mv.validate_field_selector_requirement(requirement, opts, path) == []
    assert [str(e) for e in mv.validate_field_selector_requirement({"operator": "Equals"}, opts, path)] == [
        "fieldSelector.requirements[0].key: Required value: must be specified",
        'fieldSelector.requirements[0].operator: Invalid value: "Equals": not a valid selector operator',
    ]
