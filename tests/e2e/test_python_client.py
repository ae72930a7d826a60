"""The official `kubernetes` Python client against the real server: generateName, patches, watches."""

from __future__ import annotations

import json
import re
import threading
import time
from typing import Any

import pytest
from harness import Server
from kubernetes import client, watch
from kubernetes.client.rest import ApiException

# k8s.io/apiserver names.SimpleNameGenerator: 5 characters from an alphabet without vowels and 0,1,3.
GENERATED_SUFFIX = "[bcdfghjklmnpqrstvwxz2456789]{5}"


def core(server: Server) -> client.CoreV1Api:
    return client.CoreV1Api(server.api)


def body(
    name: str = "",
    labels: dict[str, str] | None = None,
    data: dict[str, str] | None = None,
    generate_name: str = "",
) -> client.V1ConfigMap:
    meta = client.V1ObjectMeta(name=name or None, labels=labels, generate_name=generate_name or None)
    return client.V1ConfigMap(metadata=meta, data=data)


def test_generate_name(server: Server, ns: str) -> None:
    first = core(server).create_namespaced_config_map(ns, body(generate_name="gen-"))
    second = core(server).create_namespaced_config_map(ns, body(generate_name="gen-"))
    for made in (first, second):
        assert re.fullmatch(f"gen-{GENERATED_SUFFIX}", made.metadata.name), made.metadata.name
        assert made.metadata.generate_name == "gen-"
    assert first.metadata.name != second.metadata.name
    names = {item.metadata.name for item in core(server).list_namespaced_config_map(ns).items}
    assert names == {first.metadata.name, second.metadata.name}


def test_invalid_generate_name_reports_both_fields(server: Server, ns: str) -> None:
    with pytest.raises(ApiException) as caught:
        core(server).create_namespaced_config_map(ns, body(generate_name="Bad_"))
    status = json.loads(caught.value.body)
    assert caught.value.status == 422 and status["reason"] == "Invalid"
    assert [(c["reason"], c["field"]) for c in status["details"]["causes"]] == [
        ("FieldValueInvalid", "metadata.generateName"),
        ("FieldValueInvalid", "metadata.name"),
    ]
    assert status["details"]["causes"][0]["message"].startswith(
        'Invalid value: "Bad_": a lowercase RFC 1123 subdomain'
    )
    assert re.fullmatch(f"Bad_{GENERATED_SUFFIX}", status["details"]["name"])


def test_json_patch(server: Server, ns: str) -> None:
    created = core(server).create_namespaced_config_map(ns, body("p", data={"a": "1"}))
    patched = core(server).patch_namespaced_config_map(
        "p",
        ns,
        [
            {"op": "add", "path": "/data/b", "value": "2"},
            {"op": "replace", "path": "/data/a", "value": "one"},
            {"op": "add", "path": "/metadata/labels", "value": {"x": "y"}},
        ],
    )
    assert patched.data == {"a": "one", "b": "2"}
    assert patched.metadata.labels == {"x": "y"}
    assert int(patched.metadata.resource_version) > int(created.metadata.resource_version)
    assert patched.metadata.uid == created.metadata.uid


def test_json_patch_failed_test_operation_is_422(server: Server, ns: str) -> None:
    core(server).create_namespaced_config_map(ns, body("p", data={"a": "1"}))
    answer = server.request(
        "PATCH",
        f"/api/v1/namespaces/{ns}/configmaps/p",
        '[{"op":"test","path":"/data/a","value":"2"}]',
        headers={"Content-Type": "application/json-patch+json"},
    )
    assert answer.status == 422, answer.body
    assert answer.json() == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "the server rejected our request due to an error in our request",
        "reason": "Invalid",
        "details": {},
        "code": 422,
    }
    assert core(server).read_namespaced_config_map("p", ns).data == {"a": "1"}


def test_merge_patch(server: Server, ns: str) -> None:
    core(server).create_namespaced_config_map(
        ns, body("m", labels={"keep": "1", "drop": "1"}, data={"a": "1", "b": "2"})
    )
    patched = core(server).patch_namespaced_config_map(
        "m",
        ns,
        {"metadata": {"labels": {"drop": None}}, "data": {"a": None, "c": "3"}},
        _content_type="application/merge-patch+json",
    )
    assert patched.metadata.labels == {"keep": "1"}
    assert patched.data == {"b": "2", "c": "3"}


def test_strategic_merge_patch_is_the_client_default_for_objects(server: Server, ns: str) -> None:
    core(server).create_namespaced_config_map(ns, body("s", data={"a": "1"}))
    patched = core(server).patch_namespaced_config_map("s", ns, {"data": {"b": "2"}})
    assert patched.data == {"a": "1", "b": "2"}


def test_patch_with_stale_resource_version_conflicts(server: Server, ns: str) -> None:
    created = core(server).create_namespaced_config_map(ns, body("r", data={"a": "1"}))
    core(server).patch_namespaced_config_map("r", ns, {"data": {"a": "2"}})
    with pytest.raises(ApiException) as caught:
        core(server).patch_namespaced_config_map(
            "r",
            ns,
            {"metadata": {"resourceVersion": created.metadata.resource_version}, "data": {"a": "3"}},
            _content_type="application/merge-patch+json",
        )
    assert caught.value.status == 409
    assert json.loads(caught.value.body)["message"] == (
        'Operation cannot be fulfilled on configmaps "r": the object has been modified; please apply your '
        "changes to the latest version and try again"
    )


