"""A remote APIService: an extension API server started by the test serves wardle.example.com
through kapiserver's aggregator (proxy with the user in front-proxy headers, discovery,
OpenAPI, availability).

kapiserver runs with its own flags here: the front-proxy client certificate it presents to
extension servers (--proxy-client-cert-file/--proxy-client-key-file), and the front-proxy
authority it trusts for incoming requests (--requestheader-*).

The extension server listens on this machine. EndpointSlices may not name loopback
addresses, so the APIService's Service is an ExternalName Service for `localhost` (which
the aggregator dials, as upstream does with its default cluster routing), on the server's
port; one test routes through a ClusterIP Service and its EndpointSlice when the machine
has a non-loopback address.
"""

from __future__ import annotations

import base64
import json
import socket
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from extension_apiserver import GROUP, GROUP_VERSION, VERSION, Authority, ExtensionAPIServer, wait_until
from harness import Server, parse_table

APISERVICE = f"{VERSION}.{GROUP}"
SERVICE = "wardle-api"
SLICED_SERVICE = "wardle-api-slices"
NAMESPACE = "wardle"


@dataclass
class Env:
    server: Server
    ext: ExtensionAPIServer
    front_proxy: Authority
    pki: Path


def _service_objects(port: int, ca_pem: bytes) -> str:
    docs = [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}},
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": SERVICE, "namespace": NAMESPACE},
         "spec": {"type": "ExternalName", "externalName": "localhost"}},
        {"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService", "metadata": {"name": APISERVICE},
         "spec": {"group": GROUP, "version": VERSION, "groupPriorityMinimum": 2000, "versionPriority": 10,
                  "service": {"namespace": NAMESPACE, "name": SERVICE, "port": port},
                  "caBundle": base64.b64encode(ca_pem).decode()}},
    ]
    return "\n---\n".join(yaml.safe_dump(d) for d in docs)


def _host_address() -> str | None:
    """This machine's address on its default route, if it has one that is not loopback."""
    import socket

    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.connect(("192.0.2.254", 53))  # picks the route's source address, sends nothing
            address = sock.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    pki = tmp_path_factory.mktemp("aggregation-pki")
    front_proxy = Authority(pki, "front-proxy")
    proxy_cert, proxy_key = front_proxy.issue("front-proxy-client", client=True)
    serving_ca = Authority(pki, "wardle-serving")
    serving = serving_ca.issue("wardle-api", dns_names=(f"{SERVICE}.{NAMESPACE}.svc",
                                                        f"{SLICED_SERVICE}.{NAMESPACE}.svc"))
    ext = ExtensionAPIServer(serving, front_proxy.ca_file).start()
    server = Server(tmp_path_factory.mktemp("aggregation"), extra_args=(
        f"--proxy-client-cert-file={proxy_cert}", f"--proxy-client-key-file={proxy_key}",
        f"--requestheader-client-ca-file={front_proxy.ca_file}", "--requestheader-allowed-names=front-proxy-client",
        "--requestheader-username-headers=X-Remote-User", "--requestheader-group-headers=X-Remote-Group",
        "--requestheader-extra-headers-prefix=X-Remote-Extra-",
    ))
    try:
        server.start()
        server.kubectl("apply", "-f", "-", input=_service_objects(ext.port, serving_ca.pem))
        server.kubectl("wait", "--for=condition=Available", f"apiservice/{APISERVICE}", "--timeout=60s")
        yield Env(server, ext, front_proxy, pki)
    finally:
        server.close()
        ext.stop()


def _admin_user(server: Server) -> str:
    return "kubernetes-admin"


def test_apiservices_listed_local_and_remote(env: Env) -> None:
    names, rows = parse_table(env.server.kubectl("get", "apiservices").stdout)
    assert names == ["NAME", "SERVICE", "AVAILABLE", "AGE"]
    by_name = {row["NAME"]: row for row in rows}
    assert by_name["v1."]["SERVICE"] == "Local" and by_name["v1."]["AVAILABLE"] == "True"
    assert by_name["v1.apps"]["SERVICE"] == "Local" and by_name["v1.apps"]["AVAILABLE"] == "True"
    assert by_name[APISERVICE]["SERVICE"] == f"{NAMESPACE}/{SERVICE}"
    assert by_name[APISERVICE]["AVAILABLE"] == "True"
    status = json.loads(env.server.kubectl("get", "apiservice", APISERVICE, "-o", "json").stdout)["status"]
    (condition,) = status["conditions"]
    assert (condition["type"], condition["status"], condition["reason"], condition["message"]) == (
        "Available", "True", "Passed", "all checks passed")


