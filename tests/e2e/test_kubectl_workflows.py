"""Everyday kubectl workflows beyond get/create: patch, apply (client- and server-side), diff, explain, wait."""

from __future__ import annotations

import json
import time

from harness import Server

MANIFEST = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: s\ndata:\n  a: "1"\n'


def data(server: Server, ns: str, name: str) -> dict[str, str]:
    return json.loads(server.kubectl("-n", ns, "get", "cm", name, "-o", "json").stdout).get("data", {})


def test_patch_types(server: Server, ns: str) -> None:
    k = server.kubectl
    k("-n", ns, "create", "cm", "x", "--from-literal=a=1")
    assert k("-n", ns, "patch", "cm", "x", "-p", '{"data":{"b":"2"}}').stdout == "configmap/x patched\n"
    assert (
        k("-n", ns, "patch", "cm", "x", "-p", '{"data":{"b":"2"}}').stdout
        == "configmap/x patched (no change)\n"
    )
    k("-n", ns, "patch", "cm", "x", "--type=json", "-p", '[{"op":"remove","path":"/data/b"}]')
    k("-n", ns, "patch", "cm", "x", "--type=merge", "-p", '{"data":{"c":"3"}}')
    assert data(server, ns, "x") == {"a": "1", "c": "3"}
    failed = k(
        "-n", ns, "patch", "cm", "x", "--type=json", "-p", '[{"op":"remove","path":"/data/zzz"}]', check=False
    )
    assert failed.returncode == 1
    assert (
        failed.stderr
        == "The request is invalid: the server rejected our request due to an error in our request\n"
    )
    assert data(server, ns, "x") == {"a": "1", "c": "3"}


def test_client_side_apply(server: Server, ns: str) -> None:
    k = server.kubectl
    assert k("-n", ns, "apply", "-f", "-", input=MANIFEST).stdout == "configmap/s created\n"
    assert k("-n", ns, "apply", "-f", "-", input=MANIFEST).stdout == "configmap/s unchanged\n"
    changed = MANIFEST.replace('a: "1"', 'a: "2"\n  b: "3"')
    assert k("-n", ns, "apply", "-f", "-", input=changed).stdout == "configmap/s configured\n"
    assert data(server, ns, "s") == {"a": "2", "b": "3"}
    assert k("-n", ns, "apply", "-f", "-", input=MANIFEST).stdout == "configmap/s configured\n"
    assert data(server, ns, "s") == {"a": "1"}, "apply removes what the last applied configuration had"


def test_server_side_apply_and_conflicts(server: Server, ns: str) -> None:
    k = server.kubectl
    assert (
        k("-n", ns, "apply", "--server-side", "-f", "-", input=MANIFEST).stdout
        == "configmap/s serverside-applied\n"
    )
    other = MANIFEST.replace('"1"', '"2"')
    conflict = k(
        "-n", ns, "apply", "--server-side", "--field-manager=other", "-f", "-", input=other, check=False
    )
    assert conflict.returncode == 1
    assert conflict.stderr.startswith(
        'error: Apply failed with 1 conflict: conflict with "kubectl": .data.a\n'
    )
    forced = k(
        "-n",
        ns,
        "apply",
        "--server-side",
        "--field-manager=other",
        "--force-conflicts",
        "-f",
        "-",
        input=other,
    )
    assert forced.stdout == "configmap/s serverside-applied\n"
    cm = json.loads(k("-n", ns, "get", "cm", "s", "-o", "json", "--show-managed-fields").stdout)
    assert cm["data"] == {"a": "2"}
    managers = {(m["manager"], m["operation"]): m.get("fieldsV1") for m in cm["metadata"]["managedFields"]}
    assert managers[("other", "Apply")] == {"f:data": {"f:a": {}}}


def test_diff_shows_the_change_and_exits_1(server: Server, ns: str) -> None:
    k = server.kubectl
    k("-n", ns, "apply", "-f", "-", input=MANIFEST)
    same = k("-n", ns, "diff", "-f", "-", input=MANIFEST, check=False)
    assert (same.returncode, same.stdout) == (0, "")
    changed = k("-n", ns, "diff", "-f", "-", input=MANIFEST.replace('"1"', '"2"'), check=False)
    assert changed.returncode == 1, changed.stderr
    body = [
        line for line in changed.stdout.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    assert body == ['-  a: "1"', '+  a: "2"']
    assert data(server, ns, "s") == {"a": "1"}, "diff is a dry run"


def test_explain_reads_openapi(server: Server) -> None:
    out = server.kubectl("explain", "configmap.data").stdout
    assert out.startswith("KIND:       ConfigMap\nVERSION:    v1\n\nFIELD: data <map[string]string>\n")
    assert "\nDESCRIPTION:\n    Data contains the configuration data." in out


def test_wait_for_deletion_and_jsonpath(server: Server, ns: str) -> None:
    k = server.kubectl
    k("-n", ns, "create", "cm", "w", "--from-literal=state=ready")
    waited = k("-n", ns, "wait", "cm/w", "--for=jsonpath={.data.state}=ready", "--timeout=20s")
    assert waited.stdout == "configmap/w condition met\n"
    with server.kubectl_stream("-n", ns, "wait", "cm/w", "--for=delete", "--timeout=30s") as wait:
        time.sleep(1.5)  # let kubectl find the object first: if it is already gone it prints nothing
        k("-n", ns, "delete", "cm", "w")
        assert wait.next_line(timeout=30) == "configmap/w condition met"


def test_cluster_info(server: Server) -> None:
    out = server.kubectl("cluster-info").stdout
    assert out.startswith(f"Kubernetes control plane is running at {server.url}\n")


def test_get_with_chunking_and_custom_columns(server: Server, ns: str) -> None:
    for i in range(7):
        server.kubectl("-n", ns, "create", "cm", f"c{i}", f"--from-literal=i={i}")
    names = server.kubectl("-n", ns, "get", "cm", "--chunk-size=2", "-o", "name").stdout.split()
    assert names == [f"configmap/c{i}" for i in range(7)]
    out = server.kubectl(
        "-n", ns, "get", "cm", "--chunk-size=3", "-o", "custom-columns=N:.metadata.name,I:.data.i"
    )
    assert out.stdout.split("\n")[0].split() == ["N", "I"]
    assert [line.split() for line in out.stdout.strip().split("\n")[1:]] == [
        [f"c{i}", str(i)] for i in range(7)
    ]
