"""/healthz, /livez, /readyz (plain, ?verbose, ?exclude, per check) and /version."""

from __future__ import annotations

import json
import platform
import re

import pytest
from harness import Server
from kubernetes import client

TEXT = "text/plain; charset=utf-8"
CHECK_LINE = re.compile(r"^\[\+\][a-z0-9/_.-]+ ok$")


@pytest.mark.parametrize("endpoint", ["healthz", "livez", "readyz"])
def test_health_endpoint(server: Server, endpoint: str) -> None:
    plain = server.request("GET", f"/{endpoint}")
    assert (plain.status, plain.headers["content-type"], plain.body) == (200, TEXT, b"ok")
    assert plain.headers.get("x-content-type-options") == "nosniff"

    verbose = server.request("GET", f"/{endpoint}?verbose")
    assert verbose.status == 200 and verbose.headers["content-type"] == TEXT
    lines = verbose.body.decode().split("\n")
    assert lines[-1] == "" and lines[-2] == f"{endpoint} check passed"
    checks = lines[:-2]
    assert checks[0] == "[+]ping ok"
    assert all(CHECK_LINE.match(line) for line in checks), checks

    one = server.request("GET", f"/{endpoint}/ping")
    assert (one.status, one.body) == (200, b"ok")


@pytest.mark.parametrize("endpoint", ["healthz", "livez", "readyz"])
def test_health_exclude(server: Server, endpoint: str) -> None:
    answer = server.request("GET", f"/{endpoint}?verbose&exclude=ping")
    assert answer.status == 200
    lines = answer.body.decode().splitlines()
    assert lines[0] == "[+]ping excluded: ok"
    assert lines[-1] == f"{endpoint} check passed"


@pytest.mark.parametrize("endpoint", ["healthz", "livez", "readyz"])
def test_health_exclude_unknown_check_warns(server: Server, endpoint: str) -> None:
    answer = server.request("GET", f"/{endpoint}?verbose&exclude=no-such-check")
    assert answer.status == 200
    assert answer.body.decode().splitlines()[-2:] == [
        'warn: some health checks cannot be excluded: no matches for "no-such-check"',
        f"{endpoint} check passed",
    ]


def test_generic_health_checks_present(server: Server) -> None:
    for endpoint in ("healthz", "livez", "readyz"):
        lines = server.request("GET", f"/{endpoint}?verbose").body.decode().splitlines()
        assert lines[1] == "[+]log ok", lines
    assert "[+]shutdown ok" in server.request("GET", "/readyz?verbose").body.decode().splitlines()


def test_kubectl_reads_readyz(server: Server) -> None:
    out = server.kubectl("get", "--raw", "/readyz?verbose").stdout
    assert out.startswith("[+]ping ok\n") and out.endswith("readyz check passed\n")


def test_version(server: Server) -> None:
    answer = server.request("GET", "/version")
    assert answer.status == 200 and answer.headers["content-type"] == "application/json"
    info = answer.json()
    assert list(info) == [
        "major",
        "minor",
        "emulationMajor",
        "emulationMinor",
        "minCompatibilityMajor",
        "minCompatibilityMinor",
        "gitVersion",
        "gitCommit",
        "gitTreeState",
        "buildDate",
        "goVersion",
        "compiler",
        "platform",
    ]
    assert (info["major"], info["minor"]) == ("1", "35")
    assert (info["emulationMajor"], info["emulationMinor"]) == ("1", "35")
    assert (info["minCompatibilityMajor"], info["minCompatibilityMinor"]) == ("1", "34")
    assert re.fullmatch(r"v1\.35\.\d+([-+].*)?", info["gitVersion"])
    assert info["gitTreeState"] in ("clean", "dirty")
    via_client = client.VersionApi(server.api).get_code()
    assert (via_client.major, via_client.minor, via_client.git_version) == ("1", "35", info["gitVersion"])
    assert json.loads(server.kubectl("version", "-o", "json").stdout)["serverVersion"] == info


def test_version_platform_uses_go_names(server: Server) -> None:
    goarch = {"x86_64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(
        platform.machine(), platform.machine()
    )
    assert server.request("GET", "/version").json()["platform"] == f"linux/{goarch}"
