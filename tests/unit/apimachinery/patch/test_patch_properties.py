"""Properties of the JSON patch (RFC 6902) and JSON merge patch (RFC 7386) engines.

The hand-checked upstream cases live in testdata/*_cases.yaml; these check, over generated
documents, the laws those cases illustrate: `test` operations (on every member, with other
values, and as the guard that aborts a whole patch), pointer escaping, operations that undo each
other, merge-patch nulls (delete, no-op when absent, pruned from what the patch brings), and
agreement with RFC 7386's algorithm wherever evanphx/json-patch v4 does not knowingly differ.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kapiserver.apimachinery.patch import jsonpatch, mergepatch

# Keys include "~" and "/" so JSON pointers need their escapes (~0, ~1).
keys = st.text(alphabet="ab~/.0", min_size=1, max_size=3)
# No nulls and no floats: upstream panics on a test of null list elements, and Go's float64
# compares 1 and 1.0 equal where JSON types differ in Python.
scalars = st.booleans() | st.integers(-100, 100) | st.text(alphabet="xyz ", max_size=3)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
    max_leaves=12,
)
documents = st.dictionaries(keys, values, max_size=5)


def escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def paths(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Every JSON pointer into value (the root is ""), with what it points at."""
    found = [(prefix, value)]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, f"{prefix}/{escape(key)}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, f"{prefix}/{index}")
    return found


def different(value: Any) -> Any:
    """A value no JSON comparison finds equal to `value`."""
    return {"other": value}


# -- JSON patch ----------------------------------------------------------------------------------


@given(documents)
def test_test_of_every_member_passes_and_changes_nothing(document: dict[str, Any]) -> None:
    before = copy.deepcopy(document)
    operations = [{"op": "test", "path": path, "value": value} for path, value in paths(document)]
    assert jsonpatch.apply(document, operations) == before
    assert document == before


@given(documents, st.data())
def test_test_with_another_value_fails_with_upstreams_message(document: dict[str, Any], data: st.DataObject) -> None:
    path, value = data.draw(st.sampled_from(paths(document)))
    with pytest.raises(jsonpatch.JSONPatchError) as raised:
        jsonpatch.apply(document, [{"op": "test", "path": path, "value": different(value)}])
    assert str(raised.value) == f"testing value {path} failed: test failed"


@given(documents, st.data(), values)
def test_a_failed_test_aborts_the_whole_patch(document: dict[str, Any], data: st.DataObject, added: Any) -> None:
    path, value = data.draw(st.sampled_from(paths(document)))
    before = copy.deepcopy(document)
    operations = [
        {"op": "add", "path": "/added-first", "value": added},
        {"op": "test", "path": path, "value": different(value)},
        {"op": "add", "path": "/added-after", "value": added},
    ]
    with pytest.raises(jsonpatch.JSONPatchError):
        jsonpatch.apply(document, operations)
    assert document == before


@given(documents, keys, values)
def test_add_then_remove_restores(document: dict[str, Any], key: str, value: Any) -> None:
    assume(key not in document)
    pointer = "/" + escape(key)
    added = jsonpatch.apply(document, [{"op": "add", "path": pointer, "value": value}])
    assert added[key] == value
    assert jsonpatch.apply(added, [{"op": "remove", "path": pointer}]) == document


@given(documents, st.data(), values)
def test_replace_then_test_the_new_value(document: dict[str, Any], data: st.DataObject, value: Any) -> None:
    members = [(p, v) for p, v in paths(document) if p]
    assume(members)
    path, _ = data.draw(st.sampled_from(members))
    operations = [{"op": "replace", "path": path, "value": value}, {"op": "test", "path": path, "value": value}]
    replaced = jsonpatch.apply(document, operations)
    assert dict(paths(replaced))[path] == value


@given(documents, keys, st.data())
def test_move_there_and_back(document: dict[str, Any], target: str, data: st.DataObject) -> None:
    assume(document and target not in document)
    source = data.draw(st.sampled_from(sorted(document)))
    there, back = "/" + escape(target), "/" + escape(source)
    moved = jsonpatch.apply(document, [{"op": "move", "from": back, "path": there}])
    assert source not in moved and moved[target] == document[source]
    assert jsonpatch.apply(moved, [{"op": "move", "from": there, "path": back}]) == document


