"""Tables from upstream pkg/api/validation/{objectmeta,generic}_test.go, plus exact messages."""

from __future__ import annotations

import pytest

from kapiserver.apimachinery import errors, field
from kapiserver.apimachinery import objectmeta as om
from kapiserver.apimachinery.schema import GroupKind

FIELD = field.new_path("field")
META = field.new_path("metadata")


def _only_test(name: str, prefix: bool) -> list[str]:
    return [] if name == "test" else ["wrong value"]


@pytest.mark.parametrize("meta,count", [
    ({"name": "test"}, 0),
    ({"name": "test", "generateName": "test"}, 0),
    ({"name": "invalid"}, 1),
    ({"name": "invalid", "generateName": "test"}, 1),
    ({"name": "invalid", "generateName": "invalid"}, 2),
])
def test_custom_name_function(meta: dict[str, str], count: int) -> None:
    errs = om.validate_object_meta(meta, False, _only_test, FIELD)
    assert len(errs) == count
    assert all("wrong value" in str(e) for e in errs)


def _only_test_errors(path: field.Path, name: str) -> field.ErrorList:
    return [] if name == "test" else [field.invalid(path, name, "wrong value")]


@pytest.mark.parametrize("meta,count", [
    ({"name": "test"}, 0),
    ({"name": "test", "generateName": "test"}, 0),
    ({"name": "invalid"}, 1),
    ({"name": "invalid", "generateName": "test"}, 1),
    ({"name": "invalid", "generateName": "invalid"}, 1),
])
def test_with_opts_name_function(meta: dict[str, str], count: int) -> None:
    errs = om.validate_object_meta_with_opts(meta, False, _only_test_errors, FIELD)
    assert len(errs) == count
    assert all("wrong value" in str(e) for e in errs)


def test_with_opts_requires_a_generated_name() -> None:
    errs = om.validate_object_meta_with_opts({"generateName": "x-"}, False, _only_test_errors, FIELD)
    assert [str(e) for e in errs] == [
        'field.name: Internal error: generateName was specified ("x-"), but no name was generated',
        "field.name: Required value: name or generateName is required",
    ]


def test_namespaces() -> None:
    dns = om.name_is_dns_subdomain
    errs = om.validate_object_meta({"name": "test", "namespace": "foo.bar"}, True, dns, FIELD)
    assert [str(e) for e in errs] == ['field.namespace: Invalid value: "foo.bar": must not contain dots']
    errs = om.validate_object_meta({"name": "test", "namespace": "aB" * 32}, True, dns, FIELD)
    assert len(errs) == 2 and all("Invalid value" in str(e) for e in errs)
    errs = om.validate_object_meta({"name": "test"}, True, om.name_is_dns_subdomain, FIELD)
    assert [str(e) for e in errs] == ["field.namespace: Required value"]
    errs = om.validate_object_meta({"name": "test", "namespace": "x"}, False, om.name_is_dns_subdomain, FIELD)
    assert [str(e) for e in errs] == ["field.namespace: Forbidden: not allowed on this type"]


def _ref(kind: str, uid: str, controller: bool | None = None,
         api_version: str = "customresourceVersion") -> dict[str, object]:
    ref: dict[str, object] = {"apiVersion": api_version, "kind": kind, "name": "name", "uid": uid}
    if controller is not None:
        ref["controller"] = controller
    return ref


@pytest.mark.parametrize("refs,needle", [
    ([_ref("customresourceKind", "1")], None),
    ([_ref("Event", "1", api_version="v1")], "is disallowed from being an owner"),
    ([_ref("customresourceKind", "1", False), _ref("customresourceKind", "2", True),
      _ref("customresourceKind", "3", False), _ref("customresourceKind", "4")], None),
    ([_ref("customresourceKind1", "1", False), _ref("customresourceKind2", "2", True),
      _ref("customresourceKind3", "3", True), _ref("customresourceKind4", "4")],
     ('Only one reference can have Controller set to true. Found "true" in references for '
     "customresourceKind2/name and customresourceKind3/name")),
])
def test_owner_references(refs: list[dict], needle: str | None) -> None:
    errs = om.validate_object_meta({"name": "test", "namespace": "test", "ownerReferences": refs}, True,
                                   om.name_is_dns_subdomain, FIELD)
    if needle is None:
        assert errs == []
    else:
        assert errs and needle in str(errs[0])


def test_owner_reference_messages() -> None:
    refs = [{"uid": "", "kind": "Event", "apiVersion": "v1", "name": ""},
            {"apiVersion": "apps/", "kind": "", "name": "n", "uid": "u", "blockOwnerDeletion": True}]
    assert [str(e) for e in om.validate_owner_references(refs, META.child("ownerReferences"))] == [
        'metadata.ownerReferences.name: Invalid value: "": must not be empty',
        'metadata.ownerReferences.uid: Invalid value: "": must not be empty',
        ('metadata.ownerReferences: Invalid value: {"apiVersion":"v1","kind":"Event","name":"","uid":""}: '
        "/v1, Kind=Event is disallowed from being an owner"),
        'metadata.ownerReferences.apiVersion: Invalid value: "apps/": version must not be empty',
        'metadata.ownerReferences.kind: Invalid value: "": must not be empty',
    ]


