"""fieldValidation (Strict, Warn, Ignore) as kubectl's --validate and raw requests use it:
unknown and duplicate fields refused with upstream's message, or reported as Warning headers."""

from __future__ import annotations

import json

from harness import Server
from machinery import post_with_warnings

UNKNOWN = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: v\n  colour: red\ndata:\n  a: \"1\"\nspec: {}\n"


def test_validate_strict_refuses_unknown_fields(server: Server, ns: str) -> None:
    failed = server.kubectl("-n", ns, "create", "--validate=strict", "-f", "-", input=UNKNOWN, check=False)
    assert failed.returncode == 1
    assert failed.stderr == (
        'Error from server (BadRequest): error when creating "STDIN": ConfigMap in version "v1" cannot be handled '
        'as a ConfigMap: strict decoding error: unknown field "metadata.colour", unknown field "spec"\n'
    )
    assert server.kubectl("-n", ns, "get", "cm", "v", check=False).returncode == 1


def test_validate_warn_and_ignore(server: Server, ns: str) -> None:
    warned = server.kubectl("-n", ns, "create", "--validate=warn", "-f", "-", input=UNKNOWN)
    assert warned.stdout == "configmap/v created\n"
    assert warned.stderr == 'Warning: unknown field "metadata.colour"\nWarning: unknown field "spec"\n'
    cm = json.loads(server.kubectl("-n", ns, "get", "cm", "v", "-o", "json").stdout)
    assert "colour" not in cm["metadata"] and "spec" not in cm
    ignored = server.kubectl(
        "-n", ns, "create", "--validate=false", "-f", "-", input=UNKNOWN.replace("name: v", "name: w")
    )
    assert (ignored.stdout, ignored.stderr) == ("configmap/w created\n", "")


def test_validate_strict_on_server_side_apply(server: Server, ns: str) -> None:
    failed = server.kubectl(
        "-n", ns, "apply", "--server-side", "--validate=strict", "-f", "-", input=UNKNOWN, check=False
    )
    assert failed.returncode == 1
    # Upstream's field manager returns a plain error here, which the API answers as a 500 with
    # reason Unknown (so kubectl says "Error from server:"), listing every undeclared field.
    assert failed.stderr == (
        f"Error from server: failed to create typed patch object ({ns}/v; /v1, Kind=ConfigMap): errors:\n"
        "  .metadata.colour: field not declared in schema\n"
        "  .spec: field not declared in schema\n"
    )
    answer = server.request(
        "PATCH",
        f"/api/v1/namespaces/{ns}/configmaps/v?fieldManager=m",
        '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"v"},"spec":{}}',
        headers={"Content-Type": "application/apply-patch+yaml"},
    )
    assert answer.status == 500, answer.body
    assert "reason" not in answer.json(), "reason Unknown is empty and omitted"
    assert answer.json()["message"] == (
        # The applied object names no namespace, and upstream prints the applied object's.
        "failed to create typed patch object (/v; /v1, Kind=ConfigMap): .spec: field not declared in schema"
    )


def test_field_validation_on_raw_requests(server: Server, ns: str) -> None:
    path = f"/api/v1/namespaces/{ns}/configmaps"
    body = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup"},"data":{"a":"1"},"data":{"b":"2"},"x":1}'
    strict = server.request("POST", path + "?fieldValidation=Strict", body, {"Content-Type": "application/json"})
    assert strict.status == 400, strict.body
    assert strict.json()["message"] == (
        'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: '
        'duplicate field "data", unknown field "x"'
    )
    status, warnings, created = post_with_warnings(server, path + "?fieldValidation=Warn", body)
    assert status == 201, created
    assert created["data"] == {"a": "1", "b": "2"}, "Go decodes the repeat into the map the first one filled"
    assert warnings == ['299 - "duplicate field \\"data\\""', '299 - "unknown field \\"x\\""']
    bad = server.request("POST", path + "?fieldValidation=Sometimes", body, {"Content-Type": "application/json"})
    assert bad.status == 422, bad.body
    assert bad.json()["message"] == (
        'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Sometimes": '
        'supported values: "", "Ignore", "Strict", "Warn"'
    )


def test_strict_decoding_errors_in_document_order(server: Server, ns: str) -> None:
    body = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup"},"x":1,"data":{"a":"1"},"data":{"b":"2"}}'
    strict = server.request(
        "POST", f"/api/v1/namespaces/{ns}/configmaps?fieldValidation=Strict", body, {"Content-Type": "application/json"}
    )
    assert strict.status == 400, strict.body
    assert strict.json()["message"] == (
        'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: '
        'unknown field "x", duplicate field "data"'
    )




def test_strict_decoding_of_a_yaml_body_reports_repeated_keys_first(server: Server, ns: str) -> None:
    path = f"/api/v1/namespaces/{ns}/configmaps"
    body = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\nx: 1\ndata:\n  a: '1'\ndata:\n  b: '2'\n"
    yaml = {"Content-Type": "application/yaml"}
    strict = server.request("POST", path + "?fieldValidation=Strict", body, yaml)
    assert strict.status == 400, strict.body
    assert strict.json()["message"] == (
        'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: error converting '
        'YAML to JSON: yaml: unmarshal errors:\n  line 9: key "data" already set in map, unknown field "x"'
    )
    status, warnings, created = post_with_warnings(server, path, body, "application/yaml")
    assert status == 201, created
    assert created["data"] == {"b": "2"}, "YAML keeps the last value"
    assert warnings == [
        '299 - "error converting YAML to JSON: yaml: unmarshal errors:   line 9: key \\"data\\" already set in map"',
        '299 - "unknown field \\"x\\""',
    ]
