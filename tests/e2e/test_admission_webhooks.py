"""Mutating and validating admission webhooks called over HTTPS by the server.

The webhook server runs in the test process; every configuration selects only the test's
namespace (kubernetes.io/metadata.name) so the shared server's other tests are untouched,
and is deleted afterwards.
"""

from __future__ import annotations

import asyncio
import base64
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from extension_apiserver import Authority
from harness import Server, refused
from webhook_server import Handler, WebhookServer


class Hooks(WebhookServer):
    """Answers /deny, /mutate, /warn, /slow and /allow, and keeps every review it receives."""

    def __init__(self, cert: Path, key: Path):
        super().__init__(cert, key)
        self.reviews: list[dict[str, Any]] = []

    def routes(self) -> dict[str, Handler]:
        return {path: self._handle for path in ("/deny", "/mutate", "/warn", "/slow", "/allow")}

    async def _handle(self, request: web.Request) -> web.Response:
        review = await request.json()
        self.reviews.append({"path": request.path, **review})
        req = review["request"]
        response: dict[str, Any] = {"uid": req["uid"], "allowed": True}
        obj = req.get("object") or {}
        if request.path == "/deny" and "deny" in (obj.get("data") or {}):
            response = {"uid": req["uid"], "allowed": False, "status": {"message": "deny is not welcome"}}
        elif request.path == "/mutate":
            patch = [{"op": "add", "path": "/metadata/labels", "value": {"mutated": "yes"}}] \
                if not (obj.get("metadata") or {}).get("labels") else \
                [{"op": "add", "path": "/metadata/labels/mutated", "value": "yes"}]
            response["patchType"] = "JSONPatch"
            response["patch"] = base64.b64encode(json.dumps(patch).encode()).decode()
        elif request.path == "/warn":
            response["warnings"] = ["the webhook has seen this"]
        elif request.path == "/slow":
            await asyncio.sleep(3)
        return web.json_response({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                                  "response": response})

    def seen(self, path: str) -> list[dict[str, Any]]:
        return [r["request"] for r in self.reviews if r["path"] == path]


@pytest.fixture
def hooks(tmp_path: Path) -> Iterator[tuple[Hooks, bytes]]:
    authority = Authority(tmp_path / "pki", "admission-webhook-ca")
    cert, key = authority.issue("webhook", ips=("127.0.0.1",))
    server = Hooks(cert, key)
    server.start()
    try:
        yield server, authority.pem
    finally:
        server.close()


def _webhook(name: str, url: str, ca: bytes, ns: str, **extra: Any) -> dict[str, Any]:
    hook = {"name": name, "clientConfig": {"url": url, "caBundle": base64.b64encode(ca).decode()},
            "rules": [{"operations": ["CREATE", "UPDATE", "DELETE"], "apiGroups": [""], "apiVersions": ["v1"],
                       "resources": ["configmaps"]}],
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": ns}},
            "sideEffects": "None", "admissionReviewVersions": ["v1"]}
    hook.update(extra)
    return hook


class Configured:
    def __init__(self, server: Server, ns: str):
        self.server, self.ns, self.names = server, ns, []

    def add(self, kind: str, *webhooks: dict[str, Any]) -> None:
        name = f"{self.ns}-{len(self.names)}"
        self.names.append((kind, name))
        config = {"apiVersion": "admissionregistration.k8s.io/v1", "kind": kind, "metadata": {"name": name},
                  "webhooks": list(webhooks)}
        self.server.kubectl("create", "-f", "-", input=json.dumps(config))

    def clear(self) -> None:
        for kind, name in self.names:
            self.server.kubectl("delete", kind.lower(), name, "--ignore-not-found")


@pytest.fixture
def configured(server: Server, ns: str) -> Iterator[Configured]:
    configs = Configured(server, ns)
    try:
        yield configs
    finally:
        configs.clear()


def _cm(name: str, ns: str, data: dict[str, str] | None = None, labels: dict[str, str] | None = None) -> str:
    return json.dumps({"apiVersion": "v1", "kind": "ConfigMap",
                       "metadata": {"name": name, "namespace": ns, "labels": labels or {}}, "data": data or {}})


def test_validating_webhook_denies_with_its_message(server: Server, ns: str, hooks: tuple[Hooks, bytes],
                                                    configured: Configured) -> None:
    hook, ca = hooks
    configured.add("ValidatingWebhookConfiguration",
                   _webhook("deny.example.com", f"https://127.0.0.1:{hook.port}/deny", ca, ns))
    err = refused(server, "create", "-f", "-", input=_cm("bad", ns, {"deny": "1"}))
    assert err == ('Error from server: error when creating "STDIN": admission webhook "deny.example.com" denied '
                   "the request: deny is not welcome\n")
    server.kubectl("create", "-f", "-", input=_cm("good", ns, {"ok": "1"}))
    server.kubectl("patch", "cm", "good", "-n", ns, "-p", '{"data":{"more":"1"}}')
    err = refused(server, "patch", "cm", "good", "-n", ns, "-p", '{"data":{"deny":"1"}}')
    assert err == ('Error from server: admission webhook "deny.example.com" denied the request: deny is not '
                   "welcome\n")
    update = next(r for r in hook.seen("/deny") if r["operation"] == "UPDATE")
    assert update["oldObject"]["data"] == {"ok": "1"}
    assert update["object"]["data"] == {"ok": "1", "more": "1"}
    assert update["userInfo"]["username"] and "system:authenticated" in update["userInfo"]["groups"]
    assert update["kind"] == {"group": "", "version": "v1", "kind": "ConfigMap"}
    assert update["resource"] == {"group": "", "version": "v1", "resource": "configmaps"}
    assert update["namespace"] == ns and update["name"] == "good"
    assert update["options"]["kind"] == "UpdateOptions"

    server.kubectl("delete", "cm", "good", "-n", ns)
    delete = next(r for r in hook.seen("/deny") if r["operation"] == "DELETE")
    assert delete["object"] is None and delete["oldObject"]["metadata"]["name"] == "good"


