"""The list and watch contracts through the `kubernetes` Python client (and raw HTTPS where the
exact Status matters): paging, resourceVersion semantics, watches from a resourceVersion under
concurrent writers, bookmarks, streaming lists and timeouts. What compaction does to old
resourceVersions is in test_machinery_compaction.py.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from harness import Server
from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException
from machinery import cm, core, make, status_of, stream

# -- paging --------------------------------------------------------------------------------------


def test_paging_over_many_objects(server: Server, ns: str) -> None:
    make(server, ns, 30)
    api = core(server)
    names: list[str] = []
    remaining: list[int | None] = []
    versions: set[str] = set()
    token = None
    while True:
        page = api.list_namespaced_config_map(ns, limit=7, _continue=token)
        names += [item.metadata.name for item in page.items]
        versions.add(page.metadata.resource_version)
        token = page.metadata._continue
        remaining.append(page.metadata.remaining_item_count)
        if not token:
            break
        assert len(page.items) == 7
    assert names == [f"item-{i:03d}" for i in range(30)]
    assert remaining == [23, 16, 9, 2, None]
    assert len(versions) == 1, "every page is read at the first page's resourceVersion"


def test_paging_reads_one_snapshot(server: Server, ns: str) -> None:
    make(server, ns, 6)
    api = core(server)
    first = api.list_namespaced_config_map(ns, limit=3)
    assert [i.metadata.name for i in first.items] == ["item-000", "item-001", "item-002"]
    api.delete_namespaced_config_map("item-004", ns)
    api.create_namespaced_config_map(ns, cm("item-003a"))
    rest = api.list_namespaced_config_map(ns, limit=10, _continue=first.metadata._continue)
    # Read at the first page's revision: the later delete and create are not seen.
    assert [i.metadata.name for i in rest.items] == ["item-003", "item-004", "item-005"]
    assert rest.metadata._continue is None and rest.metadata.remaining_item_count is None
    now = api.list_namespaced_config_map(ns)
    assert [i.metadata.name for i in now.items][3:] == ["item-003", "item-003a", "item-005"]


def test_paging_with_a_label_selector(server: Server, ns: str) -> None:
    make(server, ns, 10, labels={"keep": "yes"})
    make(server, ns, 10, prefix="other")
    api = core(server)
    page = api.list_namespaced_config_map(ns, limit=4, label_selector="keep=yes")
    assert len(page.items) == 4 and page.metadata._continue
    # With a selector the server cannot know how many remain: upstream leaves the count out.
    assert page.metadata.remaining_item_count is None
    names = [i.metadata.name for i in page.items]
    while page.metadata._continue:
        page = api.list_namespaced_config_map(ns, limit=4, label_selector="keep=yes", _continue=page.metadata._continue)
        names += [i.metadata.name for i in page.items]
    assert names == [f"item-{i:03d}" for i in range(10)]


def test_continue_with_a_resource_version_is_refused(server: Server, ns: str) -> None:
    make(server, ns, 3)
    token = core(server).list_namespaced_config_map(ns, limit=1).metadata._continue
    with pytest.raises(ApiException) as caught:
        core(server).list_namespaced_config_map(ns, limit=1, _continue=token, resource_version="1")
    assert caught.value.status == 400
    assert status_of(caught)["message"] == "specifying resource version is not allowed when using continue"
    with pytest.raises(ApiException) as caught:
        core(server).list_namespaced_config_map(ns, limit=1, _continue=token, resource_version_match="NotOlderThan")
    assert caught.value.status == 422
    assert status_of(caught)["message"] == (
        'ListOptions.meta.k8s.io "" is invalid: [resourceVersionMatch: Forbidden: resourceVersionMatch is '
        "forbidden unless resourceVersion is provided, resourceVersionMatch: Forbidden: resourceVersionMatch is "
        "forbidden when continue is provided]"
    )


def test_continue_tokens_are_relative_to_the_list(server: Server, ns: str) -> None:
    """A token holds a key relative to the listed prefix and a revision, so (as upstream) it can
    continue another resource's list from the same name on; a token that does not decode is a 400."""
    make(server, ns, 3)
    api = core(server)
    for name in ("item-000", "item-001", "item-002"):
        api.create_namespaced_secret(ns, client.V1Secret(metadata=client.V1ObjectMeta(name=name)))
    token = api.list_namespaced_config_map(ns, limit=1).metadata._continue
    secrets = api.list_namespaced_secret(ns, limit=10, _continue=token)
    assert [s.metadata.name for s in secrets.items] == ["item-001", "item-002"]
    with pytest.raises(ApiException) as caught:
        api.list_namespaced_config_map(ns, limit=1, _continue="garbage")
    assert caught.value.status == 400
    assert status_of(caught)["reason"] == "BadRequest"
    assert status_of(caught)["message"].startswith("invalid continue token: ")


