"""managedFields entries, FieldsV1 and conflicts as they are written and read: upstream's
internal/{fields,pathelement,managedfields,conflict}_test.go, plus the byte order of FieldsV1."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
import yaml

from kapiserver.apimachinery.managedfields import conflict, fieldpath, fieldsv1, managed
from kapiserver.apimachinery.managedfields.updater import Conflict, Conflicts


@pytest.mark.parametrize(
    "text",
    [
        "i:0",
        "i:1234",
        "f:",
        "f:spec",
        "f:more-complicated-string",
        'k:{"name":"my-container"}',
        'k:{"port":"8080","protocol":"TCP"}',
        'k:{"optionalField":null}',
        'k:{"jsonField":{"A":1,"B":null,"C":"D","E":{"F":"G"}}}',
        'k:{"listField":["1","2","3"]}',
        "v:null",
        'v:"some-string"',
        "v:1234",
        'v:{"some":"json"}',
    ],
)
def test_path_element_round_trip(text: str) -> None:
    assert fieldsv1.serialize_path_element(fieldsv1.deserialize_path_element(text)) == text


def test_path_element_unknown_type_is_ignored() -> None:
    with pytest.raises(fieldsv1.UnknownPathElementType):
        fieldsv1.deserialize_path_element("r:Hello")
    assert fieldsv1.fields_to_set({"r:Hello": {}, "f:a": {}}) == fieldpath.Set.of(("a",))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "no-colon",
        "i:index is not a number",
        "i:1.23",
        "i:",
        "v:invalid json",
        "v:",
        "k:invalid json",
        'k:{"name":invalid}',
    ],
)
def test_path_element_errors(text: str) -> None:
    with pytest.raises(fieldsv1.FieldsError):
        fieldsv1.deserialize_path_element(text)


def test_fields_round_trip_and_error() -> None:
    for fields in ({"f:metadata": {".": {}, "f:name": {}}}, {}):
        assert fieldsv1.set_to_fields(fieldsv1.fields_to_set(fields)) == fields
    with pytest.raises(fieldsv1.FieldsError, match="ReadObjectCB"):
        fieldsv1.fields_to_set({"k:{invalid json}": {"f:name": {}, ".": {}}})


def test_fields_are_written_in_structured_merge_diff_order() -> None:
    s = fieldpath.Set.of(
        ("spec", "ports", fieldpath.key_element([("port", 80), ("protocol", "TCP")]), "port"),
        ("spec", "ports", fieldpath.key_element([("port", 80), ("protocol", "TCP")])),
        ("spec", "ports", fieldpath.key_element([("port", 443), ("protocol", "TCP")])),
        ("metadata", "finalizers", fieldpath.value_element("b")),
        ("metadata", "finalizers", fieldpath.value_element("a")),
        ("metadata", "finalizers", fieldpath.value_element(2)),
        ("data", "<x>&y"),
        ("data", "a.b"),
        ("apiVersion",),
        ("z", fieldpath.index_element(10)),
        ("z", fieldpath.index_element(2)),
    )
    out = orjson.dumps(fieldsv1.set_to_fields(s)).decode()
    assert out == (
        '{"f:apiVersion":{},"f:data":{"f:<x>&y":{},"f:a.b":{}},'
        '"f:metadata":{"f:finalizers":{"v:2":{},"v:\\"a\\"":{},"v:\\"b\\"":{}}},'
        '"f:spec":{"f:ports":{"k:{\\"port\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:port":{}},'
        '"k:{\\"port\\":443,\\"protocol\\":\\"TCP\\"}":{}}},'
        '"f:z":{"i:2":{},"i:10":{}}}'
    )


def test_key_values_use_go_json() -> None:
    pe = fieldpath.key_element([("name", "<b>"), ("weight", 1.5e-7)])
    assert fieldsv1.serialize_path_element(pe) == 'k:{"name":"\\u003cb\\u003e","weight":1.5e-7}'


ROUND_TRIPS = [
    """- apiVersion: v1
  fieldsType: FieldsV1
  fieldsV1:
    v:3:
      f:alsoPi: {}
    v:3.1415:
      f:pi: {}
    v:false:
      f:notTrue: {}
  manager: foo
  operation: Update
  time: "2001-02-03T04:05:06Z"