@given(documents, st.data(), keys)
def test_copy_then_test_equal(document: dict[str, Any], data: st.DataObject, target: str) -> None:
    assume(target not in document)
    path, value = data.draw(st.sampled_from([(p, v) for p, v in paths(document) if p] or [("", document)]))
    assume(path)
    pointer = "/" + escape(target)
    copied = jsonpatch.apply(
        document, [{"op": "copy", "from": path, "path": pointer}, {"op": "test", "path": pointer, "value": value}]
    )
    assert copied[target] == value


# -- JSON merge patch ----------------------------------------------------------------------------

patches = st.recursive(
    scalars | st.none(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
    max_leaves=12,
).filter(lambda v: isinstance(v, dict)) | st.dictionaries(keys, values | st.none(), max_size=4)


def rfc7386(target: Any, patch: Any) -> Any:
    """The algorithm as RFC 7386 section 2 writes it."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for name, value in patch.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = rfc7386(result.get(name), value)
    return result


def has_list(value: Any) -> bool:
    if isinstance(value, list):
        return True
    if isinstance(value, dict):
        return any(has_list(v) for v in value.values())
    return False


def null_members(value: Any) -> bool:
    """Whether any object (at any depth, inside arrays too) has a member set to null."""
    if isinstance(value, dict):
        return any(v is None or null_members(v) for v in value.values())
    if isinstance(value, list):
        return any(null_members(v) for v in value)
    return False


@given(documents, st.data())
def test_null_removes_members(document: dict[str, Any], data: st.DataObject) -> None:
    removed = data.draw(st.sets(st.sampled_from(sorted(document)))) if document else set()
    result = mergepatch.merge_patch(document, {key: None for key in removed})
    assert result == {k: v for k, v in document.items() if k not in removed}


@given(documents, keys)
def test_null_for_an_absent_member_changes_nothing(document: dict[str, Any], key: str) -> None:
    assume(key not in document)
    assert mergepatch.merge_patch(document, {key: None}) == document


def replaces_an_object_with_a_non_object(document: dict[str, Any], patch: dict[str, Any]) -> bool:
    for key, value in patch.items():
        current = document.get(key)
        if value is None or not isinstance(current, dict):
            continue
        if not isinstance(value, dict) or replaces_an_object_with_a_non_object(current, value):
            return True
    return False


@given(documents, patches)
def test_nulls_never_reach_the_result(document: dict[str, Any], patch: dict[str, Any]) -> None:
    """Null means delete: none is stored, not even one nested in an object the patch adds or
    one inside an object in an array (where evanphx v4 prunes them and RFC 7386 would not).
    The exception, a non-object replacing an object, has its own case below."""
    assume(not replaces_an_object_with_a_non_object(document, patch))
    assert not null_members(mergepatch.merge_patch(document, patch))


def test_a_non_object_replacing_an_object_keeps_its_nulls() -> None:
    """evanphx v4's merge() returns such a patch value as it is, unpruned."""
    assert mergepatch.merge_patch({"a": {}}, {"a": [{"b": None}]}) == {"a": [{"b": None}]}
    assert mergepatch.merge_patch({}, {"a": [{"b": None}]}) == {"a": [{}]}


@given(documents, patches)
def test_merge_patch_is_idempotent(document: dict[str, Any], patch: dict[str, Any]) -> None:
    """Except where a non-object replaces an object: kept verbatim the first time, its nulls are
    pruned the second (the value it replaces then is no object)."""
    assume(not replaces_an_object_with_a_non_object(document, patch))
    once = mergepatch.merge_patch(document, patch)
    assert mergepatch.merge_patch(once, patch) == once


@given(documents, patches)
def test_agrees_with_rfc_7386_without_arrays_in_the_patch(document: dict[str, Any], patch: dict[str, Any]) -> None:
    assume(not has_list(patch))
    assert mergepatch.merge_patch(document, patch) == rfc7386(document, patch)


@given(documents, patches)
def test_arguments_are_not_modified(document: dict[str, Any], patch: dict[str, Any]) -> None:
    document_before, patch_before = copy.deepcopy(document), copy.deepcopy(patch)
    mergepatch.merge_patch(document, patch)
    assert document == document_before and patch == patch_before
