"""Namespace lifecycle as kube-apiserver runs it: deletion goes through Terminating, content follows its namespace."""

from __future__ import annotations

import time

from harness import Server


def test_delete_collection_with_kubectl(server: Server, ns: str) -> None:
    for name in ("a", "b", "c"):
        server.kubectl("-n", ns, "create", "cm", name, f"--from-literal=k={name}")
    server.kubectl("-n", ns, "label", "cm", "c", "keep=yes")
    out = server.kubectl("-n", ns, "delete", "cm", "-l", "!keep").stdout
    assert out == f'configmap "a" deleted from {ns} namespace\nconfigmap "b" deleted from {ns} namespace\n'
    assert server.kubectl("-n", ns, "get", "cm", "-o", "name").stdout == "configmap/c\n"
    answer = server.request("DELETE", f"/api/v1/namespaces/{ns}/configmaps")
    assert answer.status == 200, answer.body
    assert answer.json()["kind"] == "ConfigMapList" and [
        i["metadata"]["name"] for i in answer.json()["items"]
    ] == ["c"]
    assert server.request("GET", f"/api/v1/namespaces/{ns}/configmaps").json()["items"] == []


def test_namespace_name_label_and_finalizer(server: Server, ns: str) -> None:
    got = server.request("GET", f"/api/v1/namespaces/{ns}").json()
    assert got["metadata"]["labels"] == {"kubernetes.io/metadata.name": ns}
    assert got["spec"] == {"finalizers": ["kubernetes"]} and got["status"] == {"phase": "Active"}


def test_namespace_deletion_terminates_then_takes_its_content(server: Server) -> None:
    name = f"e2e-terminating-{time.monotonic_ns() % 100000}"
    assert server.request("POST", "/api/v1/namespaces", {"metadata": {"name": name}}).status == 201
    assert (
        server.request("POST", f"/api/v1/namespaces/{name}/configmaps", {"metadata": {"name": "a"}}).status
        == 201
    )

    answer = server.request("DELETE", f"/api/v1/namespaces/{name}")
    assert answer.status == 200, answer.body
    deleted = answer.json()
    assert deleted["kind"] == "Namespace"
    assert deleted["status"] == {"phase": "Terminating"}
    assert deleted["spec"] == {"finalizers": ["kubernetes"]}
    assert deleted["metadata"]["deletionTimestamp"]
    assert "finalizers" not in deleted["metadata"] and "deletionGracePeriodSeconds" not in deleted["metadata"]

    for _ in range(3):
        current = server.request("GET", f"/api/v1/namespaces/{name}")
        if current.status == 404:  # a namespace controller finished: its content must be gone too
            listed = server.request("GET", f"/api/v1/namespaces/{name}/configmaps")
            assert listed.status == 200 and listed.json()["items"] == []
            return
        assert current.json()["status"]["phase"] == "Terminating"
        refused = server.request(
            "POST", f"/api/v1/namespaces/{name}/configmaps", {"metadata": {"name": "late"}}
        )
        if refused.status == 404:  # the namespace went away in between: look again
            continue
        assert refused.json() == {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": f'configmaps "late" is forbidden: unable to create new content in namespace {name} '
            "because it is being terminated",
            "reason": "Forbidden",
            "details": {
                "name": "late",
                "kind": "configmaps",
                "causes": [
                    {
                        "reason": "NamespaceTerminating",
                        "message": f"namespace {name} is being terminated",
                        "field": "metadata.namespace",
                    }
                ],
            },
            "code": 403,
        }
        return
    raise AssertionError("the namespace neither stayed Terminating nor went away")
