"""Upstream's strategic merge patch table tests, run as upstream's harness runs them.

The cases (testdata/strategicpatch_cases.yaml) come from pkg/util/strategicpatch's
patch_test.go; each function below mirrors the upstream test function of the same name:
non-raw cases have their merging lists sorted before use (upstream's sortJsonOrFail),
raw cases are used as written, and order matters everywhere after that.
"""

from __future__ import annotations

from typing import Any

import pytest
from strategicpatch_testing import cases, ids, merge_item_schema, precision_item_schema

from kapiserver.apimachinery.patch import strategic
from kapiserver.apimachinery.patch.strategic_errors import BadJSONDoc, Conflict, MergePatchError

SCHEMA = merge_item_schema()


def _sorted(obj: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if obj is None else strategic.sort_merge_lists_by_name(obj, SCHEMA)


def _apply(original: Any, patch: Any, expected: Any, expected_error: str = "") -> None:
    if expected_error:
        with pytest.raises(MergePatchError, match=expected_error):
            strategic.strategic_merge_map_patch(original, patch, SCHEMA)
        return
    assert strategic.strategic_merge_map_patch(original, patch, SCHEMA) == expected


def _two_way(
    original: Any, modified: Any, expected_patch: Any, expected_result: Any, expected_error: str = ""
) -> None:
    patch = strategic.create_two_way_merge_patch(original, modified, SCHEMA)
    assert patch == (expected_patch or {})
    _apply(original, patch, expected_result, expected_error)


def _three_way(
    case: dict[str, Any],
    original: Any,
    modified: Any,
    current: Any,
    expected_patch: Any,
    result: Any,
    has_result: bool,
) -> None:
    description = case["description"]
    try:
        patch = strategic.create_three_way_merge_patch(original, modified, current, SCHEMA, False)
    except Conflict:
        assert "conflict" in description, "unexpected conflict"
        if has_result:
            patch = strategic.create_three_way_merge_patch(original, modified, current, SCHEMA, True)
            assert patch == (expected_patch or {})
            _apply(current, patch, result, case.get("expectedError", ""))
        return
    assert "conflict" not in description and has_result, "expected conflict did not occur"
    assert patch == (expected_patch or {})
    _apply(current, patch, result, case.get("expectedError", ""))


@pytest.mark.parametrize("case", cases("sortMergeList"), ids=ids(cases("sortMergeList")))
def test_sort_merge_lists(case: dict[str, Any]) -> None:
    assert _sorted(case["original"]) == case["sorted"]


@pytest.mark.parametrize(
    "case", cases("customStrategicMergePatch"), ids=ids(cases("customStrategicMergePatch"))
)
def test_custom_strategic_merge_patch(case: dict[str, Any]) -> None:
    expected = case.get("twoWayResult", case.get("modified"))
    _apply(_sorted(case["original"]), _sorted(case["twoWay"]), _sorted(expected))


@pytest.mark.parametrize(
    "case", cases("customStrategicMergePatchRaw"), ids=ids(cases("customStrategicMergePatchRaw"))
)
def test_custom_strategic_merge_patch_raw(case: dict[str, Any]) -> None:
    expected = case.get("twoWayResult", case.get("modified"))
    _apply(case["original"], case["twoWay"], expected, case.get("expectedError", ""))


@pytest.mark.parametrize(
    "case", cases("createStrategicMergePatch"), ids=ids(cases("createStrategicMergePatch"))
)
def test_strategic_merge_patch_two_way(case: dict[str, Any]) -> None:
    expected = case.get("twoWayResult", case.get("modified"))
    _two_way(
        _sorted(case.get("original")),
        _sorted(case.get("modified")),
        _sorted(case.get("twoWay")),
        _sorted(expected),
    )


@pytest.mark.parametrize(
    "case", cases("createStrategicMergePatch"), ids=ids(cases("createStrategicMergePatch"))
)
def test_strategic_merge_patch_three_way(case: dict[str, Any]) -> None:
    _three_way(
        case,
        _sorted(case.get("original")),
        _sorted(case.get("modified")),
        _sorted(case.get("current")),
        _sorted(case.get("threeWay")),
        _sorted(case.get("result")),
        bool(case.get("result")),
    )


RAW = cases("strategicMergePatchRaw") + cases("replaceRawExtension")


@pytest.mark.parametrize("case", RAW, ids=ids(RAW))
def test_strategic_merge_patch_raw_two_way(case: dict[str, Any]) -> None:
    expected = case.get("twoWayResult", case.get("modified"))
    _two_way(
        case.get("original"),
        case.get("modified"),
        case.get("twoWay"),
        expected,
        case.get("expectedError", ""),
    )


@pytest.mark.parametrize("case", RAW, ids=ids(RAW))
def test_strategic_merge_patch_raw_three_way(case: dict[str, Any]) -> None:
    _three_way(
        case,
        case.get("original"),
        case.get("modified"),
        case.get("current"),
        case.get("threeWay"),
        case.get("result"),
        "result" in case,
    )


@pytest.mark.parametrize(
    ("original", "patch"), [(b"<THIS IS NOT JSON>", b"{}"), (b"{}", b"<THIS IS NOT JSON>")]
)
def test_bad_json_documents(original: bytes, patch: bytes) -> None:
    with pytest.raises(BadJSONDoc, match="^invalid JSON document$"):
        strategic.strategic_merge_patch(original, patch, SCHEMA)


NUMBER_CONVERSION = {
    "empty": ("{}", "{}", "{}", "{}"),
    "int32 medium": (
        '{"int32":1000000}',
        '{"int32":1000000,"name":"newname"}',
        '{"name":"newname"}',
        '{"int32":1000000,"name":"newname"}',
    ),
    "int32 max": (
        '{"int32":2147483647}',
        '{"int32":2147483647,"name":"newname"}',
        '{"name":"newname"}',
        '{"int32":2147483647,"name":"newname"}',
    ),
    "int64 max": (
        '{"int64":9223372036854775807}',
        '{"int64":9223372036854775807,"name":"newname"}',
        '{"name":"newname"}',
        '{"int64":9223372036854775807,"name":"newname"}',
    ),
    "float32 max": (
        '{"float32":3.4028234663852886e+38}',
        '{"float32":3.4028234663852886e+38,"name":"newname"}',
        '{"name":"newname"}',
        '{"float32":3.4028234663852886e+38,"name":"newname"}',
    ),
    "float64 max": (
        '{"float64":1.7976931348623157e+308}',
        '{"float64":1.7976931348623157e+308,"name":"newname"}',
        '{"name":"newname"}',
        '{"float64":1.7976931348623157e+308,"name":"newname"}',
    ),
}


@pytest.mark.parametrize(
    ("old", "new", "expected_patch", "expected_result"),
    NUMBER_CONVERSION.values(),
    ids=NUMBER_CONVERSION.keys(),
)
def test_number_conversion(old: str, new: str, expected_patch: str, expected_result: str) -> None:
    import orjson

    schema = precision_item_schema()
    patch = strategic.create_two_way_merge_patch(orjson.loads(old), orjson.loads(new), schema)
    assert orjson.dumps(patch, option=orjson.OPT_SORT_KEYS).decode() == expected_patch
    result = strategic.strategic_merge_patch(old.encode(), orjson.dumps(patch), schema)
    assert result.decode() == expected_result


# TestUnknownField: fields MergeItem does not have merge like JSON merge patch until a
# nested map differs, where the struct lookup fails.
UNKNOWN_FIELD: dict[str, tuple[str, str, str, str, str, str, str]] = {
    # name: (original, current, modified, two-way, two-way result, three-way, three-way result)
    "no diff even if modified null": (
        '{"array":[1,2,3],"complex":{"nested":true},"name":"foo","scalar":true}',
        '{"array":[1,2,3],"complex":{"nested":true},"name":"foo","scalar":true}',
        '{"array":[1,2,3],"complex":{"nested":true},"complex_nullable":{"key":null},"name":"foo","scalar":true}',
        '{"complex_nullable":{"key":null}}',
        '{"array":[1,2,3],"complex":{"nested":true},"complex_nullable":{},"name":"foo","scalar":true}',
        '{"complex_nullable":{"key":null}}',
        '{"array":[1,2,3],"complex":{"nested":true},"complex_nullable":{},"name":"foo","scalar":true}',
    ),
    "discard nulls in nested and adds not nulls": (
        "{}",
        "{}",
        '{"complex_nullable":{"key":{"keynotnull":"value","keynull":null}}}',
        '{"complex_nullable":{"key":{"keynotnull":"value","keynull":null}}}',
        '{"complex_nullable":{"key":{"keynotnull":"value"}}}',
        '{"complex_nullable":{"key":{"keynotnull":"value","keynull":null}}}',
        '{"complex_nullable":{"key":{"keynotnull":"value"}}}',
    ),
    "null values in original are preserved": (
        '{"thing":null}',
        '{"thing":null}',
        '{"nested":{"value":5},"thing":null}',
        '{"nested":{"value":5}}',
        '{"nested":{"value":5},"thing":null}',
        '{"nested":{"value":5}}',
        '{"nested":{"value":5},"thing":null}',
    ),
    "filter nulls from nested slices": (
        "{}",
        "{}",
        '{"complex_nullable":[{"inner_one":{"key_one":"foo","key_two":null}}]}',
        '{"complex_nullable":[{"inner_one":{"key_one":"foo","key_two":null}}]}',
        '{"complex_nullable":[{"inner_one":{"key_one":"foo"}}]}',
        '{"complex_nullable":[{"inner_one":{"key_one":"foo","key_two":null}}]}',
        '{"complex_nullable":[{"inner_one":{"key_one":"foo"}}]}',
    ),
    "not filter nulls from non-associative slice": (
        "{}",
        "{}",
        '{"complex_nullable":["key1",null,"key2"]}',
        '{"complex_nullable":["key1",null,"key2"]}',
        '{"complex_nullable":["key1",null,"key2"]}',
        '{"complex_nullable":["key1",null,"key2"]}',
        '{"complex_nullable":["key1",null,"key2"]}',
    ),
    "removed only": (
        '{"name":"foo","scalar":true,"complex":{"nested":true}}',
        '{"name":"foo","scalar":true,"complex":{"nested":true},"array":[1,2,3]}',
        '{"name":"foo"}',
        '{"complex":null,"scalar":null}',
        '{"name":"foo"}',
        '{"complex":null,"scalar":null}',
        '{"array":[1,2,3],"name":"foo"}',
    ),
}


@pytest.mark.parametrize("values", UNKNOWN_FIELD.values(), ids=UNKNOWN_FIELD.keys())
def test_unknown_field(values: tuple[str, ...]) -> None:
    import orjson

    original, current, modified, two_way, two_way_result, three_way, three_way_result = map(
        orjson.loads, values
    )
    assert strategic.create_two_way_merge_patch(original, modified, SCHEMA) == two_way
    assert strategic.strategic_merge_map_patch(original, two_way, SCHEMA) == two_way_result
    assert strategic.create_three_way_merge_patch(original, modified, current, SCHEMA) == three_way
    assert strategic.strategic_merge_map_patch(current, three_way, SCHEMA) == three_way_result


@pytest.mark.parametrize(
    "modified",
    [
        {"array": [1, 2, 3], "complex": {"nested": False}, "name": "foo", "scalar": True},
        {"name": "foo", "jsonItem": {"nested": {"nested2": {"nested3": {"a": "b"}}}}},
    ],
)
def test_unknown_field_that_differs_cannot_be_merged(modified: dict[str, Any]) -> None:
    original = {
        "array": [1, 2, 3],
        "complex": {"nested": True},
        "name": "foo",
        "scalar": True,
        "jsonItem": {"nested": {"nested2": {"nested3": {}}}},
    }
    original = {k: v for k, v in original.items() if k in modified}
    with pytest.raises(MergePatchError, match="unable to find api field"):
        strategic.create_two_way_merge_patch(original, modified, SCHEMA)
    with pytest.raises(MergePatchError, match="unable to find api field"):
        strategic.create_three_way_merge_patch(original, modified, original, SCHEMA)