def test_mutating_webhook_adds_a_label(server: Server, ns: str, hooks: tuple[Hooks, bytes],
                                       configured: Configured) -> None:
    hook, ca = hooks
    configured.add("MutatingWebhookConfiguration",
                   _webhook("mutate.example.com", f"https://127.0.0.1:{hook.port}/mutate", ca, ns,
                            objectSelector={"matchExpressions": [{"key": "skip", "operator": "DoesNotExist"}]}))
    server.kubectl("create", "-f", "-", input=_cm("m", ns, {"a": "b"}))
    got = json.loads(server.kubectl("get", "cm", "m", "-n", ns, "-o", "json").stdout)
    assert got["metadata"]["labels"] == {"mutated": "yes"}
    server.kubectl("create", "-f", "-", input=_cm("s", ns, labels={"skip": "1"}))
    got = json.loads(server.kubectl("get", "cm", "s", "-n", ns, "-o", "json").stdout)
    assert got["metadata"]["labels"] == {"skip": "1"}
    # Another namespace is not selected.
    from kubernetes import client

    core = client.CoreV1Api(server.api)
    core.create_namespaced_config_map("default", {"metadata": {"name": f"{ns}-other"}})
    try:
        assert not core.read_namespaced_config_map(f"{ns}-other", "default").metadata.labels
    finally:
        core.delete_namespaced_config_map(f"{ns}-other", "default")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_failure_policy_with_the_webhook_down(server: Server, ns: str, hooks: tuple[Hooks, bytes],
                                              configured: Configured) -> None:
    _, ca = hooks
    port = _free_port()
    url = f"https://127.0.0.1:{port}/deny"
    configured.add("ValidatingWebhookConfiguration", _webhook("ignore.example.com", url, ca, ns,
                                                               failurePolicy="Ignore"))
    server.kubectl("create", "-f", "-", input=_cm("ignored", ns))
    configured.add("ValidatingWebhookConfiguration", _webhook("fail.example.com", url, ca, ns))
    err = refused(server, "create", "-f", "-", input=_cm("failed", ns))
    assert err == ('Error from server (InternalError): error when creating "STDIN": Internal error occurred: failed '
                   f'calling webhook "fail.example.com": failed to call webhook: Post "{url}?timeout=10s": dial tcp '
                   f"127.0.0.1:{port}: connect: connection refused\n")


def test_timeout(server: Server, ns: str, hooks: tuple[Hooks, bytes], configured: Configured) -> None:
    hook, ca = hooks
    url = f"https://127.0.0.1:{hook.port}/slow"
    configured.add("ValidatingWebhookConfiguration", _webhook("slow.example.com", url, ca, ns, timeoutSeconds=1))
    err = refused(server, "create", "-f", "-", input=_cm("slow", ns))
    assert err.startswith('Error from server (InternalError): error when creating "STDIN": Internal error occurred: '
                          f'failed calling webhook "slow.example.com": failed to call webhook: Post "{url}?timeout=1s'
                          '": '), err


def test_dry_run_and_side_effects(server: Server, ns: str, hooks: tuple[Hooks, bytes],
                                  configured: Configured) -> None:
    hook, ca = hooks
    configured.add("ValidatingWebhookConfiguration",
                   _webhook("effects.example.com", f"https://127.0.0.1:{hook.port}/allow", ca, ns,
                            sideEffects="NoneOnDryRun"))
    server.kubectl("create", "--dry-run=server", "-f", "-", input=_cm("dry", ns))
    assert hook.seen("/allow")[-1]["dryRun"] is True
    configured.clear()
    configured.names.clear()
    configured.add("ValidatingWebhookConfiguration",
                   _webhook("effects.example.com", f"https://127.0.0.1:{hook.port}/allow", ca, ns,
                            admissionReviewVersions=["v1beta1"]))
    # v1 accepts only None and NoneOnDryRun, so the dry-run refusal of other side effects is unit-tested.
    server.kubectl("create", "-f", "-", input=_cm("wet", ns))
    assert hook.reviews[-1]["apiVersion"] == "admission.k8s.io/v1beta1"


def test_warnings_reach_kubectl(server: Server, ns: str, hooks: tuple[Hooks, bytes], configured: Configured) -> None:
    hook, ca = hooks
    configured.add("ValidatingWebhookConfiguration",
                   _webhook("warn.example.com", f"https://127.0.0.1:{hook.port}/warn", ca, ns))
    result = server.kubectl("create", "-f", "-", input=_cm("warned", ns))
    assert "Warning: the webhook has seen this" in result.stderr