- apiVersion: v1beta1
  fieldsType: FieldsV1
  fieldsV1:
    i:5:
      f:i: {}
  manager: foo
  operation: Update
  time: "2011-12-13T14:15:16Z"
""",
    """- apiVersion: v1
  fieldsType: FieldsV1
  fieldsV1:
    f:spec:
      f:containers:
        k:{"name":"c"}:
          f:image: {}
          f:name: {}
  manager: foo
  operation: Apply
""",
    """- apiVersion: v1
  fieldsType: FieldsV1
  fieldsV1:
    f:metadata:
      f:labels:
        f:app: {}
    f:spec:
      f:template:
        f:spec:
          f:containers:
            k:{"name":"nginx"}:
              .: {}
              f:image: {}
              f:ports:
                i:0:
                  f:containerPort: {}
  manager: foo
  operation: Update
  subresource: scale
""",
]


@pytest.mark.parametrize("text", ROUND_TRIPS)
def test_round_trip_managed_fields(text: str) -> None:
    entries = yaml.safe_load(text)
    encoded = managed.encode_managed_fields(managed.decode_managed_fields(entries))
    assert encoded == entries
    assert yaml.safe_dump(encoded) == yaml.safe_dump(entries)


def test_entries_are_written_in_go_struct_order() -> None:
    entries = yaml.safe_load(ROUND_TRIPS[2])
    (entry,) = managed.encode_managed_fields(managed.decode_managed_fields(entries))  # type: ignore[misc]
    assert list(entry) == ["manager", "operation", "apiVersion", "fieldsType", "fieldsV1", "subresource"]


@pytest.mark.parametrize(
    "entry,problem",
    [
        ({"operation": "Apply", "apiVersion": "v1", "fieldsType": "FieldsV1"}, None),
        (
            {"operation": "", "apiVersion": "v1", "fieldsType": "FieldsV1"},
            "operation must be `Apply` or `Update`",
        ),
        ({"operation": "Apply", "apiVersion": "", "fieldsType": "FieldsV1"}, "apiVersion must not be empty"),
        ({"operation": "Apply", "apiVersion": "v1"}, "missing fieldsType in managed fields entry 0"),
        (
            {"operation": "Apply", "apiVersion": "v1", "fieldsType": "FieldsV2"},
            'invalid fieldsType "FieldsV2" in managed fields entry 0',
        ),
    ],
)
def test_validate_managed_fields(entry: dict[str, Any], problem: str | None) -> None:
    assert managed.validate_managed_fields([entry]) == problem


@pytest.mark.parametrize(
    "entry,identifier",
    [
        (
            {
                "apiVersion": "v1",
                "fieldsV1": {"f:apiVersion": {}},
                "manager": "foo",
                "operation": "Update",
                "time": "2001-02-03T04:05:06Z",
            },
            '{"manager":"foo","operation":"Update","apiVersion":"v1"}',
        ),
        (
            {"apiVersion": "v1", "manager": "foo", "operation": "Apply"},
            '{"manager":"foo","operation":"Apply"}',
        ),
        (
            {"apiVersion": "v1", "manager": "foo", "operation": "Apply", "subresource": "scale"},
            '{"manager":"foo","operation":"Apply","subresource":"scale"}',
        ),
    ],
)
def test_build_manager_identifier(entry: dict[str, Any], identifier: str) -> None:
    assert (
        managed.build_manager_identifier(
            entry["manager"], entry["operation"], entry["apiVersion"], entry.get("subresource", "")
        )
        == identifier
    )


def _sorted(entries: list[dict[str, Any]]) -> list[tuple[str, str, str | None]]:
    full = [{"apiVersion": "v1", "fieldsType": "FieldsV1", "fieldsV1": {"f:x": {}}, **e} for e in entries]
    out = managed.encode_managed_fields(managed.decode_managed_fields(full)) or []
    return [(e["manager"], e["operation"], e.get("time")) for e in out]


def test_sort_encoded_managed_fields() -> None:
    t1, t2, t3 = "2001-01-01T01:00:00Z", "2002-01-01T01:00:00Z", "2003-01-01T01:00:00Z"
    assert _sorted(
        [
            {"manager": "a", "operation": "Apply", "time": t1},
            {"manager": "b", "operation": "Apply"},
            {"manager": "a", "operation": "Update"},
        ]
    ) == [("b", "Apply", None), ("a", "Apply", t1), ("a", "Update", None)]
    assert _sorted(
        [
            {"manager": "c", "operation": "Update", "time": t3},
            {"manager": "b", "operation": "Update", "time": t2},
            {"manager": "a", "operation": "Update", "time": t2},
        ]
    ) == [("a", "Update", t2), ("b", "Update", t2), ("c", "Update", t3)]


def test_times_are_written_in_utc_seconds() -> None:
    entries = [
        {
            "manager": "a",
            "operation": "Update",
            "apiVersion": "v1",
            "time": "2001-02-03T05:05:06.789+01:00",
            "fieldsType": "FieldsV1",
            "fieldsV1": {"f:x": {}},
        }
    ]
    (entry,) = managed.encode_managed_fields(managed.decode_managed_fields(entries))  # type: ignore[misc]
    assert entry["time"] == "2001-02-03T04:05:06Z"


def test_reset_forms() -> None:
    assert managed.is_reset([]) and managed.is_reset([{}]) and managed.is_reset([{"manager": ""}])
    assert (
        not managed.is_reset(None)
        and not managed.is_reset([{"manager": "a"}])
        and not managed.is_reset([{}, {}])
    )


def _conflicts(*items: tuple[str, tuple[str, ...]]) -> Conflicts:
    return Conflicts([Conflict(manager, fieldpath.make_path(*path)) for manager, path in items])


def test_conflict_error_one() -> None:
    err = conflict.new_conflict_error(
        _conflicts(
            (
                '{"manager":"foo","operation":"Update","apiVersion":"v1","time":"2001-02-03T04:05:06Z"}',
                ("spec", "replicas"),
            )
        )
    )
    assert err.status == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": 'Apply failed with 1 conflict: conflict with "foo" using v1 at 2001-02-03T04:05:06Z: .spec.replicas',
        "reason": "Conflict",
        "details": {
            "causes": [
                {
                    "reason": "FieldManagerConflict",
                    "message": 'conflict with "foo" using v1 at 2001-02-03T04:05:06Z',
                    "field": ".spec.replicas",
                }
            ]
        },
        "code": 409,
    }


def test_conflict_error_several() -> None:
    err = conflict.new_conflict_error(
        _conflicts(
            (
                '{"manager":"foo","operation":"Update","apiVersion":"v1","time":"2001-02-03T04:05:06Z"}',
                ("spec", "replicas"),
            ),
            ('{"manager":"bar","operation":"Apply"}', ("metadata", "labels", "app")),
        )
    )
    assert err.message == (
        'Apply failed with 2 conflicts: conflicts with "bar":\n- .metadata.labels.app\n'
        'conflicts with "foo" using v1 at 2001-02-03T04:05:06Z:\n- .spec.replicas'
    )
    assert [c["message"] for c in err.status["details"]["causes"]] == [
        'conflict with "foo" using v1 at 2001-02-03T04:05:06Z',
        'conflict with "bar"',
    ]


def test_conflict_error_subresource() -> None:
    manager = (
        '{"manager":"foo","operation":"Update","subresource":"scale","apiVersion":"v1",'
        '"time":"2001-02-03T04:05:06Z"}'
    )
    err = conflict.new_conflict_error(_conflicts((manager, ("spec", "replicas"))))
    assert err.message == (
        'Apply failed with 1 conflict: conflict with "foo" with subresource "scale" using v1 at '
        "2001-02-03T04:05:06Z: .spec.replicas"
    )


def test_path_strings() -> None:
    path = (
        "spec",
        "containers",
        fieldpath.key_element([("name", "c")]),
        "ports",
        fieldpath.key_element([("containerPort", 80), ("protocol", "TCP")]),
        "x",
        fieldpath.value_element("a"),
        fieldpath.index_element(3),
    )
    assert (
        fieldpath.path_string(path)
        == '.spec.containers[name="c"].ports[containerPort=80,protocol="TCP"].x[="a"][3]'
    )
