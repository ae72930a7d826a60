"""Server-side apply through the API: creation by apply, list and map types (map, set, atomic),
managedFields for Update operations of every verb, fieldManager rules and managedFields resets."""

from __future__ import annotations

import json
from typing import Any

import pytest
from harness import Response, Server

APPLY = {"Content-Type": "application/apply-patch+yaml"}


def apply(server: Server, path: str, body: dict[str, Any], manager: str, force: bool = False) -> Response:
    query = f"?fieldManager={manager}" + ("&force=true" if force else "")
    return server.request("PATCH", path + query, json.dumps(body), headers=APPLY)


def svc_path(ns: str, name: str = "") -> str:
    return f"/api/v1/namespaces/{ns}/services" + (f"/{name}" if name else "")


def service(name: str, **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name}, "spec": spec}


def entries(obj: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(m["manager"], m["operation"]): m for m in obj["metadata"].get("managedFields", [])}


def test_apply_creates_a_missing_object(server: Server, ns: str) -> None:
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "new"}, "data": {"a": "1"}}
    answer = apply(server, f"/api/v1/namespaces/{ns}/configmaps/new", body, "creator")
    assert answer.status == 201, answer.body
    created = answer.json()
    (entry,) = created["metadata"]["managedFields"]
    assert (entry["manager"], entry["operation"], entry["apiVersion"], entry["fieldsType"]) == (
        "creator", "Apply", "v1", "FieldsV1",
    )
    assert entry["fieldsV1"] == {"f:data": {"f:a": {}}}
    again = apply(server, f"/api/v1/namespaces/{ns}/configmaps/new", body, "creator")
    assert again.status == 200, again.body
    assert again.json()["metadata"]["resourceVersion"] == created["metadata"]["resourceVersion"], "a no-op"


def test_list_type_map_merges_by_key(server: Server, ns: str) -> None:
    path = svc_path(ns, "m")
    one = service("m", ports=[{"name": "http", "port": 80}], selector={"app": "m"})
    assert apply(server, path, one, "one").status == 201
    two = service("m", ports=[{"name": "https", "port": 443}])
    answer = apply(server, path, two, "two")
    assert answer.status == 200, answer.body
    assert [p["port"] for p in answer.json()["spec"]["ports"]] == [80, 443]
    owned = entries(answer.json())[("two", "Apply")]["fieldsV1"]["f:spec"]["f:ports"]
    assert list(owned) == ['k:{"port":443,"protocol":"TCP"}']
    # "one" stops applying its port: only that element goes.
    answer = apply(server, path, service("m", selector={"app": "m"}), "one")
    assert [p["port"] for p in answer.json()["spec"]["ports"]] == [443]


def test_list_type_set_of_finalizers(server: Server, ns: str) -> None:
    path = f"/api/v1/namespaces/{ns}/configmaps/s"

    def body(*finalizers: str) -> dict[str, Any]:
        return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "s", "finalizers": list(finalizers)}}

    apply(server, path, body("example.com/a"), "one")
    answer = apply(server, path, body("example.com/b"), "two")
    assert answer.json()["metadata"]["finalizers"] == ["example.com/a", "example.com/b"]
    owned = entries(answer.json())[("two", "Apply")]["fieldsV1"]["f:metadata"]["f:finalizers"]
    assert owned == {'v:"example.com/b"': {}}
    answer = apply(server, path, body(), "one")
    assert answer.json()["metadata"]["finalizers"] == ["example.com/b"]
    apply(server, path, body(), "two")
    assert server.request("GET", path).json()["metadata"].get("finalizers") is None


def test_atomic_list_and_map_conflict_as_a_whole(server: Server, ns: str) -> None:
    path = svc_path(ns, "a")
    first = service("a", ports=[{"port": 80}], selector={"app": "a"}, externalIPs=["192.0.2.1"])
    assert apply(server, path, first, "one").status == 201
    answer = apply(server, path, service("a", externalIPs=["192.0.2.2"], selector={"tier": "b"}), "two")
    assert answer.status == 409, answer.body
    status = answer.json()
    assert status["message"] == (
        'Apply failed with 2 conflicts: conflicts with "one":\n- .spec.externalIPs\n- .spec.selector'
    )
    assert status["details"]["causes"] == [
        {"reason": "FieldManagerConflict", "message": 'conflict with "one"', "field": ".spec.externalIPs"},
        {"reason": "FieldManagerConflict", "message": 'conflict with "one"', "field": ".spec.selector"},
    ]
    forced = apply(server, path, service("a", externalIPs=["192.0.2.2"], selector={"tier": "b"}), "two", force=True)
    assert forced.status == 200, forced.body
    spec = forced.json()["spec"]
    # Atomic: replaced whole, not merged.
    assert spec["externalIPs"] == ["192.0.2.2"] and spec["selector"] == {"tier": "b"}
    assert entries(forced.json())[("two", "Apply")]["fieldsV1"]["f:spec"] == {"f:externalIPs": {}, "f:selector": {}}


