"""Request-shape errors of issue 2 point 6: BadRequest, MethodNotAllowed, NotAcceptable,
UnsupportedMediaType and Unauthorized, compared with the whole Status kube-apiserver v1.35 sends.
"""

from __future__ import annotations

import json

import pytest
import yaml
from harness import Server
from kubernetes import client
from kubernetes.client.rest import ApiException
from statuses import assert_status, cm, create_cm, failure

MEDIA_TYPES = "application/json, application/yaml, application/vnd.kubernetes.protobuf"


# -- BadRequest ------------------------------------------------------------------------------------------


def test_namespace_mismatch_between_url_and_body(server: Server, ns: str) -> None:
    body = cm("x")
    body["metadata"]["namespace"] = "some-other-namespace"
    message = "the namespace of the provided object does not match the namespace sent on the request"
    answer = server.request("POST", f"/api/v1/namespaces/{ns}/configmaps", body)
    assert_status(answer, failure(400, "BadRequest", message))
    create_cm(server, ns, "y")
    body["metadata"]["name"] = "y"
    answer = server.request("PUT", f"/api/v1/namespaces/{ns}/configmaps/y", body)
    assert_status(answer, failure(400, "BadRequest", message))


def test_malformed_json_body(server: Server, ns: str) -> None:
    answer = server.request(
        "POST", f"/api/v1/namespaces/{ns}/configmaps", b"{", headers={"Content-Type": "application/json"}
    )
    assert_status(
        answer,
        failure(
            400,
            "BadRequest",
            "the object provided is unrecognized (must be of type ConfigMap): couldn't get "
            "version/kind; json parse error: unexpected end of JSON input ({)",
        ),
    )


def test_wrongly_typed_json_field(server: Server, ns: str) -> None:
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": 5}}
    answer = server.request("POST", f"/api/v1/namespaces/{ns}/configmaps", body)
    assert_status(
        answer,
        failure(
            400,
            "BadRequest",
            'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot '
            "unmarshal number into Go struct field ObjectMeta.metadata.name of type string",
        ),
    )


def test_invalid_label_selector(server: Server, ns: str) -> None:
    answer = server.request("GET", f"/api/v1/namespaces/{ns}/configmaps?labelSelector=a%20b")
    assert_status(
        answer,
        failure(
            400,
            "BadRequest",
            "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt",
        ),
    )
    with pytest.raises(ApiException) as caught:
        client.CoreV1Api(server.api).list_namespaced_config_map(ns, label_selector="a b")
    assert caught.value.status == 400


# -- MethodNotAllowed, NotAcceptable, UnsupportedMediaType, Unauthorized -----------------------------------


def test_method_not_allowed(server: Server, ns: str) -> None:
    expected = failure(
        405, "MethodNotAllowed", "the server does not allow this method on the requested resource", {}
    )
    assert_status(server.request("PUT", f"/api/v1/namespaces/{ns}/configmaps", cm("x")), expected)
    assert_status(
        server.request(
            "PATCH",
            f"/api/v1/namespaces/{ns}/configmaps",
            "{}",
            headers={"Content-Type": "application/merge-patch+json"},
        ),
        expected,
    )
    assert_status(server.request("POST", f"/api/v1/namespaces/{ns}/configmaps/x", cm("x")), expected)
    assert server.request("GET", f"/api/v1/namespaces/{ns}/configmaps/x").status == 404


def test_not_acceptable(server: Server, ns: str) -> None:
    answer = server.request(
        "GET", f"/api/v1/namespaces/{ns}/configmaps", headers={"Accept": "application/foo"}
    )
    assert_status(
        answer, failure(406, "NotAcceptable", f"only the following media types are accepted: {MEDIA_TYPES}")
    )


def test_not_acceptable_on_watch(server: Server, ns: str) -> None:
    """The list handler negotiates the object media type before it looks at watch."""
    answer = server.request(
        "GET", f"/api/v1/namespaces/{ns}/configmaps?watch=true", headers={"Accept": "application/foo"}
    )
    assert_status(
        answer, failure(406, "NotAcceptable", f"only the following media types are accepted: {MEDIA_TYPES}")
    )


def test_yaml_watch_is_not_acceptable(server: Server, ns: str) -> None:
    """YAML has no stream serializer; the Status itself is still written as YAML, the accepted type."""
    answer = server.request(
        "GET", f"/api/v1/namespaces/{ns}/configmaps?watch=true", headers={"Accept": "application/yaml"}
    )
    assert answer.status == 406
    assert answer.headers["content-type"] == "application/yaml"
    assert yaml.safe_load(answer.body) == failure(
        406,
        "NotAcceptable",
        "only the following media types are accepted: application/json;stream=watch, "
        "application/vnd.kubernetes.protobuf;stream=watch",
    )


def test_unsupported_media_type_on_create(server: Server, ns: str) -> None:
    answer = server.request(
        "POST",
        f"/api/v1/namespaces/{ns}/configmaps",
        json.dumps(cm("x")),
        headers={"Content-Type": "text/plain"},
    )
    assert_status(
        answer,
        failure(
            415,
            "UnsupportedMediaType",
            f"the body of the request was in an unknown format - accepted media types include: {MEDIA_TYPES}",
        ),
    )


def test_unsupported_patch_type(server: Server, ns: str) -> None:
    create_cm(server, ns, "x")
    answer = server.request(
        "PATCH",
        f"/api/v1/namespaces/{ns}/configmaps/x",
        '{"data":{"a":"b"}}',
        headers={"Content-Type": "application/foo"},
    )
    assert_status(
        answer,
        failure(
            415,
            "UnsupportedMediaType",
            "the body of the request was in an unknown format - accepted media types include: "
            "application/json-patch+json, application/merge-patch+json, "
            "application/strategic-merge-patch+json, application/apply-patch+yaml",
        ),
    )


def test_unauthorized_without_client_certificate(server: Server, ns: str) -> None:
    for method, path in (
        ("GET", "/api/v1/namespaces"),
        ("GET", f"/api/v1/namespaces/{ns}/configmaps"),
        ("POST", f"/api/v1/namespaces/{ns}/configmaps"),
        ("GET", "/api"),
    ):
        answer = server.request(method, path, cm("x") if method == "POST" else None, cert=False)
        assert_status(answer, failure(401, "Unauthorized", "Unauthorized"))
    assert server.request("GET", f"/api/v1/namespaces/{ns}/configmaps/x", cert=True).status == 404
