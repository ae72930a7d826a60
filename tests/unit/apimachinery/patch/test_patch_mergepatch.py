"""JSON merge patch (RFC 7386) with github.com/evanphx/json-patch v4 semantics, and its creation."""

from __future__ import annotations

import pathlib
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from kapiserver.apimachinery.patch import mergepatch

CASES = yaml.safe_load((pathlib.Path(__file__).parent / "testdata" / "mergepatch_cases.yaml").read_text())


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_merge_patch(case: dict[str, Any]) -> None:
    assert mergepatch.merge_patch(case["doc"], case["patch"]) == case["result"]


@pytest.mark.parametrize(
    ("doc", "patch", "result"),
    [
        (["a", "b"], ["c", "d"], ["c", "d"]),  # RFC 7386 A: an array patch replaces the document
        ({"a": "b"}, ["c"], ["c"]),
        ([1, 2], {"a": "b", "c": None}, {"a": "b"}),  # an object patch over a non-object, nulls pruned
        ({"a": 1}, [{"b": None}, None], [{}, None]),  # array patches lose the nulls of their objects
    ],
)
def test_non_object_documents_and_patches(doc: Any, patch: Any, result: Any) -> None:
    assert mergepatch.merge_patch(doc, patch) == result


@pytest.mark.parametrize("patch", [None, "bar", 1, True])
def test_scalar_or_null_patches_are_invalid(patch: Any) -> None:
    # RFC 7386 would return the patch itself; the library refuses it.
    with pytest.raises(mergepatch.MergePatchError, match="^Invalid JSON Patch$"):
        mergepatch.merge_patch({"a": "foo"}, patch)


@pytest.mark.parametrize(
    ("doc", "patch", "message"),
    [
        (b"{", b"{}", "Invalid JSON Document"),
        (b"null", b"{}", "Invalid JSON Document"),
        (b"{}", b"{", "Invalid JSON Patch"),
        (b"{}", b"null", "Invalid JSON Patch"),
    ],
)
def test_bytes_errors(doc: bytes, patch: bytes, message: str) -> None:
    with pytest.raises(mergepatch.MergePatchError, match=f"^{message}$"):
        mergepatch.merge_patch_bytes(doc, patch)


def test_arguments_are_not_modified() -> None:
    doc = {"a": {"b": 1}, "c": [1]}
    patch = {"a": {"b": None, "d": {"e": None}}, "c": None}
    assert mergepatch.merge_patch(doc, patch) == {"a": {"d": {}}}
    assert doc == {"a": {"b": 1}, "c": [1]}
    assert patch == {"a": {"b": None, "d": {"e": None}}, "c": None}


def test_create_merge_patch() -> None:
    original = {"a": 1, "b": {"c": [1, 2], "d": "x"}, "e": None, "f": 1.0}
    modified = {"a": 1, "b": {"c": [1, 3], "g": True}, "e": None, "f": 1, "h": {"i": []}}
    assert mergepatch.create_merge_patch(original, modified) == {
        "b": {"c": [1, 3], "d": None, "g": True},
        "h": {"i": []},
    }


# Documents without nulls inside objects: a merge patch cannot set a member to null.
scalars = (
    st.booleans()
    | st.integers(-1000, 1000)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=4)
)
documents = st.recursive(
    scalars,
    lambda children: (
        st.lists(children | st.none(), max_size=3)
        | st.dictionaries(st.text(max_size=3), children, max_size=4)
    ),
    max_leaves=15,
)
objects = st.dictionaries(st.text(max_size=3), documents, max_size=5)


@given(objects, objects)
def test_created_merge_patch_turns_original_into_modified(
    original: dict[str, Any], modified: dict[str, Any]
) -> None:
    patch = mergepatch.create_merge_patch(original, modified)
    assert mergepatch.merge_patch(original, patch) == modified
