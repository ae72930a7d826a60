"""The webhook client against a real HTTPS server on this machine: URL and Service configs, the
caBundle, timeouts, and failures in upstream's words."""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import ssl
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from kapiserver.server import httperrors, webhook_client
from kapiserver.server.webhook_client import ClientConfig, ServiceReference, WebhookClient


def _certificate(subject: str, issuer_key: Any, issuer: x509.Name | None, key: Any, ca: bool,
                 names: list[x509.GeneralName]) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(issuer or name).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=1))
               .not_valid_after(now + datetime.timedelta(hours=1)))
    if ca:
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    directory = tmp_path_factory.mktemp("webhook-pki")
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("webhook-ca", ca_key, None, ca_key, True, [])
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = [x509.DNSName("convert.webhooks.svc"), x509.DNSName("localhost"),
                                     x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    cert = _certificate("webhook", ca_key, ca.subject, key, False, names)
    (directory / "tls.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (directory / "tls.key").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                          serialization.PrivateFormat.PKCS8,
                                                          serialization.NoEncryption()))
    return {"ca": ca.public_bytes(serialization.Encoding.PEM), "dir": directory}


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def run(pki: dict[str, Any], handler: Handler, test: Callable[[int, list[web.Request]], Awaitable[None]]) -> None:
    async def main() -> None:
        seen: list[web.Request] = []

        async def record(request: web.Request) -> web.StreamResponse:
            seen.append(request)
            return await handler(request)

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", record)
        runner = web.AppRunner(app)
        await runner.setup()
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        directory: Path = pki["dir"]
        context.load_cert_chain(str(directory / "tls.crt"), str(directory / "tls.key"))
        site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        try:
            await test(port, seen)
        finally:
            await runner.cleanup()

    asyncio.run(main())


async def echo(request: web.Request) -> web.StreamResponse:
    body = await request.json()
    return web.json_response({"apiVersion": "apiextensions.k8s.io/v1", "kind": "ConversionReview",
                              "response": {"uid": body["request"]["uid"], "result": {"status": "Success"}}})


REVIEW = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "ConversionReview", "request": {"uid": "u1"}}


def test_post_to_a_url(pki: dict[str, Any]) -> None:
    async def test(port: int, seen: list[web.Request]) -> None:
        client = WebhookClient()
        try:
            config = ClientConfig(url=f"https://127.0.0.1:{port}/convert/", ca_bundle=pki["ca"])
            answer = await client.post_json(config, REVIEW)
            assert answer["response"]["uid"] == "u1"
            (request,) = seen
            assert request.path_qs == "/convert?timeout=30s"
            assert request.headers["Content-Type"] == "application/json"
            assert request.headers["User-Agent"] == "kube-apiserver-admission"
        finally:
            await client.close()

    run(pki, echo, test)


def test_post_to_a_service(pki: dict[str, Any]) -> None:
    async def test(port: int, seen: list[web.Request]) -> None:
        asked: list[tuple[str, str, int]] = []

        def resolve(namespace: str, name: str, service_port: int) -> tuple[str, int]:
            asked.append((namespace, name, service_port))
            return "127.0.0.1", port

        client = WebhookClient(resolve)
        try:
            config = ClientConfig(service=ServiceReference("webhooks", "convert", "/crd", 443), ca_bundle=pki["ca"])
            assert (await client.post_json(config, REVIEW, timeout=10))["kind"] == "ConversionReview"
            assert asked == [("webhooks", "convert", 443)]
            assert seen[0].path_qs == "/crd?timeout=10s" and seen[0].host == "convert.webhooks.svc:443"
        finally:
            await client.close()

    run(pki, echo, test)


def test_failures_read_as_upstreams(pki: dict[str, Any]) -> None:
    async def failing(request: web.Request) -> web.StreamResponse:
        if request.path == "/status":
            return web.json_response({"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": 403,
                                      "reason": "Forbidden", "message": "no way"}, status=403)
        if request.path == "/text":
            return web.Response(status=500, text="boom\n")
        if request.path == "/slow":
            await asyncio.sleep(5)
        return web.Response(status=200, text="not json")

    async def test(port: int, seen: list[web.Request]) -> None:
        client = WebhookClient(lambda ns, name, p: ("127.0.0.1", 1))
        base = f"https://127.0.0.1:{port}"
        try:
            with pytest.raises(webhook_client.ResponseError) as forbidden:
                await client.post_json(ClientConfig(url=base + "/status", ca_bundle=pki["ca"]), REVIEW)
            assert (forbidden.value.code, str(forbidden.value)) == (403, "no way")
            with pytest.raises(webhook_client.ResponseError) as server_error:
                await client.post_json(ClientConfig(url=base + "/text", ca_bundle=pki["ca"]), REVIEW)
            assert str(server_error.value) == ('an error on the server ("boom") has prevented the request from '
                                               "succeeding")
            with pytest.raises(webhook_client.DecodeError) as undecodable:
                await client.post_json(ClientConfig(url=base + "/json", ca_bundle=pki["ca"]), REVIEW)
            assert str(undecodable.value) == ("couldn't get version/kind; json parse error: invalid character 'o' "
                                              "in literal null (expecting 'u')")
            with pytest.raises(webhook_client.CallError) as untrusted:
                await client.post_json(ClientConfig(url=base + "/x"), REVIEW)
            assert str(untrusted.value) == (f'Post "{base}/x?timeout=30s": tls: failed to verify certificate: '
                                            "x509: certificate signed by unknown authority")
            with pytest.raises(webhook_client.CallError) as refused:
                config = ClientConfig(service=ServiceReference("webhooks", "convert", "/c", 443), ca_bundle=pki["ca"])
                await client.post_json(config, REVIEW)
            assert str(refused.value) == ('Post "https://convert.webhooks.svc:443/c?timeout=30s": dial tcp '
                                          "127.0.0.1:1: connect: connection refused")
            with pytest.raises(webhook_client.CallError) as slow:
                await client.post_json(ClientConfig(url=base + "/slow", ca_bundle=pki["ca"]), REVIEW, timeout=0.5)
            assert str(slow.value) == (f'Post "{base}/slow?timeout=500ms": context deadline exceeded '
                                       "(Client.Timeout exceeded while awaiting headers)")
            message = webhook_client.conversion_failure("stable.example.com/v1", "CronTab", refused.value)
            assert message.startswith('conversion webhook for stable.example.com/v1, Kind=CronTab failed: Post "')
        finally:
            await client.close()

    run(pki, failing, test)


def test_unresolvable_service_and_missing_config() -> None:
    async def test() -> None:
        def resolve(namespace: str, name: str, port: int) -> tuple[str, int]:
            raise LookupError(f'service "{name}" not found')

        client = WebhookClient(resolve)
        with pytest.raises(webhook_client.CallError) as missing:
            await client.post_json(ClientConfig(service=ServiceReference("ns", "gone")), REVIEW)
        assert str(missing.value) == 'Post "https://gone.ns.svc:443/?timeout=30s": service "gone" not found'
        with pytest.raises(webhook_client.CallError) as empty:
            await client.post_json(ClientConfig(), REVIEW)
        assert str(empty.value) == "webhook configuration must have either service or URL"
        await client.close()

    asyncio.run(test())


def test_go_durations() -> None:
    assert [httperrors.go_duration(s) for s in (30, 10, 0.5, 90, 3600, 1.5)] == [
        "30s", "10s", "500ms", "1m30s", "1h0m0s", "1.5s"]
    assert webhook_client.gvk_string("v1", "Pod") == "/v1, Kind=Pod"
