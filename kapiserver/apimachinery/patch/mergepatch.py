"""JSON merge patch, RFC 7386, as github.com/evanphx/json-patch (v4) implements it.

kube-apiserver applies `application/merge-patch+json` with that library's MergePatch,
so its departures from the RFC are what clients see:

- nulls inside a value that lands where the target had nothing (or null, or a non-object)
  are pruned from every nested object, even inside arrays (`[{"a": null}]` becomes
  `[{}]`); nulls that are array elements stay;
- a non-object patch value replacing an object is taken verbatim, nulls and all;
- a patch that is an array replaces the whole document (its nested nulls pruned); a
  patch that is `null`, a string, a number or a boolean is "Invalid JSON Patch".

`create_merge_patch` is the library's CreateMergePatch for two objects: the diff that
`merge_patch` turns `original` into `modified` with, as long as `modified` holds no null
inside an object (RFC 7386 cannot express setting a null).
"""

from __future__ import annotations

from typing import Any

from .. import gojson
from ..types import Object

__all__ = [
    "BAD_JSON_DOC",
    "BAD_JSON_PATCH",
    "MergePatchError",
    "create_merge_patch",
    "merge_patch",
    "merge_patch_bytes",
]

BAD_JSON_DOC = "Invalid JSON Document"
BAD_JSON_PATCH = "Invalid JSON Patch"


class MergePatchError(ValueError):
    """ErrBadJSONDoc or ErrBadJSONPatch; `str()` is the library's message."""


def merge_patch_bytes(document: bytes, patch: bytes) -> Any:
    """MergePatch over JSON texts; malformed ones raise MergePatchError as the library does."""
    try:
        doc = gojson.loads(document)
    except gojson.GoJSONError:
        raise MergePatchError(BAD_JSON_DOC) from None
    try:
        patch_value = gojson.loads(patch)
    except gojson.GoJSONError:
        raise MergePatchError(BAD_JSON_PATCH) from None
    return merge_patch(doc, patch_value)


def merge_patch(document: Any, patch: Any) -> Any:
    """Apply a decoded merge patch to a decoded document; neither argument is modified."""
    if document is None:
        raise MergePatchError(BAD_JSON_DOC)
    if patch is None:
        raise MergePatchError(BAD_JSON_PATCH)
    if isinstance(patch, list):
        return _prune_array_nulls(_copy(patch))
    if not isinstance(patch, dict):
        raise MergePatchError(BAD_JSON_PATCH)
    if not isinstance(document, dict):
        return _prune_doc_nulls(_copy(patch))
    result = _copy(document)
    _merge_docs(result, _copy(patch))
    return result


def _merge_docs(document: dict[str, Any], patch: dict[str, Any]) -> None:
    for key, value in patch.items():
        if value is None:
            document.pop(key, None)
        elif document.get(key) is None:
            _prune_nulls(value)
            document[key] = value
        else:
            document[key] = _merge(document[key], value)


def _merge(current: Any, patch: Any) -> Any:
    if not isinstance(current, dict):
        _prune_nulls(patch)
        return patch
    if not isinstance(patch, dict):
        return patch
    _merge_docs(current, patch)
    return current


def _prune_nulls(value: Any) -> None:
    if isinstance(value, dict):
        _prune_doc_nulls(value)
    elif isinstance(value, list):
        _prune_array_nulls(value)


def _prune_doc_nulls(document: dict[str, Any]) -> dict[str, Any]:
    for key in list(document):
        if document[key] is None:
            del document[key]
        else:
            _prune_nulls(document[key])
    return document


def _prune_array_nulls(items: list[Any]) -> list[Any]:
    for item in items:
        if item is not None:
            _prune_nulls(item)
    return items


def create_merge_patch(original: Object, modified: Object) -> Object:
    """The merge patch from `original` to `modified` (CreateMergePatch for two objects)."""
    return _diff(original, modified)


def _diff(original: dict[str, Any], modified: dict[str, Any]) -> dict[str, Any]:
    patch: dict[str, Any] = {}
    for key, new in modified.items():
        if key not in original:
            patch[key] = _copy(new)
            continue
        old = original[key]
        if _json_type(old) != _json_type(new):
            patch[key] = _copy(new)
        elif isinstance(old, dict):
            nested = _diff(old, new)
            if nested:
                patch[key] = nested
        elif not _matches(old, new):
            patch[key] = _copy(new)
    for key in original:
        if key not in modified:
            patch[key] = None
    return patch


def _json_type(value: Any) -> str:
    """The Go type json.Unmarshal gives, by JSON kind: ints and floats are all float64."""
    return gojson.kind(value)


def _matches(left: Any, right: Any) -> bool:
    if _json_type(left) != _json_type(right):
        return False
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(_matches(v, right[k]) for k, v in left.items())
    if isinstance(left, list):
        return len(left) == len(right) and all(_matches(a, b) for a, b in zip(left, right))
    return bool(left == right)


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value
