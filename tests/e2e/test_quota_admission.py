"""The ResourceQuota admission plugin through kubectl v1.35 and the `kubernetes` Python client.

kube-apiserver alone runs no quota controller: a new quota has an empty status, and upstream's
plugin ignores a quota until status.hard names what it tracks (the controller's job, done here
with `kubectl patch --subresource=status`). From then on each create, and each update that grows
usage, is checked against status.hard and status.used and charged to status.used, with upstream's
messages for what is refused (plugin/pkg/admission/resourcequota, pkg/quota/v1/evaluator/core).
Deleting refunds nothing: that is the controller's recalculation, which nobody runs here.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from harness import Server, get_json, refused
from kubernetes import client
from kubernetes.client.rest import ApiException


def fill_status(server: Server, ns: str, name: str, hard: dict[str, str], used: dict[str, str]) -> None:
    """What the quota controller would write."""
    server.kubectl("-n", ns, "patch", "quota", name, "--subresource=status", "--type=merge", "-p",
                   json.dumps({"status": {"hard": hard, "used": used}}))


def used(server: Server, ns: str, name: str) -> dict[str, str]:
    return dict(get_json(server, "-n", ns, "quota", name)["status"].get("used", {}))


def pod_manifest(name: str, requests: dict[str, str] | None = None, limits: dict[str, str] | None = None) -> str:
    resources: dict[str, Any] = {}
    if requests:
        resources["requests"] = requests
    if limits:
        resources["limits"] = limits
    return json.dumps({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
                       "spec": {"containers": [{"name": "app", "image": "nginx", "resources": resources}]}})


def test_a_quota_counts_only_once_its_status_is_known(server: Server, ns: str) -> None:
    assert server.kubectl("-n", ns, "create", "quota", "counts", "--hard=pods=1,count/configmaps=1").stdout == (
        "resourcequota/counts created\n")
    # An empty status (no controller) applies to nothing: upstream's plugin matches on status.hard.
    server.kubectl("-n", ns, "run", "free", "--image=nginx")
    assert get_json(server, "-n", ns, "quota", "counts")["status"] == {}

    # A tracked resource in status.hard without its used value is "status unknown".
    fill_status(server, ns, "counts", {"pods": "1", "count/configmaps": "1"}, {"count/configmaps": "0"})
    assert refused(server, "-n", ns, "run", "web", "--image=nginx") == (
        'Error from server (Forbidden): pods "web" is forbidden: status unknown for quota: counts, resources: '
        "pods\n")
    # The configmap evaluator tracks only count/configmaps (and the legacy `configmaps`), whose use is known.
    server.kubectl("-n", ns, "create", "configmap", "one")
    assert used(server, ns, "counts") == {"count/configmaps": "1"}


def test_object_counts_are_charged_checked_and_not_refunded(server: Server, ns: str) -> None:
    server.kubectl("-n", ns, "create", "quota", "counts", "--hard=count/configmaps=2,pods=2,secrets=5")
    fill_status(server, ns, "counts", {"count/configmaps": "2", "pods": "2", "secrets": "5"},
                {"count/configmaps": "0", "pods": "1", "secrets": "0"})

    # A server-side dry run is checked but charges nothing.
    assert server.kubectl("-n", ns, "create", "configmap", "a", "--dry-run=server").stdout == (
        "configmap/a created (server dry run)\n")
    assert used(server, ns, "counts") == {"count/configmaps": "0", "pods": "1", "secrets": "0"}
    server.kubectl("-n", ns, "create", "configmap", "a")
    server.kubectl("-n", ns, "create", "configmap", "b")
    server.kubectl("-n", ns, "create", "secret", "generic", "s", "--from-literal=k=v")
    assert used(server, ns, "counts") == {"count/configmaps": "2", "pods": "1", "secrets": "1"}
    assert refused(server, "-n", ns, "create", "configmap", "c") == (
        'error: failed to create configmap: configmaps "c" is forbidden: exceeded quota: counts, requested: '
        "count/configmaps=1, used: count/configmaps=2, limited: count/configmaps=2\n")
    assert refused(server, "-n", ns, "create", "configmap", "c", "--dry-run=server").startswith(
        'error: failed to create configmap: configmaps "c" is forbidden: exceeded quota: counts')

    server.kubectl("-n", ns, "run", "second", "--image=nginx")
    assert refused(server, "-n", ns, "run", "third", "--image=nginx") == (
        'Error from server (Forbidden): pods "third" is forbidden: exceeded quota: counts, requested: pods=1, '
        "used: pods=2, limited: pods=2\n")
    # Updates of counted objects cost nothing more; deletes refund nothing (the controller's job).
    server.kubectl("-n", ns, "label", "configmap", "a", "x=y")
    server.kubectl("-n", ns, "delete", "configmap", "a")
    assert used(server, ns, "counts") == {"count/configmaps": "2", "pods": "2", "secrets": "1"}

    # The Python client sees the same 403.
    core = client.CoreV1Api(server.api)
    with pytest.raises(ApiException) as refusal:
        core.create_namespaced_config_map(ns, {"metadata": {"name": "py"}})
    assert refusal.value.status == 403
    body = json.loads(refusal.value.body)
    assert (body["reason"], body["details"]) == ("Forbidden", {"name": "py", "kind": "configmaps"})
    assert body["message"] == ('configmaps "py" is forbidden: exceeded quota: counts, requested: '
                               "count/configmaps=1, used: count/configmaps=2, limited: count/configmaps=2")


LIMITRANGE = """
apiVersion: v1
kind: LimitRange
metadata: {name: defaults}
spec:
  limits:
  - type: Container
    default: {cpu: 500m, memory: 256Mi}
    defaultRequest: {cpu: 250m, memory: 128Mi}