def test_get_list_create_through_the_proxy(env: Env) -> None:
    env.server.kubectl("create", "-f", "-", input=yaml.safe_dump({
        "apiVersion": GROUP_VERSION, "kind": "Flunder", "metadata": {"name": "one", "namespace": NAMESPACE},
        "spec": {"reference": "first"}}))
    names, rows = parse_table(env.server.kubectl("get", "flunders", "-n", NAMESPACE).stdout)
    assert names == ["NAME", "REFERENCE"] and {"NAME": "one", "REFERENCE": "first"} in rows
    got = json.loads(env.server.kubectl("get", "flunder", "one", "-n", NAMESPACE, "-o", "json").stdout)
    assert got["spec"] == {"reference": "first"} and got["kind"] == "Flunder"
    missing = env.server.kubectl("get", "flunder", "nope", "-n", NAMESPACE, check=False)
    assert missing.returncode == 1
    assert f'flunders.{GROUP} "nope" not found' in missing.stderr


def test_user_passed_in_front_proxy_headers(env: Env) -> None:
    env.ext.seen.clear()
    env.server.kubectl("get", f"flunders.{GROUP}", "-A")
    proxied = [s for s in env.ext.seen if s.path.startswith(f"/apis/{GROUP_VERSION}/flunders")]
    assert proxied, env.ext.seen
    for seen in proxied:
        assert seen.user == _admin_user(env.server)
        assert "system:masters" in seen.groups and "system:authenticated" in seen.groups
        assert seen.client_cn == "front-proxy-client"


def test_endpoint_slice_routing(env: Env) -> None:
    """A ClusterIP Service: the aggregator dials a ready endpoint of its EndpointSlice."""
    address = _host_address()
    if address is None:
        pytest.skip("no non-loopback address to put in an EndpointSlice")
    env.server.kubectl("apply", "-f", "-", input="\n---\n".join(yaml.safe_dump(d) for d in [
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": SLICED_SERVICE, "namespace": NAMESPACE},
         "spec": {"ports": [{"name": "https", "port": 443, "targetPort": env.ext.port}]}},
        {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
         "metadata": {"name": f"{SLICED_SERVICE}-1", "namespace": NAMESPACE,
                      "labels": {"kubernetes.io/service-name": SLICED_SERVICE}},
         "addressType": "IPv4", "endpoints": [{"addresses": [address], "conditions": {"ready": True}}],
         "ports": [{"name": "https", "port": env.ext.port, "protocol": "TCP"}]},
    ]))
    original = json.loads(env.server.kubectl("get", "apiservice", APISERVICE, "-o", "json").stdout)["spec"]["service"]
    sliced = {"namespace": NAMESPACE, "name": SLICED_SERVICE, "port": 443}
    try:
        env.server.kubectl("patch", "apiservice", APISERVICE, "--type=merge", "-p",
                           json.dumps({"spec": {"service": sliced}}))

        def routed() -> bool:
            service = env.server.kubectl("get", "apiservice", APISERVICE).stdout
            return f"{NAMESPACE}/{SLICED_SERVICE}" in service and "True" in service

        wait_until(routed, timeout=60, interval=0.5)
        env.ext.seen.clear()
        env.server.kubectl("get", "flunders", "-n", NAMESPACE)
        assert any(s.path.startswith(f"/apis/{GROUP_VERSION}/namespaces") for s in env.ext.seen)
        env.server.kubectl("delete", "endpointslice", f"{SLICED_SERVICE}-1", "-n", NAMESPACE)

        def missing() -> str | None:
            conditions = json.loads(env.server.kubectl("get", "apiservice", APISERVICE, "-o", "json").stdout)[
                "status"]["conditions"]
            return conditions[0]["reason"] if conditions[0]["status"] == "False" else None

        assert wait_until(missing, timeout=30, interval=0.5) == "EndpointsNotFound"
    finally:
        env.server.kubectl("patch", "apiservice", APISERVICE, "--type=merge", "-p",
                           json.dumps({"spec": {"service": original}}))
        wait_until(lambda: "True" in env.server.kubectl("get", "apiservice", APISERVICE).stdout, timeout=60)


