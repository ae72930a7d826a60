"""kubectl v1.35 against the real server: the everyday commands of issue 2, with exact outputs."""

from __future__ import annotations

import base64
import json
import re

import pytest
import yaml
from harness import Server, parse_table

UID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
AGE = re.compile(r"^\d+s$|^\d+m\d*s?$")

# kubectl api-resources rows of kube-apiserver v1.35 for the resources issue 2 serves:
# name -> (SHORTNAMES, APIVERSION, NAMESPACED, KIND, VERBS, CATEGORIES) as `-o wide` prints them.
ALL_VERBS = "create,delete,deletecollection,get,list,patch,update,watch"
ISSUE_RESOURCES = {
    "configmaps": ("cm", "v1", "true", "ConfigMap", ALL_VERBS, ""),
    "endpoints": ("ep", "v1", "true", "Endpoints", ALL_VERBS, ""),
    "events": ("ev", "v1", "true", "Event", ALL_VERBS, ""),
    "namespaces": ("ns", "v1", "false", "Namespace", "create,delete,get,list,patch,update,watch", ""),
    "nodes": ("no", "v1", "false", "Node", ALL_VERBS, ""),
    "pods": ("po", "v1", "true", "Pod", ALL_VERBS, "all"),
    "secrets": ("", "v1", "true", "Secret", ALL_VERBS, ""),
    "serviceaccounts": ("sa", "v1", "true", "ServiceAccount", ALL_VERBS, ""),
    "services": (
        "svc",
        "v1",
        "true",
        "Service",
        "create,delete,deletecollection,get,list,patch,update,watch",
        "all",
    ),
    "leases": ("", "coordination.k8s.io/v1", "true", "Lease", ALL_VERBS, ""),
}


def test_version_shows_server_version(server: Server) -> None:
    out = server.kubectl("version").stdout.splitlines()
    assert out[0].startswith("Client Version: v1.35.")
    assert re.fullmatch(r"Server Version: v1\.35\.\d+\S*", out[-1]), out
    info = json.loads(server.kubectl("version", "-o", "json").stdout)["serverVersion"]
    assert info["major"] == "1" and info["minor"] == "35"
    assert info["gitVersion"] == out[-1].removeprefix("Server Version: ")


def test_api_resources_lists_the_served_core_resources(server: Server) -> None:
    result = server.kubectl("api-resources", "-o", "wide")
    header, rows = parse_table(result.stdout)
    assert header == ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND", "VERBS", "CATEGORIES"]
    by_name = {(row["NAME"], row["APIVERSION"]): row for row in rows}
    for name, (short, version, namespaced, kind, verbs, categories) in ISSUE_RESOURCES.items():
        row = by_name.get((name, version))
        assert row is not None, f"{version}/{name} is not served (issue 2, point 7)"
        assert row == {
            "NAME": name,
            "SHORTNAMES": short,
            "APIVERSION": version,
            "NAMESPACED": namespaced,
            "KIND": kind,
            "VERBS": verbs,
            "CATEGORIES": categories,
        }, row
    assert ("configmaps", "v1") in by_name and ("namespaces", "v1") in by_name
    plain = server.kubectl("api-resources").stdout.splitlines()
    assert plain[0].split() == ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
    assert re.fullmatch(
        r"configmaps\s+cm\s+v1\s+true\s+ConfigMap", next(x for x in plain if x.startswith("configmaps "))
    )


def test_namespaces_have_no_deletecollection(server: Server) -> None:
    """Upstream's namespaces REST wraps the Store without DeleteCollection."""
    _, rows = parse_table(server.kubectl("api-resources", "-o", "wide", "--api-group=").stdout)
    assert (
        next(r for r in rows if r["NAME"] == "namespaces")["VERBS"]
        == "create,delete,get,list,patch,update,watch"
    )
    answer = server.request("DELETE", "/api/v1/namespaces?labelSelector=e2e-nothing%3Dx")
    assert answer.status == 405, answer.body
    assert answer.json()["reason"] == "MethodNotAllowed"


