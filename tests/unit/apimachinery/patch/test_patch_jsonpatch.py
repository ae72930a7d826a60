"""JSON patch (RFC 6902) with github.com/evanphx/json-patch v4 semantics."""

from __future__ import annotations

import pathlib
from typing import Any

import orjson
import pytest
import yaml

from kapiserver.apimachinery import gojson
from kapiserver.apimachinery.golang import GoPanic
from kapiserver.apimachinery.patch import jsonpatch

CASES = yaml.safe_load((pathlib.Path(__file__).parent / "testdata" / "jsonpatch_cases.yaml").read_text())


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_json_patch(case: dict[str, Any]) -> None:
    operations = jsonpatch.decode_patch(orjson.dumps(case["patch"]))
    if "error" in case:
        with pytest.raises(jsonpatch.JSONPatchError) as raised:
            jsonpatch.apply(case["doc"], operations)
        assert str(raised.value) == case["error"]
    else:
        assert jsonpatch.apply(case["doc"], operations) == case["result"]


def test_rfc_6902_a13_duplicate_members_keep_the_last() -> None:
    operations = jsonpatch.decode_patch(b'[{"op": "add", "path": "/baz", "value": "qux", "op": "remove"}]')
    with pytest.raises(jsonpatch.JSONPatchError, match="Unable to remove nonexistent key: baz"):
        jsonpatch.apply({"foo": "bar"}, operations)


def test_replace_of_the_whole_document() -> None:
    assert jsonpatch.apply({"a": 1}, [{"op": "replace", "path": "", "value": {"b": 2}}]) == {"b": 2}
    assert jsonpatch.apply(
        {"a": 1}, [{"op": "replace", "path": "", "value": [1]}, {"op": "add", "path": "/-", "value": 2}]
    ) == [1, 2]


def test_test_of_the_whole_document() -> None:
    assert jsonpatch.apply({"a": [1]}, [{"op": "test", "path": "", "value": {"a": [1]}}]) == {"a": [1]}


def test_scalars_compare_by_json_type() -> None:
    doc = {"i": 1, "f": 1.5, "b": True, "s": "1"}
    for path, value in (("/i", 1), ("/f", 1.5), ("/b", True), ("/s", "1")):
        jsonpatch.apply(doc, [{"op": "test", "path": path, "value": value}])
    for path, value in (("/i", "1"), ("/i", True), ("/b", 1), ("/s", 1), ("/f", 1)):
        with pytest.raises(jsonpatch.JSONPatchError, match="test failed"):
            jsonpatch.apply(doc, [{"op": "test", "path": path, "value": value}])


@pytest.mark.parametrize(
    "operation",
    [
        {"op": "test", "path": ""},  # upstream dereferences the absent value
        {"op": "replace", "path": ""},
        {"op": "test", "path": "/a", "value": [1, None]},  # and calls equal on a null element
    ],
)
def test_inputs_upstream_panics_on(operation: dict[str, Any]) -> None:
    with pytest.raises(GoPanic):
        jsonpatch.apply({"a": [1, 2]}, [operation])


def test_copy_size_limit() -> None:
    doc = {"a": "x" * 100}
    operations = [{"op": "copy", "from": "/a", "path": "/b"}, {"op": "copy", "from": "/a", "path": "/c"}]
    assert jsonpatch.apply(doc, operations, accumulated_copy_size_limit=204)["c"] == "x" * 100
    with pytest.raises(jsonpatch.JSONPatchError) as raised:
        jsonpatch.apply(doc, operations, accumulated_copy_size_limit=203)
    assert str(raised.value) == (
        "Unable to complete the copy, the accumulated size increase of copy is 204, exceeding the limit 203"
    )


def test_copy_size_counts_go_html_escapes() -> None:
    with pytest.raises(jsonpatch.JSONPatchError, match="increase of copy is 8,"):
        jsonpatch.apply(
            {"a": "<"}, [{"op": "copy", "from": "/a", "path": "/b"}], accumulated_copy_size_limit=7
        )


def test_arguments_are_not_modified() -> None:
    doc = {"a": {"b": [1]}}
    value = {"c": [2]}
    operations = [
        {"op": "add", "path": "/a/x", "value": value},
        {"op": "add", "path": "/a/x/c/-", "value": 3},
        {"op": "move", "from": "/a/b", "path": "/m"},
    ]
    assert jsonpatch.apply(doc, operations) == {"a": {"x": {"c": [2, 3]}}, "m": [1]}
    assert doc == {"a": {"b": [1]}} and value == {"c": [2]}


def test_failed_patch_leaves_nothing_half_applied() -> None:
    doc = {"a": 1}
    with pytest.raises(jsonpatch.JSONPatchError):
        jsonpatch.apply(doc, [{"op": "add", "path": "/b", "value": 2}, {"op": "remove", "path": "/zz"}])
    assert doc == {"a": 1}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"op": "add"}', "json: cannot unmarshal object into Go value of type jsonpatch.Patch"),
        (b'"x"', "json: cannot unmarshal string into Go value of type jsonpatch.Patch"),
        (b"[1]", "json: cannot unmarshal number into Go value of type jsonpatch.Operation"),
        (b'[{}, [], "x"]', "json: cannot unmarshal array into Go value of type jsonpatch.Operation"),
        (b"[{]", "invalid character ']' looking for beginning of object key string"),
    ],
)
def test_decode_errors(body: bytes, message: str) -> None:
    with pytest.raises(gojson.GoJSONError) as raised:
        jsonpatch.decode_patch(body)
    assert str(raised.value) == message


def test_null_patch_has_no_operations() -> None:
    assert jsonpatch.decode_patch(b"null") is None
    assert jsonpatch.apply({"a": 1}, None) == {"a": 1}