def _update(new: dict, old: dict) -> list[str]:
    return [str(e) for e in om.validate_object_meta_update(new, old, FIELD)]


def test_update_compares_creation_timestamp() -> None:
    base = {"name": "test", "resourceVersion": "1"}
    stamped = base | {"creationTimestamp": "1970-01-01T00:00:10Z"}
    assert _update(base, stamped) == ["field.creationTimestamp: Invalid value: null: field is immutable"]
    assert _update(stamped, base) == [('field.creationTimestamp: Invalid value: "1970-01-01T00:00:10Z": '
                                      "field is immutable")]
    later = base | {"creationTimestamp": "1970-01-01T00:00:11Z"}
    assert len(_update(stamped, later)) == 1
    # Semantic equality, as upstream's apiequality.Semantic: the same instant in another zone.
    assert _update(base | {"creationTimestamp": "1970-01-01T01:00:10+01:00"}, stamped) == []


_DELETING = {"name": "test", "resourceVersion": "1", "deletionTimestamp": "0001-01-01T00:00:00Z"}


@pytest.mark.parametrize("old,new,needle", [
    (["x/a"], ["x/a", "y/b"], "y/b"),
    (["x/a"], ["x/b"], "x/b"),
    (["x/a", "y/b"], ["x/a"], None),
])
def test_finalizers_update(old: list[str], new: list[str], needle: str | None) -> None:
    new_meta, old_meta = _DELETING | {"finalizers": new}, _DELETING | {"finalizers": old}
    errs = om.validate_object_meta_update(new_meta, old_meta, FIELD)
    if needle is None:
        assert errs == []
    else:
        assert needle in field.aggregate_message(errs)


def test_new_finalizers_message_and_not_deleting() -> None:
    errs = om.validate_no_new_finalizers(["a", "c", "b"], ["a"], FIELD)
    assert [str(e) for e in errs] == [
        ('field: Forbidden: no new finalizers can be added if the object is being deleted, '
        'found new finalizers []string{"b", "c"}')]
    live = {"name": "test", "resourceVersion": "1"}
    new_meta, old_meta = live | {"finalizers": ["x/a", "y/b"]}, live | {"finalizers": ["x/a"]}
    assert om.validate_object_meta_update(new_meta, old_meta, FIELD) == []


def test_conflicting_finalizers() -> None:
    meta = {"name": "test", "resourceVersion": "1", "finalizers": ["orphan", "foregroundDeletion"]}
    errs = om.validate_object_meta(meta, False, om.name_is_dns_subdomain, FIELD)
    assert [str(e) for e in errs] == [('field.finalizers: Invalid value: ["orphan","foregroundDeletion"]: '
                                      "finalizer orphan and foregroundDeletion cannot be both set")]


_NOW = "1970-01-01T00:16:40Z"
_LATER = "1970-01-01T00:33:20Z"
_BASE = {"name": "test", "resourceVersion": "1"}


@pytest.mark.parametrize("old,new,want", [
    ({}, {}, []),
    ({"deletionTimestamp": _NOW, "deletionGracePeriodSeconds": 30},
     {"deletionTimestamp": _NOW, "deletionGracePeriodSeconds": 30}, []),
    ({}, {"deletionTimestamp": _NOW},
     [f'field.deletionTimestamp: Invalid value: "{_NOW}": field is immutable']),
    ({"deletionTimestamp": _NOW}, {}, ["field.deletionTimestamp: Invalid value: null: field is immutable"]),
    ({"deletionTimestamp": _NOW}, {"deletionTimestamp": _LATER},
     [f'field.deletionTimestamp: Invalid value: "{_LATER}": field is immutable']),
    ({}, {"deletionGracePeriodSeconds": 30},
     ["field.deletionGracePeriodSeconds: Invalid value: 30: field is immutable"]),
    ({"deletionGracePeriodSeconds": 30}, {},
     ["field.deletionGracePeriodSeconds: Invalid value: null: field is immutable"]),
    ({"deletionGracePeriodSeconds": 30}, {"deletionGracePeriodSeconds": 40},
     ["field.deletionGracePeriodSeconds: Invalid value: 40: field is immutable"]),
])
def test_update_prevents_deletion_field_mutation(old: dict, new: dict, want: list[str]) -> None:
    new_meta = _BASE | new
    before = dict(new_meta)
    assert _update(new_meta, _BASE | old) == want
    assert new_meta == before  # validation never mutates