def test_get_ns_shows_the_bootstrap_namespaces_active(server: Server) -> None:
    out = server.kubectl("get", "ns").stdout
    header, rows = parse_table(out)
    assert header == ["NAME", "STATUS", "AGE"]
    system = [row for row in rows if not row["NAME"].startswith("e2e-")]
    assert [row["NAME"] for row in system] == ["default", "kube-node-lease", "kube-public", "kube-system"]
    for row in system:
        assert row["STATUS"] == "Active"
        assert AGE.match(row["AGE"]), row


def test_create_namespace(server: Server, request: pytest.FixtureRequest) -> None:
    name = f"e2e-created-{request.node.nodeid.__hash__() & 0xFFFF:x}"
    assert server.kubectl("create", "ns", name).stdout == f"namespace/{name} created\n"
    got = json.loads(server.kubectl("get", "ns", name, "-o", "json").stdout)
    assert got["kind"] == "Namespace" and got["apiVersion"] == "v1"
    assert got["spec"] == {"finalizers": ["kubernetes"]}
    assert got["status"] == {"phase": "Active"}
    assert got["metadata"]["labels"] == {"kubernetes.io/metadata.name": name}
    again = server.kubectl("create", "ns", name, check=False)
    assert again.returncode == 1
    assert again.stderr == f'Error from server (AlreadyExists): namespaces "{name}" already exists\n'


def test_create_configmap_from_literal_and_get_yaml(server: Server, ns: str) -> None:
    out = server.kubectl("-n", ns, "create", "configmap", "x", "--from-literal=a=b", "--from-literal=c=d")
    assert out.stdout == "configmap/x created\n"
    got = yaml.safe_load(server.kubectl("-n", ns, "get", "cm", "x", "-o", "yaml").stdout)
    assert got["apiVersion"] == "v1" and got["kind"] == "ConfigMap"
    assert got["data"] == {"a": "b", "c": "d"}
    meta = got["metadata"]
    assert set(meta) == {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}, meta
    assert meta["name"] == "x" and meta["namespace"] == ns
    assert UID.match(meta["uid"]) and TIMESTAMP.match(meta["creationTimestamp"])
    assert meta["resourceVersion"].isdigit() and int(meta["resourceVersion"]) > 0
    table = server.kubectl("-n", ns, "get", "cm").stdout
    header, rows = parse_table(table)
    assert header == ["NAME", "DATA", "AGE"]
    assert [(r["NAME"], r["DATA"]) for r in rows] == [("x", "2")]


def test_create_secret_generic(server: Server, ns: str) -> None:
    out = server.kubectl("-n", ns, "create", "secret", "generic", "s", "--from-literal=user=admin")
    assert out.stdout == "secret/s created\n"
    got = json.loads(server.kubectl("-n", ns, "get", "secret", "s", "-o", "json").stdout)
    assert got["type"] == "Opaque"
    assert got["data"] == {"user": base64.b64encode(b"admin").decode()}
    header, rows = parse_table(server.kubectl("-n", ns, "get", "secrets").stdout)
    assert header == ["NAME", "TYPE", "DATA", "AGE"]
    assert [(r["NAME"], r["TYPE"], r["DATA"]) for r in rows] == [("s", "Opaque", "1")]


def test_label_annotate_and_delete(server: Server, ns: str) -> None:
    k = server.kubectl
    k("-n", ns, "create", "cm", "x", "--from-literal=a=b")
    assert k("-n", ns, "label", "cm", "x", "env=prod").stdout == "configmap/x labeled\n"
    refused = k("-n", ns, "label", "cm", "x", "env=dev", check=False)
    assert refused.returncode == 1
    assert refused.stderr == "error: 'env' already has a value (prod), and --overwrite is false\n"
    assert k("-n", ns, "label", "cm", "x", "env=dev", "--overwrite").stdout == "configmap/x labeled\n"
    assert k("-n", ns, "annotate", "cm", "x", "note=hello world").stdout == "configmap/x annotated\n"
    got = json.loads(k("-n", ns, "get", "cm", "x", "-o", "json").stdout)
    assert got["metadata"]["labels"] == {"env": "dev"}
    assert got["metadata"]["annotations"] == {"note": "hello world"}
    assert k("-n", ns, "get", "cm", "-l", "env=dev", "-o", "name").stdout == "configmap/x\n"
    assert k("-n", ns, "get", "cm", "-l", "env=prod", "-o", "name").stdout == ""
    assert k("-n", ns, "label", "cm", "x", "env-").stdout == "configmap/x unlabeled\n"
    assert k("-n", ns, "annotate", "cm", "x", "note-").stdout == "configmap/x annotated\n"
    got = json.loads(k("-n", ns, "get", "cm", "x", "-o", "json").stdout)
    assert not got["metadata"].get("labels") and not got["metadata"].get("annotations")
    assert k("-n", ns, "delete", "cm", "x").stdout == f'configmap "x" deleted from {ns} namespace\n'
    gone = k("-n", ns, "get", "cm", "x", check=False)
    assert gone.returncode == 1
    assert gone.stderr == 'Error from server (NotFound): configmaps "x" not found\n'
    assert k("-n", ns, "get", "cm", check=False).stderr == f"No resources found in {ns} namespace.\n"