def test_front_proxy_request_headers_authenticate(env: Env) -> None:
    """A client with the front-proxy certificate speaks for the user its headers name."""
    parts = urlsplit(env.server.url)
    context = ssl.create_default_context(cafile=str(env.server.base / "client" / "ca.crt"))
    context.load_cert_chain(str(env.pki / "front-proxy-client.crt"), str(env.pki / "front-proxy-client.key"))
    import http.client

    env.ext.seen.clear()
    conn = http.client.HTTPSConnection(parts.hostname or "127.0.0.1", parts.port, context=context, timeout=30)
    try:
        conn.request("GET", f"/apis/{GROUP_VERSION}/namespaces/{NAMESPACE}/flunders", headers={
            "X-Remote-User": "alice", "X-Remote-Group": "devs", "X-Remote-Extra-Scopes": "read"})
        answer = conn.getresponse()
        assert answer.status == 200, answer.read()
        answer.read()
    finally:
        conn.close()
    (seen,) = [s for s in env.ext.seen if s.path.startswith(f"/apis/{GROUP_VERSION}/namespaces")]
    assert seen.user == "alice" and seen.groups == ["devs", "system:authenticated"]
    assert seen.extra == {"scopes": ["read"]}


def test_watch_through_the_proxy(env: Env) -> None:
    env.ext.add_flunder(NAMESPACE, "listed", "before")
    with env.server.kubectl_stream("get", "flunders", "-n", NAMESPACE, "-w", "--output-watch-events") as stream:
        header = stream.next_line()
        assert header.split()[:2] == ["EVENT", "NAME"], header
        seen_lines = [stream.next_line()]
        assert seen_lines[0].split()[:2] == ["ADDED", "listed"] or "listed" not in seen_lines[0], seen_lines
        env.ext.add_flunder(NAMESPACE, "watched", "second")
        while not any("watched" in line for line in seen_lines):
            seen_lines.append(stream.next_line())
    assert any(line.split()[:2] == ["ADDED", "watched"] for line in seen_lines), seen_lines


def test_connection_upgrade_is_tunnelled(env: Env) -> None:
    """A WebSocket (what kubectl v1.35 uses for exec, attach and port-forward) passes through."""
    import asyncio

    import aiohttp

    client = env.server.base / "client"
    context = ssl.create_default_context(cafile=str(client / "ca.crt"))
    context.load_cert_chain(str(client / "admin.crt"), str(client / "admin.key"))
    url = f"{env.server.url}/apis/{GROUP_VERSION}/namespaces/{NAMESPACE}/flunders/one/echo"

    async def talk() -> list[str]:
        async with aiohttp.ClientSession() as session, \
                session.ws_connect(url, ssl=context, protocols=("echo.wardle.example.com",)) as ws:
            assert ws.protocol == "echo.wardle.example.com"
            answers = []
            for text in ("hello", "again"):
                await ws.send_str(text)
                answers.append((await ws.receive(timeout=10)).data)
            await ws.send_bytes(b"\x00\x01")
            answers.append(repr((await ws.receive(timeout=10)).data))
            return answers

    assert asyncio.run(talk()) == ["echo: hello", "echo: again", repr(b"\x00\x01")]
    (seen,) = [s for s in env.ext.seen if s.path.endswith("/echo")][-1:]
    assert seen.user == "kubernetes-admin"


