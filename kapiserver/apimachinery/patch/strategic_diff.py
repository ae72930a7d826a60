"""Computing a strategic merge patch from two documents (upstream strategicpatch diffMaps).

This is what kubectl does client-side for `kubectl apply` (three-way: last-applied,
new configuration, live object) and `kubectl edit`/`patch --local` style updates
(two-way), and what server-side apply's upgrade path reuses. The directives produced are
upstream's: `null` for removed map keys, `{<key>: v, $patch: delete}` for removed items
of merging lists of maps, `$deleteFromPrimitiveList/<list>` for removed scalars,
`$setElementOrder/<list>` whenever a merging list changes content or order, and
`$retainKeys` under fields with the retainKeys strategy.

One upstream quirk is kept on purpose: diffing a merging list of scalars sorts the
original list in place, so later comparisons see the sorted list (an order-only change of
such a list produces no patch). The functions therefore mutate their inputs, as
upstream's do; `strategic.py` hands them private copies.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from ..golang import deep_equal, sprint
from .patchmeta import LookupPatchMeta
from .strategic_errors import MAP_TYPE, MergePatchError, NoListOfLists, bad_arg_type, no_merge_key
from .strategic_lists import (
    DELETE_DIRECTIVE,
    DELETE_FROM_PRIMITIVE_LIST_PREFIX,
    DIRECTIVE_MARKER,
    MERGE_DIRECTIVE,
    REPLACE_DIRECTIVE,
    RETAIN_KEYS_DIRECTIVE,
    SET_ELEMENT_ORDER_PREFIX,
    deduplicate_scalars,
    extract_retain_keys_patch_strategy,
    merge_key_value_equal,
    normalize_slice_order,
    slice_element_type,
    sort_merge_lists_by_name_array,
    sort_scalars,
)

Map = dict[str, Any]


@dataclass(frozen=True, slots=True)
class DiffOptions:
    set_element_order: bool = False
    """Emit `$setElementOrder/<list>` parallel lists."""
    ignore_changes_and_additions: bool = False
    """Leave changed and added values out of the patch."""
    ignore_deletions: bool = False
    """Leave deletions out of the patch."""
    build_retain_keys_directive: bool = False
    """Emit `$retainKeys` (set per field from its retainKeys strategy)."""


def diff_maps(original: Map, modified: Map, schema: LookupPatchMeta, options: DiffOptions) -> Map:
    """The patch that turns `original` into `modified`, subject to `options`."""
    patch: Map = {}
    retain_keys: list[Any] = []
    for key, modified_value in modified.items():
        if options.build_retain_keys_directive and modified_value is not None:
            retain_keys.append(key)
        if key not in original:
            if not options.ignore_changes_and_additions:
                patch[key] = modified_value
            continue
        original_value = original[key]
        if _handle_directive_marker(key, original_value, modified_value, patch):
            continue
        if type(original_value) is not type(modified_value):
            if not options.ignore_changes_and_additions:
                patch[key] = modified_value
            continue
        if isinstance(original_value, dict):
            _handle_map_diff(key, original_value, modified_value, patch, schema, options)
        elif isinstance(original_value, list):
            _handle_slice_diff(key, original_value, modified_value, patch, schema, options)
        else:
            _replace_if_not_equal(key, original_value, modified_value, patch, options)
    if not options.ignore_deletions:
        for key in original:
            if key not in modified:
                patch[key] = None
    if retain_keys and (patch or _has_additional_new_field(original, modified)):
        patch[RETAIN_KEYS_DIRECTIVE] = sort_scalars(retain_keys)
    return patch


def _handle_directive_marker(key: str, original_value: Any, modified_value: Any, patch: Map) -> bool:
    if key != DIRECTIVE_MARKER:
        return False
    if not isinstance(original_value, str) or not isinstance(modified_value, str):
        raise MergePatchError(f"invalid value for special key: {DIRECTIVE_MARKER}")
    if modified_value != original_value:
        patch[DIRECTIVE_MARKER] = modified_value
    return True


def _handle_map_diff(
    key: str, original: Map, modified: Map, patch: Map, schema: LookupPatchMeta, options: DiffOptions
) -> None:
    try:
        subschema, meta = schema.lookup_patch_metadata_for_struct(key)
    except MergePatchError:
        if deep_equal(original, modified):
            return
        raise
    retain_keys, strategy = extract_retain_keys_patch_strategy(meta.patch_strategies)
    options = dataclasses.replace(options, build_retain_keys_directive=retain_keys)
    if strategy == REPLACE_DIRECTIVE:
        if not options.ignore_changes_and_additions:
            patch[key] = modified
        return
    patch_value = diff_maps(original, modified, subschema, options)
    if patch_value:
        patch[key] = patch_value


def _handle_slice_diff(
    key: str,
    original: list[Any],
    modified: list[Any],
    patch: Map,
    schema: LookupPatchMeta,
    options: DiffOptions,
) -> None:
    try:
        subschema, meta = schema.lookup_patch_metadata_for_slice(key)
    except MergePatchError:
        if deep_equal(original, modified):
            return
        raise
    retain_keys, strategy = extract_retain_keys_patch_strategy(meta.patch_strategies)
    if strategy != MERGE_DIRECTIVE:
        _replace_if_not_equal(key, original, modified, patch, options)
        return
    options = dataclasses.replace(options, build_retain_keys_directive=retain_keys)
    additions, deletions, order = diff_lists(original, modified, subschema, meta.patch_merge_key, options)
    if additions:
        patch[key] = additions
    if deletions:
        patch[f"{DELETE_FROM_PRIMITIVE_LIST_PREFIX}/{key}"] = deletions
    if order:
        patch[f"{SET_ELEMENT_ORDER_PREFIX}/{key}"] = order


def _replace_if_not_equal(key: str, original: Any, modified: Any, patch: Map, options: DiffOptions) -> None:
    if options.ignore_changes_and_additions or deep_equal(original, modified):
        return
    patch[key] = modified


def _has_additional_new_field(original: Map, modified: Map) -> bool:
    return any(value is not None and key not in modified for key, value in original.items())


def diff_lists(
    original: list[Any], modified: list[Any], schema: LookupPatchMeta, merge_key: str, options: DiffOptions
) -> tuple[list[Any] | None, list[Any] | None, list[Any] | None]:
    """(patch list, parallel deletion list, `$setElementOrder` list) for a merging list."""
    if not original:
        if not modified or options.ignore_changes_and_additions:
            return None, None, None
        return modified, None, None
    element_type = slice_element_type(original, modified)
    if element_type is list:
        raise NoListOfLists()
    if element_type is dict:
        return _diff_lists_of_maps_ordered(original, modified, schema, merge_key, options)
    additions, deletions = _diff_lists_of_scalars(original, modified, options)
    additions = normalize_slice_order(additions, modified, merge_key, False)
    order = None
    if options.set_element_order and (
        (not options.ignore_deletions and deletions)
        or (not options.ignore_changes_and_additions and not deep_equal(original, modified))
    ):
        order = modified
    return additions, deletions, order


def _diff_lists_of_maps_ordered(
    original: list[Any], modified: list[Any], schema: LookupPatchMeta, merge_key: str, options: DiffOptions
) -> tuple[list[Any], None, list[Any] | None]:
    changes, deletions = _diff_lists_of_maps(original, modified, schema, merge_key, options)
    changes = normalize_slice_order(changes, modified, merge_key, True)
    order_same = _is_order_same(original, modified, merge_key)
    changes = changes + deletions
    order = None
    if options.set_element_order and (
        (not options.ignore_changes_and_additions and (changes or not order_same))
        or (not options.ignore_deletions and changes)
    ):
        order = [{merge_key: item.get(merge_key)} for item in modified]
    return changes, None, order


def _is_order_same(original: list[Any], modified: list[Any], merge_key: str) -> bool:
    if len(original) != len(modified):
        return False
    return all(merge_key_value_equal(o, m, merge_key) for o, m in zip(original, modified))


def _diff_lists_of_scalars(
    original: list[Any], modified: list[Any], options: DiffOptions
) -> tuple[list[Any], list[Any]]:
    """Walk both lists sorted by `%v` text; note: sorts `original` in place, as upstream does."""
    original_sorted = sort_scalars(original)
    modified_sorted = sort_scalars(list(modified))
    additions: list[Any] = []
    deletions: list[Any] = []
    o = m = 0
    while o < len(original_sorted) or m < len(modified_sorted):
        in_original, in_modified = o < len(original_sorted), m < len(modified_sorted)
        original_text = sprint(original_sorted[o]) if in_original else ""
        modified_text = sprint(modified_sorted[m]) if in_modified else ""
        if in_original and in_modified and original_text == modified_text:
            o, m = o + 1, m + 1
        elif not in_original or (in_modified and original_text > modified_text):
            if not options.ignore_changes_and_additions:
                additions.append(modified_sorted[m])
            m += 1
        else:
            if not options.ignore_deletions:
                deletions.append(original_sorted[o])
            o += 1
    return additions, deduplicate_scalars(deletions)


def _diff_lists_of_maps(
    original: list[Any], modified: list[Any], schema: LookupPatchMeta, merge_key: str, options: DiffOptions
) -> tuple[list[Any], list[Any]]:
    """Walk both lists sorted by merge key text: recurse on matches, add new, delete missing."""
    original_sorted = sort_merge_lists_by_name_array(original, schema, merge_key, False)
    modified_sorted = sort_merge_lists_by_name_array(modified, schema, merge_key, False)
    changes: list[Any] = []
    deletions: list[Any] = []
    o = m = 0
    while o < len(original_sorted) or m < len(modified_sorted):
        in_original, in_modified = o < len(original_sorted), m < len(modified_sorted)
        original_item = original_value = modified_item = modified_value = None
        original_text = modified_text = ""
        if in_original:
            original_item, original_value = _item_and_key_value(original_sorted[o], merge_key)
            original_text = sprint(original_value)
        if in_modified:
            modified_item, modified_value = _item_and_key_value(modified_sorted[m], merge_key)
            modified_text = sprint(modified_value)
        if in_original and in_modified and original_text == modified_text:
            patch_value = diff_maps(original_item, modified_item, schema, options)  # type: ignore[arg-type]
            if patch_value:
                patch_value[merge_key] = modified_value
                changes.append(patch_value)
            o, m = o + 1, m + 1
        elif not in_original or (in_modified and original_text > modified_text):
            if not options.ignore_changes_and_additions:
                changes.append(modified_item)
            m += 1
        else:
            if not options.ignore_deletions:
                deletions.append({merge_key: original_value, DIRECTIVE_MARKER: DELETE_DIRECTIVE})
            o += 1
    return changes, deletions


def _item_and_key_value(item: Any, merge_key: str) -> tuple[Map, Any]:
    if not isinstance(item, dict):
        raise bad_arg_type(MAP_TYPE, item)
    if merge_key not in item:
        raise no_merge_key(item, merge_key)
    return item, item[merge_key]
