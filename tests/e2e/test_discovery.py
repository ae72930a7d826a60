"""Discovery as clients read it: /api, /apis, /api/v1 and aggregated discovery (apidiscovery.k8s.io/v2)."""

from __future__ import annotations

import base64
import hashlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from harness import Server, parse_table
from kubernetes import client

AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
# What client-go v1.35 sends when it fetches discovery (AcceptV2 then the legacy fallback).
CLIENT_GO_ACCEPT = (
    f"{AGGREGATED},application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"
)
ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
NAMESPACE_VERBS = ["create", "delete", "get", "list", "patch", "update", "watch"]


def storage_version_hash(group: str, version: str, kind: str) -> str:
    """k8s.io/apiserver discovery.StorageVersionHash: the first 8 bytes of sha256("group/version/kind")."""
    return base64.b64encode(hashlib.sha256(f"{group}/{version}/{kind}".encode()).digest()[:8]).decode()


def test_api_versions(server: Server) -> None:
    answer = server.request("GET", "/api")
    assert answer.status == 200 and answer.headers["content-type"] == "application/json"
    body = answer.json()
    assert body["kind"] == "APIVersions" and body["versions"] == ["v1"]
    (address,) = body["serverAddressByClientCIDRs"]
    assert address["clientCIDR"] == "0.0.0.0/0"
    assert address["serverAddress"].rsplit(":", 1)[1] == server.url.rsplit(":", 1)[1]
    assert client.CoreApi(server.api).get_api_versions().versions == ["v1"]


def test_api_group_list(server: Server) -> None:
    answer = server.request("GET", "/apis")
    assert answer.status == 200
    body = answer.json()
    assert body["kind"] == "APIGroupList" and body["apiVersion"] == "v1"
    assert isinstance(body["groups"], list)
    for group in body["groups"]:
        assert set(group) == {"name", "versions", "preferredVersion"}, group
        assert group["preferredVersion"] in group["versions"]
        for version in group["versions"]:
            assert version["groupVersion"] == f"{group['name']}/{version['version']}"
    names = [g["name"] for g in body["groups"]]
    assert "" not in names and len(names) == len(set(names))


# Served but never stored: upstream's discovery gives them no storageVersionHash.
UNSTORED = ("bindings", "componentstatuses")


def test_core_v1_resource_list(server: Server) -> None:
    answer = server.request("GET", "/api/v1")
    assert answer.status == 200
    body = answer.json()
    assert body["kind"] == "APIResourceList" and body["groupVersion"] == "v1"
    resources = body["resources"]
    names = [r["name"] for r in resources]
    assert names == sorted(names), "kube-apiserver installs (and so lists) resource paths in sorted order"
    by_name = {r["name"]: r for r in resources}
    assert by_name["configmaps"] == {
        "name": "configmaps",
        "singularName": "configmap",
        "namespaced": True,
        "kind": "ConfigMap",
        "verbs": ALL_VERBS,
        "shortNames": ["cm"],
        "storageVersionHash": storage_version_hash("", "v1", "ConfigMap"),
    }
    assert by_name["namespaces"] == {
        "name": "namespaces",
        "singularName": "namespace",
        "namespaced": False,
        "kind": "Namespace",
        "verbs": NAMESPACE_VERBS,
        "shortNames": ["ns"],
        "storageVersionHash": storage_version_hash("", "v1", "Namespace"),
    }
    assert by_name["namespaces/status"] == {
        "name": "namespaces/status",
        "singularName": "",
        "namespaced": False,
        "kind": "Namespace",
        "verbs": ["get", "patch", "update"],
    }
    for resource in resources:
        assert {"name", "singularName", "namespaced", "kind", "verbs"} <= set(resource), resource
        if "/" not in resource["name"] and resource["name"] not in UNSTORED:
            assert resource["storageVersionHash"] == storage_version_hash("", "v1", resource["kind"])
        if resource["name"] in UNSTORED:
            assert "storageVersionHash" not in resource, resource
            assert resource["verbs"] == sorted(resource["verbs"])


def test_namespaces_finalize_subresource(server: Server) -> None:
    by_name = {r["name"]: r for r in server.request("GET", "/api/v1").json()["resources"]}
    assert by_name["namespaces/finalize"] == {
        "name": "namespaces/finalize",
        "singularName": "",
        "namespaced": False,
        "kind": "Namespace",
        "verbs": ["update"],
    }


def _aggregated(server: Server, path: str) -> dict[str, Any]:
    answer = server.request("GET", path, headers={"Accept": CLIENT_GO_ACCEPT})
    assert answer.status == 200, answer.body
    assert answer.headers["content-type"] == AGGREGATED
    body = answer.json()
    assert body["kind"] == "APIGroupDiscoveryList" and body["apiVersion"] == "apidiscovery.k8s.io/v2"
    assert body["metadata"] == {}
    return body


def test_aggregated_discovery_of_the_core_group(server: Server) -> None:
    body = _aggregated(server, "/api")
    (core,) = body["items"]
    (v1,) = core["versions"]
    assert v1["version"] == "v1" and v1["freshness"] == "Current"
    by_name = {r["resource"]: r for r in v1["resources"]}
    assert by_name["configmaps"] == {
        "resource": "configmaps",
        "responseKind": {"group": "", "version": "", "kind": "ConfigMap"},
        "scope": "Namespaced",
        "singularResource": "configmap",
        "verbs": ALL_VERBS,
        "shortNames": ["cm"],
    }
    # ConvertGroupVersionIntoToDiscovery copies APIResource.group/version, empty unless a
    # GroupVersionKindProvider sets them: so version is "" here, as upstream sends it.
    namespace_kind = {"group": "", "version": "", "kind": "Namespace"}
    assert by_name["namespaces"] == {
        "resource": "namespaces",
        "responseKind": namespace_kind,
        "scope": "Cluster",
        "singularResource": "namespace",
        "verbs": NAMESPACE_VERBS,
        "shortNames": ["ns"],
        "subresources": [
            {"subresource": "finalize", "responseKind": namespace_kind, "verbs": ["update"]},
            {"subresource": "status", "responseKind": namespace_kind, "verbs": ["get", "patch", "update"]},
        ],
    }
    plain = {r["name"] for r in server.request("GET", "/api/v1").json()["resources"] if "/" not in r["name"]}
    assert set(by_name) == plain


