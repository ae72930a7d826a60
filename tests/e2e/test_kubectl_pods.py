"""Pods through kubectl v1.35: apply a manifest, the printed columns, defaults, deletion of an unscheduled pod."""

from __future__ import annotations

import json
import re

from harness import Server, parse_table

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
  - name: nginx
    image: nginx:1.27
    ports:
    - containerPort: 80
"""
AGE = re.compile(r"^\d+s$")


def test_get_pods_columns(server: Server, ns: str) -> None:
    answer = server.request(
        "POST",
        f"/api/v1/namespaces/{ns}/pods",
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "web"},
            "spec": {
                "containers": [{"name": "nginx", "image": "nginx:1.27"}, {"name": "side", "image": "busybox"}]
            },
        },
    )
    assert answer.status == 201, answer.body
    header, rows = parse_table(server.kubectl("-n", ns, "get", "pods").stdout)
    assert header == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    (row,) = rows
    assert (row["NAME"], row["READY"], row["STATUS"], row["RESTARTS"]) == ("web", "0/2", "Pending", "0")
    assert AGE.match(row["AGE"]), row
    wide = server.kubectl("-n", ns, "get", "pods", "-o", "wide").stdout.splitlines()
    assert wide[0].split() == [
        "NAME",
        "READY",
        "STATUS",
        "RESTARTS",
        "AGE",
        "IP",
        "NODE",
        "NOMINATED",
        "NODE",
        "READINESS",
        "GATES",
    ]
    cells = wide[1].split()
    assert cells[:4] == ["web", "0/2", "Pending", "0"] and cells[5:] == ["<none>"] * 4


def test_apply_pod_manifest(server: Server, ns: str) -> None:
    k = server.kubectl
    assert k("-n", ns, "apply", "-f", "-", input=POD).stdout == "pod/web created\n"
    assert k("-n", ns, "apply", "-f", "-", input=POD).stdout == "pod/web unchanged\n"
    relabeled = POD.replace("app: web", "app: web\n    tier: front")
    assert k("-n", ns, "apply", "-f", "-", input=relabeled).stdout == "pod/web configured\n"
    pod = json.loads(k("-n", ns, "get", "pod", "web", "-o", "json").stdout)
    assert pod["metadata"]["labels"] == {"app": "web", "tier": "front"}
    assert "kubectl.kubernetes.io/last-applied-configuration" in pod["metadata"]["annotations"]
    header, rows = parse_table(k("-n", ns, "get", "pods").stdout)
    assert header == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert [(r["NAME"], r["READY"], r["STATUS"], r["RESTARTS"]) for r in rows] == [
        ("web", "0/1", "Pending", "0")
    ]


def test_pod_defaults(server: Server, ns: str) -> None:
    answer = server.request(
        "POST",
        f"/api/v1/namespaces/{ns}/pods",
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "d"},
            "spec": {"containers": [{"name": "c", "image": "nginx:1.27", "ports": [{"containerPort": 80}]}]},
        },
    )
    assert answer.status == 201, answer.body
    pod = answer.json()
    spec = pod["spec"]
    assert spec["restartPolicy"] == "Always"
    assert spec["dnsPolicy"] == "ClusterFirst"
    assert spec["schedulerName"] == "default-scheduler"
    assert spec["terminationGracePeriodSeconds"] == 30
    assert spec["securityContext"] == {}
    assert spec["enableServiceLinks"] is True
    container = spec["containers"][0]
    assert container["imagePullPolicy"] == "IfNotPresent"
    assert container["terminationMessagePath"] == "/dev/termination-log"
    assert container["terminationMessagePolicy"] == "File"
    assert container["resources"] == {}
    assert container["ports"] == [{"containerPort": 80, "protocol": "TCP"}]
    assert pod["status"]["phase"] == "Pending" and pod["status"]["qosClass"] == "BestEffort"


def test_pod_admission_defaults(server: Server, ns: str) -> None:
    answer = server.request(
        "POST",
        f"/api/v1/namespaces/{ns}/pods",
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "adm"},
            "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]},
        },
    )
    assert answer.status == 201, answer.body
    spec = answer.json()["spec"]
    assert (spec.get("priority"), spec.get("preemptionPolicy")) == (0, "PreemptLowerPriority")
    assert spec.get("tolerations") == [
        {
            "key": "node.kubernetes.io/not-ready",
            "operator": "Exists",
            "effect": "NoExecute",
            "tolerationSeconds": 300,
        },
        {
            "key": "node.kubernetes.io/unreachable",
            "operator": "Exists",
            "effect": "NoExecute",
            "tolerationSeconds": 300,
        },
    ]


def test_invalid_pod_reports_field_paths(server: Server, ns: str) -> None:
    answer = server.request(
        "POST",
        f"/api/v1/namespaces/{ns}/pods",
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "bad"},
            "spec": {"containers": [{"name": "c"}]},
        },
    )
    assert answer.status == 422, answer.body
    status = answer.json()
    assert status["reason"] == "Invalid"
    assert status["message"] == 'Pod "bad" is invalid: spec.containers[0].image: Required value'
    assert status["details"]["causes"] == [
        {"reason": "FieldValueRequired", "message": "Required value", "field": "spec.containers[0].image"}
    ]


def test_delete_unscheduled_pod_is_immediate(server: Server, ns: str) -> None:
    server.request(
        "POST",
        f"/api/v1/namespaces/{ns}/pods",
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "gone"},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]},
        },
    )
    out = server.kubectl("-n", ns, "delete", "pod", "gone", timeout=30).stdout
    assert out == f'pod "gone" deleted from {ns} namespace\n'
    assert server.request("GET", f"/api/v1/namespaces/{ns}/pods/gone").status == 404


def test_kubectl_run_and_field_selectors(server: Server, ns: str) -> None:
    k = server.kubectl
    assert k("-n", ns, "run", "nginx", "--image=nginx").stdout == "pod/nginx created\n"
    pod = json.loads(k("-n", ns, "get", "pod", "nginx", "-o", "json").stdout)
    assert pod["metadata"]["labels"] == {"run": "nginx"}
    assert pod["spec"]["containers"][0]["imagePullPolicy"] == "Always", "an untagged image means :latest"
    server.request(
        "POST",
        f"/api/v1/namespaces/{ns}/pods",
        {
            "metadata": {"name": "bound"},
            "spec": {"nodeName": "n1", "containers": [{"name": "c", "image": "nginx"}]},
        },
    )
    assert (
        k("-n", ns, "get", "pods", "--field-selector", "spec.nodeName=n1", "-o", "name").stdout
        == "pod/bound\n"
    )
    pending = k("-n", ns, "get", "pods", "--field-selector", "status.phase=Pending", "-o", "name").stdout
    assert pending == "pod/bound\npod/nginx\n"
    refused = server.request("GET", f"/api/v1/namespaces/{ns}/pods?fieldSelector=spec.image%3Dx")
    assert refused.status == 400
    assert refused.json()["message"] == "field label not supported: spec.image"


def test_graceful_then_forced_deletion_of_a_bound_pod(server: Server, ns: str) -> None:
    k = server.kubectl
    server.request(
        "POST",
        f"/api/v1/namespaces/{ns}/pods",
        {
            "metadata": {"name": "bound"},
            "spec": {"nodeName": "n1", "containers": [{"name": "c", "image": "nginx"}]},
        },
    )
    assert (
        k("-n", ns, "delete", "pod", "bound", "--wait=false").stdout
        == f'pod "bound" deleted from {ns} namespace\n'
    )
    pod = json.loads(k("-n", ns, "get", "pod", "bound", "-o", "json").stdout)
    assert pod["metadata"]["deletionGracePeriodSeconds"] == 30, "a pod on a node waits for its kubelet"
    assert pod["metadata"]["deletionTimestamp"]
    _, (row,) = parse_table(k("-n", ns, "get", "pods").stdout)
    assert row["STATUS"] == "Terminating"
    forced = k("-n", ns, "delete", "pod", "bound", "--grace-period=0", "--force")
    assert forced.stdout == f'pod "bound" force deleted from {ns} namespace\n'
    assert server.request("GET", f"/api/v1/namespaces/{ns}/pods/bound").status == 404