def test_removing_the_last_label_leaves_no_empty_map(server: Server, ns: str) -> None:
    k = server.kubectl
    k("-n", ns, "create", "cm", "x")
    k("-n", ns, "label", "cm", "x", "env=prod")
    k("-n", ns, "annotate", "cm", "x", "note=x")
    k("-n", ns, "label", "cm", "x", "env-")
    k("-n", ns, "annotate", "cm", "x", "note-")
    meta = json.loads(k("-n", ns, "get", "cm", "x", "-o", "json").stdout)["metadata"]
    assert "labels" not in meta and "annotations" not in meta, meta


def _stale_replace(server: Server, ns: str, *flags: str) -> None:
    k = server.kubectl
    k("-n", ns, "create", "cm", "x", "--from-literal=a=b")
    stale = k("-n", ns, "get", "cm", "x", "-o", "yaml").stdout
    k("-n", ns, "label", "cm", "x", "bump=1")
    result = k("replace", *flags, "-f", "-", input=stale, check=False)
    assert result.returncode == 1
    assert result.stderr == (
        'Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled on '
        'configmaps "x": the object has been modified; please apply your changes to the latest version '
        "and try again\n"
    )
    fresh = k("-n", ns, "get", "cm", "x", "-o", "yaml").stdout
    changed = fresh.replace("a: b", "a: changed")
    assert k("replace", *flags, "-f", "-", input=changed).stdout == "configmap/x replaced\n"
    got = json.loads(k("-n", ns, "get", "cm", "x", "-o", "json").stdout)
    assert got["data"] == {"a": "changed"} and got["metadata"]["labels"] == {"bump": "1"}


def test_replace_with_stale_resource_version_conflicts(server: Server, ns: str) -> None:
    """As a user types it: kubectl validates against /openapi/v3 first."""
    _stale_replace(server, ns)


def test_replace_with_stale_resource_version_conflicts_without_client_validation(
    server: Server, ns: str
) -> None:
    _stale_replace(server, ns, "--validate=false")


def test_get_watch_streams_changes_made_by_another_kubectl(server: Server, ns: str) -> None:
    k = server.kubectl
    k("-n", ns, "create", "cm", "before", "--from-literal=a=b")
    with server.kubectl_stream("-n", ns, "get", "cm", "-w", "--output-watch-events") as watch:
        assert watch.next_line().split() == ["EVENT", "NAME", "DATA", "AGE"]
        assert watch.next_line().split()[:3] == ["ADDED", "before", "1"]
        k("-n", ns, "create", "cm", "after")
        assert watch.next_line().split()[:3] == ["ADDED", "after", "0"]
        k("-n", ns, "label", "cm", "before", "x=y")
        assert watch.next_line().split()[:3] == ["MODIFIED", "before", "1"]
        k("-n", ns, "delete", "cm", "after")
        assert watch.next_line().split()[:3] == ["DELETED", "after", "0"]


def test_get_watch_plain_rows(server: Server, ns: str) -> None:
    with server.kubectl_stream("-n", ns, "get", "cm", "-w") as watch:
        server.kubectl("-n", ns, "create", "cm", "first", "--from-literal=k=v")
        assert watch.next_line().split() == ["NAME", "DATA", "AGE"]
        name, data, age = watch.next_line().split()
        assert (name, data) == ("first", "1") and AGE.match(age)
        server.kubectl("-n", ns, "annotate", "cm", "first", "a=b")
        assert watch.next_line().split()[:2] == ["first", "1"]