def test_aggregated_core_item_has_empty_metadata(server: Server) -> None:
    (core,) = _aggregated(server, "/api")["items"]
    assert core["metadata"] == {}


def test_aggregated_discovery_of_the_named_groups(server: Server) -> None:
    body = _aggregated(server, "/apis")
    legacy = {g["name"]: g for g in server.request("GET", "/apis").json()["groups"]}
    assert [item["metadata"]["name"] for item in body["items"]] == list(legacy)
    for item in body["items"]:
        assert [v["version"] for v in item["versions"]] == [
            v["version"] for v in legacy[item["metadata"]["name"]]["versions"]
        ]


def test_plain_json_is_served_when_aggregated_is_not_asked_for(server: Server) -> None:
    answer = server.request("GET", "/api", headers={"Accept": "application/json"})
    assert answer.headers["content-type"] == "application/json"
    assert answer.json()["kind"] == "APIVersions"


def test_kubectl_reads_discovery(server: Server) -> None:
    out = server.kubectl("api-versions").stdout.splitlines()
    assert "v1" in out
    groups = server.request("GET", "/apis").json()["groups"]
    assert sorted(out) == sorted(["v1", *(v["groupVersion"] for g in groups for v in g["versions"])])


UPSTREAM_TABLE = Path(__file__).parent / "data" / "api-resources-v1.35.tsv"
UPSTREAM_API_VERSIONS = [
    "admissionregistration.k8s.io/v1", "apiextensions.k8s.io/v1", "apiregistration.k8s.io/v1", "apps/v1",
    "authentication.k8s.io/v1", "authorization.k8s.io/v1", "autoscaling/v1", "autoscaling/v2", "batch/v1",
    "certificates.k8s.io/v1", "coordination.k8s.io/v1", "discovery.k8s.io/v1", "events.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1", "networking.k8s.io/v1", "node.k8s.io/v1", "policy/v1",
    "rbac.authorization.k8s.io/v1", "resource.k8s.io/v1", "scheduling.k8s.io/v1", "storage.k8s.io/v1", "v1",
]


def upstream_rows() -> list[dict[str, str]]:
    lines = [line for line in UPSTREAM_TABLE.read_text().splitlines() if not line.startswith("#")]
    header = ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND", "VERBS", "CATEGORIES"]
    return [
        {name: "" if cell == "-" else cell for name, cell in zip(header, line.split("\t"), strict=True)}
        for line in lines
    ]


def test_kubectl_api_resources_match_upstream_row_by_row(server: Server) -> None:
    """The whole `kubectl api-resources -o wide` table of a default v1.35 server, in kubectl's order."""
    _, rows = parse_table(server.kubectl("api-resources", "-o", "wide").stdout)
    expected = upstream_rows()
    missing = [r for r in expected if r not in rows]
    extra = [r for r in rows if r not in expected]
    assert not missing and not extra, f"missing: {missing}\nextra: {extra}"
    assert rows == expected


def test_kubectl_api_versions_match_upstream(server: Server) -> None:
    assert server.kubectl("api-versions").stdout.split() == UPSTREAM_API_VERSIONS


def test_kubectl_get_all_covers_upstreams_all_category(server: Server, ns: str) -> None:
    listed = {r["NAME"] for r in upstream_rows() if "all" in r["CATEGORIES"].split(",")}
    assert listed == {"pods", "replicationcontrollers", "services", "daemonsets", "deployments", "replicasets",
                      "statefulsets", "horizontalpodautoscalers", "cronjobs", "jobs"}
    server.kubectl("-n", ns, "create", "configmap", "settings", "--from-literal=a=b")
    server.kubectl("-n", ns, "create", "job", "once", "--image=busybox")
    server.kubectl("-n", ns, "create", "service", "clusterip", "web", "--tcp=80:8080")
    names = server.kubectl("-n", ns, "get", "all", "-o", "name").stdout.split()
    assert sorted(names) == ["job.batch/once", "service/web"]


def test_kubectl_explain_every_kind(server: Server) -> None:
    """`kubectl explain --recursive` reads every served kind's schema from /openapi/v3."""

    def explain(row: dict[str, str]) -> tuple[str, str]:
        resource = row["NAME"]
        result = server.kubectl("explain", resource, f"--api-version={row['APIVERSION']}", "--recursive", check=False)
        return resource, result.stdout + result.stderr

    rows = upstream_rows()
    with ThreadPoolExecutor(8) as pool:
        explained = list(pool.map(explain, rows))
    for row, (resource, output) in zip(rows, explained, strict=True):
        group, _, version = row["APIVERSION"].rpartition("/")
        header = f"GROUP:      {group}\n" if group else ""
        assert output.startswith(f"{header}KIND:       {row['KIND']}\nVERSION:    {version}\n"), (resource, output)
        assert "\nDESCRIPTION:\n" in output, (resource, output)
        assert "\nFIELDS:\n" in output, (resource, output)