def events(stream: Any) -> list[tuple[str, str]]:
    return [(event["type"], event["object"].metadata.name) for event in stream]


def test_watch_from_resource_version_with_selectors_and_timeout(server: Server, ns: str) -> None:
    api = core(server)
    start = api.create_namespaced_config_map(ns, body("start")).metadata.resource_version
    api.create_namespaced_config_map(ns, body("a", labels={"app": "x"}))
    api.create_namespaced_config_map(ns, body("b", labels={"app": "x"}))
    api.create_namespaced_config_map(ns, body("c", labels={"app": "y"}))
    api.patch_namespaced_config_map("a", ns, {"data": {"k": "v"}})
    api.patch_namespaced_config_map("c", ns, {"metadata": {"labels": {"app": "x"}}})
    api.delete_namespaced_config_map("b", ns)

    began = time.monotonic()
    by_label = events(
        watch.Watch().stream(
            api.list_namespaced_config_map,
            ns,
            resource_version=start,
            label_selector="app=x",
            timeout_seconds=1,
        )
    )
    assert time.monotonic() - began < 10
    # c enters the selection by its label change: a watch reports it as ADDED.
    assert by_label == [("ADDED", "a"), ("ADDED", "b"), ("MODIFIED", "a"), ("ADDED", "c"), ("DELETED", "b")]

    by_field = events(
        watch.Watch().stream(
            api.list_namespaced_config_map,
            ns,
            resource_version=start,
            field_selector="metadata.name=a",
            timeout_seconds=1,
        )
    )
    assert by_field == [("ADDED", "a"), ("MODIFIED", "a")]

    both = events(
        watch.Watch().stream(
            api.list_namespaced_config_map,
            ns,
            resource_version=start,
            label_selector="app in (x)",
            field_selector="metadata.name!=a",
            timeout_seconds=1,
        )
    )
    assert both == [("ADDED", "b"), ("ADDED", "c"), ("DELETED", "b")]


def test_watch_leaving_the_selection_is_deleted(server: Server, ns: str) -> None:
    api = core(server)
    start = api.create_namespaced_config_map(ns, body("a", labels={"app": "x"})).metadata.resource_version
    api.patch_namespaced_config_map("a", ns, {"metadata": {"labels": {"app": "y"}}})
    seen = events(
        watch.Watch().stream(
            api.list_namespaced_config_map,
            ns,
            resource_version=start,
            label_selector="app=x",
            timeout_seconds=1,
        )
    )
    assert seen == [("DELETED", "a")]


def test_watch_streams_live_events(server: Server, ns: str) -> None:
    api = core(server)
    start = api.list_namespaced_config_map(ns).metadata.resource_version

    def writer() -> None:
        time.sleep(0.3)
        api.create_namespaced_config_map(ns, body("live", data={"n": "1"}))
        api.replace_namespaced_config_map("live", ns, body("live", data={"n": "2"}))
        api.delete_namespaced_config_map("live", ns)

    thread = threading.Thread(target=writer)
    thread.start()
    seen: list[tuple[str, str, dict[str, str] | None]] = []
    stream = watch.Watch()
    for event in stream.stream(
        api.list_namespaced_config_map, ns, resource_version=start, timeout_seconds=15
    ):
        seen.append((event["type"], event["object"].metadata.name, event["object"].data))
        if event["type"] == "DELETED":
            stream.stop()
    thread.join()
    assert seen == [
        ("ADDED", "live", {"n": "1"}),
        ("MODIFIED", "live", {"n": "2"}),
        ("DELETED", "live", {"n": "2"}),
    ]


def test_watch_event_objects_carry_increasing_resource_versions(server: Server, ns: str) -> None:
    api = core(server)
    start = api.list_namespaced_config_map(ns).metadata.resource_version
    for i in range(3):
        api.create_namespaced_config_map(ns, body(f"n{i}"))
    versions = [
        int(e["object"].metadata.resource_version)
        for e in watch.Watch().stream(
            api.list_namespaced_config_map, ns, resource_version=start, timeout_seconds=1
        )
    ]
    assert len(versions) == 3 and versions == sorted(versions) and versions[0] > int(start)


def test_unknown_field_selector(server: Server, ns: str) -> None:
    with pytest.raises(ApiException) as caught:
        core(server).list_namespaced_config_map(ns, field_selector="data.x=y")
    assert caught.value.status == 400
    status = json.loads(caught.value.body)
    assert status["reason"] == "BadRequest"
    assert (
        status["message"]
        == '"data.x" is not a known field selector: only "metadata.name", "metadata.namespace"'
    )


def test_list_with_limit_and_continue(server: Server, ns: str) -> None:
    api = core(server)
    for i in range(5):
        api.create_namespaced_config_map(ns, body(f"item-{i}"))
    names: list[str] = []
    token = None
    pages = 0
    while True:
        page = api.list_namespaced_config_map(ns, limit=2, _continue=token)
        pages += 1
        names += [item.metadata.name for item in page.items]
        token = page.metadata._continue
        if not token:
            break
        assert page.metadata.remaining_item_count == 5 - len(names)
    assert pages == 3
    assert names == [f"item-{i}" for i in range(5)]
