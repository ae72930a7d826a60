"""helm v4 against a chart of several kinds (ConfigMap, Secret, Service, ServiceAccount): install,
upgrade (changing, adding and dropping resources), history, rollback and uninstall.

helm v4 applies server-side with force, keeps each revision in a helm.sh/release.v1 Secret, and
on upgrade deletes what the new manifest no longer has, so this drives server-side apply on
several kinds, label-selected lists and deletes the way a release manager does.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from harness import Server

CHART = {
    "Chart.yaml": 'apiVersion: v2\nname: stack\nversion: 0.2.0\nappVersion: "2.0"\n',
    "values.yaml": "greeting: hello\nport: 8080\npassword: s3cret\nextra: false\n",
    "templates/configmap.yaml": (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\ndata:\n"
        "  greeting: {{ .Values.greeting | quote }}\n"
    ),
    "templates/secret.yaml": (
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}-secret\ntype: Opaque\nstringData:\n"
        "  password: {{ .Values.password | quote }}\n"
    ),
    "templates/service.yaml": (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}-svc\nspec:\n  selector:\n"
        "    app: {{ .Release.Name }}\n  ports:\n  - name: http\n    port: {{ .Values.port }}\n"
        "    targetPort: 8080\n"
    ),
    "templates/serviceaccount.yaml": (
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ .Release.Name }}-sa\n  labels:\n"
        "    app: {{ .Release.Name }}\n"
    ),
    "templates/extra.yaml": (
        "{{- if .Values.extra }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-extra\n"
        "data:\n  on: \"yes\"\n{{- end }}\n"
    ),
}


@pytest.fixture
def chart(tmp_path: Path) -> str:
    for name, text in CHART.items():
        path = tmp_path / "stack" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return str(tmp_path / "stack")


def get(server: Server, ns: str, kind: str, name: str) -> dict[str, Any] | None:
    answer = server.kubectl("-n", ns, "get", kind, name, "-o", "json", check=False)
    return json.loads(answer.stdout) if answer.returncode == 0 else None


def state(server: Server, ns: str) -> dict[str, Any]:
    """What the release's objects say, in one comparable dict."""
    cm = get(server, ns, "cm", "web-config")
    secret = get(server, ns, "secret", "web-secret")
    svc = get(server, ns, "svc", "web-svc")
    return {
        "greeting": cm["data"]["greeting"] if cm else None,
        "password": base64.b64decode(secret["data"]["password"]).decode() if secret else None,
        "port": svc["spec"]["ports"][0]["port"] if svc else None,
        "sa": get(server, ns, "sa", "web-sa") is not None,
        "extra": get(server, ns, "cm", "web-extra") is not None,
    }


def test_release_of_several_kinds(server: Server, ns: str, chart: str) -> None:
    helm = server.helm
    out = helm("install", "web", chart, "-n", ns).stdout
    assert "STATUS: deployed" in out and "REVISION: 1" in out
    assert state(server, ns) == {"greeting": "hello", "password": "s3cret", "port": 8080, "sa": True, "extra": False}
    svc = get(server, ns, "svc", "web-svc")
    assert svc is not None
    cluster_ip = svc["spec"].get("clusterIP")  # allocated at create (test_kubectl_resources checks how)

    helm("upgrade", "web", chart, "-n", ns, "--set", "greeting=bye,port=9090,password=other,extra=true")
    assert state(server, ns) == {"greeting": "bye", "password": "other", "port": 9090, "sa": True, "extra": True}
    upgraded = get(server, ns, "svc", "web-svc")
    assert upgraded is not None and upgraded["spec"].get("clusterIP") == cluster_ip, "applies keep the allocated IP"

    helm("upgrade", "web", chart, "-n", ns, "--reuse-values", "--set", "extra=false")
    assert state(server, ns)["extra"] is False, "an upgrade deletes what the chart no longer renders"

    helm("rollback", "web", "2", "-n", ns)
    assert state(server, ns) == {"greeting": "bye", "password": "other", "port": 9090, "sa": True, "extra": True}
    helm("rollback", "web", "-n", ns)  # to the previous revision (3)
    assert state(server, ns)["extra"] is False

    history = json.loads(helm("history", "web", "-n", ns, "-o", "json").stdout)
    assert [(h["revision"], h["status"], h["description"]) for h in history] == [
        (1, "superseded", "Install complete"),
        (2, "superseded", "Upgrade complete"),
        (3, "superseded", "Upgrade complete"),
        (4, "superseded", "Rollback to 2"),
        (5, "deployed", "Rollback to 3"),
    ]
    releases = server.kubectl("-n", ns, "get", "secrets", "-l", "owner=helm,name=web", "-o", "name").stdout.split()
    assert releases == [f"secret/sh.helm.release.v1.web.v{i}" for i in range(1, 6)]
    status = json.loads(helm("status", "web", "-n", ns, "-o", "json").stdout)
    assert status["version"] == 5 and status["info"]["status"] == "deployed"
    manifest = helm("get", "manifest", "web", "-n", ns).stdout
    assert "name: web-svc" in manifest and "web-extra" not in manifest

    assert helm("uninstall", "web", "-n", ns).stdout.strip() == 'release "web" uninstalled'
    # No controller manager here: no default ServiceAccount or root CA ConfigMap either.
    assert server.kubectl("-n", ns, "get", "cm,secret,svc,sa", "-o", "name").stdout == ""


def test_upgrade_install_and_history_max(server: Server, ns: str, chart: str) -> None:
    helm = server.helm
    helm("upgrade", "--install", "web", chart, "-n", ns)
    for greeting in ("a", "b", "c"):
        helm("upgrade", "web", chart, "-n", ns, "--history-max", "2", "--set", f"greeting={greeting}")
    history = json.loads(helm("history", "web", "-n", ns, "-o", "json").stdout)
    assert [h["revision"] for h in history] == [3, 4]
    assert state(server, ns)["greeting"] == "c"
    helm("rollback", "web", "3", "-n", ns)
    assert state(server, ns)["greeting"] == "b"


def test_failed_upgrade_is_recorded_and_rolled_back(server: Server, ns: str, chart: str) -> None:
    helm = server.helm
    helm("install", "web", chart, "-n", ns)
    # An invalid port makes the Service apply fail with the server's 422.
    failed = helm("upgrade", "web", chart, "-n", ns, "--set", "port=70000", check=False)
    assert failed.returncode == 1
    assert "spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive" in failed.stderr
    history = json.loads(helm("history", "web", "-n", ns, "-o", "json").stdout)
    assert [(h["revision"], h["status"]) for h in history] == [(1, "deployed"), (2, "failed")]
    helm("rollback", "web", "1", "-n", ns)
    assert state(server, ns)["port"] == 8080
    history = json.loads(helm("history", "web", "-n", ns, "-o", "json").stdout)
    assert history[-1]["status"] == "deployed" and history[-1]["description"] == "Rollback to 1"
