"""Applying a strategic merge patch to a map (upstream strategicpatch mergeMap and helpers).

The rules, in the order upstream applies them to each map:

1. `$patch: replace` returns the patch map itself (minus the directive); `$patch: delete`
   returns an empty map; any other `$patch` value is an error.
2. `$retainKeys: [...]` drops every original key not listed, after checking that each
   non-null patch key is listed (else "invalid patch format of retainKeys").
3. `$setElementOrder/<list>` merges that list first, then orders it: listed items in the
   directive's order, the others where the live object had them.
4. Every other key: `null` deletes; a key new to the original takes the patch value (with
   nulls and `$patch` maps stripped); a value of another JSON type replaces; maps merge
   unless the field's strategy is `replace`; lists merge when the strategy is `merge`
   (maps matched by the field's merge key, scalars as a set), else are replaced;
   `$deleteFromPrimitiveList/<list>` removes scalars from a merging list.
   Within a merging list of maps, `{<key>: v, $patch: delete}` removes the item and an
   item `{$patch: replace}` replaces the whole list with the patch's other items.

The functions mutate both arguments, as upstream's do; `strategic.py` hands them private
copies. `MergeOptions` selects between applying (server side: parallel lists are
executed, unmatched nulls dropped) and merging two patches (three-way patch creation:
directives are carried over, nulls kept).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..golang import deep_equal, hash_key, sprint
from .patchmeta import LookupPatchMeta
from .strategic_errors import (
    MAP_TYPE,
    SLICE_TYPE,
    BadPatchFormatForRetainKeys,
    BadPatchFormatForSetElementOrderList,
    MergePatchError,
    bad_arg_type,
    bad_patch_type,
    no_merge_key,
)
from .strategic_lists import (
    DELETE_DIRECTIVE,
    DELETE_FROM_PRIMITIVE_LIST_PREFIX,
    DIRECTIVE_MARKER,
    MERGE_DIRECTIVE,
    REPLACE_DIRECTIVE,
    RETAIN_KEYS_DIRECTIVE,
    SET_ELEMENT_ORDER_PREFIX,
    deduplicate_scalars,
    extract_key,
    extract_retain_keys_patch_strategy,
    extract_to_delete_items,
    find_map_in_slice,
    merge_key_value_equal,
    normalize_element_order,
    partition_maps,
    partition_primitives,
    slice_element_type,
)

Map = dict[str, Any]


@dataclass(frozen=True, slots=True)
class MergeOptions:
    merge_parallel_list: bool
    """Execute `$deleteFromPrimitiveList` and `$setElementOrder` (applying) rather than carry them."""
    ignore_unmatched_nulls: bool
    """Drop nulls that delete nothing (applying) rather than keep them (merging two patches)."""


APPLY_OPTIONS = MergeOptions(merge_parallel_list=True, ignore_unmatched_nulls=True)
MERGE_PATCHES_OPTIONS = MergeOptions(merge_parallel_list=False, ignore_unmatched_nulls=False)


def merge_map(original: Map | None, patch: Map, schema: LookupPatchMeta, options: MergeOptions) -> Map:
    if DIRECTIVE_MARKER in patch:
        return _handle_directive_in_merge_map(patch[DIRECTIVE_MARKER], patch)
    if original is None:
        original = {}
    _apply_retain_keys_directive(original, patch, options)
    _merge_patch_into_original(original, patch, schema, options)
    for key, patch_value in list(patch.items()):
        is_delete_list = False
        if key.startswith(DELETE_FROM_PRIMITIVE_LIST_PREFIX):
            if not options.merge_parallel_list:
                original[key] = patch_value
                continue
            is_delete_list = True
            key = extract_key(key, DELETE_FROM_PRIMITIVE_LIST_PREFIX) or key
        _merge_key(original, key, patch_value, is_delete_list, schema, options)
    return original


def _merge_key(
    original: Map,
    key: str,
    patch_value: Any,
    is_delete_list: bool,
    schema: LookupPatchMeta,
    options: MergeOptions,
) -> None:
    if patch_value is None:
        original.pop(key, None)
        if options.ignore_unmatched_nulls:
            return
    if key not in original or type(original[key]) is not type(patch_value):
        if not is_delete_list:
            _set_stripped(original, key, patch_value, options)
        return
    current = original[key]
    if isinstance(current, dict):
        subschema, meta = schema.lookup_patch_metadata_for_struct(key)
        _, strategy = extract_retain_keys_patch_strategy(meta.patch_strategies)
        original[key] = _merge_map_handler(current, patch_value, subschema, strategy, options)
    elif isinstance(current, list):
        subschema, meta = schema.lookup_patch_metadata_for_slice(key)
        _, strategy = extract_retain_keys_patch_strategy(meta.patch_strategies)
        original[key] = merge_slice_handler(
            current, patch_value, subschema, strategy, meta.patch_merge_key, is_delete_list, options
        )
    else:
        _set_stripped(original, key, patch_value, options, discard_nulls=False)


def _set_stripped(
    original: Map, key: str, value: Any, options: MergeOptions, discard_nulls: bool = True
) -> None:
    """Take a patch value as is, minus nulls (when applying) and `$patch` maps."""
    if discard_nulls and options.ignore_unmatched_nulls:
        discard_null_values(value)
    value, keep = remove_directives(value)
    if keep:
        original[key] = value
    else:
        original.pop(key, None)


def _handle_directive_in_merge_map(directive: Any, patch: Map) -> Map:
    if directive == REPLACE_DIRECTIVE:
        del patch[DIRECTIVE_MARKER]
        return patch
    if directive == DELETE_DIRECTIVE:
        return {}
    raise bad_patch_type(directive, patch)


def _apply_retain_keys_directive(original: Map, patch: Map, options: MergeOptions) -> None:
    if RETAIN_KEYS_DIRECTIVE not in patch:
        return
    retain_keys = patch.pop(RETAIN_KEYS_DIRECTIVE)
    if not options.merge_parallel_list:
        if RETAIN_KEYS_DIRECTIVE in original:
            if not deep_equal(original[RETAIN_KEYS_DIRECTIVE], retain_keys):
                raise MergePatchError(
                    f"{sprint(original[RETAIN_KEYS_DIRECTIVE])} and {sprint(retain_keys)} are not deep "
                    "equal: this may happen when calculating the 3-way diff patch"
                )
        else:
            original[RETAIN_KEYS_DIRECTIVE] = retain_keys
        return
    if not isinstance(retain_keys, list):
        raise BadPatchFormatForRetainKeys()
    retained = {hash_key(v) for v in retain_keys}
    for key, value in patch.items():
        if value is None or key.startswith((DELETE_FROM_PRIMITIVE_LIST_PREFIX, SET_ELEMENT_ORDER_PREFIX)):
            continue
        if (str, key) not in retained:
            raise BadPatchFormatForRetainKeys()
    for key in [k for k in original if (str, k) not in retained]:
        del original[key]


def _merge_patch_into_original(
    original: Map, patch: Map, schema: LookupPatchMeta, options: MergeOptions
) -> None:
    """Merge every list named by a `$setElementOrder/<list>` directive, then order it."""
    for directive_key in [k for k in patch if k.startswith(SET_ELEMENT_ORDER_PREFIX)]:
        if directive_key not in patch:
            continue
        order = patch.pop(directive_key)
        if not options.merge_parallel_list:
            if directive_key in original:
                if not deep_equal(original[directive_key], order):
                    raise BadPatchFormatForSetElementOrderList()
            else:
                original[directive_key] = order
        if not isinstance(order, list):
            raise bad_arg_type(SLICE_TYPE, order)
        _merge_ordered_list(
            original, patch, extract_key(directive_key, SET_ELEMENT_ORDER_PREFIX), order, schema, options
        )


def _merge_ordered_list(
    original: Map, patch: Map, key: str, order: list[Any], schema: LookupPatchMeta, options: MergeOptions
) -> None:
    found_original, found_patch = key in original, key in patch
    original_list: list[Any] | None = None
    patch_list: list[Any] | None = None
    if found_original:
        if not isinstance(original[key], list):
            raise bad_arg_type(SLICE_TYPE, original[key])
        original_list = original[key]
    if found_patch:
        if not isinstance(patch[key], list):
            raise bad_arg_type(SLICE_TYPE, patch[key])
        patch_list = patch[key]
    subschema, meta = schema.lookup_patch_metadata_for_slice(key)
    _, strategy = extract_retain_keys_patch_strategy(meta.patch_strategies)
    merge_key = meta.patch_merge_key
    _validate_patch_with_set_order_list(patch_list or [], order, merge_key)

    if found_original and not found_patch:
        merged = original_list or []
    elif found_patch and not found_original:
        merged, _ = remove_directives(patch_list)
    elif found_original and found_patch:
        merged = merge_slice_handler(
            original_list, patch_list, subschema, strategy, merge_key, False, options
        )
    else:
        return
    if not merge_key:
        in_order, server_only = partition_primitives(merged, order)
    else:
        in_order, server_only = partition_maps(merged, order, merge_key)
    is_map = slice_element_type(original_list, patch_list) is dict
    original[key] = normalize_element_order(in_order, server_only, order, original_list, merge_key, is_map)
    patch.pop(key, None)


def _validate_patch_with_set_order_list(patch_list: list[Any], order: list[Any], merge_key: str) -> None:
    """Items of the patch list must appear in `$setElementOrder`, in the same relative order."""
    if not order or not patch_list:
        return
    items = extract_to_delete_items(patch_list)[0] if merge_key else patch_list
    patch_index = order_index = 0
    while patch_index < len(items) and order_index < len(order):
        item = items[patch_index]
        if isinstance(item, dict) and DIRECTIVE_MARKER in item:
            patch_index += 1
            continue
        if merge_key_value_equal(item, order[order_index], merge_key):
            patch_index += 1
        order_index += 1
    if patch_index < len(items) and order_index >= len(order):
        raise MergePatchError(
            f"The order in patch list:\n{sprint(patch_list)}\n doesn't match "
            f"{SET_ELEMENT_ORDER_PREFIX} list:\n{sprint(order)}\n"
        )


def _merge_map_handler(
    original: Any, patch: Any, schema: LookupPatchMeta, strategy: str, options: MergeOptions
) -> Map:
    if not isinstance(original, dict):
        raise bad_arg_type(MAP_TYPE, original)
    if not isinstance(patch, dict):
        raise bad_arg_type(MAP_TYPE, patch)
    if strategy == REPLACE_DIRECTIVE:
        return patch
    return merge_map(original, patch, schema, options)


def merge_slice_handler(
    original: Any,
    patch: Any,
    schema: LookupPatchMeta,
    strategy: str,
    merge_key: str,
    is_delete_list: bool,
    options: MergeOptions,
) -> list[Any]:
    if not isinstance(original, list):
        raise bad_arg_type(SLICE_TYPE, original)
    if not isinstance(patch, list):
        raise bad_arg_type(SLICE_TYPE, patch)
    if strategy == MERGE_DIRECTIVE or is_delete_list:
        return _merge_slice(original, patch, schema, merge_key, options, is_delete_list)
    return patch


def _merge_slice(
    original: list[Any],
    patch: list[Any],
    schema: LookupPatchMeta,
    merge_key: str,
    options: MergeOptions,
    is_delete_list: bool,
) -> list[Any]:
    if not original and not patch:
        return original
    is_map = slice_element_type(original, patch) is dict
    if not is_map:
        if options.merge_parallel_list and is_delete_list:
            deleted = {hash_key(v) for v in patch}
            return [v for v in original if hash_key(v) not in deleted]
        merged = deduplicate_scalars(original + patch)
    else:
        if not merge_key:
            raise MergePatchError(f"cannot merge lists without merge key for {schema.name()}")
        original, patch, merged = _merge_slice_of_maps(original, patch, merge_key, schema, options)
    if not merge_key:
        in_patch, server_only = partition_primitives(merged, patch)
    else:
        in_patch, server_only = partition_maps(merged, patch, merge_key)
    return normalize_element_order(in_patch, server_only, patch, original, merge_key, is_map)


def _merge_slice_of_maps(
    backing: list[Any], patch: list[Any], merge_key: str, schema: LookupPatchMeta, options: MergeOptions
) -> tuple[list[Any], list[Any], list[Any]]:
    """Merge a list of maps; (the original after deletions, the patch without directives, the result).

    Upstream deletes items by shifting the rest left inside the original list's array and
    then appends new items into the room that leaves, so the caller's list (`backing`,
    whose length never changes) ends up holding what Go's array holds. The order of a list
    under `$setElementOrder` is computed from that list, so the effect is visible.
    """
    plain: list[Any] = []
    replace = False
    length = len(backing)
    for item in patch:
        if DIRECTIVE_MARKER not in item:
            plain.append(item)
            continue
        directive = item[DIRECTIVE_MARKER]
        if directive == DELETE_DIRECTIVE:
            if merge_key not in item:
                raise no_merge_key(item, merge_key)
            length = _delete_matching_entries(backing, length, merge_key, item[merge_key])
        elif directive == REPLACE_DIRECTIVE:
            replace = True
        elif directive == MERGE_DIRECTIVE:
            raise MergePatchError("merging lists cannot yet be specified in the patch")
        else:
            raise bad_patch_type(directive, item)
    if replace:
        return plain, [], list(plain)
    original = backing[:length]
    merged = list(original)
    shared = True  # Go's slice still shares the array of `backing`
    for item in plain:
        if merge_key not in item:
            raise no_merge_key(item, merge_key)
        match, index, found = find_map_in_slice(merged, merge_key, item[merge_key])
        if found:
            merged[index] = merge_map(match, item, schema, options)
        else:
            shared = shared and len(merged) < len(backing)
            merged.append(item)
        if shared:
            backing[: len(merged)] = merged
    return original, plain, merged


def _delete_matching_entries(backing: list[Any], length: int, merge_key: str, value: Any) -> int:
    """Remove items matching `value` from backing[:length] by shifting left in place; the new length."""
    while True:
        _, index, found = find_map_in_slice(backing[:length], merge_key, value)
        if not found:
            return length
        backing[index : length - 1] = backing[index + 1 : length]
        length -= 1


def remove_directives(value: Any) -> tuple[Any, bool]:
    """Strip `$patch` maps from a value taken whole from the patch; (value, keep it)."""
    if isinstance(value, dict):
        if DIRECTIVE_MARKER in value:
            return None, False
        for key in list(value):
            stripped, keep = remove_directives(value[key])
            if keep:
                value[key] = stripped
            else:
                del value[key]
        return value, True
    if isinstance(value, list):
        kept = []
        for item in value:
            stripped, keep = remove_directives(item)
            if keep:
                kept.append(stripped)
        return kept, True
    return value, True


def discard_null_values(value: Any) -> None:
    """Remove null-valued keys from every map inside `value` (nulls in lists stay)."""
    if isinstance(value, dict):
        for key in list(value):
            if value[key] is None:
                del value[key]
            else:
                discard_null_values(value[key])
    elif isinstance(value, list):
        for item in value:
            discard_null_values(item)
