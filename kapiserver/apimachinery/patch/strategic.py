"""Strategic merge patch: the public entry points (upstream k8s.io/apimachinery/pkg/util/strategicpatch).

A strategic merge patch is a JSON merge patch whose lists can merge instead of being
replaced, driven by each field's `x-kubernetes-patch-strategy` and
`x-kubernetes-patch-merge-key`, plus directives (`$patch`, `$retainKeys`,
`$deleteFromPrimitiveList/<list>`, `$setElementOrder/<list>`); `strategic_merge.py`
documents the rules. Types are described by a `patchmeta.LookupPatchMeta`, or by a
built-in definition name such as `io.k8s.api.core.v1.Pod`.

Every function here is pure: arguments are copied before the engine, which mutates as
upstream's does, touches them. Errors are `strategic_errors.MergePatchError`s carrying
upstream's text; `patcher.py` turns them into the Status kube-apiserver answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from .. import gojson
from ..types import Object
from . import patchmeta
from .patchmeta import LookupPatchMeta
from .strategic_conflicts import merging_maps_have_conflicts
from .strategic_diff import DiffOptions, diff_maps
from .strategic_errors import BadJSONDoc, Conflict, PreconditionFailed
from .strategic_lists import sort_merge_lists_by_name_map
from .strategic_merge import APPLY_OPTIONS, MERGE_PATCHES_OPTIONS, merge_map

PreconditionFunc = Callable[[Any], bool]
Schema = str | LookupPatchMeta

__all__ = [
    "apply_strategic_merge_patch",
    "create_three_way_merge_patch",
    "create_two_way_merge_patch",
    "merge_strategic_merge_map_patches",
    "merging_maps_have_conflicts",
    "require_key_unchanged",
    "require_metadata_key_unchanged",
    "sort_merge_lists_by_name",
    "strategic_merge_map_patch",
    "strategic_merge_patch",
]


def apply_strategic_merge_patch(original: Object, patch: Object, definition_name: str) -> Object:
    """Apply `patch` to `original`, a built-in object whose OpenAPI definition is `definition_name`."""
    return strategic_merge_map_patch(original, patch, patchmeta.from_definition(definition_name))


def strategic_merge_map_patch(original: Object | None, patch: Object | None, schema: Schema) -> Object:
    """StrategicMergeMapPatch: apply a decoded patch, executing its directives."""
    return merge_map(_copy(original or {}), _copy(patch or {}), _lookup(schema), APPLY_OPTIONS)


def strategic_merge_patch(original: bytes | None, patch: bytes | None, schema: Schema) -> bytes:
    """StrategicMergePatch: the same over JSON documents; either failing to decode is BadJSONDoc."""
    result = strategic_merge_map_patch(_decode_map(original), _decode_map(patch), schema)
    return orjson.dumps(result, option=orjson.OPT_SORT_KEYS)


def create_two_way_merge_patch(
    original: Object | None, modified: Object | None, schema: Schema, *preconditions: PreconditionFunc
) -> Object:
    """The patch that turns `original` into `modified`, with `$setElementOrder` lists."""
    patch = diff_maps(
        _copy(original or {}), _copy(modified or {}), _lookup(schema), DiffOptions(set_element_order=True)
    )
    _check_preconditions(patch, preconditions)
    return patch


def create_three_way_merge_patch(
    original: Object | None,
    modified: Object | None,
    current: Object | None,
    schema: Schema,
    overwrite: bool = False,
    *preconditions: PreconditionFunc,
) -> Object:
    """kubectl apply's patch: changes from `current` to `modified`, deletions from `original` to `modified`.

    Without `overwrite`, a patch that changes a key the live object (`current`) changed
    differently since `original` raises `strategic_errors.Conflict`.
    """
    lookup = _lookup(schema)
    original_map, modified_map, current_map = (
        _copy(original or {}),
        _copy(modified or {}),
        _copy(current or {}),
    )
    delta = diff_maps(
        current_map, modified_map, lookup, DiffOptions(ignore_deletions=True, set_element_order=True)
    )
    deletions = diff_maps(
        original_map,
        modified_map,
        lookup,
        DiffOptions(set_element_order=True, ignore_changes_and_additions=True),
    )
    patch = merge_map(deletions, delta, lookup, MERGE_PATCHES_OPTIONS)
    _check_preconditions(patch, preconditions)
    if not overwrite:
        changed = diff_maps(original_map, current_map, lookup, DiffOptions())
        if merging_maps_have_conflicts(patch, changed, lookup):
            raise Conflict(patch, changed)
    return patch


def merge_strategic_merge_map_patches(schema: Schema, *patches: Object) -> Object:
    """One patch equivalent to applying `patches` in turn (nulls and parallel lists kept)."""
    merged: Object = {}
    for patch in patches:
        merged = merge_map(merged, _copy(patch), _lookup(schema), MERGE_PATCHES_OPTIONS)
    return merged


def sort_merge_lists_by_name(obj: Object, schema: Schema) -> Object:
    """`obj` with every merging list sorted by merge key, for order-insensitive comparison."""
    return sort_merge_lists_by_name_map(_copy(obj), _lookup(schema))


def require_key_unchanged(key: str) -> PreconditionFunc:
    """A precondition failing when the patch changes top-level `key` (mergepatch.RequireKeyUnchanged)."""
    return lambda patch: not isinstance(patch, dict) or key not in patch


def require_metadata_key_unchanged(key: str) -> PreconditionFunc:
    """A precondition failing when the patch changes `metadata.<key>`."""

    def check(patch: Any) -> bool:
        metadata = patch.get("metadata") if isinstance(patch, dict) else None
        return not isinstance(metadata, dict) or key not in metadata

    return check


def _check_preconditions(patch: Object, preconditions: tuple[PreconditionFunc, ...]) -> None:
    for precondition in preconditions:
        if not precondition(patch):
            raise PreconditionFailed(patch)


def _lookup(schema: Schema) -> LookupPatchMeta:
    return patchmeta.from_definition(schema) if isinstance(schema, str) else schema


def _decode_map(data: bytes | None) -> Object:
    try:
        value = gojson.loads(data if data is not None else b"{}")
    except gojson.GoJSONError:
        raise BadJSONDoc() from None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadJSONDoc()
    return value


def _copy(value: Any) -> Any:
    """A deep copy of a decoded JSON value (much faster than copy.deepcopy)."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value
