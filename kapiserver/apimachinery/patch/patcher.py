"""Applying a PATCH request body to the current object, with kube-apiserver's answers for failures.

This is the part of upstream's handlers/patch.go that depends only on the patch: choose
the mechanism by Content-Type, decode the body, apply it. What it answers, by failure:

    415 UnsupportedMediaType   Content-Type not accepted, strategic merge for a custom resource
                               included: "the body of the request was in an unknown format -
                               accepted media types include: <types>"
    400 BadRequest             json-patch or strategic body that is not JSON, or not an array of
                               objects / not an object: Go's decoding error ("invalid character
                               'x' looking for beginning of value", "json: cannot unmarshal
                               object into Go value of type jsonpatch.Patch")
    400 BadRequest             merge-patch body not JSON, or null, or a scalar: "Invalid JSON Patch"
    413 RequestEntityTooLarge  json-patch of more than 10000 operations: "Request entity too large:
                               The allowed maximum operations in a JSON patch is 10000, got N"
    422 Invalid                a json-patch operation failing (test failed, missing path, bad
                               index, unknown op, copy limit), or a strategic list of lists: "the
                               server rejected our request due to an error in our request",
                               details {}
    400 BadRequest             a malformed strategic directive: "invalid patch format of retainKeys"
                               (or "... of primitive list", "... of setElementOrder list")
    500 (no reason)            any other strategic merge error, with its text: "map: map[image:x]
                               does not contain declared merge key: name", "unable to find api
                               field in struct PodSpec for the json field \"x\""
    422 Invalid                a result that is not an object (json-patch replacing the root with
                               an array, merge-patch with an array): ' "" is invalid: patch:
                               Invalid value: "<json>": couldn't get version/kind; json parse
                               error: json: cannot unmarshal array into Go value of type ...'

The 422 "the server rejected our request..." is upstream's NewGenericServerResponse,
which drops the library's text; the reason-less 500 is what upstream's error renderer
makes of an error that is not a Status. A `golang.GoPanic` (input on which upstream's
code panics) is not turned into a Status: like upstream, the server's panic recovery
answers it.

Left out, belonging to the typed decoding that follows in the PATCH handler: unknown
fields and field-type errors in the result (strict field validation, 422 `patch:
Invalid value`), defaulting, and the fieldValidation=Strict checks of the body itself.
The result is the patched object as a plain dict, unknown fields (leftover directive keys
included) still in it, as upstream's unstructured result is before conversion.
"""

from __future__ import annotations

from typing import Any

import orjson

from .. import errors, field, gojson
from ..schema import GroupKind
from ..types import Object
from . import jsonpatch, mergepatch, patchmeta, strategic_errors
from .strategic_merge import APPLY_OPTIONS, merge_map

__all__ = [
    "APPLY_PATCH",
    "JSON_PATCH",
    "MERGE_PATCH",
    "STRATEGIC_MERGE_PATCH",
    "apply_patch",
    "supported_patch_types",
]

JSON_PATCH = "application/json-patch+json"
MERGE_PATCH = "application/merge-patch+json"
STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json"
APPLY_PATCH = "application/apply-patch+yaml"

MAX_JSON_PATCH_OPERATIONS = 10000
"""handlers/patch.go maxJSONPatchOperations."""
JSON_PATCH_MAX_COPY_BYTES = 3 * 1024 * 1024
"""Default bound on bytes a JSON patch may copy (server Config.JSONPatchMaxCopyBytes)."""

_GENERIC_UNPROCESSABLE = "the server rejected our request due to an error in our request"
_FIND_KIND_TYPE = (
    'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }'
)


def supported_patch_types(strategic: bool) -> list[str]:
    """The Content-Types PATCH accepts, in upstream's order; custom resources lack strategic merge."""
    if strategic:
        return [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH]
    return [JSON_PATCH, MERGE_PATCH, APPLY_PATCH]


def apply_patch(
    patch_type: str,
    original: Object,
    patch_bytes: bytes,
    definition_name: str | None,
    max_copy_bytes: int = JSON_PATCH_MAX_COPY_BYTES,
) -> Object:
    """The object `original` becomes under a PATCH of `patch_type`; StatusError as upstream otherwise.

    `definition_name` names the built-in type's OpenAPI definition; None (a custom
    resource) refuses strategic merge as the apiextensions server does. `patch_type` may
    carry parameters (`; charset=utf-8`). Server-side apply is not handled here.
    """
    content_type = patch_type.split(";", 1)[0] if patch_type.find(";") > 0 else patch_type
    accepted = supported_patch_types(definition_name is not None and _known(definition_name))
    if content_type not in accepted:
        raise errors.unsupported_media_type(content_type, accepted)
    if content_type == JSON_PATCH:
        result = _apply_json_patch(original, patch_bytes, max_copy_bytes)
    elif content_type == MERGE_PATCH:
        result = _apply_merge_patch(original, patch_bytes)
    elif content_type == STRATEGIC_MERGE_PATCH:
        result = _apply_strategic_merge_patch(original, patch_bytes, definition_name or "")
    else:
        raise ValueError(f"{content_type} is server-side apply, which the field manager handles")
    if not isinstance(result, dict):
        raise _not_an_object(result)
    return result