# -- resourceVersion and resourceVersionMatch ------------------------------------------------------


def test_list_resource_version_match(server: Server, ns: str) -> None:
    api = core(server)
    (first,) = make(server, ns, 1, prefix="a")
    make(server, ns, 1, prefix="b")
    latest = api.list_namespaced_config_map(ns).metadata.resource_version
    zero = api.list_namespaced_config_map(ns, resource_version="0")
    assert {i.metadata.name for i in zero.items} == {"a-000", "b-000"}
    newer = api.list_namespaced_config_map(ns, resource_version=first, resource_version_match="NotOlderThan")
    assert [i.metadata.name for i in newer.items] == ["a-000", "b-000"]
    assert int(newer.metadata.resource_version) >= int(latest)
    exact = api.list_namespaced_config_map(ns, resource_version=first, resource_version_match="Exact")
    assert [i.metadata.name for i in exact.items] == ["a-000"]
    assert exact.metadata.resource_version == first
    # A bare resourceVersion without a match is NotOlderThan (without limit).
    legacy = api.list_namespaced_config_map(ns, resource_version=first)
    assert [i.metadata.name for i in legacy.items] == ["a-000", "b-000"]


def test_paged_list_at_a_resource_version_is_exact(server: Server, ns: str) -> None:
    """With a limit, a resourceVersion and no match, upstream reads exactly at that revision."""
    (first,) = make(server, ns, 1, prefix="a")
    make(server, ns, 2, prefix="b")
    page = core(server).list_namespaced_config_map(ns, resource_version=first, limit=5)
    assert [i.metadata.name for i in page.items] == ["a-000"]
    assert page.metadata.resource_version == first


def test_resource_version_match_needs_a_resource_version(server: Server, ns: str) -> None:
    with pytest.raises(ApiException) as caught:
        core(server).list_namespaced_config_map(ns, resource_version_match="NotOlderThan")
    assert caught.value.status == 422
    assert status_of(caught)["message"] == (
        'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden '
        "unless resourceVersion is provided"
    )
    with pytest.raises(ApiException) as caught:
        core(server).list_namespaced_config_map(ns, resource_version="0", resource_version_match="Exact")
    assert caught.value.status == 422
    assert status_of(caught)["message"] == (
        'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is '
        'forbidden for resourceVersion "0"'
    )


def test_resource_version_from_the_future_times_out(server: Server, ns: str) -> None:
    current = int(core(server).list_namespaced_config_map(ns).metadata.resource_version)
    future = str(current + 1_000_000)
    began = time.monotonic()
    with pytest.raises(ApiException) as caught:
        core(server).list_namespaced_config_map(ns, resource_version=future, resource_version_match="NotOlderThan")
    assert time.monotonic() - began >= 2.5, "the server waits (3s upstream) for the revision to arrive"
    assert caught.value.status == 504
    body = status_of(caught)
    assert body["reason"] == "Timeout"
    assert body["message"].startswith(f"Timeout: Too large resource version: {future}, current: ")
    assert body["details"] == {
        "causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}],
        "retryAfterSeconds": 1,
    }
    assert list(body["details"]) == ["causes", "retryAfterSeconds"], "in StatusDetails' field order"


def test_watch_from_the_future_ends_with_a_timeout_status(server: Server, ns: str) -> None:
    current = int(core(server).list_namespaced_config_map(ns).metadata.resource_version)
    future = current + 1_000_000
    began = time.monotonic()
    events = stream(
        server, f"/api/v1/namespaces/{ns}/configmaps?watch=1&resourceVersion={future}&timeoutSeconds=20", timeout=30
    )
    assert 2.5 <= time.monotonic() - began < 15
    assert [e["type"] for e in events] == ["ERROR"], events
    status = events[0]["object"]
    assert (status["code"], status["reason"]) == (504, "Timeout")
    assert status["message"].startswith(f"Timeout: Too large resource version: {future}, current: ")


# -- watch ---------------------------------------------------------------------------------------


