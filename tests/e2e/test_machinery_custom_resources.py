"""The machinery on a custom resource: patch types (strategic merge refused with 415, as
upstream), server-side apply driven by the CRD schema's list types, deletion with finalizers and
a watch from a resourceVersion."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from harness import Server
from machinery import stream

CRD = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.{group}
spec:
  group: {group}
  scope: Namespaced
  names: {{plural: widgets, singular: widget, kind: Widget, listKind: WidgetList}}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {{type: integer}}
              tags:
                type: array
                x-kubernetes-list-type: set
                items: {{type: string}}
              items:
                type: array
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [name]
                items:
                  type: object
                  required: [name]
                  properties:
                    name: {{type: string}}
                    value: {{type: string}}
"""


@pytest.fixture
def group(server: Server) -> Iterator[str]:
    name = f"m{secrets.token_hex(4)}.example.com"
    server.kubectl("apply", "-f", "-", input=CRD.format(group=name))
    server.kubectl("wait", "--for=condition=Established", f"crd/widgets.{name}", "--timeout=30s")
    try:
        yield name
    finally:
        server.kubectl("delete", "crd", f"widgets.{name}", "--wait=false", check=False)


def path(group: str, ns: str, name: str = "") -> str:
    return f"/apis/{group}/v1/namespaces/{ns}/widgets" + (f"/{name}" if name else "")


def widget(group: str, name: str, **spec: Any) -> dict[str, Any]:
    return {"apiVersion": f"{group}/v1", "kind": "Widget", "metadata": {"name": name}, "spec": spec}


def apply(server: Server, group: str, ns: str, body: dict[str, Any], manager: str) -> Any:
    answer = server.request(
        "PATCH",
        path(group, ns, body["metadata"]["name"]) + f"?fieldManager={manager}",
        json.dumps(body),
        headers={"Content-Type": "application/apply-patch+yaml"},
    )
    assert answer.status in (200, 201), answer.body
    return answer.json()


def test_patch_types_on_a_custom_resource(server: Server, ns: str, group: str) -> None:
    created = server.request("POST", path(group, ns), widget(group, "w", size=1))
    assert created.status == 201, created.body
    strategic = server.request(
        "PATCH", path(group, ns, "w"), '{"spec":{"size":2}}',
        headers={"Content-Type": "application/strategic-merge-patch+json"},
    )
    assert strategic.status == 415, strategic.body
    assert strategic.json() == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "the body of the request was in an unknown format - accepted media types include: "
        "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
        "reason": "UnsupportedMediaType",
        "code": 415,
    }
    kubectl = server.kubectl("-n", ns, "patch", f"widgets.{group}", "w", "-p", '{"spec":{"size":2}}', check=False)
    assert kubectl.returncode == 1
    assert kubectl.stderr.startswith(
        f"error: application/strategic-merge-patch+json is not supported by {group}/v1, Kind=Widget: "
    )
    merged = server.kubectl("-n", ns, "patch", f"widgets.{group}", "w", "--type=merge", "-p", '{"spec":{"size":3}}')
    assert merged.stdout == f"widget.{group}/w patched\n"
    ops = '[{"op":"test","path":"/spec/size","value":3},{"op":"replace","path":"/spec/size","value":4}]'
    server.kubectl("-n", ns, "patch", f"widgets.{group}", "w", "--type=json", "-p", ops)
    assert server.request("GET", path(group, ns, "w")).json()["spec"] == {"size": 4}


def test_apply_follows_the_schema_list_types(server: Server, ns: str, group: str) -> None:
    apply(server, group, ns, widget(group, "w", items=[{"name": "a", "value": "1"}], tags=["x"]), "one")
    out = apply(server, group, ns, widget(group, "w", items=[{"name": "b", "value": "2"}], tags=["y"]), "two")
    assert out["spec"]["items"] == [{"name": "a", "value": "1"}, {"name": "b", "value": "2"}]
    assert out["spec"]["tags"] == ["x", "y"]
    owned = {m["manager"]: m["fieldsV1"] for m in out["metadata"]["managedFields"]}
    assert owned["two"] == {"f:spec": {"f:items": {'k:{"name":"b"}': {".": {}, "f:name": {}, "f:value": {}}},
                                       "f:tags": {'v:"y"': {}}}}
    clash = server.request(
        "PATCH",
        path(group, ns, "w") + "?fieldManager=three",
        json.dumps(widget(group, "w", items=[{"name": "a", "value": "9"}])),
        headers={"Content-Type": "application/apply-patch+yaml"},
    )
    assert clash.status == 409, clash.body
    assert clash.json()["message"] == 'Apply failed with 1 conflict: conflict with "one": .spec.items[name="a"].value'
    out = apply(server, group, ns, widget(group, "w", tags=["x"]), "one")
    assert out["spec"]["items"] == [{"name": "b", "value": "2"}], "one's element goes, two's stays"


def test_finalizer_and_watch_on_a_custom_resource(server: Server, ns: str, group: str) -> None:
    body = widget(group, "held", size=1)
    body["metadata"]["finalizers"] = ["example.com/hold"]
    created = server.request("POST", path(group, ns), body)
    assert created.status == 201, created.body
    start = created.json()["metadata"]["resourceVersion"]
    deleted = server.request("DELETE", path(group, ns, "held"))
    assert deleted.status == 200, deleted.body
    # Custom resources return the object; here it waits for its finalizer.
    assert deleted.json()["metadata"]["deletionTimestamp"]
    assert server.request("GET", path(group, ns, "held")).status == 200
    released = server.request(
        "PATCH", path(group, ns, "held"), '{"metadata":{"finalizers":null}}',
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert released.status == 200, released.body
    assert server.request("GET", path(group, ns, "held")).status == 404
    events = stream(server, path(group, ns) + f"?watch=1&resourceVersion={start}&timeoutSeconds=1", timeout=20)
    # The update that drops the last finalizer is never stored: the object is deleted instead
    # (upstream errEmptiedFinalizers), so watchers see its last stored state go.
    assert [e["type"] for e in events] == ["MODIFIED", "DELETED"]
    gone = events[-1]["object"]
    assert gone["kind"] == "Widget" and gone["metadata"]["finalizers"] == ["example.com/hold"]
