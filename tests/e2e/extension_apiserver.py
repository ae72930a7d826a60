"""A small extension API server for the aggregation tests, and the certificates around it.

It serves one namespaced resource, `flunders` of wardle.example.com/v1alpha1 (the group of
upstream's sample-apiserver), over HTTPS: discovery (/apis in legacy and aggregated form,
/apis/<group>, /apis/<group>/<version>), list / get / create / watch of flunders, a Table view
for kubectl, /openapi/v2 and /openapi/v3, and a WebSocket echo under
/apis/<group>/<version>/namespaces/<ns>/flunders/<name>/echo. It demands a client certificate
from the front-proxy authority, as a real extension server does, and records what it
received: the front-proxy headers and the client certificate's common name.

It runs on its own event loop in a thread, so tests stay synchronous.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import ipaddress
import json
import ssl
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

GROUP = "wardle.example.com"
VERSION = "v1alpha1"
GROUP_VERSION = f"{GROUP}/{VERSION}"
AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"


# -- certificates ------------------------------------------------------------------------------


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@dataclass
class Authority:
    """A CA that issues server and client certificates into a directory."""

    directory: Path
    name: str
    key: ec.EllipticCurvePrivateKey = field(init=False)
    cert: x509.Certificate = field(init=False)

    def __post_init__(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, self.name)])
        self.cert = (
            self._builder(subject, subject, self.key.public_key())
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(self.key, hashes.SHA256())
        )
        _write(self.ca_file, self.pem)

    @property
    def ca_file(self) -> Path:
        return self.directory / f"{self.name}-ca.crt"

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @staticmethod
    def _builder(subject: x509.Name, issuer: x509.Name, public_key: Any) -> x509.CertificateBuilder:
        now = datetime.datetime.now(datetime.UTC)
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
        )

    def issue(self, common_name: str, dns_names: tuple[str, ...] = (), ips: tuple[str, ...] = (),
              client: bool = False) -> tuple[Path, Path]:
        """A certificate and its key, written as <common name>.crt / .key."""
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
        usage = ExtendedKeyUsageOID.CLIENT_AUTH if client else ExtendedKeyUsageOID.SERVER_AUTH
        builder = self._builder(subject, self.cert.subject, key.public_key()).add_extension(
            x509.ExtendedKeyUsage([usage]), critical=False
        )
        names: list[x509.GeneralName] = [x509.DNSName(n) for n in dns_names]
        names += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ips]
        if names:
            builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
        cert = builder.sign(self.key, hashes.SHA256())
        stem = common_name.replace(":", "_")
        cert_file = _write(self.directory / f"{stem}.crt", cert.public_bytes(serialization.Encoding.PEM))
        key_file = _write(
            self.directory / f"{stem}.key",
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ),
        )
        return cert_file, key_file


# -- the server --------------------------------------------------------------------------------


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Seen:
    """One request as the extension server received it."""

    method: str
    path: str
    user: str
    groups: list[str]
    extra: dict[str, list[str]]
    client_cn: str


RESOURCE_LIST = {
    "kind": "APIResourceList",
    "apiVersion": "v1",
    "groupVersion": GROUP_VERSION,
    "resources": [
        {
            "name": "flunders",
            "singularName": "flunder",
            "namespaced": True,
            "kind": "Flunder",
            "verbs": ["create", "get", "list", "watch"],
            "shortNames": ["fl"],
        }
    ],
}

OPENAPI_V2 = {
    "swagger": "2.0",
    "info": {"title": "wardle", "version": "v0"},
    "paths": {
        f"/apis/{GROUP_VERSION}/namespaces/{{namespace}}/flunders": {
            "get": {
                "operationId": "listWardleV1alpha1NamespacedFlunder",
                "responses": {"200": {"description": "OK", "schema": {"$ref": "#/definitions/io.example.wardle.v1alpha1.FlunderList"}}},
                "x-kubernetes-group-version-kind": {"group": GROUP, "version": VERSION, "kind": "Flunder"},
            }
        },
        "/version/": {"get": {"operationId": "getWardleVersion", "responses": {"200": {"description": "OK", "schema": {"$ref": "#/definitions/io.example.wardle.Version"}}}}},
    },
    "definitions": {
        "io.example.wardle.v1alpha1.Flunder": {
            "description": "A flunder.",
            "type": "object",
            "properties": {
                "apiVersion": {"type": "string"},
                "kind": {"type": "string"},
                "metadata": {"type": "object"},
                "spec": {"type": "object", "properties": {"reference": {"type": "string", "description": "What it refers to."}}},
            },
            "x-kubernetes-group-version-kind": [{"group": GROUP, "version": VERSION, "kind": "Flunder"}],
        },
        "io.example.wardle.v1alpha1.FlunderList": {
            "type": "object",
            "properties": {"items": {"type": "array", "items": {"$ref": "#/definitions/io.example.wardle.v1alpha1.Flunder"}}},
        },
        "io.example.wardle.Version": {"type": "object", "properties": {"gitVersion": {"type": "string"}}},
    },
}

OPENAPI_V3 = {
    "openapi": "3.0.0",
    "info": {"title": "wardle", "version": "v0"},
    "paths": {
        f"/apis/{GROUP_VERSION}/namespaces/{{namespace}}/flunders": {
            "get": {"operationId": "listWardleV1alpha1NamespacedFlunder", "responses": {"200": {"description": "OK"}},
                    "x-kubernetes-group-version-kind": {"group": GROUP, "version": VERSION, "kind": "Flunder"}}
        }
    },
    "components": {
        "schemas": {
            "io.example.wardle.v1alpha1.Flunder": {
                "description": "A flunder.",
                "type": "object",
                "properties": {
                    "apiVersion": {"type": "string"},
                    "kind": {"type": "string"},
                    "metadata": {"type": "object"},
                    "spec": {"type": "object", "properties": {"reference": {"type": "string", "description": "What it refers to."}}},
                },
                "x-kubernetes-group-version-kind": [{"group": GROUP, "version": VERSION, "kind": "Flunder"}],
            }
        }
    },
}
V3_HASH = "0123456789ABCDEF"


class ExtensionAPIServer:
    """Start with start(); stop() ends it (connections are refused afterwards)."""

    def __init__(self, serving: tuple[Path, Path], client_ca: Path | None, host: str = "0.0.0.0"):
        self._serving = serving
        self._host = host
        self._client_ca = client_ca
        self.seen: list[Seen] = []
        self.flunders: dict[tuple[str, str], dict[str, Any]] = {}
        self._revision = 0
        self._watchers: list[asyncio.Queue[dict[str, Any]]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> ExtensionAPIServer:
        ready = threading.Event()
        self._loop = asyncio.new_event_loop()

        def run() -> None:
            assert self._loop is not None
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(self._start())
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("extension API server did not start")
        return self

    async def _start(self) -> None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(self._serving[0]), str(self._serving[1]))
        if self._client_ca is not None:
            context.load_verify_locations(str(self._client_ca))
            context.verify_mode = ssl.CERT_REQUIRED
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self.port, ssl_context=context)
        await site.start()
        sockets = site._server.sockets if site._server is not None else []
        self.port = sockets[0].getsockname()[1]

    def stop(self) -> None:
        if self._loop is None:
            return
        loop = self._loop

        async def shutdown() -> None:
            for queue in self._watchers:
                queue.put_nowait({})
            if self._runner is not None:
                await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(shutdown(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        self._loop = None

    def restart(self) -> None:
        """Serve again on the same port."""
        self.start()

    def add_flunder(self, namespace: str, name: str, reference: str = "") -> None:
        """Create a flunder directly in the server (what another client of it would do)."""
        assert self._loop is not None
        obj = self._new_flunder(namespace, name, reference)
        self._loop.call_soon_threadsafe(self._store, obj, "ADDED")

    def users(self) -> list[Seen]:
        return list(self.seen)

    # -- objects -----------------------------------------------------------------------------

    def _new_flunder(self, namespace: str, name: str, reference: str) -> dict[str, Any]:
        return {
            "apiVersion": GROUP_VERSION,
            "kind": "Flunder",
            "metadata": {"name": name, "namespace": namespace, "uid": str(uuid.uuid4()), "creationTimestamp": _now()},
            "spec": {"reference": reference},
        }

    def _store(self, obj: dict[str, Any], event: str) -> dict[str, Any]:
        self._revision += 1
        obj["metadata"]["resourceVersion"] = str(self._revision)
        meta = obj["metadata"]
        self.flunders[(meta["namespace"], meta["name"])] = obj
        for queue in self._watchers:
            queue.put_nowait({"type": event, "object": obj})
        return obj

    # -- HTTP --------------------------------------------------------------------------------

    def _record(self, request: web.Request) -> None:
        cert = request.transport.get_extra_info("peercert") if request.transport is not None else None
        cn = ""
        for rdn in (cert or {}).get("subject", ()):
            for key, value in rdn:
                if key == "commonName":
                    cn = value
        extra: dict[str, list[str]] = {}
        for name, value in request.headers.items():
            if name.lower().startswith("x-remote-extra-"):
                extra.setdefault(name[len("x-remote-extra-"):].lower(), []).append(value)
        self.seen.append(
            Seen(request.method, request.path_qs, request.headers.get("X-Remote-User", ""),
                 request.headers.getall("X-Remote-Group", []), extra, cn)
        )

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self._record(request)
        path = request.path.rstrip("/")
        accept = request.headers.get("Accept", "")
        if path == "/apis":
            return self._apis(request, accept)
        if path == f"/apis/{GROUP}":
            return web.json_response(self._group())
        if path == f"/apis/{GROUP_VERSION}":
            return web.json_response(RESOURCE_LIST)
        if path == "/openapi/v2":
            return web.json_response(OPENAPI_V2, headers={"ETag": '"wardle-v2"'})
        if path == "/openapi/v3":
            url = f"/openapi/v3/apis/{GROUP_VERSION}?hash={V3_HASH}"
            return web.json_response({"paths": {f"apis/{GROUP_VERSION}": {"serverRelativeURL": url}}})
        if path == f"/openapi/v3/apis/{GROUP_VERSION}":
            return web.json_response(OPENAPI_V3)
        prefix = f"/apis/{GROUP_VERSION}/"
        if path.startswith(prefix):
            return await self._resource(request, path[len(prefix):].split("/"), accept)
        return web.json_response({"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": 404,
                                  "reason": "NotFound", "message": "the server could not find the requested resource"},
                                 status=404)

    def _group(self) -> dict[str, Any]:
        version = {"groupVersion": GROUP_VERSION, "version": VERSION}
        return {"kind": "APIGroup", "apiVersion": "v1", "name": GROUP, "versions": [version], "preferredVersion": version}

    def _apis(self, request: web.Request, accept: str) -> web.StreamResponse:
        if "as=APIGroupDiscoveryList" in accept:
            body = {
                "kind": "APIGroupDiscoveryList",
                "apiVersion": "apidiscovery.k8s.io/v2",
                "metadata": {},
                "items": [{
                    "metadata": {"name": GROUP},
                    "versions": [{
                        "version": VERSION,
                        "resources": [{
                            "resource": "flunders",
                            "responseKind": {"group": GROUP, "version": VERSION, "kind": "Flunder"},
                            "scope": "Namespaced",
                            "singularResource": "flunder",
                            "verbs": ["create", "get", "list", "watch"],
                            "shortNames": ["fl"],
                        }],
                        "freshness": "Current",
                    }],
                }],
            }
            return web.Response(body=json.dumps(body).encode(), headers={"Content-Type": AGGREGATED, "ETag": '"w1"'})
        return web.json_response({"kind": "APIGroupList", "apiVersion": "v1", "groups": [self._group()]})

    async def _resource(self, request: web.Request, parts: list[str], accept: str) -> web.StreamResponse:
        namespace = ""
        if len(parts) >= 2 and parts[0] == "namespaces":
            namespace, parts = parts[1], parts[2:]
        if not parts or parts[0] != "flunders":
            return web.json_response({"kind": "Status", "code": 404}, status=404)
        name = parts[1] if len(parts) > 1 else ""
        if len(parts) > 2 and parts[2] == "echo":
            return await self._echo(request)
        if request.method == "POST":
            body = await request.json()
            meta = body.get("metadata", {})
            obj = self._new_flunder(namespace, meta.get("name", ""), body.get("spec", {}).get("reference", ""))
            return web.json_response(self._store(obj, "ADDED"), status=201)
        if name:
            found = self.flunders.get((namespace, name))
            if found is None:
                return web.json_response({"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": 404,
                                          "reason": "NotFound", "message": f'flunders.{GROUP} "{name}" not found',
                                          "details": {"name": name, "group": GROUP, "kind": "flunders"}}, status=404)
            return web.json_response(self._table([found]) if "as=Table" in accept else found)
        items = [o for (ns, _), o in sorted(self.flunders.items()) if not namespace or ns == namespace]
        if request.query.get("watch") in ("1", "true"):
            return await self._watch(request, namespace)
        if "as=Table" in accept:
            return web.json_response(self._table(items))
        return web.json_response({"kind": "FlunderList", "apiVersion": GROUP_VERSION,
                                  "metadata": {"resourceVersion": str(self._revision)}, "items": items})

    def _table(self, items: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "kind": "Table",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": {"resourceVersion": str(self._revision)},
            "columnDefinitions": [
                {"name": "Name", "type": "string", "format": "name", "description": "", "priority": 0},
                {"name": "Reference", "type": "string", "format": "", "description": "", "priority": 0},
            ],
            "rows": [{"cells": [o["metadata"]["name"], o["spec"].get("reference", "")],
                      "object": {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                                 "metadata": o["metadata"]}} for o in items],
        }

    async def _watch(self, request: web.Request, namespace: str) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        await response.prepare(request)
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._watchers.append(queue)
        try:
            since = int(request.query.get("resourceVersion") or "0")
            for obj in list(self.flunders.values()):
                if int(obj["metadata"]["resourceVersion"]) > since:
                    queue.put_nowait({"type": "ADDED", "object": obj})
            while True:
                event = await queue.get()
                if not event:
                    break
                if namespace and event["object"]["metadata"]["namespace"] != namespace:
                    continue
                await response.write(json.dumps(event).encode() + b"\n")
        finally:
            self._watchers.remove(queue)
        return response

    async def _echo(self, request: web.Request) -> web.StreamResponse:
        if request.headers.get("Upgrade", "").lower().startswith("spdy/"):
            return await self._raw_echo(request)
        ws = web.WebSocketResponse(protocols=("echo.wardle.example.com",))
        await ws.prepare(request)
        async for message in ws:
            if message.type.name == "TEXT":
                await ws.send_str("echo: " + message.data)
            elif message.type.name == "BINARY":
                await ws.send_bytes(message.data)
        return ws

    async def _raw_echo(self, request: web.Request) -> web.StreamResponse:
        """A SPDY-style upgrade (what client-go's SPDY executor asks for): switch protocols, then
        echo every byte until the client closes. aiohttp's parser only switches for WebSocket, so
        the connection is taken over by hand, as the proxy under test does."""
        response = web.StreamResponse(status=101, reason="Switching Protocols",
                                      headers={"Connection": "Upgrade", "Upgrade": request.headers["Upgrade"]})
        await response.prepare(request)
        transport, protocol = request.transport, request.protocol
        assert transport is not None and protocol is not None
        closed = asyncio.Event()

        class Echo:
            def feed_data(self, data: bytes) -> tuple[bool, bytes]:
                transport.write(data)
                return False, b""

            def feed_eof(self) -> None:
                closed.set()

        protocol.keep_alive(False)
        protocol.set_parser(Echo())  # type: ignore[arg-type]
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(closed.wait(), 30)
        transport.close()
        return response


def wait_until(predicate: Any, timeout: float = 30.0, interval: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s (last: {last!r})")