"""


def test_compute_requests_and_limits_with_limitrange_defaults(server: Server, ns: str) -> None:
    server.kubectl("-n", ns, "create", "quota", "compute",
                   "--hard=requests.cpu=1,requests.memory=1Gi,limits.cpu=2,limits.memory=512Mi")
    fill_status(server, ns, "compute",
                {"requests.cpu": "1", "requests.memory": "1Gi", "limits.cpu": "2", "limits.memory": "512Mi"},
                {"requests.cpu": "0", "requests.memory": "0", "limits.cpu": "0", "limits.memory": "0"})
    # Quotas on cpu or memory make each container state them.
    assert refused(server, "-n", ns, "run", "bare", "--image=nginx") == (
        'Error from server (Forbidden): pods "bare" is forbidden: failed quota: compute: must specify '
        "limits.cpu for: bare; limits.memory for: bare; requests.cpu for: bare; requests.memory for: bare\n")
    assert refused(server, "-n", ns, "create", "-f", "-", input=pod_manifest("half", {"cpu": "100m"})) == (
        'Error from server (Forbidden): error when creating "STDIN": pods "half" is forbidden: failed quota: '
        "compute: must specify limits.cpu for: app; limits.memory for: app; requests.memory for: app\n")

    # With a LimitRange the LimitRanger fills the defaults in first, and those are charged.
    server.kubectl("-n", ns, "apply", "-f", "-", input=LIMITRANGE)
    server.kubectl("-n", ns, "run", "web", "--image=nginx")
    assert used(server, ns, "compute") == {"limits.cpu": "500m", "limits.memory": "256Mi", "requests.cpu": "250m",
                                           "requests.memory": "128Mi"}
    server.kubectl("-n", ns, "create", "-f", "-",
                   input=pod_manifest("sized", {"cpu": "500m", "memory": "64Mi"}, {"memory": "128Mi"}))
    assert used(server, ns, "compute") == {"limits.cpu": "1", "limits.memory": "384Mi", "requests.cpu": "750m",
                                           "requests.memory": "192Mi"}
    assert refused(server, "-n", ns, "run", "big", "--image=nginx") == (
        'Error from server (Forbidden): pods "big" is forbidden: exceeded quota: compute, requested: '
        "limits.memory=256Mi, used: limits.memory=384Mi, limited: limits.memory=512Mi\n")
    # kubectl shows the usage: get's REQUEST / LIMIT columns and describe's table.
    assert server.kubectl("-n", ns, "get", "quota", "compute", "-o",
                          "custom-columns=R:.status.used.requests\\.cpu", "--no-headers").stdout == "750m\n"
    described = server.kubectl("-n", ns, "describe", "quota", "compute").stdout
    assert described.splitlines()[2:] == [
        "Resource         Used   Hard", "--------         ----   ----", "limits.cpu       1      2",
        "limits.memory    384Mi  512Mi", "requests.cpu     750m   1", "requests.memory  192Mi  1Gi"]


def test_pod_resize_is_charged_the_difference(server: Server, ns: str) -> None:
    server.kubectl("-n", ns, "create", "quota", "cpu", "--hard=requests.cpu=1")
    fill_status(server, ns, "cpu", {"requests.cpu": "1"}, {"requests.cpu": "0"})
    server.kubectl("-n", ns, "create", "-f", "-",
                   input=pod_manifest("web", {"cpu": "500m", "memory": "64Mi"}, {"cpu": "2", "memory": "128Mi"}))
    assert used(server, ns, "cpu") == {"requests.cpu": "500m"}

    def resize(cpu: str) -> Any:
        patch = {"spec": {"containers": [{"name": "app", "resources": {"requests": {"cpu": cpu}}}]}}
        return server.kubectl("-n", ns, "patch", "pod", "web", "--subresource=resize", "-p", json.dumps(patch),
                              check=False)

    assert resize("800m").returncode == 0
    assert used(server, ns, "cpu") == {"requests.cpu": "800m"}
    assert resize("1500m").stderr == (
        'Error from server (Forbidden): pods "web" is forbidden: exceeded quota: cpu, requested: requests.cpu=700m, '
        "used: requests.cpu=800m, limited: requests.cpu=1\n")
    # Shrinking charges nothing (and refunds nothing).
    assert resize("300m").returncode == 0
    assert used(server, ns, "cpu") == {"requests.cpu": "800m"}


def test_scopes_best_effort_and_not_best_effort(server: Server, ns: str) -> None:
    server.kubectl("-n", ns, "create", "quota", "best-effort", "--hard=pods=1", "--scopes=BestEffort")
    server.kubectl("-n", ns, "create", "quota", "not-best-effort", "--hard=pods=1", "--scopes=NotBestEffort")
    fill_status(server, ns, "best-effort", {"pods": "1"}, {"pods": "0"})
    fill_status(server, ns, "not-best-effort", {"pods": "1"}, {"pods": "0"})

    server.kubectl("-n", ns, "run", "free-1", "--image=nginx")
    assert (used(server, ns, "best-effort"), used(server, ns, "not-best-effort")) == ({"pods": "1"}, {"pods": "0"})
    assert refused(server, "-n", ns, "run", "free-2", "--image=nginx") == (
        'Error from server (Forbidden): pods "free-2" is forbidden: exceeded quota: best-effort, requested: pods=1, '
        "used: pods=1, limited: pods=1\n")
    server.kubectl("-n", ns, "create", "-f", "-", input=pod_manifest("burstable", {"cpu": "100m"}))
    assert (used(server, ns, "best-effort"), used(server, ns, "not-best-effort")) == ({"pods": "1"}, {"pods": "1"})
    assert refused(server, "-n", ns, "create", "-f", "-", input=pod_manifest("burstable-2", {"memory": "1Mi"})) == (
        'Error from server (Forbidden): error when creating "STDIN": pods "burstable-2" is forbidden: exceeded '
        "quota: not-best-effort, requested: pods=1, used: pods=1, limited: pods=1\n")
    described = server.kubectl("-n", ns, "describe", "quota", "best-effort").stdout
    assert "Scopes:     BestEffort\n" in described and "pods      1     1\n" in described


def claim(name: str, storage: str, storage_class: str | None = None) -> str:
    spec: dict[str, Any] = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": storage}}}
    if storage_class is not None:
        spec["storageClassName"] = storage_class
    return json.dumps({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": name},
                       "spec": spec})


def test_claim_storage_per_storage_class_and_growth(server: Server, ns: str) -> None:
    gold = f"gold-{ns}"
    server.kubectl("apply", "-f", "-", input=json.dumps({
        "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": gold},
        "provisioner": "example.com/disk", "allowVolumeExpansion": True}))
    per_class = f"{gold}.storageclass.storage.k8s.io/requests.storage"
    server.kubectl("-n", ns, "create", "quota", "storage",
                   f"--hard=requests.storage=10Gi,persistentvolumeclaims=3,{per_class}=5Gi")
    fill_status(server, ns, "storage", {"requests.storage": "10Gi", "persistentvolumeclaims": "3", per_class: "5Gi"},
                {"requests.storage": "0", "persistentvolumeclaims": "0", per_class: "0"})
    try:
        server.kubectl("-n", ns, "create", "-f", "-", input=claim("fast", "3Gi", gold))
        assert refused(server, "-n", ns, "create", "-f", "-", input=claim("faster", "3Gi", gold)) == (
            'Error from server (Forbidden): error when creating "STDIN": persistentvolumeclaims "faster" is '
            f"forbidden: exceeded quota: storage, requested: {per_class}=3Gi, used: {per_class}=3Gi, limited: "
            f"{per_class}=5Gi\n")
        server.kubectl("-n", ns, "create", "-f", "-", input=claim("plain", "4Gi", "manual"))
        assert used(server, ns, "storage") == {"persistentvolumeclaims": "2", per_class: "3Gi",
                                               "requests.storage": "7Gi"}

        # A bound claim of an expandable class may grow, and the growth is charged.
        server.kubectl("-n", ns, "patch", "pvc", "fast", "--subresource=status", "--type=merge", "-p",
                       '{"status":{"phase":"Bound"}}')
        server.kubectl("-n", ns, "patch", "pvc", "fast", "-p", '{"spec":{"resources":{"requests":{"storage":"4Gi"}}}}')
        assert used(server, ns, "storage") == {"persistentvolumeclaims": "2", per_class: "4Gi",
                                               "requests.storage": "8Gi"}
        assert refused(server, "-n", ns, "patch", "pvc", "fast", "-p",
                       '{"spec":{"resources":{"requests":{"storage":"6Gi"}}}}') == (
            'Error from server (Forbidden): persistentvolumeclaims "fast" is forbidden: exceeded quota: storage, '
            f"requested: {per_class}=2Gi, used: {per_class}=4Gi, limited: {per_class}=5Gi\n")
    finally:
        server.kubectl("delete", "storageclass", gold, "--wait=false")


def test_service_node_ports_and_load_balancers(server: Server, ns: str) -> None:
    server.kubectl("-n", ns, "create", "quota", "services",
                   "--hard=services=5,services.nodeports=2,services.loadbalancers=1")
    fill_status(server, ns, "services", {"services": "5", "services.nodeports": "2", "services.loadbalancers": "1"},
                {"services": "0", "services.nodeports": "0", "services.loadbalancers": "0"})
    server.kubectl("-n", ns, "create", "service", "clusterip", "internal", "--tcp=80:8080")
    server.kubectl("-n", ns, "create", "service", "nodeport", "web", "--tcp=80:8080")
    assert used(server, ns, "services") == {"services": "2", "services.loadbalancers": "0",
                                            "services.nodeports": "1"}
    assert refused(server, "-n", ns, "create", "service", "loadbalancer", "lb", "--tcp=80:8080",
                   "--tcp=443:8443") == (
        'error: failed to create LoadBalancer service: services "lb" is forbidden: exceeded quota: services, '
        "requested: services.nodeports=2, used: services.nodeports=1, limited: services.nodeports=2\n")
    # Changing the type is an update that grows usage.
    assert refused(server, "-n", ns, "patch", "service", "internal", "-p",
                   '{"spec":{"type":"LoadBalancer","ports":[{"port":80,"targetPort":8080},'
                   '{"name":"b","port":81,"targetPort":8080}]}}') == (
        'Error from server (Forbidden): services "internal" is forbidden: exceeded quota: services, requested: '
        "services.nodeports=2, used: services.nodeports=1, limited: services.nodeports=2\n")
    server.kubectl("-n", ns, "patch", "service", "internal", "-p", '{"spec":{"type":"LoadBalancer"}}')
    assert used(server, ns, "services") == {"services": "2", "services.loadbalancers": "1",
                                            "services.nodeports": "2"}
