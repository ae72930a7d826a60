"""The Go runtime behaviours the patch engines reproduce (fmt, ==, DeepEqual, sort.SliceStable)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapiserver.apimachinery import golang
from kapiserver.apimachinery.patch.strategic_lists import deduplicate_scalars


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "<nil>"),
        (True, "true"),
        (5, "5"),
        (-7, "-7"),
        ("a b", "a b"),
        (1.5, "1.5"),
        (1.0, "1"),
        (100000.0, "100000"),
        (123456.0, "123456"),
        (1e6, "1e+06"),
        (1234567.0, "1.234567e+06"),
        (0.0001, "0.0001"),
        (0.00001, "1e-05"),
        (-2.5e-7, "-2.5e-07"),
        (3.4028234663852886e38, "3.4028234663852886e+38"),
        (1e21, "1e+21"),
        (0.0, "0"),
        ({"b": 1, "a": [1, "x"]}, "map[a:[1 x] b:1]"),
        ([], "[]"),
        ([{"name": None}], "[map[name:<nil>]]"),
    ],
)
def test_sprint_is_fmt_v(value: object, text: str) -> None:
    assert golang.sprint(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("wipe", "wipe"),
        (5, "%!s(int64=5)"),
        (1.5, "%!s(float64=1.5)"),
        (True, "%!s(bool=true)"),
        (None, "%!s(<nil>)"),
        ({"a": 1}, "map[a:%!s(int64=1)]"),
    ],
)
def test_sprint_s_is_fmt_s(value: object, text: str) -> None:
    assert golang.sprint_s(value) == text


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("", "string"),
        (1, "int64"),
        (1.0, "float64"),
        (False, "bool"),
        ({}, "map[string]interface {}"),
        ([], "[]interface {}"),
        (None, "%!s(<nil>)"),
    ],
)
def test_type_name_is_reflect_type(value: object, name: str) -> None:
    assert golang.type_name(value) == name


def test_interface_equality_compares_dynamic_types() -> None:
    assert golang.go_equal(1, 1) and golang.go_equal(None, None) and golang.go_equal("a", "a")
    assert not golang.go_equal(1, 1.0)
    assert not golang.go_equal(True, 1)
    assert not golang.go_equal({}, [])
    with pytest.raises(golang.GoPanic, match="comparing uncomparable type map"):
        golang.go_equal({}, {})


def test_deep_equal_distinguishes_ints_floats_and_bools() -> None:
    assert golang.deep_equal({"a": [1, {"b": None}]}, {"a": [1, {"b": None}]})
    assert not golang.deep_equal({"a": 1}, {"a": 1.0})
    assert not golang.deep_equal([True], [1])
    assert not golang.deep_equal({"a": 1}, {"a": 1, "b": 2})


def test_map_keys_of_unhashable_values_panic() -> None:
    assert golang.hash_key(1) != golang.hash_key(1.0)
    with pytest.raises(golang.GoPanic, match="hash of unhashable type"):
        golang.hash_key([1])


@given(st.lists(st.integers(min_value=0, max_value=9), max_size=70))
def test_stable_sort_matches_a_stable_sort_for_strict_orders(keys: list[int]) -> None:
    items = [(key, position) for position, key in enumerate(keys)]
    golang.stable_sort(items, lambda a, b: a[0] < b[0])
    assert items == sorted(items, key=lambda item: item[0])


def test_stable_sort_with_upstreams_non_strict_order() -> None:
    # Items absent from the reference order are "less" than anything, both ways round, so
    # the result depends on Go's exact sequence of comparisons (insertion sort here).
    order = ["a", "b", "c"]

    def less(x: str, y: str) -> bool:
        if x in order and y in order:
            return order.index(x) < order.index(y)
        return True

    items = ["c", "x", "a", "y", "b"]
    golang.stable_sort(items, less)
    assert items == ["y", "a", "b", "x", "c"]


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        (["a", "a", "b", "c"], ["a", "c", "b"]),
        ([1, 2, 1, 3], [1, 2, 3]),
        ([1, 1.0, True], [1, 1.0, True]),
        (["x", "x", "x"], ["x"]),
        ([], []),
    ],
)
def test_deduplicate_scalars_moves_the_last_item_into_the_hole(
    items: list[object], expected: list[object]
) -> None:
    assert deduplicate_scalars(list(items)) == expected