def _known(definition_name: str) -> bool:
    try:
        patchmeta.from_definition(definition_name)
    except KeyError:
        return False
    return True


def _apply_json_patch(original: Object, patch_bytes: bytes, max_copy_bytes: int) -> Any:
    try:
        operations = jsonpatch.decode_patch(patch_bytes)
    except gojson.GoJSONError as err:
        raise errors.bad_request(str(err)) from None
    if operations is not None and len(operations) > MAX_JSON_PATCH_OPERATIONS:
        limit = MAX_JSON_PATCH_OPERATIONS
        message = f"The allowed maximum operations in a JSON patch is {limit}, got {len(operations)}"
        raise errors.request_entity_too_large(message)
    try:
        return jsonpatch.apply(original, operations, max_copy_bytes)
    except jsonpatch.JSONPatchError:
        raise _generic_unprocessable() from None


def _apply_merge_patch(original: Object, patch_bytes: bytes) -> Any:
    try:
        patch = gojson.loads(patch_bytes)
    except gojson.GoJSONError:
        raise errors.bad_request(mergepatch.BAD_JSON_PATCH) from None
    try:
        return mergepatch.merge_patch(original, patch)
    except mergepatch.MergePatchError as err:
        if str(err) == mergepatch.BAD_JSON_PATCH:
            raise errors.bad_request(str(err)) from None
        raise _unknown(str(err)) from None


def _apply_strategic_merge_patch(original: Object, patch_bytes: bytes, definition_name: str) -> Any:
    try:
        patch = gojson.loads(patch_bytes)
    except gojson.GoJSONError as err:
        raise errors.bad_request(str(err)) from None
    if patch is not None and not isinstance(patch, dict):
        raise errors.bad_request(str(gojson.type_error(patch, "map[string]interface {}")))
    schema = patchmeta.from_definition(definition_name)
    try:
        return merge_map(_copy(original), patch or {}, schema, APPLY_OPTIONS)
    except strategic_errors.MergePatchError as err:
        raise _interpret_strategic_merge_patch_error(err) from None


def _interpret_strategic_merge_patch_error(err: strategic_errors.MergePatchError) -> errors.StatusError:
    """handlers/patch.go interpretStrategicMergePatchError."""
    if isinstance(
        err,
        (
            strategic_errors.BadJSONDoc,
            strategic_errors.BadPatchFormatForPrimitiveList,
            strategic_errors.BadPatchFormatForRetainKeys,
            strategic_errors.BadPatchFormatForSetElementOrderList,
            strategic_errors.UnsupportedStrategicMergePatchFormat,
        ),
    ):
        return errors.bad_request(str(err))
    if isinstance(err, (strategic_errors.NoListOfLists, strategic_errors.PatchContentNotMatchRetainKeys)):
        return _generic_unprocessable()
    return _unknown(str(err))


def _generic_unprocessable() -> errors.StatusError:
    """NewGenericServerResponse(422, ...): reason Invalid, a fixed message, empty details."""
    return errors.from_status(_status(422, "Invalid", _GENERIC_UNPROCESSABLE, details={}))


def _unknown(message: str) -> errors.StatusError:
    """What upstream renders for an error that is not a Status: 500, no reason."""
    return errors.from_status(_status(500, "", message))


def _status(code: int, reason: str, message: str, details: Object | None = None) -> Object:
    status: Object = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
    }
    if reason:
        status["reason"] = reason
    if details is not None:
        status["details"] = details
    status["code"] = code
    return status


def _not_an_object(result: Any) -> errors.StatusError:
    """The patched document cannot be decoded into an object: the codec's find-kind error."""
    encoded = orjson.dumps(result, option=orjson.OPT_SORT_KEYS).decode()
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        encoded = encoded.replace(char, escape)
    detail = (
        "couldn't get version/kind; json parse error: json: cannot unmarshal "
        f"{gojson.kind(result)} into Go value of type {_FIND_KIND_TYPE}"
    )
    return errors.invalid(GroupKind("", ""), "", [field.invalid(field.new_path("patch"), encoded, detail)])


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value
