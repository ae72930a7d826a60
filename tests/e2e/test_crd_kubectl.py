"""CustomResourceDefinitions through kubectl v1.35: a CRD with a schema, defaults, status and
scale subresources and printer columns, from `kubectl apply` to `kubectl delete crd`.

Every test makes its own API group, so tests sharing the server never see each other's CRDs.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from harness import Server, parse_table

CRD_TEMPLATE = """
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.{group}
spec:
  group: {group}
  scope: Namespaced
  names:
    plural: crontabs
    singular: crontab
    kind: CronTab
    shortNames: [{short}]
    categories: [all]
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
              cronSpec: {{type: string}}
              image: {{type: string, description: the image to run}}
              replicas: {{type: integer, default: 1, minimum: 0}}
              color: {{type: string, enum: [red, blue]}}
          status:
            type: object
            properties:
              replicas: {{type: integer}}
              selector: {{type: string}}
    selectableFields:
    - jsonPath: .spec.color
    subresources:
      status: {{}}
      scale:
        specReplicasPath: .spec.replicas
        statusReplicasPath: .status.replicas
        labelSelectorPath: .status.selector
    additionalPrinterColumns:
    - {{name: Spec, type: string, jsonPath: .spec.cronSpec}}
    - {{name: Replicas, type: integer, jsonPath: .spec.replicas}}
    - {{name: Image, type: string, priority: 1, jsonPath: .spec.image}}
    - {{name: Age, type: date, jsonPath: .metadata.creationTimestamp}}
