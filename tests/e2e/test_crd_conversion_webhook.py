"""A CRD with two versions converted by a real HTTPS webhook the test runs.

The webhook stores `spec.size` (v1, a string) as `spec.replicas` (v2, an integer) and back,
verifies the caBundle path works, and counts the ConversionReviews it receives.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from extension_apiserver import Authority
from harness import Server
from webhook_server import Handler, WebhookServer

GROUP = "convert.example.com"


def _convert(obj: dict[str, Any], desired: str) -> dict[str, Any]:
    out = json.loads(json.dumps(obj))
    spec = out.setdefault("spec", {})
    if desired.endswith("/v2") and "size" in spec:
        spec["replicas"] = int(spec.pop("size"))
    if desired.endswith("/v1") and "replicas" in spec:
        spec["size"] = str(spec.pop("replicas"))
    out["apiVersion"] = desired
    return out


class Webhook(WebhookServer):
    """Converts at /convert and keeps every ConversionReview it receives."""

    def __init__(self, cert: Path, key: Path):
        super().__init__(cert, key)
        self.reviews: list[dict[str, Any]] = []

    def routes(self) -> dict[str, Handler]:
        return {"/convert": self._handle}

    async def _handle(self, request: web.Request) -> web.Response:
        review = await request.json()
        self.reviews.append(review)
        req = review["request"]
        converted = [_convert(o, req["desiredAPIVersion"]) for o in req["objects"]]
        return web.json_response({"apiVersion": review["apiVersion"], "kind": "ConversionReview",
                                  "response": {"uid": req["uid"], "convertedObjects": converted,
                                               "result": {"status": "Success"}}})


@pytest.fixture
def webhook(tmp_path: Path) -> Iterator[tuple[Webhook, bytes]]:
    authority = Authority(tmp_path / "pki", "conversion-webhook-ca")
    cert, key = authority.issue("webhook", ips=("127.0.0.1",))
    hook = Webhook(cert, key)
    hook.start()
    try:
        yield hook, authority.pem
    finally:
        hook.close()


def _crd(plural: str, url: str, ca: bytes) -> dict[str, Any]:
    def version(name: str, storage: bool, field_schema: dict[str, Any]) -> dict[str, Any]:
        return {"name": name, "served": True, "storage": storage,
                "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                    "spec": {"type": "object", "properties": field_schema}}}}}

    return {
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.{GROUP}"},
        "spec": {
            "group": GROUP, "scope": "Namespaced",
            "names": {"plural": plural, "singular": plural[:-1], "kind": plural[:-1].capitalize() + "X",
                      "listKind": plural[:-1].capitalize() + "XList"},
            "versions": [version("v1", True, {"size": {"type": "string"}}),
                         version("v2", False, {"replicas": {"type": "integer"}})],
            "conversion": {"strategy": "Webhook", "webhook": {
                "conversionReviewVersions": ["v1"],
                "clientConfig": {"url": url, "caBundle": base64.b64encode(ca).decode()}}},
        },
    }


def _established(server: Server, name: str) -> None:
    server.kubectl("wait", "--for=condition=Established", f"crd/{name}", "--timeout=20s")


def test_objects_convert_through_the_webhook(server: Server, ns: str, webhook: tuple[Webhook, bytes]) -> None:
    hook, ca = webhook
    plural = "widgets" + ns.replace("-", "")[-6:]
    crd = _crd(plural, f"https://127.0.0.1:{hook.port}/convert", ca)
    server.kubectl("apply", "-f", "-", input=json.dumps(crd))
    _established(server, crd["metadata"]["name"])
    kind = crd["spec"]["names"]["kind"]
    created = server.request("POST", f"/apis/{GROUP}/v1/namespaces/{ns}/{plural}", {
        "apiVersion": f"{GROUP}/v1", "kind": kind, "metadata": {"name": "w"}, "spec": {"size": "3"}})
    for _ in range(20):  # the first create may wait for the new resource to settle
        if created.status != 503:
            break
        time.sleep(0.25)
        created = server.request("POST", f"/apis/{GROUP}/v1/namespaces/{ns}/{plural}", {
            "apiVersion": f"{GROUP}/v1", "kind": kind, "metadata": {"name": "w"}, "spec": {"size": "3"}})
    assert created.status == 201, created.body

    as_v2 = server.request("GET", f"/apis/{GROUP}/v2/namespaces/{ns}/{plural}/w")
    assert as_v2.status == 200, as_v2.body
    body = as_v2.json()
    assert body["apiVersion"] == f"{GROUP}/v2"
    assert body["spec"] == {"replicas": 3}
    assert body["metadata"]["name"] == "w"

    listed = server.request("GET", f"/apis/{GROUP}/v2/namespaces/{ns}/{plural}").json()
    assert [item["spec"] for item in listed["items"]] == [{"replicas": 3}]

    updated = dict(body, spec={"replicas": 5})
    put = server.request("PUT", f"/apis/{GROUP}/v2/namespaces/{ns}/{plural}/w", updated)
    assert put.status == 200, put.body
    assert server.request("GET", f"/apis/{GROUP}/v1/namespaces/{ns}/{plural}/w").json()["spec"] == {"size": "5"}

    reviews = [r for r in hook.reviews if r["request"]["desiredAPIVersion"].startswith(GROUP)]
    assert reviews and all(r["apiVersion"] == "apiextensions.k8s.io/v1" and r["kind"] == "ConversionReview"
                           for r in reviews)
    assert all(r["request"]["uid"] for r in reviews)

    hook.stop()
    failed = server.request("GET", f"/apis/{GROUP}/v2/namespaces/{ns}/{plural}/w")
    assert failed.status == 500, failed.body
    status = failed.json()
    assert status["reason"] == "InternalError"
    assert status["message"].startswith(
        f"Internal error occurred: conversion webhook for {GROUP}/v1, Kind={kind} failed: Post "
        f"\"https://127.0.0.1:{hook.port}/convert?timeout=30s\": ")
    assert server.request("GET", f"/apis/{GROUP}/v1/namespaces/{ns}/{plural}/w").status == 200
    server.kubectl("delete", "crd", crd["metadata"]["name"], "--wait=false")
