"""Status bodies as kube-apiserver writes them, shared by the error-path tests."""

from __future__ import annotations

from typing import Any

from harness import Response, Server


def failure(code: int, reason: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    """The Status body kube-apiserver writes for an error (details omitted when nil)."""
    body: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
    }
    if details is not None:
        body["details"] = details
    body["code"] = code
    return body


def assert_status(answer: Response, expected: dict[str, Any]) -> None:
    assert answer.status == expected["code"], answer.body
    assert answer.headers["content-type"] == "application/json", answer.headers
    assert answer.json() == expected


def cm(name: str, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}}
    body.update(extra)
    return body


def create_cm(server: Server, ns: str, name: str, **extra: Any) -> dict[str, Any]:
    answer = server.request("POST", f"/api/v1/namespaces/{ns}/configmaps", cm(name, **extra))
    assert answer.status == 201, answer.body
    return answer.json()
