"""List handling shared by applying and creating strategic merge patches.

Directive names, element typing, scalar sorting and de-duplication, and the ordering rules
of merged lists (upstream strategicpatch/patch.go: normalizeElementOrder,
mergeSortedSlice, partition*, sortMergeListsByName*). The order of a merged list is
observable by every client, so these follow upstream step by step, including its in-place
de-duplication (which moves the last element into the hole) and its comparison of scalars
by their `%v` text.
"""

from __future__ import annotations

from typing import Any

from ..golang import NIL_DEREFERENCE, GoPanic, go_equal, hash_key, sprint, stable_sort
from .patchmeta import LookupPatchMeta
from .strategic_errors import (
    MAP_TYPE,
    BadPatchFormatForPrimitiveList,
    BadPatchFormatForRetainKeys,
    BadPatchFormatForSetElementOrderList,
    MergePatchError,
    NoListOfLists,
    bad_arg_type,
    no_merge_key,
)

DIRECTIVE_MARKER = "$patch"
DELETE_DIRECTIVE = "delete"
REPLACE_DIRECTIVE = "replace"
MERGE_DIRECTIVE = "merge"
RETAIN_KEYS_STRATEGY = "retainKeys"
RETAIN_KEYS_DIRECTIVE = "$retainKeys"
DELETE_FROM_PRIMITIVE_LIST_PREFIX = "$deleteFromPrimitiveList"
SET_ELEMENT_ORDER_PREFIX = "$setElementOrder"


def extract_retain_keys_patch_strategy(strategies: tuple[str, ...]) -> tuple[bool, str]:
    """Split a field's strategies into (has retainKeys, the other strategy)."""
    if not strategies:
        return False, ""
    if len(strategies) == 1:
        return (True, "") if strategies[0] == RETAIN_KEYS_STRATEGY else (False, strategies[0])
    if len(strategies) == 2:
        if strategies[0] == RETAIN_KEYS_STRATEGY:
            return True, strategies[1]
        if strategies[1] == RETAIN_KEYS_STRATEGY:
            return True, strategies[0]
    raise MergePatchError(f"unexpected patch strategy: {sprint(list(strategies))}")


def extract_key(key: str, prefix: str) -> str:
    """The list field named by a parallel-list directive key (`$setElementOrder/<field>`)."""
    parts = key.split("/", 1)
    if len(parts) <= 1 or parts[0] != prefix:
        if prefix == DELETE_FROM_PRIMITIVE_LIST_PREFIX:
            raise BadPatchFormatForPrimitiveList()
        if prefix == SET_ELEMENT_ORDER_PREFIX:
            raise BadPatchFormatForSetElementOrderList()
        raise MergePatchError(f'fail to find unknown prefix "{prefix}" in {key}\n')
    return parts[1]


def slice_element_type(*slices: list[Any] | None) -> type:
    """The one Python type of every element of `slices`; mixed types and lists of lists fail."""
    previous: type | None = None
    for items in slices:
        for value in items or ():
            current = type(value)
            if previous is None:
                if value is None:
                    raise GoPanic(NIL_DEREFERENCE)
                previous = current
                if previous is list:
                    raise NoListOfLists()
            elif previous is not current:
                raise MergePatchError(
                    f"list element types are not identical: {sprint([s or [] for s in slices])}"
                )
    if previous is None:
        raise MergePatchError("no elements in any of the given slices")
    return previous


def sort_scalars(items: list[Any]) -> list[Any]:
    """Sort in place by `%v` text, as upstream's SortableSliceOfScalars does, and return it."""
    items.sort(key=sprint)
    return items


def deduplicate_scalars(items: list[Any]) -> list[Any]:
    """Drop repeated scalars in place: each duplicate is overwritten by the current last element."""
    length = len(items) - 1
    i = 0
    while i < length:
        j = i + 1
        while j <= length:
            if go_equal(items[i], items[j]):
                items[j] = items[length]
                del items[length:]
                length -= 1
                j -= 1
            j += 1
        i += 1
    return items


def deduplicate_and_sort_scalars(items: list[Any]) -> list[Any]:
    return sort_scalars(deduplicate_scalars(items))


def merge_key_value_equal(left: Any, right: Any, merge_key: str) -> bool:
    if not merge_key:
        return go_equal(left, right)
    if not isinstance(left, dict):
        raise bad_arg_type(MAP_TYPE, left)
    if not isinstance(right, dict):
        raise bad_arg_type(MAP_TYPE, right)
    if merge_key not in left:
        raise no_merge_key(left, merge_key)
    if merge_key not in right:
        raise no_merge_key(right, merge_key)
    return go_equal(left[merge_key], right[merge_key])


def find_map_in_slice(items: list[Any], key: str, value: Any) -> tuple[dict[str, Any] | None, int, bool]:
    """The first map in `items` whose `key` equals `value` (findMapInSliceBasedOnKeyValue)."""
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise MergePatchError(f"value for key {index} is not a map")
        if key in item and go_equal(item[key], value):
            return item, index, True
    return None, 0, False


def validate_merge_key_in_lists(merge_key: str, *lists: list[Any]) -> None:
    for items in lists:
        for item in items:
            if not isinstance(item, dict):
                raise bad_arg_type(MAP_TYPE, item)
            if merge_key not in item:
                raise no_merge_key(item, merge_key)


def extract_to_delete_items(items: list[Any]) -> tuple[list[Any], list[Any]]:
    """Split list items into (kept, `$patch: delete` ones)."""
    keep: list[Any] = []
    delete: list[Any] = []
    for item in items:
        if not isinstance(item, dict):
            raise bad_arg_type(MAP_TYPE, item)
        if item.get(DIRECTIVE_MARKER) == DELETE_DIRECTIVE:
            delete.append(item)
        else:
            keep.append(item)
    return keep, delete


