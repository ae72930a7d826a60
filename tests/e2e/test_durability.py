"""Nothing acknowledged is lost: across a graceful restart (SIGTERM, exit 0) and a SIGKILL.

Each test owns its server (fresh_server) because it stops it.
"""

from __future__ import annotations

import json
import time
from typing import Any

from harness import Server


def create_namespace(server: Server, name: str) -> dict[str, Any]:
    answer = server.request("POST", "/api/v1/namespaces", {"metadata": {"name": name}})
    assert answer.status == 201, answer.body
    return answer.json()


def snapshot(server: Server, ns: str) -> dict[str, dict[str, Any]]:
    items = server.request("GET", f"/api/v1/namespaces/{ns}/configmaps").json()["items"]
    return {item["metadata"]["name"]: item for item in items}


def test_data_survives_a_graceful_restart(fresh_server: Server) -> None:
    srv = fresh_server
    k = srv.kubectl
    k("create", "ns", "keep")
    k("-n", "keep", "create", "cm", "a", "--from-literal=x=1")
    k("-n", "keep", "create", "cm", "b", "--from-literal=y=2")
    k("-n", "keep", "label", "cm", "a", "env=prod")
    k("-n", "keep", "delete", "cm", "b")
    before = snapshot(srv, "keep")
    namespaces_before = {
        n["metadata"]["name"]: n["metadata"]["uid"]
        for n in srv.request("GET", "/api/v1/namespaces").json()["items"]
    }
    list_rv = int(
        srv.request("GET", "/api/v1/namespaces/keep/configmaps").json()["metadata"]["resourceVersion"]
    )

    assert srv.restart() == 0, "SIGTERM must end in a clean exit (code 0)"

    assert snapshot(srv, "keep") == before
    assert set(before) == {"a"} and before["a"]["metadata"]["labels"] == {"env": "prod"}
    namespaces_after = {
        n["metadata"]["name"]: n["metadata"]["uid"]
        for n in srv.request("GET", "/api/v1/namespaces").json()["items"]
    }
    assert namespaces_after == namespaces_before, "bootstrap must not recreate existing namespaces"
    out = k("-n", "keep", "get", "cm", "a", "-o", "json").stdout
    assert json.loads(out)["data"] == {"x": "1"}
    created = srv.request("POST", "/api/v1/namespaces/keep/configmaps", {"metadata": {"name": "c"}}).json()
    assert int(created["metadata"]["resourceVersion"]) > list_rv, "resourceVersion must keep increasing"


def test_acknowledged_writes_survive_sigkill(fresh_server: Server) -> None:
    srv = fresh_server
    create_namespace(srv, "crash")
    acknowledged: dict[str, str] = {}
    for i in range(25):
        answer = srv.request(
            "POST",
            "/api/v1/namespaces/crash/configmaps",
            {"metadata": {"name": f"cm-{i}"}, "data": {"i": str(i)}},
        )
        assert answer.status == 201
        acknowledged[f"cm-{i}"] = answer.json()["metadata"]["resourceVersion"]
    updated = srv.request(
        "PATCH",
        "/api/v1/namespaces/crash/configmaps/cm-0",
        '{"data":{"i":"updated"}}',
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert updated.status == 200
    acknowledged["cm-0"] = updated.json()["metadata"]["resourceVersion"]
    assert srv.request("DELETE", "/api/v1/namespaces/crash/configmaps/cm-1").status == 200
    del acknowledged["cm-1"]

    srv.kill()
    srv.start()

    after = snapshot(srv, "crash")
    assert {name: item["metadata"]["resourceVersion"] for name, item in after.items()} == acknowledged
    assert after["cm-0"]["data"] == {"i": "updated"}
    assert srv.kubectl("-n", "crash", "get", "cm", "cm-24", "-o", "jsonpath={.data.i}").stdout == "24"


def test_sigterm_with_an_open_watch_exits_cleanly(fresh_server: Server) -> None:
    srv = fresh_server
    create_namespace(srv, "w")
    with srv.kubectl_stream("-n", "w", "get", "cm", "-w") as watch:
        srv.request("POST", "/api/v1/namespaces/w/configmaps", {"metadata": {"name": "x"}})
        assert watch.next_line().split() == ["NAME", "DATA", "AGE"]
        began = time.monotonic()
        assert srv.stop() == 0
        assert time.monotonic() - began < 20, "open watches must not hold up shutdown"
        watch.proc.wait(timeout=30)  # kubectl's watch ends when the server goes away
    srv.start()
    assert "x" in snapshot(srv, "w")


def test_watch_resumes_from_a_resource_version_after_restart(fresh_server: Server) -> None:
    srv = fresh_server
    create_namespace(srv, "r")
    first = srv.request("POST", "/api/v1/namespaces/r/configmaps", {"metadata": {"name": "one"}}).json()
    assert srv.restart() == 0
    srv.request("POST", "/api/v1/namespaces/r/configmaps", {"metadata": {"name": "two"}})
    rv = first["metadata"]["resourceVersion"]
    answer = srv.request(
        "GET", f"/api/v1/namespaces/r/configmaps?watch=1&resourceVersion={rv}&timeoutSeconds=1"
    )
    assert answer.status == 200
    events = [json.loads(line) for line in answer.body.splitlines() if line.strip()]
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [("ADDED", "two")]
