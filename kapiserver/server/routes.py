"""The root documents the head of the chain serves: /api, /apis, /version and health checks."""

from __future__ import annotations

import platform
import sys
from typing import Any

from aiohttp import web

from kapiserver import KUBERNETES_VERSION, __version__
from kapiserver.apimachinery import errors
from kapiserver.endpoints import negotiation, openapi
from kapiserver.endpoints.discovery import AGGREGATED_CONVERSIONS, AGGREGATED_GROUP, AGGREGATED_KIND
from kapiserver.endpoints.responses import write_raw_json

from . import healthz, metrics
from .filters.request_info import INFO_KEY
from .genericapiserver import GenericAPIServer, write_discovery

_SERIALIZERS = (negotiation.JSON, negotiation.YAML, negotiation.PROTOBUF)


# Python's machine names -> Go's GOARCH, which upstream's platform field uses.
_GO_ARCH = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64", "armv7l": "arm",
            "i686": "386", "i386": "386", "ppc64le": "ppc64le", "s390x": "s390x", "riscv64": "riscv64"}


def version_info() -> dict[str, Any]:
    """upstream version.Info as /version answers it."""
    major, minor = KUBERNETES_VERSION.lstrip("v").split(".")[:2]
    return {
        "major": major, "minor": minor, "emulationMajor": major, "emulationMinor": minor,
        "minCompatibilityMajor": major, "minCompatibilityMinor": str(int(minor) - 1),
        "gitVersion": f"{KUBERNETES_VERSION}+kapiserver-{__version__}", "gitCommit": "", "gitTreeState": "clean",
        "buildDate": "", "goVersion": f"python{platform.python_version()}", "compiler": "cpython",
        "platform": f"{sys.platform}/{_GO_ARCH.get(platform.machine().lower(), platform.machine().lower())}",
    }


def _discovery_root(server: GenericAPIServer, legacy: bool) -> Any:
    async def handle(request: web.Request) -> web.StreamResponse:
        if request.method not in ("GET", "HEAD"):
            raise errors.method_not_allowed_generic()
        choice = negotiation.negotiate_output(request.headers.get("Accept", ""), _SERIALIZERS, AGGREGATED_CONVERSIONS)
        if choice.conversion is not None:
            return await server.config.metrics.instrument_path(
                request, request[INFO_KEY], "apiserver", lambda: _aggregated(server, request, legacy, choice))
        if legacy:
            return write_discovery(request, server.discovery.api_versions(server.config.external_address))
        return write_discovery(request, server.discovery.api_group_list())

    return handle


async def _aggregated(server: GenericAPIServer, request: web.Request, legacy: bool,
                      choice: negotiation.MediaChoice) -> web.StreamResponse:
    assert choice.conversion is not None
    body, etag = server.discovery.aggregated(legacy, choice.conversion.version)
    quoted = f'"{etag}"'
    headers = {"ETag": quoted, "Vary": "Accept",
               "Content-Type": f"application/json;g={AGGREGATED_GROUP};v={choice.conversion.version};"
                               f"as={AGGREGATED_KIND}"}
    if request.headers.get("If-None-Match") == quoted:
        return web.Response(status=304, headers=headers)
    return web.Response(status=200, body=body, headers=headers)


def install_root_routes(server: GenericAPIServer) -> None:
    server.handle_path("/api", _discovery_root(server, legacy=True))
    server.handle_path("/apis", _discovery_root(server, legacy=False))

    async def version(request: web.Request) -> web.StreamResponse:
        return write_raw_json(200, version_info())

    server.handle_path("/version", version)
    servers = server.chain()
    health = [check for s in servers for check in s.health_checks]
    hooks = [check for check in health if check.name.startswith("poststarthook/")]
    storage = [check for check in health if not check.name.startswith("poststarthook/")]
    base = [healthz.HealthCheck("ping", healthz.ping), healthz.HealthCheck("log", healthz.ping)] + storage
    readiness = [check for s in servers for check in s.readiness_checks]
    shutdown = [check for check in readiness if check.name == "shutdown"]
    readiness = [check for check in readiness if check.name != "shutdown"]
    # upstream's order: ping, log, storage, readiness-only checks, post-start hooks, shutdown last
    for kind, checks in (("healthz", base + hooks), ("livez", base + hooks),
                         ("readyz", base + readiness + hooks + shutdown)):
        _install_health(server, kind, checks)
    _install_openapi(server)
    metrics.install(server, version_info(), server.config.object_count_poll_period)


def _install_openapi(server: GenericAPIServer) -> None:
    """/openapi/v2, /openapi/v3 and one route per v3 document, kept in step with the groups served."""
    servers = server.chain()

    def serves(path: str) -> bool:
        return any(path in s._paths for s in servers)  # same package: the paths each server installed

    documents = openapi.Documents(server.discovery, serves, server.openapi_extensions)
    server.handle_path("/openapi/v2", openapi.v2_handler(documents))
    server.handle_path("/openapi/v3", openapi.v3_index_handler(documents))
    document = openapi.v3_document_handler(documents)

    def route_documents() -> None:
        for key in documents.services():
            server.handle_path("/openapi/v3/" + key, document)

    route_documents()
    server.discovery.listeners.append(route_documents)


def _install_health(server: GenericAPIServer, kind: str, all_checks: list[healthz.HealthCheck]) -> None:
    async def overall(request: web.Request) -> web.StreamResponse:
        return await server.config.metrics.instrument_path(
            request, request[INFO_KEY], "", lambda: healthz.serve(kind, all_checks, request, ""))

    server.handle_path(f"/{kind}", overall)
    for check in all_checks:
        server.handle_path(f"/{kind}/{check.name}", _single(kind, all_checks, check.name))


def _single(kind: str, checks: list[healthz.HealthCheck], name: str) -> Any:
    async def handle(request: web.Request) -> web.StreamResponse:
        return await healthz.serve(kind, checks, request, name)

    return handle