def test_watch_from_a_resource_version_under_concurrent_writers(server: Server, ns: str) -> None:
    """Every write is seen exactly once, in resourceVersion order, whatever the interleaving."""
    start = core(server).list_namespaced_config_map(ns).metadata.resource_version
    writers, per_writer = 4, 15
    written: list[tuple[str, str, str]] = []
    lock = threading.Lock()

    def write(w: int) -> None:
        api = client.CoreV1Api(config.new_client_from_config(config_file=str(server.kubeconfig)))
        try:
            for i in range(per_writer):
                name = f"w{w}-{i}"
                made = api.create_namespaced_config_map(ns, cm(name, data={"v": "1"}))
                changed = api.patch_namespaced_config_map(name, ns, {"data": {"v": "2"}})
                with lock:
                    written.append(("ADDED", name, made.metadata.resource_version))
                    written.append(("MODIFIED", name, changed.metadata.resource_version))
                if i % 3 == 0:
                    api.delete_namespaced_config_map(name, ns)
                    with lock:
                        written.append(("DELETED", name, ""))
        finally:
            api.api_client.close()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    expected = writers * per_writer * 2 + writers * len(range(0, per_writer, 3))
    seen: list[tuple[str, str, str]] = []
    stream_ = watch.Watch()
    for event in stream_.stream(core(server).list_namespaced_config_map, ns, resource_version=start, timeout_seconds=60):
        seen.append((event["type"], event["object"].metadata.name, event["object"].metadata.resource_version))
        if len(seen) == expected:
            stream_.stop()
    for thread in threads:
        thread.join()
    versions = [int(rv) for _, _, rv in seen]
    assert versions == sorted(versions) and len(set(versions)) == len(versions), "in order, no duplicates"
    assert len(seen) == expected
    by_version = {(kind, name, rv) for kind, name, rv in seen if kind != "DELETED"}
    assert by_version == {w for w in written if w[0] != "DELETED"}
    assert sorted(name for kind, name, _ in seen if kind == "DELETED") == sorted(
        name for kind, name, _ in written if kind == "DELETED"
    )


def test_watch_from_resource_version_zero_starts_with_the_state(server: Server, ns: str) -> None:
    make(server, ns, 3)
    events = stream(
        server, f"/api/v1/namespaces/{ns}/configmaps?watch=1&resourceVersion=0&timeoutSeconds=2", timeout=20
    )
    assert sorted((e["type"], e["object"]["metadata"]["name"]) for e in events) == [
        ("ADDED", f"item-{i:03d}") for i in range(3)
    ]


def test_watch_ends_after_timeout_seconds(server: Server, ns: str) -> None:
    began = time.monotonic()
    events = list(
        watch.Watch().stream(core(server).list_namespaced_config_map, ns, resource_version="0", timeout_seconds=2)
    )
    took = time.monotonic() - began
    assert events == []
    assert 1.5 <= took < 10, took


def test_send_initial_events_through_the_python_client(server: Server, ns: str) -> None:
    """client-go's WatchList: the state as ADDED events, then the initial-events-end BOOKMARK."""
    make(server, ns, 3)
    seen: list[tuple[str, Any]] = []
    stream_ = watch.Watch()
    for event in stream_.stream(
        core(server).list_namespaced_config_map,
        ns,
        send_initial_events=True,
        resource_version_match="NotOlderThan",
        allow_watch_bookmarks=True,
        timeout_seconds=10,
    ):
        obj = event["raw_object"]
        seen.append((event["type"], obj["metadata"]))
        if event["type"] == "BOOKMARK":
            stream_.stop()
    assert [kind for kind, _ in seen] == ["ADDED"] * 3 + ["BOOKMARK"]
    assert sorted(m["name"] for _, m in seen[:3]) == [f"item-{i:03d}" for i in range(3)]
    assert seen[3][1]["annotations"] == {"k8s.io/initial-events-end": "true"}
    assert int(seen[3][1]["resourceVersion"]) >= max(int(m["resourceVersion"]) for _, m in seen[:3])


def test_bookmark_before_the_watch_times_out(server: Server, ns: str) -> None:
    start = core(server).list_namespaced_config_map(ns).metadata.resource_version
    events = stream(
        server,
        f"/api/v1/namespaces/{ns}/configmaps?watch=1&allowWatchBookmarks=true&resourceVersion={start}"
        "&timeoutSeconds=5",
        timeout=30,
    )
    assert [e["type"] for e in events] == ["BOOKMARK"], events
    bookmark = events[0]["object"]
    assert bookmark["kind"] == "ConfigMap" and bookmark["apiVersion"] == "v1"
    assert int(bookmark["metadata"]["resourceVersion"]) >= int(start)


def test_bookmarks_only_when_asked_for(server: Server, ns: str) -> None:
    start = core(server).list_namespaced_config_map(ns).metadata.resource_version
    events = stream(
        server, f"/api/v1/namespaces/{ns}/configmaps?watch=1&resourceVersion={start}&timeoutSeconds=4", timeout=30
    )
    assert events == []


def test_watch_resource_version_match_needs_send_initial_events(server: Server, ns: str) -> None:
    answer = server.request("GET", f"/api/v1/namespaces/{ns}/configmaps?watch=1&resourceVersionMatch=NotOlderThan")
    assert answer.status == 422, answer.body
    assert answer.json()["message"] == (
        'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden '
        "for watch unless sendInitialEvents is provided"
    )
