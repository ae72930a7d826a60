"""The command line as kube-apiserver's: --help by flag set, every validation error at once, --secure-port 0."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml
from harness import Server
from tools import REPO

# kube-apiserver v1.35 prints its named flag sets in this order (those kapiserver has must keep it).
UPSTREAM_SECTIONS = [
    "Generic",
    "Etcd",
    "Secure serving",
    "Auditing",
    "Features",
    "Authentication",
    "Authorization",
    "Cloud provider",
    "API enablement",
    "Egress selector",
    "Admission",
    "Metrics",
    "Logs",
    "Traces",
    "Misc",
    "Global",
]
# Where upstream files a flag.
FLAG_SECTIONS = {
    "--advertise-address": "Generic",
    "--etcd-servers": "Etcd",
    "--storage-backend": "Etcd",
    "--secure-port": "Secure serving",
    "--bind-address": "Secure serving",
    "--tls-cert-file": "Secure serving",
    "--audit-log-path": "Auditing",
    "--client-ca-file": "Authentication",
    "--authorization-mode": "Authorization",
    "--runtime-config": "API enablement",
    "--enable-admission-plugins": "Admission",
    "--service-cluster-ip-range": "Misc",
}


def kapiserver(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)
    )
    return subprocess.run(
        [sys.executable, "-m", "kapiserver", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=timeout,
        check=False,
    )


def sections(help_text: str) -> dict[str, str]:
    """Section title (without ' flags:') -> its text."""
    parts = re.split(r"^(\S[^\n]*) flags:\n", help_text, flags=re.MULTILINE)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def test_help_groups_flags_by_flag_set() -> None:
    result = kapiserver("--help")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("The Kubernetes API server validates and configures data\n")
    assert "\nUsage:\n  kapiserver [flags]\n" in out or "\nUsage:\n  kube-apiserver [flags]\n" in out
    found = sections(out)
    titles = list(found)
    assert {
        "Generic",
        "Etcd",
        "Secure serving",
        "Auditing",
        "Authentication",
        "Authorization",
        "API enablement",
        "Admission",
        "Misc",
        "Global",
    } <= set(titles), titles
    assert titles == [t for t in UPSTREAM_SECTIONS if t in titles], f"out of upstream's order: {titles}"
    for flag, title in FLAG_SECTIONS.items():
        assert re.search(rf"^\s+{re.escape(flag)}\b", found[title], flags=re.MULTILINE), (
            f"{flag} not under {title} flags"
        )
    assert re.search(r"--secure-port int\s.*?\(default\s+6443\)", found["Secure serving"], flags=re.DOTALL)
    assert re.search(r"^\s+-h, --help\b", found["Global"], flags=re.MULTILINE)


def test_invalid_flags_report_every_error_at_once(tmp_path: Path) -> None:
    result = kapiserver(
        "--secure-port",
        "70000",
        "--storage-backend",
        "nope",
        "--service-cluster-ip-range",
        "not-a-cidr",
        "--data-dir",
        str(tmp_path),
    )
    assert result.returncode != 0
    errors = result.stderr
    assert "--secure-port 70000 must be between 1 and 65535, inclusive" in errors
    assert "--storage-backend invalid, allowed values:" in errors
    assert "service-cluster-ip-range" in errors
    assert not (tmp_path / "admin.kubeconfig").exists(), "an invalid command line must not start serving"


def test_unknown_flag_is_rejected() -> None:
    result = kapiserver("--no-such-flag")
    assert result.returncode != 0
    assert "Error: unknown flag: --no-such-flag" in result.stderr


def test_secure_port_zero_writes_the_chosen_port(server: Server) -> None:
    config = yaml.safe_load(server.kubeconfig.read_text())
    url = config["clusters"][0]["cluster"]["server"]
    match = re.fullmatch(r"https://127\.0\.0\.1:(\d+)", url)
    assert match and int(match.group(1)) > 0, url
    port = match.group(1)
    assert re.search(rf"Serving securely on 127\.0\.0\.1:{port}\b", server.log_tail(limit=10**6))
    assert config["current-context"] in {c["name"] for c in config["contexts"]}
    assert (
        server.kubectl("config", "view", "--minify", "-o", "jsonpath={.clusters[0].cluster.server}").stdout
        == url
    )
    assert server.kubectl("get", "ns", "default", "-o", "name").stdout == "namespace/default\n"
