"""The verb and scope upstream's MonitorRequest reports for a request."""

from __future__ import annotations

import pytest

from kapiserver.endpoints.metrics import dry_run_label, reported_verb, route_scope
from kapiserver.endpoints.request_info import parse_request_info


@pytest.mark.parametrize(("method", "path", "headers", "scope", "verb"), [
    ("GET", "/api/v1/namespaces/a/pods", {}, "namespace", "LIST"),
    ("GET", "/api/v1/pods", {}, "cluster", "LIST"),
    ("GET", "/api/v1/namespaces/a/pods?watch=true", {}, "namespace", "WATCH"),
    ("GET", "/api/v1/watch/namespaces/a/pods", {}, "namespace", "WATCH"),
    ("GET", "/api/v1/namespaces/a/pods?watch=false", {}, "namespace", "LIST"),
    ("GET", "/api/v1/namespaces/a/pods/p", {}, "resource", "GET"),
    ("POST", "/api/v1/namespaces/a/pods", {}, "resource", "POST"),
    ("PUT", "/api/v1/namespaces/a/pods/p/status", {}, "resource", "PUT"),
    ("PATCH", "/api/v1/namespaces/a/pods/p", {"Content-Type": "application/merge-patch+json"}, "resource", "PATCH"),
    ("PATCH", "/api/v1/namespaces/a/pods/p", {"Content-Type": "application/apply-patch+yaml"}, "resource", "APPLY"),
    ("DELETE", "/api/v1/namespaces/a/pods", {}, "namespace", "DELETE"),
    ("GET", "/api/v1/namespaces/a/pods/p/log", {}, "resource", "CONNECT"),
    ("POST", "/api/v1/namespaces/a/pods/p/exec", {}, "resource", "CONNECT"),
    ("OPTIONS", "/api/v1/namespaces/a/pods", {}, "namespace", "other"),
])
def test_reported_verb_and_scope(method: str, path: str, headers: dict[str, str], scope: str, verb: str) -> None:
    route, _, query = path.partition("?")
    info = parse_request_info(method, route, query)
    assert route_scope(info, namespaced=True) == scope
    parsed = dict(pair.split("=") for pair in query.split("&")) if query else {}
    assert reported_verb(method, scope, info, parsed, headers.get("Content-Type", "")) == verb


def test_cluster_scoped_collections_and_dry_run_values() -> None:
    info = parse_request_info("GET", "/api/v1/nodes", "")
    assert route_scope(info, namespaced=False) == "cluster"
    assert dry_run_label([]) == "" and dry_run_label(["All", "All"]) == "All" and dry_run_label(["x"]) == "invalid"