@pytest.mark.parametrize("old,new,want", [
    (5, 4, ["field.generation: Invalid value: 4: must not be decremented"]),
    (1, 2, []),
    (5, 5, []),
])
def test_generation_update(old: int, new: int, want: list[str]) -> None:
    assert _update(_BASE | {"generation": new}, _BASE | {"generation": old}) == want


def test_update_identity_fields() -> None:
    old = {"name": "a", "namespace": "ns", "uid": "1", "resourceVersion": "7"}
    new = {"name": "b", "namespace": "other", "uid": "2"}
    assert _update(new, old) == [
        'field.resourceVersion: Invalid value: "": must be specified for an update',
        'field.name: Invalid value: "b": field is immutable',
        'field.namespace: Invalid value: "other": field is immutable',
        'field.uid: Invalid value: "2": field is immutable',
    ]


def test_trailing_dash_of_generate_name() -> None:
    meta = {"name": "test", "generateName": "foo-"}
    assert om.validate_object_meta(meta, False, om.name_is_dns_subdomain, FIELD) == []


@pytest.mark.parametrize("before,after", [("", ""), ("-", "-"), ("-foo", "-foo"), ("-foo-", "-foa"),
                                          ("b-", "a"), ("ab", "ab")])
def test_mask_trailing_dash(before: str, after: str) -> None:
    assert om._mask_trailing_dash(before) == after


def test_generate_name_errors() -> None:
    errs = om.validate_object_meta({"generateName": "Foo-"}, False, om.name_is_dns_label, META)
    assert [e.field for e in errs] == ["metadata.generateName", "metadata.name"]
    assert str(errs[1]) == "metadata.name: Required value: name or generateName is required"


_HALF = om.TOTAL_ANNOTATION_SIZE_LIMIT_B // 2


@pytest.mark.parametrize("annotations", [
    {"simple": "bar"}, {"now-with-dashes": "bar"}, {"1-starts-with-num": "bar"}, {"1234": "bar"},
    {"simple/simple": "bar"}, {"now-with-dashes/simple": "bar"}, {"now-with-dashes/now-with-dashes": "bar"},
    {"now.with.dots/simple": "bar"}, {"now-with.dashes-and.dots/simple": "bar"}, {"1-num.2-num/3-num": "bar"},
    {"1234/5678": "bar"}, {"1.2.3.4/5678": "bar"}, {"UpperCase123": "bar"},
    {"a": "b" * (om.TOTAL_ANNOTATION_SIZE_LIMIT_B - 1)},
    {"a": "b" * (_HALF - 1), "c": "d" * (_HALF - 1)},
    {"Example.COM/Key": "upper case prefixes are checked lower-cased"},
])
def test_annotations_good(annotations: dict[str, str]) -> None:
    assert om.validate_annotations(annotations, FIELD) == []


@pytest.mark.parametrize("annotations,needle", [
    ({"nospecialchars^=@": "bar"}, "name part must consist of"),
    ({"cantendwithadash-": "bar"}, "name part must consist of"),
    ({"only/one/slash": "bar"}, "a valid label key must consist of"),
    ({"a" * 254: "bar"}, "must be no more than"),
])
def test_annotation_names_bad(annotations: dict[str, str], needle: str) -> None:
    errs = om.validate_annotations(annotations, FIELD)
    assert len(errs) == 1 and needle in errs[0].detail


@pytest.mark.parametrize("annotations", [
    {"a": "b" * om.TOTAL_ANNOTATION_SIZE_LIMIT_B},
    {"a": "b" * _HALF, "c": "d" * _HALF},
])
def test_annotations_too_large(annotations: dict[str, str]) -> None:
    errs = om.validate_annotations(annotations, FIELD)
    assert [str(e) for e in errs] == ["field: Too long: may not be more than 262144 bytes"]
    size = sum(len(k) + len(v) for k, v in annotations.items())
    assert om.validate_annotations_size(annotations) == f"annotations size {size} is larger than limit 262144"


def test_annotation_size_counts_bytes() -> None:
    assert om.validate_annotations_size({"a": "é" * (om.TOTAL_ANNOTATION_SIZE_LIMIT_B // 2)}) is not None


def test_nonnegative_field() -> None:
    assert om.validate_nonnegative_field(0, FIELD) == []
    assert [str(e) for e in om.validate_nonnegative_field(-1, FIELD)] == [
        "field: Invalid value: -1: must be greater than or equal to 0"]


def test_invalid_status_from_object_meta_errors() -> None:
    errs = om.validate_object_meta({"name": "Bad"}, False, om.name_is_dns_subdomain, META)
    status = errors.invalid(GroupKind("", "ConfigMap"), "Bad", errs).status
    assert status["message"].startswith('ConfigMap "Bad" is invalid: metadata.name: Invalid value: "Bad": '
                                        "a lowercase RFC 1123 subdomain must consist of")
    assert status["details"]["causes"][0]["field"] == "metadata.name"
