"""A real operator written with kopf, running against kapiserver: it reacts to the creation
of a custom resource, writes its status, keeps its finalizer on the object while it lives,
runs its deletion handler and removes the finalizer, and posts Events.

Needs the `kopf` package (skipped without it).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from harness import Server

pytest.importorskip("kopf")

KOPF_FINALIZER = "kopf.zalando.org/KopfFinalizerMarker"

OPERATOR = textwrap.dedent('''
    import logging
    import pathlib

    import kopf

    GROUP = "{group}"
    MARKERS = pathlib.Path("{markers}")


    @kopf.on.startup()
    def configure(settings: kopf.OperatorSettings, **_):
        settings.posting.level = logging.INFO
        settings.watching.server_timeout = 30


    @kopf.on.create(GROUP, "v1", "widgets")
    def created(body, spec, name, logger, **_):
        kopf.info(body, reason="Provisioned", message=f"widget {{name}} of size {{spec.get('size')}}")
        logger.info("created %s", name)
        return {{"size": spec.get("size"), "message": "ready"}}


    @kopf.on.delete(GROUP, "v1", "widgets")
    def deleted(name, **_):
        (MARKERS / name).write_text("deleted")
''')


def widget_crd(group: str) -> str:
    return yaml.safe_dump({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": f"widgets.{group}"},
        "spec": {"group": group, "scope": "Namespaced",
                 "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
                 "versions": [{"name": "v1", "served": True, "storage": True, "subresources": {"status": {}},
                               "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                                   "spec": {"type": "object", "properties": {"size": {"type": "integer"}}},
                                   "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}}}}}]},
    })


def wait_for(what: str, check, timeout: float = 60.0) -> object:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


@pytest.fixture
def operator(server: Server, ns: str, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    group = f"k{secrets.token_hex(3)}.example.com"
    server.kubectl("apply", "-f", "-", input=widget_crd(group))
    server.kubectl("wait", "--for=condition=Established", f"crd/widgets.{group}", "--timeout=30s")
    markers = tmp_path / "markers"
    markers.mkdir()
    script = tmp_path / "operator.py"
    script.write_text(OPERATOR.format(group=group, markers=markers))
    env = server.client_env()
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    log = open(tmp_path / "kopf.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([sys.executable, "-m", "kopf", "run", "--standalone", "--namespace", ns, str(script)],
                            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        yield group, markers
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        server.kubectl("delete", "crd", f"widgets.{group}", "--timeout=60s", check=False)


def test_kopf_operator_lifecycle(server: Server, ns: str, operator: tuple[str, Path]) -> None:
    group, markers = operator
    k = server.kubectl
    manifest = {"apiVersion": f"{group}/v1", "kind": "Widget", "metadata": {"name": "w1"}, "spec": {"size": 3}}
    k("-n", ns, "apply", "-f", "-", input=yaml.safe_dump(manifest))

    def handled() -> dict | None:  # type: ignore[type-arg]
        obj = json.loads(k("-n", ns, "get", f"widgets.{group}", "w1", "-o", "json").stdout)
        return obj if (obj.get("status") or {}).get("created") else None

    obj = wait_for("the create handler's status", handled)
    assert obj["status"]["created"] == {"size": 3, "message": "ready"}  # type: ignore[index]
    assert KOPF_FINALIZER in obj["metadata"]["finalizers"]  # type: ignore[index]
    assert "kopf.zalando.org/last-handled-configuration" in obj["metadata"]["annotations"]  # type: ignore[index]

    def events() -> list[dict] | None:  # type: ignore[type-arg]
        listed = json.loads(k("-n", ns, "get", "events", "--field-selector", "involvedObject.name=w1",
                              "-o", "json").stdout)["items"]
        return listed if any(e["reason"] == "Provisioned" for e in listed) else None

    posted = wait_for("the operator's events", events)
    provisioned = next(e for e in posted if e["reason"] == "Provisioned")  # type: ignore[union-attr]
    assert provisioned["message"] == "widget w1 of size 3"
    assert provisioned["involvedObject"]["kind"] == "Widget"
    assert provisioned["involvedObject"]["apiVersion"] == f"{group}/v1"

    k("-n", ns, "delete", f"widgets.{group}", "w1", "--timeout=60s")
    assert (markers / "w1").read_text() == "deleted"
    assert k("-n", ns, "get", f"widgets.{group}", "w1", check=False).returncode == 1
