"""What compaction (`--etcd-compaction-interval`, here 1s) does to old resourceVersions, seen by
the `kubernetes` Python client and raw watches: expired continue tokens (410 with a fresh token),
Exact lists and watches from compacted revisions (410 Expired), with and without the watch cache.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from harness import Server
from kubernetes import watch
from kubernetes.client.rest import ApiException
from machinery import cm, core, make, status_of, stream

COMPACTION = "1s"


# -- compaction ----------------------------------------------------------------------------------


def compacting_server(tmp_path_factory: pytest.TempPathFactory, *extra: str) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("compacting"), extra_args=("--etcd-compaction-interval", COMPACTION, *extra))
    try:
        srv.start()
        yield srv
    finally:
        srv.close()


@pytest.fixture(scope="module")
def compacted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from compacting_server(tmp_path_factory)


@pytest.fixture(scope="module")
def compacted_uncached(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from compacting_server(tmp_path_factory, "--watch-cache=false")


def fresh_namespace(server: Server, name: str) -> str:
    answer = server.request("POST", "/api/v1/namespaces", {"metadata": {"name": name}})
    assert answer.status == 201, answer.body
    return name


def wait_for_compaction() -> None:
    """The compactor compacts to the revision it saw one interval earlier: wait for two, and a bit."""
    time.sleep(3.5)


def test_expired_continue_token(compacted: Server) -> None:
    ns = fresh_namespace(compacted, "expired-continue")
    make(compacted, ns, 5)
    api = core(compacted)
    first = api.list_namespaced_config_map(ns, limit=2)
    api.create_namespaced_config_map(ns, cm("item-010"))
    wait_for_compaction()
    with pytest.raises(ApiException) as caught:
        api.list_namespaced_config_map(ns, limit=2, _continue=first.metadata._continue)
    assert caught.value.status == 410
    body = status_of(caught)
    assert body["reason"] == "Expired" and body["code"] == 410
    assert body["message"] == (
        "The provided continue parameter is too old to display a consistent list result. You can start a new "
        "list without the continue parameter, or use the continue token in this response to retrieve the "
        "remainder of the results. Continuing with the provided token results in an inconsistent list - objects "
        "that were created, modified, or deleted between the time the first chunk was returned and now may show "
        "up in the list."
    )
    fresh_token = body["metadata"]["continue"]
    # The token in the Status continues at the newest revision, from where the old one stopped.
    rest = api.list_namespaced_config_map(ns, limit=100, _continue=fresh_token)
    assert [i.metadata.name for i in rest.items] == ["item-002", "item-003", "item-004", "item-010"]


def test_exact_list_at_a_compacted_revision(compacted: Server) -> None:
    ns = fresh_namespace(compacted, "exact-compacted")
    (old,) = make(compacted, ns, 1)
    make(compacted, ns, 1, prefix="later")
    wait_for_compaction()
    with pytest.raises(ApiException) as caught:
        core(compacted).list_namespaced_config_map(ns, resource_version=old, resource_version_match="Exact")
    assert caught.value.status == 410
    assert status_of(caught) == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "The resourceVersion for the provided list is too old.",
        "reason": "Expired",
        "code": 410,
    }


def test_watch_from_a_compacted_revision_with_the_watch_cache(compacted: Server) -> None:
    """Older than what the watch cache holds: an ERROR event carrying a 410 Expired Status."""
    ns = fresh_namespace(compacted, "watch-compacted")
    make(compacted, ns, 3)
    wait_for_compaction()
    events = stream(compacted, f"/api/v1/namespaces/{ns}/configmaps?watch=1&resourceVersion=1", timeout=20)
    assert [e["type"] for e in events] == ["ERROR"], events
    status = events[0]["object"]
    assert {k: status[k] for k in ("kind", "apiVersion", "status", "reason", "code")} == {
        "kind": "Status",
        "apiVersion": "v1",
        "status": "Failure",
        "reason": "Expired",
        "code": 410,
    }
    assert status["message"].startswith("too old resource version: 1 (")


def test_watch_from_a_compacted_revision_without_the_watch_cache(compacted_uncached: Server) -> None:
    ns = fresh_namespace(compacted_uncached, "watch-compacted")
    (old,) = make(compacted_uncached, ns, 1)
    make(compacted_uncached, ns, 2, prefix="later")
    wait_for_compaction()
    events = stream(
        compacted_uncached, f"/api/v1/namespaces/{ns}/configmaps?watch=1&resourceVersion={old}", timeout=20
    )
    assert [e["type"] for e in events] == ["ERROR"], events
    assert events[0]["object"] == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "The resourceVersion for the provided watch is too old.",
        "reason": "Expired",
        "code": 410,
    }


def test_python_client_watch_raises_410_after_compaction(compacted: Server) -> None:
    ns = fresh_namespace(compacted, "client-410")
    make(compacted, ns, 2)
    wait_for_compaction()
    with pytest.raises(ApiException) as caught:
        for _ in watch.Watch().stream(
            core(compacted).list_namespaced_config_map, ns, resource_version="1", timeout_seconds=10
        ):
            pass
    assert caught.value.status == 410


def test_compaction_keeps_the_current_state(compacted: Server) -> None:
    ns = fresh_namespace(compacted, "state-kept")
    make(compacted, ns, 3)
    core(compacted).patch_namespaced_config_map("item-001", ns, {"data": {"x": "1"}})
    wait_for_compaction()
    items = core(compacted).list_namespaced_config_map(ns).items
    assert [(i.metadata.name, i.data) for i in items] == [("item-000", None), ("item-001", {"x": "1"}), ("item-002", None)]
    # A watch from a revision after the compaction point still sees every later event.
    start = core(compacted).list_namespaced_config_map(ns).metadata.resource_version
    core(compacted).delete_namespaced_config_map("item-000", ns)
    events = stream(
        compacted,
        f"/api/v1/namespaces/{ns}/configmaps?watch=1&resourceVersion={start}&timeoutSeconds=1",
        timeout=20,
    )
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [("DELETED", "item-000")]
