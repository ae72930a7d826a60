"""apply_patch: the PATCH handler's patch step and the Status kube-apiserver answers for each failure."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest

from kapiserver.apimachinery import errors
from kapiserver.apimachinery.golang import GoPanic
from kapiserver.apimachinery.patch import patcher

POD = "io.k8s.api.core.v1.Pod"
JSON, MERGE, STRATEGIC = patcher.JSON_PATCH, patcher.MERGE_PATCH, patcher.STRATEGIC_MERGE_PATCH

# Upstream's handler tests use this pod: name podA, one finalizer.
POD_A: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "podA", "finalizers": ["foo"]},
    "spec": {"containers": [{"name": "c", "image": "i"}]},
}

GENERIC_422 = {
    "kind": "Status",
    "apiVersion": "v1",
    "metadata": {},
    "status": "Failure",
    "message": "the server rejected our request due to an error in our request",
    "reason": "Invalid",
    "details": {},
    "code": 422,
}


def status_of(
    patch_type: str, body: Any, definition: str | None = POD, original: Any = None
) -> dict[str, Any]:
    data = body if isinstance(body, bytes) else orjson.dumps(body)
    with pytest.raises(errors.StatusError) as raised:
        patcher.apply_patch(patch_type, copy.deepcopy(original or POD_A), data, definition)
    return raised.value.status


@pytest.mark.parametrize(
    "body",
    [
        [{"op": "test", "value": "podA", "path": "/metadata/name"}],
        [{"op": "test", "value": "foo", "path": "/metadata/finalizers/-1"}],
        # json-patch v4 lets replace add a missing member; clients depend on it.
        [
            {"op": "replace", "path": "/metadata/path", "value": "foo"},
            {"op": "test", "path": "/metadata/path", "value": "foo"},
        ],
    ],
)
def test_json_patches_upstream_accepts(body: list[Any]) -> None:
    patcher.apply_patch(JSON, POD_A, orjson.dumps(body), POD)


def test_malformed_json_patch_is_a_bad_request() -> None:
    status = status_of(JSON, b"invalid json patch")
    assert status == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "invalid character 'i' looking for beginning of value",
        "reason": "BadRequest",
        "code": 400,
    }
    assert status_of(JSON, {"op": "add"})["message"] == (
        "json: cannot unmarshal object into Go value of type jsonpatch.Patch"
    )


@pytest.mark.parametrize(
    "body",
    [
        [{"op": "test", "value": "podA", "path": "/invalid/path"}],
        [{"op": "test", "value": "podB", "path": "/metadata/name"}],
        [{"op": "remove", "path": "/metadata/labels"}],
        [{"op": "add", "path": "/metadata/finalizers/5", "value": "x"}],
        [{"op": "frobnicate", "path": "/a"}],
    ],
)
def test_failing_json_patch_operations_are_a_generic_422(body: list[Any]) -> None:
    assert status_of(JSON, body) == GENERIC_422


def test_too_many_json_patch_operations() -> None:
    body = [{"op": "test", "path": "/metadata/name", "value": "podA"}] * 10001
    status = status_of(JSON, body)
    assert (status["code"], status["reason"]) == (413, "RequestEntityTooLarge")
    assert status["message"] == (
        "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001"
    )
    patcher.apply_patch(JSON, POD_A, orjson.dumps(body[:10000]), POD)


def test_json_patch_copy_limit() -> None:
    body = orjson.dumps([{"op": "copy", "from": "/spec", "path": "/metadata/annotations"}])
    assert patcher.apply_patch(JSON, POD_A, body, POD)["metadata"]["annotations"] == POD_A["spec"]
    with pytest.raises(errors.StatusError) as raised:
        patcher.apply_patch(JSON, POD_A, body, POD, max_copy_bytes=10)
    assert raised.value.status == GENERIC_422


def test_patch_replacing_the_object_with_an_array_cannot_be_decoded() -> None:
    status = status_of(JSON, [{"op": "replace", "path": "", "value": [1, "<a>"]}])
    detail = (
        "couldn't get version/kind; json parse error: json: cannot unmarshal array into Go value of type "
        'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }'
    )
    assert status["code"] == 422 and status["reason"] == "Invalid"
    assert (
        status["message"]
        == f' "" is invalid: patch: Invalid value: "[1,\\"\\\\u003ca\\\\u003e\\"]": {detail}'
    )
    assert status["details"] == {
        "causes": [
            {
                "reason": "FieldValueInvalid",
                "field": "patch",
                "message": f'Invalid value: "[1,\\"\\\\u003ca\\\\u003e\\"]": {detail}',
            }
        ]
    }
    assert status_of(MERGE, [{"a": None}])["message"].startswith(
        ' "" is invalid: patch: Invalid value: "[{}]": '
    )


def test_merge_patch() -> None:
    result = patcher.apply_patch(
        MERGE, POD_A, b'{"metadata": {"finalizers": null, "labels": {"a": "b"}}}', POD
    )
    assert result["metadata"] == {"name": "podA", "labels": {"a": "b"}}


@pytest.mark.parametrize("body", [b"{", b"null", b'"x"', b"1", b"true", b""])
def test_bad_merge_patches(body: bytes) -> None:
    status = status_of(MERGE, body)
    assert (status["code"], status["reason"], status["message"]) == (400, "BadRequest", "Invalid JSON Patch")


def test_strategic_merge_patch() -> None:
    body = {"spec": {"containers": [{"name": "d", "image": "j"}]}, "metadata": {"finalizers": ["bar"]}}
    result = patcher.apply_patch(STRATEGIC + "; charset=utf-8", POD_A, orjson.dumps(body), POD)
    # New items not ordered by a $setElementOrder come before the live ones, as upstream puts them.
    assert result["spec"]["containers"] == [{"name": "d", "image": "j"}, {"name": "c", "image": "i"}]
    assert result["metadata"]["finalizers"] == ["bar", "foo"]
    assert patcher.apply_patch(STRATEGIC, POD_A, b"null", POD) == POD_A


@pytest.mark.parametrize(
    ("body", "code", "reason", "message"),
    [
        (
            b"[1]",
            400,
            "BadRequest",
            "json: cannot unmarshal array into Go value of type map[string]interface {}",
        ),
        (b"{", 400, "BadRequest", "unexpected end of JSON input"),
        ({"spec": {"$retainKeys": "containers"}}, 400, "BadRequest", "invalid patch format of retainKeys"),
        (
            {"metadata": {"$deleteFromPrimitiveListX": ["a"]}},
            400,
            "BadRequest",
            "invalid patch format of primitive list",
        ),
        (
            {"spec": {"$setElementOrderX": []}},
            400,
            "BadRequest",
            "invalid patch format of setElementOrder list",
        ),
        (
            {"spec": {"containers": [{"image": "x"}]}},
            500,
            "",
            "map: map[image:x] does not contain declared merge key: name",
        ),
        (
            {"spec": {"$setElementOrder/nosuch": ["a"]}},
            500,
            "",
            'unable to find api field in struct PodSpec for the json field "nosuch"',
        ),
        ({"spec": {"$patch": "wipe"}}, 500, "", "unknown patch type: wipe in map: map[$patch:wipe]"),
    ],
)
def test_strategic_merge_patch_failures(body: Any, code: int, reason: str, message: str) -> None:
    status = status_of(STRATEGIC, body)
    assert (status["code"], status.get("reason", ""), status["message"]) == (code, reason, message)
    if code == 500:
        assert "details" not in status


def test_strategic_list_of_lists_is_a_generic_422() -> None:
    original = POD_A | {"metadata": {"name": "podA", "finalizers": []}}
    assert status_of(STRATEGIC, {"metadata": {"finalizers": [["a"]]}}, original=original) == GENERIC_422


def test_strategic_merge_patch_is_refused_for_custom_resources() -> None:
    status = status_of(STRATEGIC, {}, definition=None)
    assert status == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "the body of the request was in an unknown format - accepted media types include: "
        "application/json-patch+json, application/merge-patch+json, "
        "application/apply-patch+yaml",
        "reason": "UnsupportedMediaType",
        "code": 415,
    }
    assert status_of(STRATEGIC, {}, definition="example.com.v1.Widget") == status
    assert patcher.apply_patch(MERGE, {"spec": {"a": 1}}, b'{"spec": {"b": 2}}', None) == {
        "spec": {"a": 1, "b": 2}
    }


def test_unknown_content_type() -> None:
    status = status_of("application/xml", b"<a/>")
    assert status["code"] == 415
    assert status["message"].endswith(
        "application/json-patch+json, application/merge-patch+json, "
        "application/strategic-merge-patch+json, application/apply-patch+yaml"
    )


def test_server_side_apply_is_not_handled_here() -> None:
    with pytest.raises(ValueError):
        patcher.apply_patch(patcher.APPLY_PATCH, POD_A, b"{}", POD)


def test_upstream_panics_are_not_turned_into_a_status() -> None:
    with pytest.raises(GoPanic):
        patcher.apply_patch(JSON, POD_A, b'[{"op": "test", "path": ""}]', POD)


@pytest.mark.parametrize(
    ("patch_type", "body"),
    [
        (JSON, b'[{"op": "add", "path": "/metadata/finalizers/-", "value": "x"}]'),
        (MERGE, b'{"metadata": {"finalizers": ["x"]}}'),
        (
            STRATEGIC,
            b'{"metadata": {"finalizers": ["x"]}, "spec": {"containers": [{"name": "c", "image": "k"}]}}',
        ),
    ],
)
def test_the_current_object_is_not_modified(patch_type: str, body: bytes) -> None:
    original = copy.deepcopy(POD_A)
    patcher.apply_patch(patch_type, original, body, POD)
    assert original == POD_A
