"""Object-level errors of issue 2 point 6 (NotFound, AlreadyExists, Conflict, Invalid), as raw HTTPS
and through the `kubernetes` Python client.

Each answer is compared with the whole metav1.Status body kube-apiserver v1.35 sends:
code, reason, message and details (causes with field paths), byte-for-byte in meaning.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from harness import Server
from kubernetes import client
from kubernetes.client.rest import ApiException
from statuses import assert_status, cm, create_cm, failure

DNS1123_SUBDOMAIN = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
LABEL_VALUE = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used "
    "for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)
CONFIG_KEY = (
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
    "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
)
CONFLICT = "the object has been modified; please apply your changes to the latest version and try again"


# -- NotFound, AlreadyExists, Conflict -------------------------------------------------------------------


def test_not_found(server: Server, ns: str) -> None:
    answer = server.request("GET", f"/api/v1/namespaces/{ns}/configmaps/nope")
    assert_status(
        answer,
        failure(404, "NotFound", 'configmaps "nope" not found', {"name": "nope", "kind": "configmaps"}),
    )


def test_not_found_through_the_python_client(server: Server, ns: str) -> None:
    core = client.CoreV1Api(server.api)
    with pytest.raises(ApiException) as caught:
        core.read_namespaced_config_map("nope", ns)
    assert caught.value.status == 404
    assert json.loads(caught.value.body) == failure(
        404, "NotFound", 'configmaps "nope" not found', {"name": "nope", "kind": "configmaps"}
    )
    for call in (
        lambda: core.delete_namespaced_config_map("nope", ns),
        lambda: core.patch_namespaced_config_map("nope", ns, {"data": {"a": "b"}}),
    ):
        with pytest.raises(ApiException) as caught:
            call()
        assert caught.value.status == 404
        assert json.loads(caught.value.body)["message"] == 'configmaps "nope" not found'


def test_namespace_that_does_not_exist(server: Server) -> None:
    answer = server.request("POST", "/api/v1/namespaces/e2e-no-such-ns/configmaps", cm("x"))
    assert_status(
        answer,
        failure(
            404,
            "NotFound",
            'namespaces "e2e-no-such-ns" not found',
            {"name": "e2e-no-such-ns", "kind": "namespaces"},
        ),
    )


def test_already_exists(server: Server, ns: str) -> None:
    create_cm(server, ns, "dup")
    answer = server.request("POST", f"/api/v1/namespaces/{ns}/configmaps", cm("dup"))
    assert_status(
        answer,
        failure(
            409, "AlreadyExists", 'configmaps "dup" already exists', {"name": "dup", "kind": "configmaps"}
        ),
    )
    with pytest.raises(ApiException) as caught:
        client.CoreV1Api(server.api).create_namespaced_config_map(ns, cm("dup"))
    assert caught.value.status == 409
    assert json.loads(caught.value.body)["reason"] == "AlreadyExists"


def test_conflict_on_stale_update(server: Server, ns: str) -> None:
    stale = create_cm(server, ns, "c", data={"a": "1"})
    fresh = dict(stale, data={"a": "2"})
    ok = server.request("PUT", f"/api/v1/namespaces/{ns}/configmaps/c", fresh)
    assert ok.status == 200, ok.body
    assert int(ok.json()["metadata"]["resourceVersion"]) > int(stale["metadata"]["resourceVersion"])
    stale["data"] = {"a": "3"}
    answer = server.request("PUT", f"/api/v1/namespaces/{ns}/configmaps/c", stale)
    assert_status(
        answer,
        failure(
            409,
            "Conflict",
            f'Operation cannot be fulfilled on configmaps "c": {CONFLICT}',
            {"name": "c", "kind": "configmaps"},
        ),
    )
    with pytest.raises(ApiException) as caught:
        client.CoreV1Api(server.api).replace_namespaced_config_map("c", ns, stale)
    assert caught.value.status == 409
    assert json.loads(caught.value.body)["reason"] == "Conflict"


def test_delete_with_matching_preconditions(server: Server, ns: str) -> None:
    created = create_cm(server, ns, "p")
    uid, rv = created["metadata"]["uid"], created["metadata"]["resourceVersion"]
    right = server.request(
        "DELETE",
        f"/api/v1/namespaces/{ns}/configmaps/p",
        {"kind": "DeleteOptions", "apiVersion": "v1", "preconditions": {"uid": uid, "resourceVersion": rv}},
    )
    assert right.status == 200, right.body
    assert right.json() == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
        "details": {"name": "p", "kind": "configmaps", "uid": uid},
    }


def test_conflict_on_delete_preconditions(server: Server, ns: str) -> None:
    created = create_cm(server, ns, "p")
    uid, rv = created["metadata"]["uid"], created["metadata"]["resourceVersion"]
    path = f"/api/v1/namespaces/{ns}/configmaps/p"
    wrong_uid = server.request(
        "DELETE", path, {"kind": "DeleteOptions", "apiVersion": "v1", "preconditions": {"uid": "not-the-uid"}}
    )
    assert_status(
        wrong_uid,
        failure(
            409,
            "Conflict",
            f'Operation cannot be fulfilled on ConfigMap "p": the UID in the precondition (not-the-uid) '
            f"does not match the UID in record ({uid}). The object might have been deleted and then recreated",
            {"name": "p", "kind": "ConfigMap"},
        ),
    )
    wrong_rv = server.request("DELETE", path, {"preconditions": {"resourceVersion": "1"}})
    assert_status(
        wrong_rv,
        failure(
            409,
            "Conflict",
            f'Operation cannot be fulfilled on ConfigMap "p": the ResourceVersion in the precondition '
            f"(1) does not match the ResourceVersion in record ({rv}). The object might have been modified",
            {"name": "p", "kind": "ConfigMap"},
        ),
    )


# -- Invalid ---------------------------------------------------------------------------------------------


def invalid(kind: str, name: str, causes: list[tuple[str, str, str]]) -> dict[str, Any]:
    """A 422 Status; causes are (reason, field, message body) in validation order."""
    errors = [f"{field}: {message}" for _, field, message in causes]
    summary = errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"
    return failure(
        422,
        "Invalid",
        f'{kind} "{name}" is invalid: {summary}',
        {
            "name": name,
            "kind": kind,
            "causes": [
                {"reason": reason, "message": message, "field": field} for reason, field, message in causes
            ],
        },
    )


def test_invalid_name(server: Server, ns: str) -> None:
    answer = server.request("POST", f"/api/v1/namespaces/{ns}/configmaps", cm("Bad_Name"))
    assert_status(
        answer,
        invalid(
            "ConfigMap",
            "Bad_Name",
            [("FieldValueInvalid", "metadata.name", f'Invalid value: "Bad_Name": {DNS1123_SUBDOMAIN}')],
        ),
    )


def test_invalid_label_value(server: Server, ns: str) -> None:
    body = cm("x")
    body["metadata"]["labels"] = {"env": "-bad-"}
    answer = server.request("POST", f"/api/v1/namespaces/{ns}/configmaps", body)
    assert_status(
        answer,
        invalid(
            "ConfigMap",
            "x",
            [("FieldValueInvalid", "metadata.labels", f'Invalid value: "-bad-": {LABEL_VALUE}')],
        ),
    )


def test_invalid_data_key(server: Server, ns: str) -> None:
    answer = server.request("POST", f"/api/v1/namespaces/{ns}/configmaps", cm("x", data={"bad key": "v"}))
    assert_status(
        answer,
        invalid(
            "ConfigMap",
            "x",
            [("FieldValueInvalid", "data[bad key]", f'Invalid value: "bad key": {CONFIG_KEY}')],
        ),
    )


def test_invalid_reports_every_error(server: Server, ns: str) -> None:
    body = cm("Bad_Name", data={"bad key": "v"})
    body["metadata"]["labels"] = {"env": "-bad-"}
    answer = server.request("POST", f"/api/v1/namespaces/{ns}/configmaps", body)
    assert_status(
        answer,
        invalid(
            "ConfigMap",
            "Bad_Name",
            [
                ("FieldValueInvalid", "metadata.name", f'Invalid value: "Bad_Name": {DNS1123_SUBDOMAIN}'),
                ("FieldValueInvalid", "metadata.labels", f'Invalid value: "-bad-": {LABEL_VALUE}'),
                ("FieldValueInvalid", "data[bad key]", f'Invalid value: "bad key": {CONFIG_KEY}'),
            ],
        ),
    )


def test_invalid_update_of_an_immutable_configmap(server: Server, ns: str) -> None:
    created = create_cm(server, ns, "frozen", data={"a": "1"}, immutable=True)
    created["data"] = {"a": "2"}
    answer = server.request("PUT", f"/api/v1/namespaces/{ns}/configmaps/frozen", created)
    assert_status(
        answer,
        invalid(
            "ConfigMap",
            "frozen",
            [("FieldValueForbidden", "data", "Forbidden: field is immutable when `immutable` is set")],
        ),
    )


def test_invalid_through_the_python_client(server: Server, ns: str) -> None:
    with pytest.raises(ApiException) as caught:
        client.CoreV1Api(server.api).create_namespaced_config_map(ns, cm("Bad_Name"))
    assert caught.value.status == 422
    status = json.loads(caught.value.body)
    assert status["reason"] == "Invalid"
    assert [c["field"] for c in status["details"]["causes"]] == ["metadata.name"]
