"""apiregistration.k8s.io/v1 APIServices on a plain server: the local ones autoregistration keeps
for every served group version (built-in and custom), validation, the status controllers, and
a remote APIService whose Service does not exist."""

from __future__ import annotations

import json
import secrets
from typing import Any

import yaml
from extension_apiserver import wait_until
from harness import Server, parse_table


def _api_services(server: Server) -> dict[str, dict[str, Any]]:
    items = json.loads(server.kubectl("get", "apiservices", "-o", "json").stdout)["items"]
    return {item["metadata"]["name"]: item for item in items}


def test_every_served_group_version_has_a_local_apiservice(server: Server) -> None:
    api_services = _api_services(server)
    served = {f"{v['version']}.{g['name']}" for g in server.request("GET", "/apis").json()["groups"]
              for v in g["versions"]} - {"v1.apiregistration.k8s.io"}
    assert served <= set(api_services), served - set(api_services)
    assert "v1." in api_services and "v1.apiregistration.k8s.io" not in api_services
    core = api_services["v1."]
    assert core["spec"] == {"group": "", "version": "v1", "groupPriorityMinimum": 18000, "versionPriority": 1}
    assert core["metadata"]["labels"] == {"kube-aggregator.kubernetes.io/automanaged": "onstart"}
    apps = api_services["v1.apps"]["spec"]
    assert (apps["groupPriorityMinimum"], apps["versionPriority"]) == (17800, 15)
    names, rows = parse_table(server.kubectl("get", "apiservices").stdout)
    assert names == ["NAME", "SERVICE", "AVAILABLE", "AGE"]
    builtin = [row for row in rows if row["NAME"] in served | {"v1."}]
    assert builtin and all((row["SERVICE"], row["AVAILABLE"]) == ("Local", "True") for row in builtin)


def test_apis_lists_groups_in_upstream_priority_order(server: Server) -> None:
    names = [g["name"] for g in server.request("GET", "/apis").json()["groups"]]
    expected = ["apiregistration.k8s.io", "apps", "events.k8s.io", "authentication.k8s.io", "authorization.k8s.io",
                "autoscaling", "batch", "certificates.k8s.io", "networking.k8s.io", "policy",
                "rbac.authorization.k8s.io", "storage.k8s.io", "admissionregistration.k8s.io", "apiextensions.k8s.io",
                "scheduling.k8s.io", "coordination.k8s.io", "node.k8s.io", "discovery.k8s.io", "resource.k8s.io",
                "flowcontrol.apiserver.k8s.io"]
    assert [n for n in names if n in expected] == [n for n in expected if n in names]
    aggregated = server.request("GET", "/apis", headers={
        "Accept": "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"}).json()
    order = [g["metadata"]["name"] for g in aggregated["items"]]
    assert [n for n in order if n in expected] == [n for n in expected if n in order]


def test_validation_messages(server: Server) -> None:
    bad = {"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService", "metadata": {"name": "v1.wrong.io"},
           "spec": {"group": "other.io", "version": "v1", "groupPriorityMinimum": 0, "versionPriority": 10,
                    "insecureSkipTLSVerify": True}}
    result = server.kubectl("create", "-f", "-", input=yaml.safe_dump(bad), check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        'The APIService "v1.wrong.io" is invalid: \n'
        '* metadata.name: Invalid value: "v1.wrong.io": must be `spec.version+"."+spec.group`: "v1.other.io"\n'
        "* spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000\n"
        "* spec.insecureSkipTLSVerify: Invalid value: true: local APIServices may not have insecureSkipTLSVerify")


def test_local_apiservice_is_kept_available(server: Server) -> None:
    group = f"local-{secrets.token_hex(3)}.example.com"
    name = f"v1.{group}"
    server.kubectl("create", "-f", "-", input=yaml.safe_dump({
        "apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService", "metadata": {"name": name},
        "spec": {"group": group, "version": "v1", "groupPriorityMinimum": 100, "versionPriority": 10}}))
    try:
        condition = _api_services(server)[name]["status"]["conditions"][0]
        assert (condition["status"], condition["reason"]) == ("True", "Local")
        server.kubectl("patch", "apiservice", name, "--subresource=status", "--type=merge", "-p", json.dumps(
            {"status": {"conditions": [{"type": "Available", "status": "False", "reason": "Broken"}]}}))
        wait_until(lambda: _api_services(server)[name]["status"]["conditions"][0]["reason"] == "Local", timeout=20)
    finally:
        server.kubectl("delete", "apiservice", name)


def test_remote_apiservice_without_its_service(server: Server, ns: str) -> None:
    group = f"remote-{secrets.token_hex(3)}.example.com"
    name = f"v1.{group}"
    server.kubectl("create", "-f", "-", input=yaml.safe_dump({
        "apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService", "metadata": {"name": name},
        "spec": {"group": group, "version": "v1", "groupPriorityMinimum": 100, "versionPriority": 10,
                 "service": {"namespace": ns, "name": "missing"}, "insecureSkipTLSVerify": True}}))
    try:
        def condition() -> dict[str, str] | None:
            conditions = (_api_services(server)[name].get("status") or {}).get("conditions") or []
            return conditions[0] if conditions else None

        found = wait_until(condition, timeout=20)
        assert (found["status"], found["reason"], found["message"]) == (
            "False", "ServiceNotFound", f'service/missing in "{ns}" is not present')
        assert _api_services(server)[name]["spec"]["service"]["port"] == 443
        _, rows = parse_table(server.kubectl("get", "apiservice", name).stdout)
        assert (rows[0]["SERVICE"], rows[0]["AVAILABLE"]) == (f"{ns}/missing", "False (ServiceNotFound)")
        answer = server.request("GET", f"/apis/{group}/v1")
        assert (answer.status, answer.headers["content-type"], answer.body) == (
            503, "text/plain; charset=utf-8", b"service unavailable\n")
    finally:
        server.kubectl("delete", "apiservice", name)
    assert server.request("GET", f"/apis/{group}/v1").status == 404


def test_custom_resources_get_an_apiservice(server: Server) -> None:
    group = f"crd-{secrets.token_hex(3)}.example.com"
    crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
           "metadata": {"name": f"widgets.{group}"},
           "spec": {"group": group, "scope": "Namespaced",
                    "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
                    "versions": [{"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": {
                        "type": "object", "x-kubernetes-preserve-unknown-fields": True}}}]}}
    server.kubectl("create", "-f", "-", input=yaml.safe_dump(crd))
    try:
        found = wait_until(lambda: _api_services(server).get(f"v1.{group}"), timeout=20)
        assert found["metadata"]["labels"] == {"kube-aggregator.kubernetes.io/automanaged": "true"}
        assert (found["spec"]["groupPriorityMinimum"], found["spec"]["versionPriority"]) == (1000, 100)
        assert found["status"]["conditions"][0]["reason"] == "Local"
    finally:
        server.kubectl("delete", "crd", f"widgets.{group}")
    wait_until(lambda: f"v1.{group}" not in _api_services(server), timeout=20)
