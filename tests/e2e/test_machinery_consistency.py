"""Consistency: resourceVersion preconditions on update and patch, unconditional updates,
metadata the server owns, and ownerReferences validation, with kube-apiserver v1.35's answers."""

from __future__ import annotations

import copy
import threading
from typing import Any

import pytest
from harness import Response, Server
from statuses import assert_status, create_cm, failure

CONFLICT = (
    'Operation cannot be fulfilled on configmaps "{name}": the object has been modified; please apply your '
    "changes to the latest version and try again"
)
PATCH_TYPES = {
    "json": "application/json-patch+json",
    "merge": "application/merge-patch+json",
    "strategic": "application/strategic-merge-patch+json",
}


def cm_path(ns: str, name: str = "") -> str:
    return f"/api/v1/namespaces/{ns}/configmaps" + (f"/{name}" if name else "")


def conflict(name: str) -> dict[str, Any]:
    return failure(409, "Conflict", CONFLICT.format(name=name), {"name": name, "kind": "configmaps"})


def patch(server: Server, path: str, kind: str, body: str) -> Response:
    return server.request("PATCH", path, body, headers={"Content-Type": PATCH_TYPES[kind]})


def stale_and_current(server: Server, ns: str, name: str) -> tuple[str, str]:
    stale = create_cm(server, ns, name, data={"a": "1"})["metadata"]["resourceVersion"]
    now = patch(server, cm_path(ns, name), "merge", '{"data":{"a":"2"}}').json()["metadata"]["resourceVersion"]
    return stale, now


@pytest.mark.parametrize("kind", ["merge", "strategic"])
def test_stale_resource_version_in_a_patch_conflicts(server: Server, ns: str, kind: str) -> None:
    stale, now = stale_and_current(server, ns, "p")
    body = f'{{"metadata":{{"resourceVersion":"{stale}"}},"data":{{"a":"3"}}}}'
    assert_status(patch(server, cm_path(ns, "p"), kind, body), conflict("p"))
    current = f'{{"metadata":{{"resourceVersion":"{now}"}},"data":{{"a":"3"}}}}'
    answer = patch(server, cm_path(ns, "p"), kind, current)
    assert answer.status == 200, answer.body
    assert answer.json()["data"] == {"a": "3"}


def test_stale_resource_version_in_a_json_patch_conflicts(server: Server, ns: str) -> None:
    stale, now = stale_and_current(server, ns, "p")
    ops = '[{{"op":"replace","path":"/metadata/resourceVersion","value":"{rv}"}},' \
          '{{"op":"replace","path":"/data/a","value":"3"}}]'
    assert_status(patch(server, cm_path(ns, "p"), "json", ops.format(rv=stale)), conflict("p"))
    # A test operation on the resourceVersion is the other way to make a JSON patch conditional.
    tested = f'[{{"op":"test","path":"/metadata/resourceVersion","value":"{stale}"}}]'
    assert patch(server, cm_path(ns, "p"), "json", tested).status == 422
    answer = patch(server, cm_path(ns, "p"), "json", ops.format(rv=now))
    assert answer.status == 200, answer.body


def test_stale_resource_version_in_an_update_conflicts_and_none_is_unconditional(server: Server, ns: str) -> None:
    stale, _ = stale_and_current(server, ns, "u")
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "u", "resourceVersion": stale},
            "data": {"a": "stale"}}
    assert_status(server.request("PUT", cm_path(ns, "u"), body), conflict("u"))
    del body["metadata"]["resourceVersion"]
    body["data"] = {"a": "unconditional"}
    answer = server.request("PUT", cm_path(ns, "u"), body)
    assert answer.status == 200, answer.body
    assert answer.json()["data"] == {"a": "unconditional"}
    assert int(answer.json()["metadata"]["resourceVersion"]) > int(stale)


