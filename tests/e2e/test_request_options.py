"""Query options client-go and kubectl send: raw JSON watch framing, sendInitialEvents, dryRun, list semantics."""

from __future__ import annotations

import json
from typing import Any

from harness import Server


def create_cm(server: Server, ns: str, name: str, query: str = "") -> dict[str, Any]:
    answer = server.request(
        "POST", f"/api/v1/namespaces/{ns}/configmaps{query}", {"metadata": {"name": name}}
    )
    assert answer.status == 201, answer.body
    return answer.json()


def watch_events(server: Server, path: str) -> list[dict[str, Any]]:
    answer = server.request("GET", path)
    assert answer.status == 200, answer.body
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers.get("transfer-encoding") == "chunked"
    return [json.loads(line) for line in answer.body.split(b"\n") if line.strip()]


def test_raw_json_watch_stream(server: Server, ns: str) -> None:
    start = create_cm(server, ns, "a")["metadata"]["resourceVersion"]
    b = create_cm(server, ns, "b")
    assert server.request("DELETE", f"/api/v1/namespaces/{ns}/configmaps/a").status == 200
    events = watch_events(
        server, f"/api/v1/namespaces/{ns}/configmaps?watch=true&resourceVersion={start}&timeoutSeconds=1"
    )
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [
        ("ADDED", "b"),
        ("DELETED", "a"),
    ]
    assert events[0]["object"] == b
    assert set(events[0]) == {"type", "object"}
    assert events[1]["object"]["kind"] == "ConfigMap" and events[1]["object"]["apiVersion"] == "v1"
    assert int(events[1]["object"]["metadata"]["resourceVersion"]) > int(b["metadata"]["resourceVersion"])


def test_watch_of_one_object_by_name(server: Server, ns: str) -> None:
    start = create_cm(server, ns, "one")["metadata"]["resourceVersion"]
    create_cm(server, ns, "other")
    server.request(
        "PATCH",
        f"/api/v1/namespaces/{ns}/configmaps/one",
        '{"data":{"x":"y"}}',
        headers={"Content-Type": "application/merge-patch+json"},
    )
    events = watch_events(
        server,
        f"/api/v1/namespaces/{ns}/configmaps?watch=1&fieldSelector=metadata.name%3Done"
        f"&resourceVersion={start}&timeoutSeconds=1",
    )
    assert [(e["type"], e["object"]["data"]) for e in events] == [("MODIFIED", {"x": "y"})]


def test_send_initial_events_ends_with_a_bookmark(server: Server, ns: str) -> None:
    """The watch-list protocol client-go informers use: state as ADDED events, then a marked BOOKMARK."""
    created = [create_cm(server, ns, name) for name in ("x", "y")]
    events = watch_events(
        server,
        f"/api/v1/namespaces/{ns}/configmaps?watch=1&sendInitialEvents=true"
        "&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1",
    )
    initial = [e for e in events if e["type"] != "BOOKMARK"]
    assert sorted((e["type"], e["object"]["metadata"]["name"]) for e in initial) == [
        ("ADDED", "x"),
        ("ADDED", "y"),
    ]
    marks = [
        e
        for e in events
        if e["type"] == "BOOKMARK"
        and e["object"]["metadata"].get("annotations", {}).get("k8s.io/initial-events-end") == "true"
    ]
    assert len(marks) == 1, events
    bookmark = marks[0]["object"]
    assert bookmark["kind"] == "ConfigMap" and bookmark["apiVersion"] == "v1"
    assert int(bookmark["metadata"]["resourceVersion"]) >= max(
        int(c["metadata"]["resourceVersion"]) for c in created
    )
    assert events.index(marks[0]) == len(initial), "the bookmark comes after every initial event"


def invalid_options(kind: str, field: str, reason: str, body: str) -> dict[str, Any]:
    """The 422 kube-apiserver answers for bad query options: an unnamed meta.k8s.io/<kind>."""
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": f'{kind}.meta.k8s.io "" is invalid: {field}: {body}',
        "reason": "Invalid",
        "details": {
            "group": "meta.k8s.io",
            "kind": kind,
            "causes": [{"reason": reason, "message": body, "field": field}],
        },
        "code": 422,
    }


def test_send_initial_events_requires_not_older_than(server: Server, ns: str) -> None:
    answer = server.request("GET", f"/api/v1/namespaces/{ns}/configmaps?watch=1&sendInitialEvents=true")
    assert answer.status == 422, answer.body
    assert answer.json() == invalid_options(
        "ListOptions",
        "resourceVersionMatch",
        "FieldValueForbidden",
        "Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan",
    )


def test_dry_run_create_persists_nothing(server: Server, ns: str) -> None:
    dry = create_cm(server, ns, "dry", "?dryRun=All")
    assert dry["metadata"]["name"] == "dry" and dry["metadata"]["uid"]
    assert server.request("GET", f"/api/v1/namespaces/{ns}/configmaps/dry").status == 404
    assert server.kubectl("-n", ns, "create", "cm", "dry2", "--dry-run=server").stdout == (
        "configmap/dry2 created (server dry run)\n"
    )
    assert server.request("GET", f"/api/v1/namespaces/{ns}/configmaps/dry2").status == 404


def test_unknown_dry_run_value(server: Server, ns: str) -> None:
    answer = server.request(
        "POST", f"/api/v1/namespaces/{ns}/configmaps?dryRun=Maybe", {"metadata": {"name": "x"}}
    )
    assert answer.status == 422, answer.body
    assert answer.json() == invalid_options(
        "CreateOptions",
        "dryRun",
        "FieldValueNotSupported",
        'Unsupported value: ["Maybe"]: supported values: "All"',
    )
    assert server.request("GET", f"/api/v1/namespaces/{ns}/configmaps/x").status == 404


def test_list_resource_version_semantics(server: Server, ns: str) -> None:
    first = create_cm(server, ns, "v1")
    rv = first["metadata"]["resourceVersion"]
    create_cm(server, ns, "v2")
    current = server.request("GET", f"/api/v1/namespaces/{ns}/configmaps").json()
    assert [i["metadata"]["name"] for i in current["items"]] == ["v1", "v2"]
    assert int(current["metadata"]["resourceVersion"]) > int(rv)
    any_version = server.request("GET", f"/api/v1/namespaces/{ns}/configmaps?resourceVersion=0").json()
    assert {i["metadata"]["name"] for i in any_version["items"]} == {"v1", "v2"}
    exact = server.request(
        "GET", f"/api/v1/namespaces/{ns}/configmaps?resourceVersion={rv}&resourceVersionMatch=Exact"
    )
    assert exact.status == 200, exact.body
    assert [i["metadata"]["name"] for i in exact.json()["items"]] == ["v1"]
    assert exact.json()["metadata"]["resourceVersion"] == rv