def test_update_operations_of_every_verb_are_tracked(server: Server, ns: str) -> None:
    base = f"/api/v1/namespaces/{ns}/configmaps"
    created = server.request("POST", base + "?fieldManager=creator", {"metadata": {"name": "u"}, "data": {"a": "1"}})
    assert created.status == 201, created.body
    body = created.json()
    body["data"]["b"] = "2"
    put = server.request("PUT", base + "/u?fieldManager=updater", body)
    assert put.status == 200, put.body
    patches = (
        ("merger", "application/merge-patch+json", '{"data":{"c":"3"}}'),
        ("strategist", "application/strategic-merge-patch+json", '{"data":{"d":"4"}}'),
        ("jsoner", "application/json-patch+json", '[{"op":"add","path":"/data/e","value":"5"}]'),
    )
    for manager, content_type, patch in patches:
        answer = server.request("PATCH", f"{base}/u?fieldManager={manager}", patch, headers={"Content-Type": content_type})
        assert answer.status == 200, answer.body
    final = server.request("GET", base + "/u").json()
    owned = {k[0]: v["fieldsV1"] for k, v in entries(final).items()}
    assert set(entries(final)) == {
        (m, "Update") for m in ("creator", "updater", "merger", "strategist", "jsoner")
    }
    assert owned["creator"] == {"f:data": {".": {}, "f:a": {}}}
    assert owned["updater"] == {"f:data": {"f:b": {}}}
    assert owned["merger"] == {"f:data": {"f:c": {}}}
    assert owned["strategist"] == {"f:data": {"f:d": {}}}
    assert owned["jsoner"] == {"f:data": {"f:e": {}}}


def test_manager_defaults_to_the_user_agent(server: Server, ns: str) -> None:
    answer = server.request(
        "POST",
        f"/api/v1/namespaces/{ns}/configmaps",
        {"metadata": {"name": "ua"}, "data": {"a": "1"}},
        headers={"User-Agent": "my-operator/1.2.3 (linux/amd64) kubernetes/abcdef"},
    )
    assert answer.status == 201, answer.body
    assert set(entries(answer.json())) == {("my-operator", "Update")}


def test_field_manager_rules(server: Server, ns: str) -> None:
    path = f"/api/v1/namespaces/{ns}/configmaps/f"
    body = json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "f"}})
    missing = server.request("PATCH", path, body, headers=APPLY)
    assert missing.status == 422, missing.body
    assert missing.json()["message"] == (
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch'
    )
    long_name = "m" * 129
    too_long = server.request(
        "POST", f"/api/v1/namespaces/{ns}/configmaps?fieldManager={long_name}", {"metadata": {"name": "f"}}
    )
    assert too_long.status == 422, too_long.body
    assert too_long.json()["message"] == (
        'CreateOptions.meta.k8s.io "" is invalid: fieldManager: Too long: may not be more than 128 bytes'
    )
    forced = server.request(
        "PATCH", path + "?force=true", '{"data":{}}', headers={"Content-Type": "application/merge-patch+json"}
    )
    assert forced.status == 422, forced.body
    assert forced.json()["message"] == (
        'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch'
    )


def test_managed_fields_in_an_apply_body_are_refused(server: Server, ns: str) -> None:
    body = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "mf", "managedFields": [{"manager": "x", "operation": "Apply"}]},
    }
    answer = apply(server, f"/api/v1/namespaces/{ns}/configmaps/mf", body, "m")
    assert answer.status == 400, answer.body
    assert answer.json()["message"] == "metadata.managedFields must be nil"


def test_managed_fields_reset_by_an_update(server: Server, ns: str) -> None:
    base = f"/api/v1/namespaces/{ns}/configmaps"
    server.request("POST", base + "?fieldManager=a", {"metadata": {"name": "r"}, "data": {"k": "v"}})
    reset = server.request(
        "PATCH",
        base + "/r",
        '{"metadata":{"managedFields":[{}]}}',
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert reset.status == 200, reset.body
    assert "managedFields" not in reset.json()["metadata"], "a list with one empty entry clears them"
    # Updates of an object without managedFields stay untracked (upstream skipNonAppliedManager);
    # the next apply starts tracking again.
    update = server.request(
        "PATCH", base + "/r?fieldManager=b", '{"data":{"x":"y"}}', headers={"Content-Type": "application/merge-patch+json"}
    )
    assert "managedFields" not in update.json()["metadata"]
    applied = apply(server, base + "/r", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "r"},
                                          "data": {"z": "1"}}, "c")
    # What was there before the first apply is owned by "before-first-apply", as upstream.
    assert set(entries(applied.json())) == {("before-first-apply", "Update"), ("c", "Apply")}


def test_apply_after_client_side_apply_upgrades_ownership(server: Server, ns: str) -> None:
    """The server's own upgrade path: a server-side apply over an object managed by client-side
    apply's last-applied annotation takes over the fields that annotation lists."""
    manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: csa\ndata:\n  a: \"1\"\n  b: \"2\"\n"
    server.kubectl("-n", ns, "apply", "-f", "-", input=manifest)
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "csa"}, "data": {"a": "9"}}
    answer = apply(server, f"/api/v1/namespaces/{ns}/configmaps/csa", body, "kubectl")
    assert answer.status == 200, answer.body
    assert answer.json()["data"] == {"a": "9", "b": "2"}


@pytest.mark.parametrize("kind", ["merge", "strategic"])
def test_apply_and_patch_dry_run(server: Server, ns: str, kind: str) -> None:
    path = f"/api/v1/namespaces/{ns}/configmaps/d"
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "d"}, "data": {"a": "1"}}
    dry = server.request("PATCH", path + "?fieldManager=m&dryRun=All", json.dumps(body), headers=APPLY)
    assert dry.status == 201, dry.body
    assert server.request("GET", path).status == 404
    apply(server, path, body, "m")
    content_type = {"merge": "application/merge-patch+json", "strategic": "application/strategic-merge-patch+json"}
    patched = server.request("PATCH", path + "?dryRun=All", '{"data":{"a":"2"}}', headers={"Content-Type": content_type[kind]})
    assert patched.status == 200 and patched.json()["data"] == {"a": "2"}
    assert server.request("GET", path).json()["data"] == {"a": "1"}