def test_racing_updates_from_one_resource_version_let_exactly_one_win(server: Server, ns: str) -> None:
    rv = create_cm(server, ns, "race", data={"v": "0"})["metadata"]["resourceVersion"]
    statuses: list[int] = []

    def put(i: int) -> None:
        body = {"metadata": {"name": "race", "resourceVersion": rv}, "data": {"v": f"writer-{i}"}}
        statuses.append(server.request("PUT", cm_path(ns, "race"), body).status)

    threads = [threading.Thread(target=put, args=(i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [409] * 11
    stored = server.request("GET", cm_path(ns, "race")).json()
    assert int(stored["metadata"]["resourceVersion"]) > int(rv)


def test_unconditional_update_with_kubectl_replace(server: Server, ns: str) -> None:
    create_cm(server, ns, "r", data={"a": "1"})
    manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: r\ndata:\n  a: \"2\"\n"
    out = server.kubectl("-n", ns, "replace", "-f", "-", input=manifest).stdout
    assert out == "configmap/r replaced\n"
    assert server.request("GET", cm_path(ns, "r")).json()["data"] == {"a": "2"}


def test_uid_cannot_change(server: Server, ns: str) -> None:
    created = create_cm(server, ns, "m")
    other = "6c4d2a36-0000-4000-8000-000000000000"
    body = copy.deepcopy(created)
    body["metadata"]["uid"] = other
    # An update's uid is a storage precondition (upstream defaultUpdatedObjectInfo.Preconditions),
    # so PUT answers the storage layer's conflict, word for word.
    key = f"/registry/configmaps/{ns}/m"
    message = (
        f"StorageError: invalid object, Code: 4, Key: {key}, ResourceVersion: 0, AdditionalErrorMsg: "
        f"Precondition failed: UID in precondition: {other}, UID in object meta: {created['metadata']['uid']}"
    )
    assert_status(
        server.request("PUT", cm_path(ns, "m"), body),
        failure(409, "Conflict", f'Operation cannot be fulfilled on configmaps "m": {message}',
                {"name": "m", "kind": "configmaps"}),
    )
    # A patch has no such precondition: metadata validation refuses the change.
    invalid = f'Invalid value: "{other}": field is immutable'
    cause = {"reason": "FieldValueInvalid", "message": invalid, "field": "metadata.uid"}
    assert_status(
        patch(server, cm_path(ns, "m"), "merge", f'{{"metadata":{{"uid":"{other}"}}}}'),
        failure(
            422,
            "Invalid",
            f'ConfigMap "m" is invalid: metadata.uid: {invalid}',
            # Twice, as upstream: the generic metadata checks and ValidateConfigMapUpdate both run them.
            {"name": "m", "kind": "ConfigMap", "causes": [cause, cause]},
        ),
    )


def test_creation_timestamp_and_generation_are_kept_by_the_server(server: Server, ns: str) -> None:
    created = create_cm(server, ns, "m")
    body = copy.deepcopy(created)
    body["metadata"]["creationTimestamp"] = "2001-01-01T00:00:00Z"
    body["data"] = {"k": "v"}
    answer = server.request("PUT", cm_path(ns, "m"), body)
    assert answer.status == 200, answer.body
    assert answer.json()["metadata"]["creationTimestamp"] == created["metadata"]["creationTimestamp"]
    patched = patch(server, cm_path(ns, "m"), "merge", '{"metadata":{"creationTimestamp":"2001-01-01T00:00:00Z"}}')
    assert patched.json()["metadata"]["creationTimestamp"] == created["metadata"]["creationTimestamp"]


def test_pod_generation_is_owned_by_the_server(server: Server, ns: str) -> None:
    path = f"/api/v1/namespaces/{ns}/pods"
    body = {"metadata": {"name": "g", "generation": 42}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
    created = server.request("POST", path, body)
    assert created.status == 201, created.body
    assert created.json()["metadata"]["generation"] == 1
    answer = patch(server, f"{path}/g", "merge", '{"metadata":{"generation":7,"labels":{"x":"y"}}}')
    assert answer.status == 200, answer.body
    assert answer.json()["metadata"]["generation"] == 1, "metadata changes do not bump the generation"
    image = patch(server, f"{path}/g", "strategic", '{"spec":{"containers":[{"name":"c","image":"nginx:2"}]}}')
    assert image.status == 200, image.body
    assert image.json()["metadata"]["generation"] == 2, "a spec change does"


def test_uid_and_timestamps_are_set_by_the_server_on_create(server: Server, ns: str) -> None:
    body = {"metadata": {"name": "c", "uid": "mine", "creationTimestamp": "2001-01-01T00:00:00Z"}}
    answer = server.request("POST", cm_path(ns), body)
    assert answer.status == 201, answer.body
    meta = answer.json()["metadata"]
    assert meta["uid"] != "mine" and len(meta["uid"]) == 36
    assert meta["creationTimestamp"] != "2001-01-01T00:00:00Z"


# -- ownerReferences ------------------------------------------------------------------------------


def owner(**fields: Any) -> dict[str, Any]:
    ref = {"apiVersion": "v1", "kind": "ConfigMap", "name": "owner", "uid": "0d9d5ab7-2d8b-4a4e-9a0f-1a2b3c4d5e6f"}
    ref.update(fields)
    return ref


def create_owned(server: Server, ns: str, refs: list[dict[str, Any]]) -> Response:
    return server.request("POST", cm_path(ns), {"metadata": {"name": "owned", "ownerReferences": refs}})


def test_owner_reference_fields_are_required(server: Server, ns: str) -> None:
    answer = create_owned(server, ns, [{"apiVersion": "", "kind": "", "name": "", "uid": ""}])
    causes = [
        ("metadata.ownerReferences.apiVersion", 'Invalid value: "": version must not be empty'),
        ("metadata.ownerReferences.kind", 'Invalid value: "": must not be empty'),
        ("metadata.ownerReferences.name", 'Invalid value: "": must not be empty'),
        ("metadata.ownerReferences.uid", 'Invalid value: "": must not be empty'),
    ]
    assert_status(
        answer,
        failure(
            422,
            "Invalid",
            'ConfigMap "owned" is invalid: [' + ", ".join(f"{f}: {m}" for f, m in causes) + "]",
            {
                "name": "owned",
                "kind": "ConfigMap",
                "causes": [{"reason": "FieldValueInvalid", "message": m, "field": f} for f, m in causes],
            },
        ),
    )


def test_owner_reference_with_a_group_but_no_version(server: Server, ns: str) -> None:
    answer = create_owned(server, ns, [owner(apiVersion="apps/", kind="Deployment")])
    assert answer.status == 422, answer.body
    assert answer.json()["message"] == (
        'ConfigMap "owned" is invalid: metadata.ownerReferences.apiVersion: Invalid value: "apps/": '
        "version must not be empty"
    )


def test_only_one_controller_owner(server: Server, ns: str) -> None:
    refs = [owner(name="a", controller=True), owner(name="b", uid="4b0f3a0e-1111-4222-8333-944455556666", controller=True)]
    answer = create_owned(server, ns, refs)
    assert answer.status == 422, answer.body
    (cause,) = answer.json()["details"]["causes"]
    assert cause["field"] == "metadata.ownerReferences"
    assert cause["message"].endswith(
        'Only one reference can have Controller set to true. Found "true" in references for ConfigMap/a and '
        "ConfigMap/b"
    )


def test_events_cannot_own_objects(server: Server, ns: str) -> None:
    answer = create_owned(server, ns, [owner(kind="Event")])
    assert answer.status == 422, answer.body
    (cause,) = answer.json()["details"]["causes"]
    assert cause["field"] == "metadata.ownerReferences"
    assert cause["message"].endswith("/v1, Kind=Event is disallowed from being an owner")


def test_valid_owner_references_are_kept(server: Server, ns: str) -> None:
    refs = [owner(controller=True, blockOwnerDeletion=True), owner(apiVersion="apps/v1", kind="Deployment", name="d")]
    answer = create_owned(server, ns, refs)
    assert answer.status == 201, answer.body
    assert answer.json()["metadata"]["ownerReferences"] == refs
