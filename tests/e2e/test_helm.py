"""helm v4 against the real server: a release's whole life (install, upgrade, rollback, uninstall).

helm v4 applies manifests server-side (PATCH application/apply-patch+yaml, fieldManager=helm) and
keeps each revision in a Secret of type helm.sh/release.v1, so this exercises SSA and secrets too.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from harness import Server

CHART = {
    "Chart.yaml": 'apiVersion: v2\nname: demo\nversion: 0.1.0\nappVersion: "1.0"\n',
    "values.yaml": "greeting: hello\n",
    "templates/cm.yaml": (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\n  labels:\n"
        "    app.kubernetes.io/managed-by: {{ .Release.Service }}\ndata:\n  greeting: {{ .Values.greeting | quote }}\n"
    ),
}


@pytest.fixture
def chart(tmp_path: Path) -> str:
    for name, text in CHART.items():
        path = tmp_path / "demo" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return str(tmp_path / "demo")


def greeting(server: Server, ns: str, release: str) -> str:
    return server.kubectl(
        "-n", ns, "get", "cm", f"{release}-config", "-o", "jsonpath={.data.greeting}"
    ).stdout


def test_helm_release_lifecycle(server: Server, ns: str, chart: str) -> None:
    helm = server.helm
    installed = helm("install", "demo", chart, "-n", ns).stdout
    assert "STATUS: deployed" in installed and "REVISION: 1" in installed
    assert greeting(server, ns, "demo") == "hello"

    (listed,) = json.loads(helm("list", "-n", ns, "-o", "json").stdout)
    assert {k: listed[k] for k in ("name", "namespace", "revision", "status", "chart", "app_version")} == {
        "name": "demo",
        "namespace": ns,
        "revision": "1",
        "status": "deployed",
        "chart": "demo-0.1.0",
        "app_version": "1.0",
    }
    secret = json.loads(
        server.kubectl("-n", ns, "get", "secret", "sh.helm.release.v1.demo.v1", "-o", "json").stdout
    )
    assert secret["type"] == "helm.sh/release.v1"
    assert (
        secret["metadata"]["labels"]["owner"] == "helm"
        and secret["metadata"]["labels"]["status"] == "deployed"
    )

    helm("upgrade", "demo", chart, "-n", ns, "--set", "greeting=bye")
    assert greeting(server, ns, "demo") == "bye"
    helm("rollback", "demo", "1", "-n", ns)
    assert greeting(server, ns, "demo") == "hello"
    history = json.loads(helm("history", "demo", "-n", ns, "-o", "json").stdout)
    assert [(h["revision"], h["status"], h["description"]) for h in history] == [
        (1, "superseded", "Install complete"),
        (2, "superseded", "Upgrade complete"),
        (3, "deployed", "Rollback to 1"),
    ]

    assert helm("uninstall", "demo", "-n", ns).stdout.strip() == 'release "demo" uninstalled'
    assert server.kubectl("-n", ns, "get", "cm,secret", "-o", "name").stdout == ""


def test_helm_applies_server_side(server: Server, ns: str, chart: str) -> None:
    server.helm("install", "ssa", chart, "-n", ns)
    cm = json.loads(
        server.kubectl("-n", ns, "get", "cm", "ssa-config", "-o", "json", "--show-managed-fields").stdout
    )
    (entry,) = cm["metadata"]["managedFields"]
    assert (entry["manager"], entry["operation"], entry["apiVersion"], entry["fieldsType"]) == (
        "helm",
        "Apply",
        "v1",
        "FieldsV1",
    )
    assert entry["fieldsV1"]["f:data"] == {"f:greeting": {}}
    assert cm["metadata"]["annotations"] == {
        "meta.helm.sh/release-name": "ssa",
        "meta.helm.sh/release-namespace": ns,
    }


def test_helm_server_dry_run_creates_nothing(server: Server, ns: str, chart: str) -> None:
    out = server.helm("install", "dry", chart, "-n", ns, "--dry-run=server").stdout
    assert "STATUS: pending-install" in out and "name: dry-config" in out
    assert server.kubectl("-n", ns, "get", "cm,secret", "-o", "name").stdout == ""
