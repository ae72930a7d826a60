"""Do two strategic merge patches change the same field differently? (upstream MergingMapsHaveConflicts)

Used by three-way patch creation without `overwrite`: the patch from the new
configuration conflicts with the changes made to the live object since the last apply
when both touch a key in different ways. Merging lists are compared item by item through
their merge keys; merging lists of scalars never conflict; other lists conflict unless
equal (scalars compared as sorted sets, sorted in place as upstream does).
"""

from __future__ import annotations

from typing import Any

from ..golang import deep_equal, go_equal, sprint, sprint_s
from .patchmeta import LookupPatchMeta, PatchMeta
from .strategic_errors import MergePatchError
from .strategic_lists import (
    DIRECTIVE_MARKER,
    MERGE_DIRECTIVE,
    REPLACE_DIRECTIVE,
    RETAIN_KEYS_DIRECTIVE,
    deduplicate_and_sort_scalars,
    extract_retain_keys_patch_strategy,
    slice_element_type,
)


def merging_maps_have_conflicts(left: dict[str, Any], right: dict[str, Any], schema: LookupPatchMeta) -> bool:
    """True when `left` and `right` overlap on some key with different changes."""
    return _fields_have_conflicts(left, right, schema, "", "")


def _fields_have_conflicts(
    left: Any, right: Any, schema: LookupPatchMeta | None, strategy: str, merge_key: str
) -> bool:
    if isinstance(left, dict):
        if not isinstance(right, dict):
            return True
        left_marked, right_marked = DIRECTIVE_MARKER in left, DIRECTIVE_MARKER in right
        if left_marked or right_marked:
            if left_marked != right_marked:
                return True
            if not go_equal(left[DIRECTIVE_MARKER], right[DIRECTIVE_MARKER]):
                return True
        if strategy == REPLACE_DIRECTIVE:
            return False
        return _maps_have_conflicts(left, right, schema)
    if isinstance(left, list):
        if not isinstance(right, list):
            return True
        return _slices_have_conflicts(left, right, schema, strategy, merge_key)
    if left is None or isinstance(left, (str, int, float)):
        return not deep_equal(left, right)
    raise MergePatchError(f"unknown type: {type(left).__name__}")


def _maps_have_conflicts(left: dict[str, Any], right: dict[str, Any], schema: LookupPatchMeta | None) -> bool:
    for key, left_value in left.items():
        if key in (DIRECTIVE_MARKER, RETAIN_KEYS_DIRECTIVE) or key not in right:
            continue
        subschema: LookupPatchMeta | None = None
        meta = PatchMeta()
        strategy = ""
        if schema is not None and isinstance(left_value, list):
            subschema, meta = schema.lookup_patch_metadata_for_slice(key)
            _, strategy = extract_retain_keys_patch_strategy(meta.patch_strategies)
        elif schema is not None and isinstance(left_value, dict):
            subschema, meta = schema.lookup_patch_metadata_for_struct(key)
            _, strategy = extract_retain_keys_patch_strategy(meta.patch_strategies)
        if _fields_have_conflicts(left_value, right[key], subschema, strategy, meta.patch_merge_key):
            return True
    return False


def _slices_have_conflicts(
    left: list[Any], right: list[Any], schema: LookupPatchMeta | None, strategy: str, merge_key: str
) -> bool:
    is_map = slice_element_type(left, right) is dict
    if strategy == MERGE_DIRECTIVE:
        if not is_map:
            return False
        left_by_key = _by_merge_key(left, merge_key)
        right_by_key = _by_merge_key(right, merge_key)
        return any(
            key in right_by_key and _fields_have_conflicts(value, right_by_key[key], schema, "", "")
            for key, value in left_by_key.items()
        )
    if len(left) != len(right):
        return True
    if not is_map:
        left = deduplicate_and_sort_scalars(left)
        right = deduplicate_and_sort_scalars(right)
    return any(_fields_have_conflicts(a, b, schema, "", "") for a, b in zip(left, right))


def _by_merge_key(items: list[Any], merge_key: str) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for item in items:
        if not isinstance(item, dict):
            raise MergePatchError(f"invalid element type in merging list:{sprint(items)}")
        if merge_key not in item:
            raise MergePatchError(
                f"cannot find merge key `{merge_key}` in merging list element:{sprint(item)}"
            )
        result[sprint_s(item[merge_key])] = item
    return result
