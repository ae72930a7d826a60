"""API machinery as kubectl v1.35 uses it: apply (client- and server-side), diff, the three
patch types with strategic-merge directives, server dry runs, field validation, chunked lists,
cascading deletes and waiting for a deletion that a finalizer holds up (field validation:
test_machinery_field_validation.py).

test_kubectl_workflows.py covers the first steps of each (patch types, a simple apply, one
conflict); these go to the cases users hit next.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
from harness import Server

CONFLICT_HELP = """Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the `--force-conflicts` flag.
* If you do not intend to manage all of the fields, please edit your
  manifest to remove references to the fields that should keep their
  current managers.
* You may co-own fields by updating your manifest to match the existing
  value; in this case, you'll become the manager if the other manager(s)
  stop managing the field (remove it from their configuration).
See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts
"""


def manifest(name: str, labels: dict[str, str], data: dict[str, str]) -> str:
    """A ConfigMap manifest; empty maps are left out (an applied `{}` is a value of its own)."""
    text = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n"
    if labels:
        text += "  labels:\n" + "".join(f'    {k}: "{v}"\n' for k, v in labels.items())
    if data:
        text += "data:\n" + "".join(f'  {k}: "{v}"\n' for k, v in data.items())
    return text


def get_json(server: Server, ns: str, *what: str) -> dict[str, Any]:
    return json.loads(server.kubectl("-n", ns, "get", *what, "-o", "json", "--show-managed-fields").stdout)


def managers(obj: dict[str, Any]) -> dict[tuple[str, str], Any]:
    return {(m["manager"], m["operation"]): m.get("fieldsV1") for m in obj["metadata"].get("managedFields", [])}


# -- client-side apply ---------------------------------------------------------------------------


def test_client_side_apply_changes_and_removes_fields_and_labels(server: Server, ns: str) -> None:
    k = server.kubectl
    first = manifest("app", {"tier": "web", "team": "a"}, {"mode": "fast", "level": "1", "extra": "x"})
    assert k("-n", ns, "apply", "-f", "-", input=first).stdout == "configmap/app created\n"
    second = manifest("app", {"tier": "web"}, {"mode": "slow", "level": "1"})
    assert k("-n", ns, "apply", "-f", "-", input=second).stdout == "configmap/app configured\n"
    cm = get_json(server, ns, "cm", "app")
    assert cm["data"] == {"mode": "slow", "level": "1"}
    assert cm["metadata"]["labels"] == {"tier": "web"}
    last = json.loads(cm["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"])
    assert last == {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"annotations": {}, "labels": {"tier": "web"}, "name": "app", "namespace": ns},
        "data": {"level": "1", "mode": "slow"},
    }
    assert set(managers(cm)) == {("kubectl-client-side-apply", "Update")}
    # A field someone else added is not the applier's to remove.
    k("-n", ns, "label", "cm", "app", "owner=ops")
    assert k("-n", ns, "apply", "-f", "-", input=second).stdout == "configmap/app unchanged\n"
    assert get_json(server, ns, "cm", "app")["metadata"]["labels"] == {"tier": "web", "owner": "ops"}


def test_client_side_apply_then_server_side_apply_takes_over(server: Server, ns: str) -> None:
    """kubectl migrates client-side apply's ownership (csaupgrade), so a later server-side
    apply that drops a field removes it."""
    k = server.kubectl
    k("-n", ns, "apply", "-f", "-", input=manifest("up", {"a": "1"}, {"x": "1", "y": "2"}))
    out = k("-n", ns, "apply", "--server-side", "-f", "-", input=manifest("up", {"a": "1"}, {"x": "9"})).stdout
    assert out == "configmap/up serverside-applied\n"
    cm = get_json(server, ns, "cm", "up")
    assert cm["data"] == {"x": "9"}
    assert ("kubectl", "Apply") in managers(cm)
    assert ("kubectl-client-side-apply", "Update") not in managers(cm)


# -- server-side apply ---------------------------------------------------------------------------


def test_server_side_apply_conflict_with_an_update_manager(server: Server, ns: str) -> None:
    k = server.kubectl
    k("-n", ns, "create", "cm", "s", "--from-literal=a=1", "--from-literal=b=1")
    applied = manifest("s", {}, {"a": "2"})
    failed = k("-n", ns, "apply", "--server-side", "-f", "-", input=applied, check=False)
    assert failed.returncode == 1
    assert failed.stdout == ""
    assert failed.stderr == (
        'error: Apply failed with 1 conflict: conflict with "kubectl-create" using v1: .data.a\n' + CONFLICT_HELP
    )
    both = manifest("s", {}, {"a": "2", "b": "2"})
    failed = k("-n", ns, "apply", "--server-side", "-f", "-", input=both, check=False)
    assert failed.returncode == 1
    assert failed.stderr.startswith(
        'error: Apply failed with 2 conflicts: conflicts with "kubectl-create" using v1:\n- .data.a\n- .data.b\n'
    )
    assert get_json(server, ns, "cm", "s")["data"] == {"a": "1", "b": "1"}
    forced = k("-n", ns, "apply", "--server-side", "--force-conflicts", "-f", "-", input=applied)
    assert forced.stdout == "configmap/s serverside-applied\n"
    cm = get_json(server, ns, "cm", "s")
    assert cm["data"] == {"a": "2", "b": "1"}
    owners = managers(cm)
    assert owners[("kubectl", "Apply")] == {"f:data": {"f:a": {}}}
    assert owners[("kubectl-create", "Update")]["f:data"] == {".": {}, "f:b": {}}


def test_server_side_apply_conflict_through_the_api(server: Server, ns: str) -> None:
    server.kubectl("-n", ns, "create", "cm", "s", "--from-literal=a=1")
    answer = server.request(
        "PATCH",
        f"/api/v1/namespaces/{ns}/configmaps/s?fieldManager=tool",
        '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"s"},"data":{"a":"2"}}',
        headers={"Content-Type": "application/apply-patch+yaml"},
    )
    assert answer.status == 409, answer.body
    assert answer.json() == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": 'Apply failed with 1 conflict: conflict with "kubectl-create" using v1: .data.a',
        "reason": "Conflict",
        "details": {
            "causes": [
                {"reason": "FieldManagerConflict", "message": 'conflict with "kubectl-create" using v1', "field": ".data.a"}
            ]
        },
        "code": 409,
    }


def test_server_side_apply_co_ownership_and_removal(server: Server, ns: str) -> None:
    k = server.kubectl
    k("-n", ns, "apply", "--server-side", "--field-manager=one", "-f", "-", input=manifest("c", {}, {"a": "1", "b": "1"}))
    # Same value: no conflict, the field is shared.
    k("-n", ns, "apply", "--server-side", "--field-manager=two", "-f", "-", input=manifest("c", {}, {"a": "1"}))
    owners = managers(get_json(server, ns, "cm", "c"))
    assert owners[("one", "Apply")] == {"f:data": {"f:a": {}, "f:b": {}}}
    assert owners[("two", "Apply")] == {"f:data": {"f:a": {}}}
    # "one" stops applying both: b goes (nobody else owns it), a stays (two still does).
    k("-n", ns, "apply", "--server-side", "--field-manager=one", "-f", "-", input=manifest("c", {}, {}))
    cm = get_json(server, ns, "cm", "c")
    assert cm["data"] == {"a": "1"}
    assert ("one", "Apply") not in managers(cm)


def test_server_side_apply_creates_and_dry_runs(server: Server, ns: str) -> None:
    k = server.kubectl
    out = k("-n", ns, "apply", "--server-side", "--dry-run=server", "-f", "-", input=manifest("d", {}, {"a": "1"}))
    assert out.stdout == "configmap/d serverside-applied (server dry run)\n"
    assert k("-n", ns, "get", "cm", "d", check=False).returncode == 1
    k("-n", ns, "apply", "--server-side", "-f", "-", input=manifest("d", {}, {"a": "1"}))
    out = k("-n", ns, "apply", "--server-side", "--dry-run=server", "-f", "-", input=manifest("d", {}, {"a": "2"}))
    assert out.stdout == "configmap/d serverside-applied (server dry run)\n"
    out = k("-n", ns, "apply", "--dry-run=server", "-f", "-", input=manifest("d", {}, {"a": "3"}))
    assert out.stdout == "configmap/d configured (server dry run)\n"
    assert get_json(server, ns, "cm", "d")["data"] == {"a": "1"}


# -- diff ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("side", ["client", "server"])
def test_diff_of_a_removed_and_an_added_field(server: Server, ns: str, side: str) -> None:
    k = server.kubectl
    extra = ["--server-side"] if side == "server" else []
    k("-n", ns, "apply", *extra, "-f", "-", input=manifest("df", {}, {"a": "1", "b": "2"}))
    changed = k("-n", ns, "diff", *extra, "-f", "-", input=manifest("df", {}, {"a": "1", "c": "3"}), check=False)
    assert changed.returncode == 1, changed.stderr
    lines = [line for line in changed.stdout.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert '-  b: "2"' in lines and '+  c: "3"' in lines
    assert all("generation" not in line and "resourceVersion" not in line for line in lines)
    assert get_json(server, ns, "cm", "df")["data"] == {"a": "1", "b": "2"}


# -- patches -------------------------------------------------------------------------------------


def service(name: str) -> str:
    return (
        f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  selector:\n    app: x\n  ports:\n"
        "  - name: http\n    port: 80\n  - name: https\n    port: 443\n  - name: metrics\n    port: 9090\n"
    )


def ports(server: Server, ns: str, name: str) -> list[tuple[str, int]]:
    svc = get_json(server, ns, "svc", name)
    return [(p["name"], p["port"]) for p in svc["spec"]["ports"]]


def test_strategic_patch_delete_directive_on_a_keyed_list(server: Server, ns: str) -> None:
    k = server.kubectl
    k("-n", ns, "apply", "-f", "-", input=service("web"))
    out = k("-n", ns, "patch", "svc", "web", "-p", '{"spec":{"ports":[{"port":443,"$patch":"delete"}]}}')
    assert out.stdout == "service/web patched\n"
    assert ports(server, ns, "web") == [("http", 80), ("metrics", 9090)]
    # Merging by the key: a new port is added, an existing one changed in place.
    k("-n", ns, "patch", "svc", "web", "-p", '{"spec":{"ports":[{"port":8443,"name":"alt"},{"port":80,"name":"web"}]}}')
    assert sorted(ports(server, ns, "web")) == [("alt", 8443), ("metrics", 9090), ("web", 80)]


def test_strategic_patch_set_element_order(server: Server, ns: str) -> None:
    k = server.kubectl
    k("-n", ns, "apply", "-f", "-", input=service("order"))
    patch = {"spec": {"$setElementOrder/ports": [{"port": 9090}, {"port": 80}, {"port": 443}]}}
    k("-n", ns, "patch", "svc", "order", "-p", json.dumps(patch))
    assert ports(server, ns, "order") == [("metrics", 9090), ("http", 80), ("https", 443)]


def test_strategic_patch_replace_directive_and_primitive_list_deletion(server: Server, ns: str) -> None:
    k = server.kubectl
    k("-n", ns, "create", "cm", "r", "--from-literal=a=1")
    k("-n", ns, "label", "cm", "r", "x=1", "y=2")
    k("-n", ns, "patch", "cm", "r", "-p", '{"metadata":{"finalizers":["example.com/a","example.com/b"]}}')
    k("-n", ns, "patch", "cm", "r", "-p", '{"metadata":{"labels":{"$patch":"replace","z":"3"}}}')
    k("-n", ns, "patch", "cm", "r", "-p", '{"metadata":{"$deleteFromPrimitiveList/finalizers":["example.com/a"]}}')
    cm = get_json(server, ns, "cm", "r")
    assert cm["metadata"]["labels"] == {"z": "3"}
    assert cm["metadata"]["finalizers"] == ["example.com/b"]
    k("-n", ns, "patch", "cm", "r", "--type=json", "-p", '[{"op":"remove","path":"/metadata/finalizers"}]')


def test_strategic_patch_retain_keys_on_a_deployment_strategy(server: Server, ns: str) -> None:
    k = server.kubectl
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "d"},
        "spec": {
            "selector": {"matchLabels": {"app": "d"}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 2}},
            "template": {"metadata": {"labels": {"app": "d"}}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}},
        },
    }
    k("-n", ns, "apply", "-f", "-", input=json.dumps(deployment))
    patch = {"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}}
    k("-n", ns, "patch", "deployment", "d", "-p", json.dumps(patch))
    assert get_json(server, ns, "deployment", "d")["spec"]["strategy"] == {"type": "Recreate"}


def test_json_patch_test_operation(server: Server, ns: str) -> None:
    k = server.kubectl
    k("-n", ns, "create", "cm", "j", "--from-literal=a=1")
    ok = '[{"op":"test","path":"/data/a","value":"1"},{"op":"replace","path":"/data/a","value":"2"}]'
    assert k("-n", ns, "patch", "cm", "j", "--type=json", "-p", ok).stdout == "configmap/j patched\n"
    failed = k("-n", ns, "patch", "cm", "j", "--type=json", "-p", ok, check=False)
    assert failed.returncode == 1
    assert failed.stderr == (
        "The request is invalid: the server rejected our request due to an error in our request\n"
    )
    assert get_json(server, ns, "cm", "j")["data"] == {"a": "2"}


def test_merge_patch_null_removes(server: Server, ns: str) -> None:
    k = server.kubectl
    k("-n", ns, "create", "cm", "m", "--from-literal=a=1", "--from-literal=b=2")
    k("-n", ns, "label", "cm", "m", "x=1")
    k("-n", ns, "patch", "cm", "m", "--type=merge", "-p", '{"data":{"a":null},"metadata":{"labels":null}}')
    cm = get_json(server, ns, "cm", "m")
    assert cm["data"] == {"b": "2"} and "labels" not in cm["metadata"]


def test_patch_dry_run_stores_nothing(server: Server, ns: str) -> None:
    k = server.kubectl
    k("-n", ns, "create", "cm", "p", "--from-literal=a=1")
    out = k("-n", ns, "patch", "cm", "p", "--dry-run=server", "-p", '{"data":{"a":"2"}}', "-o", "json").stdout
    assert json.loads(out)["data"] == {"a": "2"}
    assert get_json(server, ns, "cm", "p")["data"] == {"a": "1"}


# -- lists, deletion, waiting --------------------------------------------------------------------


def test_get_with_chunk_size_pages_through_many_objects(server: Server, ns: str) -> None:
    body = {"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"cm-{i:02d}", "labels": {"odd": str(i % 2)}}}
        for i in range(25)
    ]}
    server.kubectl("-n", ns, "create", "-f", "-", input=json.dumps(body))
    out = server.kubectl("-n", ns, "get", "cm", "--chunk-size=2", "-o", "name", "-v=6")
    assert out.stdout.split() == [f"configmap/cm-{i:02d}" for i in range(25)]
    requests = re.findall(r'"GET" url="[^"]*/configmaps\?([^"]*)"', out.stderr) or re.findall(
        r"GET https://\S+/configmaps\?(\S+)", out.stderr
    )
    assert len(requests) == 13, out.stderr
    assert all("limit=2" in query for query in requests)
    assert sum("continue=" in query for query in requests) == 12
    odd = server.kubectl("-n", ns, "get", "cm", "--chunk-size=3", "-l", "odd=1", "-o", "name").stdout.split()
    assert odd == [f"configmap/cm-{i:02d}" for i in range(1, 25, 2)]


def test_delete_with_cascade_orphan_and_foreground(server: Server, ns: str) -> None:
    k = server.kubectl
    k("-n", ns, "create", "cm", "o")
    k("-n", ns, "create", "cm", "f")
    out = k("-n", ns, "delete", "cm", "o", "--cascade=orphan", "--wait=false").stdout
    assert out == f'configmap "o" deleted from {ns} namespace\n'
    out = k("-n", ns, "delete", "cm", "f", "--cascade=foreground", "--wait=false").stdout
    assert out == f'configmap "f" deleted from {ns} namespace\n'
    assert get_json(server, ns, "cm", "o")["metadata"]["finalizers"] == ["orphan"]
    assert get_json(server, ns, "cm", "f")["metadata"]["finalizers"] == ["foregroundDeletion"]
    for name in ("o", "f"):
        k("-n", ns, "patch", "cm", name, "--type=merge", "-p", '{"metadata":{"finalizers":null}}')
    assert k("-n", ns, "get", "cm", "-o", "name").stdout == ""


def test_wait_for_delete_of_an_object_held_by_a_finalizer(server: Server, ns: str) -> None:
    k = server.kubectl
    k("-n", ns, "create", "cm", "held")
    k("-n", ns, "patch", "cm", "held", "-p", '{"metadata":{"finalizers":["example.com/hold"]}}')
    assert k("-n", ns, "delete", "cm", "held", "--wait=false").returncode == 0
    assert get_json(server, ns, "cm", "held")["metadata"]["deletionTimestamp"]
    with server.kubectl_stream("-n", ns, "wait", "cm/held", "--for=delete", "--timeout=60s") as wait:
        time.sleep(2)  # kubectl finds the object and starts watching it
        assert wait.proc.poll() is None, "the finalizer holds the object: wait keeps waiting"
        # Another client (the finalizer's controller) lets it go.
        server.request(
            "PATCH",
            f"/api/v1/namespaces/{ns}/configmaps/held",
            '{"metadata":{"finalizers":null}}',
            headers={"Content-Type": "application/merge-patch+json"},
        )
        assert wait.next_line(timeout=30) == "configmap/held condition met"
        assert wait.proc.wait(timeout=10) == 0
