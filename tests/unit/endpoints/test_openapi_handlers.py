"""HTTP behaviour of /openapi/v2 and /openapi/v3 (kube-openapi handler and handler3)."""

import asyncio
import hashlib
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from kapiserver.endpoints import installer
from kapiserver.endpoints.discovery import DiscoveryRegistry
from kapiserver.endpoints.openapi import Documents, v2_handler, v3_document_handler, v3_index_handler
from kapiserver.registry.core.configmaps import CONFIGMAPS
from kapiserver.registry.provider import StorageProvider
from kapiserver.registry.spec import ResourceSpec

V2_PB = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"


def install(registry: DiscoveryRegistry, group: str, *specs: ResourceSpec) -> None:
    group_info = StorageProvider(group, specs).new_rest_storage(lambda spec: None, lambda *args: True)  # type: ignore[arg-type, return-value]
    assert group_info is not None
    registry.add_group(group, installer.install(group_info))


def run(test: Callable[[TestClient, DiscoveryRegistry], Awaitable[None]]) -> None:
    async def main() -> None:
        registry = DiscoveryRegistry()
        install(registry, "", CONFIGMAPS)
        documents = Documents(registry, lambda path: path == "/version")
        app = web.Application()
        app.router.add_route("*", "/openapi/v2", v2_handler(documents))
        app.router.add_route("*", "/openapi/v3", v3_index_handler(documents))
        app.router.add_route("*", "/openapi/v3/{key:.*}", v3_document_handler(documents))
        async with TestClient(TestServer(app)) as client:
            await test(client, registry)

    asyncio.run(main())


def test_v2_json_with_etag_and_304():
    async def check(client: TestClient, registry: Any) -> None:
        response = await client.get("/openapi/v2", headers={"Accept": "application/json"})
        assert response.status == 200
        assert response.headers["Content-Type"] == "application/json"
        body = await response.read()
        etag = response.headers["ETag"]
        assert etag == '"' + hashlib.sha512(body).hexdigest().upper() + '"'
        assert "Accept" in response.headers["Vary"]
        assert orjson.loads(body)["swagger"] == "2.0"
        again = await client.get("/openapi/v2", headers={"If-None-Match": etag})
        assert again.status == 304 and again.headers["ETag"] == etag
        since = await client.get(
            "/openapi/v2", headers={"If-Modified-Since": response.headers["Last-Modified"]}
        )
        assert since.status == 304

    run(check)


def test_v2_negotiation():
    async def check(client: TestClient, registry: Any) -> None:
        pb = await client.get("/openapi/v2", headers={"Accept": V2_PB})
        assert pb.status == 200
        assert pb.headers["Content-Type"] == "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
        assert (await pb.read()).startswith(b"\x0a\x032.0")  # Document.swagger = "2.0"
        json_doc = await client.get("/openapi/v2", headers={"Accept": "application/json"})
        assert pb.headers["ETag"] == json_doc.headers["ETag"]
        preferred = await client.get("/openapi/v2", headers={"Accept": f"application/json;q=0.5, {V2_PB}"})
        assert preferred.headers["Content-Type"].endswith("+protobuf")
        anything = await client.get("/openapi/v2", headers={"Accept": "*/*"})
        assert anything.headers["Content-Type"] == "application/json"
        refused = await client.get("/openapi/v2", headers={"Accept": "application/xml"})
        assert refused.status == 406

    run(check)


def test_v2_gzip():
    async def check(client: TestClient, registry: Any) -> None:
        response = await client.get("/openapi/v2", headers={"Accept-Encoding": "gzip"})
        assert response.headers["Content-Encoding"] == "gzip"
        assert orjson.loads(await response.read())["info"]["title"] == "Kubernetes"
        plain = await client.get("/openapi/v2", headers={"Accept-Encoding": "identity"})
        assert "Content-Encoding" not in plain.headers

    run(check)


def test_v3_index_and_documents():
    async def check(client: TestClient, registry: Any) -> None:
        index = await client.get("/openapi/v3")
        assert index.status == 200 and index.headers["Content-Type"] == "application/json"
        paths = orjson.loads(await index.read())["paths"]
        assert sorted(paths) == ["api", "api/v1", "apis", "version"]
        url = paths["api/v1"]["serverRelativeURL"]
        assert url.startswith("/openapi/v3/api/v1?hash=")
        document = await client.get(url)
        body = await document.read()
        assert document.status == 200
        assert url.endswith(hashlib.sha512(body).hexdigest().upper())
        assert document.headers["Cache-Control"] == "public, immutable" and "Expires" in document.headers
        assert orjson.loads(body)["openapi"] == "3.0.0"
        unhashed = await client.get("/openapi/v3/api/v1")
        assert unhashed.status == 200 and "Cache-Control" not in unhashed.headers
        stale = await client.get("/openapi/v3/api/v1?hash=0123", allow_redirects=False)
        assert stale.status == 301 and stale.headers["Location"] == url
        missing = await client.get("/openapi/v3/apis/apps/v1")
        assert missing.status == 404
        refused = await client.get("/openapi/v3/api/v1", headers={"Accept": "application/xml"})
        assert refused.status == 406
        cached = await client.get("/openapi/v3", headers={"If-None-Match": index.headers["ETag"]})
        assert cached.status == 304

    run(check)


def test_documents_follow_the_registry():
    async def check(client: TestClient, registry: DiscoveryRegistry) -> None:
        before = orjson.loads(await (await client.get("/openapi/v3")).read())["paths"]
        v2_before = (await client.get("/openapi/v2")).headers["ETag"]
        leases = ResourceSpec(
            group="coordination.k8s.io",
            version="v1",
            kind="Lease",
            plural="leases",
            singular="lease",
            namespaced=True,
        )
        install(registry, "coordination.k8s.io", leases)
        after = orjson.loads(await (await client.get("/openapi/v3")).read())["paths"]
        assert {"apis/coordination.k8s.io", "apis/coordination.k8s.io/v1"} <= set(after)
        assert after["api/v1"] == before["api/v1"]  # untouched documents keep their hash
        swagger = await client.get("/openapi/v2")
        assert swagger.headers["ETag"] != v2_before
        assert (
            "/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases"
            in orjson.loads(await swagger.read())["paths"]
        )
        registry.remove_group("coordination.k8s.io")
        gone = await client.get("/openapi/v3/apis/coordination.k8s.io/v1")
        assert gone.status == 404

    run(check)