def test_spdy_upgrade_is_tunnelled(env: Env) -> None:
    """A SPDY/3.1 upgrade (client-go's SPDY executor, kubectl's fallback) passes through byte for byte."""
    client = env.server.base / "client"
    context = ssl.create_default_context(cafile=str(client / "ca.crt"))
    context.load_cert_chain(str(client / "admin.crt"), str(client / "admin.key"))
    host, port = env.server.url.removeprefix("https://").rsplit(":", 1)
    path = f"/apis/{GROUP_VERSION}/namespaces/{NAMESPACE}/flunders/one/echo"
    with socket.create_connection((host, int(port)), timeout=10) as raw, \
            context.wrap_socket(raw, server_hostname=host) as tls:
        tls.sendall(f"POST {path} HTTP/1.1\r\nHost: {host}\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
                    "X-Stream-Protocol-Version: v4.channel.k8s.io\r\nContent-Length: 0\r\n\r\n".encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += tls.recv(4096)
        status_line, *fields = head.split(b"\r\n\r\n", 1)[0].decode().split("\r\n")
        assert status_line.startswith("HTTP/1.1 101"), head
        assert "upgrade: spdy/3.1" in [f.lower() for f in fields], fields
        echoed = head.split(b"\r\n\r\n", 1)[1]
        frame = b"\x80\x03\x00\x01" + bytes(range(256)) * 4  # what a SYN_STREAM looks like: binary
        tls.sendall(frame)
        while len(echoed) < len(frame):
            chunk = tls.recv(65536)
            assert chunk, "the tunnel closed early"
            echoed += chunk
        assert echoed == frame
    (seen,) = [s for s in env.ext.seen if s.path.endswith("/echo")][-1:]
    assert seen.user == "kubernetes-admin"


def test_discovery_lists_the_remote_group(env: Env) -> None:
    out = env.server.kubectl("api-resources", f"--api-group={GROUP}").stdout
    _, rows = parse_table(out)
    assert rows == [{"NAME": "flunders", "SHORTNAMES": "fl", "APIVERSION": GROUP_VERSION, "NAMESPACED": "true",
                     "KIND": "Flunder"}]
    legacy = env.server.request("GET", "/apis").json()
    names = [g["name"] for g in legacy["groups"]]
    assert GROUP in names and names[0] == "apiregistration.k8s.io"
    assert names.index(GROUP) > names.index("flowcontrol.apiserver.k8s.io")  # priority 2000 after the built-ins
    group = env.server.request("GET", f"/apis/{GROUP}").json()
    assert group["preferredVersion"] == {"groupVersion": GROUP_VERSION, "version": VERSION}
    aggregated = env.server.request("GET", "/apis", headers={
        "Accept": "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"}).json()
    (entry,) = [g for g in aggregated["items"] if g["metadata"].get("name") == GROUP]
    (version,) = entry["versions"]
    assert version["freshness"] == "Current" and version["resources"][0]["resource"] == "flunders"


def test_openapi_merges_the_extension_documents(env: Env) -> None:
    def merged() -> bool:
        spec = env.server.request("GET", "/openapi/v2", headers={"Accept": "application/json"}).json()
        return f"/apis/{GROUP_VERSION}/namespaces/{{namespace}}/flunders" in spec["paths"]

    wait_until(merged, timeout=30)
    spec = env.server.request("GET", "/openapi/v2", headers={"Accept": "application/json"}).json()
    assert "/version/" in spec["paths"] and "getWardleVersion" not in json.dumps(spec["paths"]["/version/"])
    assert "io.example.wardle.v1alpha1.Flunder" in spec["definitions"]
    assert "io.example.wardle.Version" not in spec["definitions"]  # only its dropped path used it
    index = env.server.request("GET", "/openapi/v3").json()["paths"]
    key = f"apis/{GROUP_VERSION}"
    assert key in index and "api/v1" in index
    document = env.server.request("GET", "/" + index[key]["serverRelativeURL"].lstrip("/")).json()
    assert "io.example.wardle.v1alpha1.Flunder" in document["components"]["schemas"]
    explained = env.server.kubectl("explain", "flunders.spec.reference", check=False)
    assert "What it refers to." in explained.stdout, explained.stderr


def test_unavailable_extension_server_fails_only_its_group(env: Env) -> None:
    env.ext.stop()
    try:
        failed = env.server.kubectl("get", "flunders", "-n", NAMESPACE, check=False)
        assert failed.returncode == 1, (failed.stdout, failed.stderr)
        assert "the server is currently unable to handle the request" in failed.stderr, failed.stderr
        env.server.kubectl("get", "namespaces")  # other groups keep working

        def unavailable() -> dict[str, str] | None:
            status = json.loads(env.server.kubectl("get", "apiservice", APISERVICE, "-o", "json").stdout)["status"]
            condition = status["conditions"][0]
            return condition if condition["status"] == "False" else None

        condition = wait_until(unavailable, timeout=90, interval=1)
        assert condition["reason"] == "FailedDiscoveryCheck", condition
        url = f"https://localhost:{env.ext.port}/apis/{GROUP_VERSION}"
        assert condition["message"].startswith(f'failing or missing response from {url}: Get "{url}": dial tcp '), condition
        assert condition["message"].endswith(f":{env.ext.port}: connect: connection refused"), condition
        _, rows = parse_table(env.server.kubectl("get", "apiservice", APISERVICE).stdout)
        assert rows[0]["AVAILABLE"] == "False (FailedDiscoveryCheck)", rows
        answer = env.server.request("GET", f"/apis/{GROUP_VERSION}/namespaces/{NAMESPACE}/flunders")
        assert (answer.status, answer.body) == (503, b"service unavailable\n")
        assert env.server.request("GET", "/api/v1/namespaces").status == 200
    finally:
        env.ext.restart()
    wait_until(lambda: "True" in env.server.kubectl("get", "apiservice", APISERVICE).stdout, timeout=90, interval=1)
    time.sleep(0.1)
