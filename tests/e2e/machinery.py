"""Helpers shared by the machinery e2e modules: the Python client's core API, configmaps made
in bulk, Status bodies of client errors, raw JSON watch streams read with a deadline, and
requests whose every Warning header matters."""

from __future__ import annotations

import http.client
import json
import time
from typing import Any
from urllib.parse import urlsplit

import pytest
from harness import Server
from kubernetes import client
from kubernetes.client.rest import ApiException


def core(server: Server) -> client.CoreV1Api:
    return client.CoreV1Api(server.api)


def cm(name: str, labels: dict[str, str] | None = None, data: dict[str, str] | None = None) -> client.V1ConfigMap:
    return client.V1ConfigMap(metadata=client.V1ObjectMeta(name=name, labels=labels), data=data)


def make(server: Server, ns: str, count: int, prefix: str = "item", labels: dict[str, str] | None = None) -> list[str]:
    """Create `count` configmaps in one request each; returns their resourceVersions."""
    api = core(server)
    return [
        api.create_namespaced_config_map(ns, cm(f"{prefix}-{i:03d}", labels)).metadata.resource_version
        for i in range(count)
    ]


def stream(server: Server, path: str, until: Any = None, timeout: float = 30.0) -> list[dict[str, Any]]:
    """Read a raw JSON watch stream until it ends, `until(events)` holds, or `timeout` passes."""
    parts = urlsplit(server.url)
    conn = http.client.HTTPSConnection(parts.hostname or "", parts.port, context=server._ssl, timeout=timeout)
    events: list[dict[str, Any]] = []
    try:
        conn.request("GET", path)
        answer = conn.getresponse()
        assert answer.status == 200, answer.read()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = answer.readline()
            if not line:
                break
            if line.strip():
                events.append(json.loads(line))
                if until is not None and until(events):
                    break
    finally:
        conn.close()
    return events


def status_of(caught: pytest.ExceptionInfo[ApiException]) -> dict[str, Any]:
    return json.loads(caught.value.body)


def post_with_warnings(
    server: Server, path: str, body: str, content_type: str = "application/json"
) -> tuple[int, list[str], Any]:
    """POST and return every Warning header (the harness keeps one value per header name)."""
    parts = urlsplit(server.url)
    conn = http.client.HTTPSConnection(parts.hostname or "", parts.port, context=server._ssl, timeout=30)
    try:
        conn.request("POST", path, body=body, headers={"Content-Type": content_type})
        answer = conn.getresponse()
        return answer.status, answer.headers.get_all("Warning") or [], json.loads(answer.read())
    finally:
        conn.close()