def _value_of(item: Any, merge_key: str, is_map: bool) -> Any:
    if not is_map:
        return item
    return item.get(merge_key) if isinstance(item, dict) else None


def index_of(items: list[Any] | None, value: Any, merge_key: str, is_map: bool) -> int:
    """Position of `value` in `items`, matching maps by merge key value; -1 when absent."""
    wanted = _value_of(value, merge_key, is_map)
    for position, item in enumerate(items or ()):
        if go_equal(wanted, _value_of(item, merge_key, is_map)):
            return position
    return -1


def normalize_slice_order(
    to_sort: list[Any], order: list[Any] | None, merge_key: str, is_map: bool
) -> list[Any]:
    """Sort `to_sort` by positions in `order`; `$patch: delete` items go last."""
    to_delete: list[Any] = []
    if is_map:
        validate_merge_key_in_lists(merge_key, to_sort, order or [])
        to_sort, to_delete = extract_to_delete_items(to_sort)

    def less(left: Any, right: Any) -> bool:
        left_index = index_of(order, left, merge_key, is_map)
        if left_index >= 0:
            right_index = index_of(order, right, merge_key, is_map)
            if right_index >= 0:
                return left_index < right_index
        return True

    stable_sort(to_sort, less)
    return to_sort + to_delete


def merge_sorted_slice(
    left: list[Any], right: list[Any], server_order: list[Any] | None, merge_key: str, is_map: bool
) -> list[Any]:
    """Interleave server-only items (`left`) into patch items (`right`) by live-object order."""
    merged: list[Any] = []
    i = j = 0
    while i < len(left) or j < len(right):
        if i >= len(left):
            merged.append(right[j])
            j += 1
        elif j >= len(right):
            merged.append(left[i])
            i += 1
        else:
            left_index = index_of(server_order, left[i], merge_key, is_map)
            right_index = index_of(server_order, right[j], merge_key, is_map)
            if left_index >= 0 and right_index >= 0 and left_index < right_index:
                merged.append(left[i])
                i += 1
            else:
                merged.append(right[j])
                j += 1
    return merged


def normalize_element_order(
    patch: list[Any],
    server_only: list[Any],
    patch_order: list[Any] | None,
    server_order: list[Any] | None,
    merge_key: str,
    is_map: bool,
) -> list[Any]:
    """Order a merged list: patch order first, live order second, the two interleaved."""
    patch = normalize_slice_order(patch, patch_order, merge_key, is_map)
    server_only = normalize_slice_order(server_only, server_order, merge_key, is_map)
    return merge_sorted_slice(server_only, patch, server_order, merge_key, is_map)


def partition_primitives(items: list[Any], partition_by: list[Any]) -> tuple[list[Any], list[Any]]:
    """Split `items` into (present in `partition_by`, the rest)."""
    wanted = {hash_key(v) for v in partition_by}
    present: list[Any] = []
    rest: list[Any] = []
    for item in items:
        (present if hash_key(item) in wanted else rest).append(item)
    return present, rest


def partition_maps(items: list[Any], partition_by: list[Any], merge_key: str) -> tuple[list[Any], list[Any]]:
    """Split maps into (whose merge key value appears in `partition_by`, the rest)."""
    present: list[Any] = []
    rest: list[Any] = []
    for item in items:
        if not isinstance(item, dict):
            raise bad_arg_type(MAP_TYPE, item)
        if merge_key not in item:
            raise no_merge_key(item, merge_key)
        _, _, found = find_map_in_slice(partition_by, merge_key, item[merge_key])
        (present if found else rest).append(item)
    return present, rest


def sort_merge_lists_by_name_map(obj: dict[str, Any], schema: LookupPatchMeta) -> dict[str, Any]:
    """A copy of `obj` whose merging lists are sorted by merge key (order-insensitive comparison)."""
    result: dict[str, Any] = {}
    for key, value in obj.items():
        if key == RETAIN_KEYS_DIRECTIVE:
            if not isinstance(value, list):
                raise BadPatchFormatForRetainKeys()
            value = sort_scalars(value)
        elif key.startswith(DELETE_FROM_PRIMITIVE_LIST_PREFIX):
            if not isinstance(value, list):
                raise BadPatchFormatForPrimitiveList()
            value = sort_scalars(value)
        elif key.startswith(SET_ELEMENT_ORDER_PREFIX):
            if not isinstance(value, list):
                raise BadPatchFormatForSetElementOrderList()
        elif key != DIRECTIVE_MARKER:
            if isinstance(value, dict):
                subschema, _ = schema.lookup_patch_metadata_for_struct(key)
                value = sort_merge_lists_by_name_map(value, subschema)
            elif isinstance(value, list):
                subschema, meta = schema.lookup_patch_metadata_for_slice(key)
                _, strategy = extract_retain_keys_patch_strategy(meta.patch_strategies)
                if strategy == MERGE_DIRECTIVE:
                    value = sort_merge_lists_by_name_array(value, subschema, meta.patch_merge_key, True)
        result[key] = value
    return result


def sort_merge_lists_by_name_array(
    items: list[Any], schema: LookupPatchMeta, merge_key: str, recurse: bool
) -> list[Any]:
    if not items:
        return items
    if slice_element_type(items) is not dict:
        return deduplicate_and_sort_scalars(items)
    elements = [sort_merge_lists_by_name_map(e, schema) if recurse else e for e in items]
    return sorted(elements, key=lambda element: sprint(element.get(merge_key)))