"""


def cron(name: str, group: str, **spec: Any) -> str:
    body = {"apiVersion": f"{group}/v1", "kind": "CronTab", "metadata": {"name": name},
            "spec": {"cronSpec": "* * * * */5", "image": "busybox", **spec}}
    return yaml.safe_dump(body)


@pytest.fixture
def group(server: Server) -> Iterator[str]:
    """A new API group with the CronTab CRD, established; the CRD is deleted afterwards."""
    name = f"g{secrets.token_hex(3)}.example.com"
    short = f"ct{secrets.token_hex(2)}"
    server.kubectl("apply", "-f", "-", input=CRD_TEMPLATE.format(group=name, short=short))
    server.kubectl("wait", "--for=condition=Established", f"crd/crontabs.{name}", "--timeout=30s")
    yield name
    server.kubectl("delete", "crd", f"crontabs.{name}", "--ignore-not-found", "--timeout=90s", check=False)


def crd(server: Server, group: str) -> dict[str, Any]:
    return json.loads(server.kubectl("get", "crd", f"crontabs.{group}", "-o", "json").stdout)


def test_crd_is_established_with_upstreams_conditions(server: Server, group: str) -> None:
    obj = crd(server, group)
    assert obj["spec"]["conversion"] == {"strategy": "None"}
    assert obj["spec"]["names"]["listKind"] == "CronTabList"
    status = obj["status"]
    assert status["storedVersions"] == ["v1"]
    assert status["acceptedNames"]["kind"] == "CronTab" and status["acceptedNames"]["categories"] == ["all"]
    conditions = {c["type"]: (c["status"], c["reason"], c["message"]) for c in status["conditions"]}
    assert conditions == {
        "NamesAccepted": ("True", "NoConflicts", "no conflicts found"),
        "Established": ("True", "InitialNamesAccepted", "the initial names have been accepted"),
    }
    assert "finalizers" not in obj["metadata"], "the cleanup finalizer is added when the CRD is deleted"


def test_custom_resources_with_printer_columns_defaults_and_scale(server: Server, ns: str, group: str) -> None:
    k = server.kubectl
    assert k("-n", ns, "apply", "-f", "-", input=cron("a", group)).stdout == f"crontab.{group}/a created\n"
    k("-n", ns, "apply", "-f", "-", input=cron("b", group, replicas=4, image="nginx"))
    header, rows = parse_table(k("-n", ns, "get", "crontabs").stdout)
    assert header == ["NAME", "SPEC", "REPLICAS", "AGE"]
    assert [(r["NAME"], r["SPEC"], r["REPLICAS"]) for r in rows] == [("a", "* * * * */5", "1"), ("b", "* * * * */5",
                                                                                                   "4")]
    header, rows = parse_table(k("-n", ns, "get", f"crontabs.{group}", "-o", "wide").stdout)
    assert header == ["NAME", "SPEC", "REPLICAS", "IMAGE", "AGE"]
    assert rows[1]["IMAGE"] == "nginx"
    obj = json.loads(k("-n", ns, "get", "crontab", "a", "-o", "json").stdout)
    assert obj["spec"]["replicas"] == 1, "the schema's default is applied"
    assert obj["metadata"]["generation"] == 1 and obj["apiVersion"] == f"{group}/v1"

    assert k("-n", ns, "scale", "crontab", "a", "--replicas=3").stdout == f"crontab.{group}/a scaled\n"
    scale = json.loads(k("get", "--raw", f"/apis/{group}/v1/namespaces/{ns}/crontabs/a/scale").stdout)
    assert scale["kind"] == "Scale" and scale["spec"] == {"replicas": 3}
    k("-n", ns, "patch", "crontab", "a", "--subresource=status", "--type=merge",
      "-p", '{"status":{"replicas":2,"selector":"app=a"}}')
    scale = json.loads(k("get", "--raw", f"/apis/{group}/v1/namespaces/{ns}/crontabs/a/scale").stdout)
    assert scale["status"] == {"replicas": 2, "selector": "app=a"}
    obj = json.loads(k("-n", ns, "get", "crontab", "a", "-o", "json").stdout)
    assert obj["metadata"]["generation"] == 2, "scaling changed the spec; the status patch did not count"

    listed = json.loads(k("-n", ns, "get", "crontabs", "-o", "json").stdout)
    assert [item["kind"] for item in listed["items"]] == ["CronTab", "CronTab"], "items keep apiVersion and kind"
    assert "a" in k("get", "all", "-n", ns).stdout, "the CRD's categories include it in `all`"


def test_invalid_custom_resource_is_refused(server: Server, ns: str, group: str) -> None:
    bad = cron("bad", group, color="green")
    failed = server.kubectl("-n", ns, "create", "-f", "-", input=bad, check=False)
    assert failed.returncode == 1
    assert failed.stderr == (
        'The CronTab "bad" is invalid: spec.color: Unsupported value: "green": supported values: "red", "blue"\n')
    unknown = cron("odd", group, extra=1)
    failed = server.kubectl("-n", ns, "create", "--validate=strict", "-f", "-", input=unknown, check=False)
    assert failed.returncode == 1
    assert 'strict decoding error: unknown field "spec.extra"' in failed.stderr
    warned = server.kubectl("-n", ns, "create", "--validate=warn", "-f", "-", input=unknown)
    assert 'Warning: unknown field "spec.extra"' in warned.stderr
    patched = server.kubectl("-n", ns, "patch", "crontab", "odd", "--type=strategic", "-p", '{"spec":{}}',
                             check=False)
    assert patched.returncode == 1 and "application/strategic-merge-patch+json is not supported" in patched.stderr


def test_field_selectors_and_short_names(server: Server, ns: str, group: str) -> None:
    k = server.kubectl
    k("-n", ns, "apply", "-f", "-", input=cron("r", group, color="red"))
    k("-n", ns, "apply", "-f", "-", input=cron("b", group, color="blue"))
    names = k("-n", ns, "get", "crontabs", "--field-selector=spec.color=red", "-o", "name").stdout
    assert names == f"crontab.{group}/r\n"
    refused = k("-n", ns, "get", "crontabs", "--field-selector=spec.image=x", check=False)
    assert refused.returncode == 1 and "field label not supported: spec.image" in refused.stderr
    short = crd(server, group)["spec"]["names"]["shortNames"][0]
    assert len(parse_table(k("-n", ns, "get", short).stdout)[1]) == 2


def test_watch_custom_resources(server: Server, ns: str, group: str) -> None:
    server.kubectl("-n", ns, "apply", "-f", "-", input=cron("w", group))
    with server.kubectl_stream("-n", ns, "get", "crontabs", "-w", "--output-watch-events") as stream:
        assert stream.next_line().split()[:2] == ["EVENT", "NAME"]
        assert stream.next_line().split()[:2] == ["ADDED", "w"]
        server.kubectl("-n", ns, "label", "crontab", "w", "x=y")
        assert stream.next_line().split()[:2] == ["MODIFIED", "w"]
        server.kubectl("-n", ns, "delete", "crontab", "w")
        assert stream.next_line().split()[:2] == ["DELETED", "w"]


def test_explain_discovery_and_openapi(server: Server, group: str) -> None:
    explained = server.kubectl("explain", "crontabs.spec.image", f"--api-version={group}/v1").stdout
    assert "FIELD: image <string>" in explained and "the image to run" in explained
    resources = server.request("GET", f"/apis/{group}/v1").json()["resources"]
    assert [r["name"] for r in resources] == ["crontabs", "crontabs/status", "crontabs/scale"]
    assert resources[0]["verbs"] == ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"]
    aggregated = server.request("GET", "/apis", headers={
        "Accept": "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"}).json()
    (entry,) = [g for g in aggregated["items"] if g["metadata"].get("name") == group]
    (version,) = entry["versions"]
    assert version["resources"][0]["resource"] == "crontabs"
    assert [s["subresource"] for s in version["resources"][0]["subresources"]] == ["status", "scale"]
    model = ".".join(reversed(group.split("."))) + ".v1.CronTab"
    v3 = server.request("GET", f"/openapi/v3/apis/{group}/v1").json()
    assert v3["components"]["schemas"][model]["properties"]["spec"]["properties"]["replicas"]["default"] == 1
    v2 = server.request("GET", "/openapi/v2", headers={"Accept": "application/json"}).json()
    assert model in v2["definitions"]
    assert f"/apis/{group}/v1/namespaces/{{namespace}}/crontabs/{{name}}/scale" in v2["paths"]


def test_delete_crd_removes_its_objects(server: Server, ns: str, group: str) -> None:
    k = server.kubectl
    k("-n", ns, "apply", "-f", "-", input=cron("gone", group))
    k("-n", ns, "apply", "-f", "-", input=cron("also-gone", group))
    assert k("delete", "crd", f"crontabs.{group}", "--timeout=60s").stdout == \
        f'customresourcedefinition.apiextensions.k8s.io "crontabs.{group}" deleted\n'
    assert k("get", "crd", f"crontabs.{group}", check=False).returncode == 1
    assert server.request("GET", f"/apis/{group}/v1/namespaces/{ns}/crontabs").status == 404
    deadline = time.monotonic() + 5
    while server.request("GET", f"/apis/{group}").status != 404:
        assert time.monotonic() < deadline, "the group leaves discovery"
        time.sleep(0.05)
    # a CRD of the same name starts empty
    k("apply", "-f", "-", input=CRD_TEMPLATE.format(group=group, short=f"ct{secrets.token_hex(2)}"))
    k("wait", "--for=condition=Established", f"crd/crontabs.{group}", "--timeout=30s")
    assert k("-n", ns, "get", f"crontabs.{group}", "-o", "name").stdout == ""


def test_invalid_crd_is_refused_with_upstreams_messages(server: Server) -> None:
    bad = CRD_TEMPLATE.format(group="nodots", short="x").replace("crontabs.nodots", "crontabs.other.com")
    bad = bad.replace("storage: true", "storage: false").replace("type: integer, default: 1",
                                                                "type: integer, default: oops")
    failed = server.kubectl("apply", "-f", "-", input=bad, check=False)
    assert failed.returncode == 1
    lines = failed.stderr.splitlines()
    assert lines[0] == 'The CustomResourceDefinition "crontabs.other.com" is invalid: '
    assert '* metadata.name: Invalid value: "crontabs.other.com": must be spec.names.plural+"."+spec.group' in lines
    assert '* spec.group: Invalid value: "nodots": should be a domain with at least one dot' in lines
    assert any(line.startswith("* spec.versions: Invalid value: [{\"Name\":\"v1\",\"Served\":true,\"Storage\":false")
               and line.endswith("must have exactly one version marked as storage version") for line in lines)
    assert "* status.storedVersions: Invalid value: null: must have at least one stored version" in lines


def test_deprecated_version_warns_and_converts(server: Server, ns: str) -> None:
    group = f"g{secrets.token_hex(3)}.example.com"
    manifest = yaml.safe_load(CRD_TEMPLATE.format(group=group, short=f"ct{secrets.token_hex(2)}"))
    v1 = manifest["spec"]["versions"][0]
    beta = json.loads(json.dumps(v1)) | {"name": "v1beta1", "storage": False, "deprecated": True}
    manifest["spec"]["versions"].append(beta)
    k = server.kubectl
    k("apply", "-f", "-", input=yaml.safe_dump(manifest))
    try:
        k("wait", "--for=condition=Established", f"crd/crontabs.{group}", "--timeout=30s")
        k("-n", ns, "apply", "-f", "-", input=cron("x", group))
        got = k("-n", ns, "get", f"crontabs.v1beta1.{group}", "x", "-o", "json")
        assert json.loads(got.stdout)["apiVersion"] == f"{group}/v1beta1"
        assert f"Warning: {group}/v1beta1 CronTab is deprecated; use {group}/v1 CronTab" in got.stderr
        stored = server.request("GET", f"/apis/{group}/v1/namespaces/{ns}/crontabs/x").json()
        assert stored["apiVersion"] == f"{group}/v1"
        answer = server.request("GET", f"/apis/{group}")
        assert [v["version"] for v in answer.json()["versions"]] == ["v1", "v1beta1"]
    finally:
        k("delete", "crd", f"crontabs.{group}", "--timeout=60s", check=False)


def test_crds_and_custom_resources_survive_a_restart(fresh_server: Server) -> None:
    group = f"g{secrets.token_hex(3)}.example.com"
    k = fresh_server.kubectl
    k("apply", "-f", "-", input=CRD_TEMPLATE.format(group=group, short=f"ct{secrets.token_hex(2)}"))
    k("wait", "--for=condition=Established", f"crd/crontabs.{group}", "--timeout=30s")
    k("-n", "default", "apply", "-f", "-", input=cron("kept", group))
    assert fresh_server.restart() == 0
    ready = fresh_server.request("GET", "/readyz?verbose").body.decode()
    for hook in ("start-apiextensions-informers", "start-apiextensions-controllers", "crd-informer-synced"):
        assert f"[+]poststarthook/{hook} ok" in ready
    header, rows = parse_table(k("-n", "default", "get", f"crontabs.{group}").stdout)
    assert header == ["NAME", "SPEC", "REPLICAS", "AGE"] and [r["NAME"] for r in rows] == ["kept"]
    assert fresh_server.request("GET", f"/apis/{group}/v1").status == 200
