"""/metrics as a scrape of kube-apiserver shows it: request counters with upstream's labels,
long-running requests, stored object counts, the process and build figures."""

from __future__ import annotations

import re
import time

from harness import Server

SAMPLE = re.compile(r'^(?P<name>[a-z_:]+)(?:\{(?P<labels>.*)\})? (?P<value>\S+)$')


def scrape(server: Server) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    answer = server.request("GET", "/metrics")
    assert answer.status == 200, answer.body
    assert answer.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    samples = {}
    for line in answer.body.decode().splitlines():
        if line.startswith("#"):
            continue
        match = SAMPLE.match(line)
        assert match, line
        labels = frozenset(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', match["labels"] or ""))
        samples[(match["name"], labels)] = float(match["value"])
    return samples


def requests(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], **labels: str) -> float:
    wanted = {"component": "apiserver", "dry_run": "", "group": "", "version": "v1", "subresource": "", **labels}
    return sum(value for (name, pairs), value in samples.items()
               if name == "apiserver_request_total" and wanted.items() <= dict(pairs).items())


def test_requests_are_counted_with_upstreams_labels(server: Server, ns: str) -> None:
    before = scrape(server)
    server.kubectl("-n", ns, "create", "configmap", "counted", "--from-literal=a=b")
    server.kubectl("-n", ns, "get", "configmaps")
    server.kubectl("-n", ns, "get", "configmap", "counted")
    server.kubectl("-n", ns, "apply", "--server-side", "-f", "-",
                   input="apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n")
    server.kubectl("-n", ns, "get", "configmap", "missing", check=False)
    server.kubectl("-n", ns, "delete", "configmap", "counted", "--dry-run=server")
    server.request("POST", f"/api/v1/namespaces/{ns}/configmaps?dryRun=All",
                   {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "dry"}})
    server.request("GET", "/healthz")
    after = scrape(server)

    def grew(**labels: str) -> float:
        return requests(after, **labels) - requests(before, **labels)

    assert grew(verb="POST", resource="configmaps", scope="resource", code="201") == 1
    assert grew(verb="LIST", resource="configmaps", scope="namespace", code="200") == 1
    assert grew(verb="GET", resource="configmaps", scope="resource", code="200") == 1
    assert grew(verb="GET", resource="configmaps", scope="resource", code="404") == 1
    assert grew(verb="APPLY", resource="configmaps", scope="resource", code="201") == 1
    # kubectl sends dryRun in the DeleteOptions body; the label reads the query only, as upstream's
    assert grew(verb="DELETE", resource="configmaps", scope="resource", code="200") == 1
    assert grew(verb="POST", resource="configmaps", scope="resource", code="201", dry_run="All") == 1
    health = {"component": "", "version": "", "subresource": "/healthz", "scope": "", "resource": ""}
    assert grew(verb="GET", code="200", **health) == 1
    durations = [key for key in after if key[0] == "apiserver_request_duration_seconds_count"
                 and ("resource", "configmaps") in key[1] and ("verb", "POST") in key[1]]
    assert durations and all(("code", "201") not in pairs for _, pairs in durations), "no code on latencies"


def test_a_watch_is_a_long_running_request(server: Server, ns: str) -> None:
    labels = frozenset({("verb", "WATCH"), ("group", ""), ("version", "v1"), ("resource", "configmaps"),
                        ("subresource", ""), ("scope", "namespace"), ("component", "apiserver")})
    before = scrape(server).get(("apiserver_longrunning_requests", labels), 0)
    with server.kubectl_stream("-n", ns, "get", "configmaps", "--watch-only", "-o", "name") as watch:
        deadline = time.monotonic() + 10
        while scrape(server).get(("apiserver_longrunning_requests", labels), 0) < before + 1:
            assert time.monotonic() < deadline, "the watch never showed as a long-running request"
            time.sleep(0.05)
        server.kubectl("-n", ns, "create", "configmap", "seen")
        assert watch.next_line(timeout=10) == "configmap/seen"


def test_stored_objects_process_and_build_figures(fresh_server: Server) -> None:
    fresh_server.kubectl("create", "namespace", "counted")
    for name in ("a", "b", "c"):
        fresh_server.kubectl("-n", "counted", "create", "configmap", name)
    stored = len(fresh_server.request("GET", "/api/v1/configmaps").json()["items"])
    assert stored >= 3
    samples = scrape(fresh_server)  # the first scrape counts; later ones within the poll period reuse it
    assert samples[("apiserver_resource_objects", frozenset({("group", ""), ("resource", "configmaps")}))] == stored
    assert samples[("apiserver_storage_objects", frozenset({("resource", "configmaps")}))] == stored
    assert samples[("apiserver_storage_objects", frozenset({("resource", "clusterroles.rbac.authorization.k8s.io")}))] > 50
    assert samples[("process_resident_memory_bytes", frozenset())] > 10_000_000
    build = next(dict(pairs) for name, pairs in samples if name == "kubernetes_build_info")
    version = fresh_server.request("GET", "/version").json()
    assert (build["major"], build["minor"], build["git_version"]) == (
        version["major"], version["minor"], version["gitVersion"])
    text = fresh_server.request("GET", "/metrics").body.decode()
    assert ("# HELP apiserver_request_total [STABLE] Counter of apiserver requests broken out for each verb, dry run "
            "value, group, version, resource, scope, component, and HTTP response code.\n"
            "# TYPE apiserver_request_total counter\n") in text
