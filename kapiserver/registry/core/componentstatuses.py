"""componentstatuses (upstream pkg/registry/core/componentstatus): read-only, computed on each
request from health checks of the control plane's components.

Upstream probes the scheduler and the controller manager on their local secure ports and
checks each etcd server. Here the storage is ours (its health is this server's), so
`etcd-0` reports it; the scheduler and controller manager are probed the same way upstream
probes them (HTTPS GET /healthz on 127.0.0.1:10259 and :10257, no certificate check), and
when nothing answers they are Unhealthy with the Go client's error text, as upstream shows
them when they cannot be reached.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from kapiserver.apimachinery import errors, fields, labels, meta
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import GetOptions, ListOptions, RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.table import NAME_COLUMN, Column, Printer, name_of, to_table
from kapiserver.storage import errors as storage_errors
from kapiserver.storage.interface import Storage

from .podspec.access import as_str, dicts

DEPRECATION_WARNING = "v1 ComponentStatus is deprecated in v1.19+"
PROBE_TIMEOUT_SECONDS = 20.0
StorageCheck = Callable[[], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class HttpServer:
    """A component probed over HTTPS on loopback (upstream componentstatus.HttpServer)."""

    address: str
    port: int
    path: str = "/healthz"

    @property
    def url(self) -> str:
        return f"https://{self.address}:{self.port}{self.path}"


SERVERS = {"scheduler": HttpServer("127.0.0.1", 10259), "controller-manager": HttpServer("127.0.0.1", 10257)}


def _dial_error(server: HttpServer, exc: BaseException) -> str:
    target = f"{server.address}:{server.port}"
    if isinstance(exc, ConnectionRefusedError):
        reason = "connect: connection refused"
    elif isinstance(exc, asyncio.TimeoutError):
        return (f'Get "{server.url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)')
    else:
        reason = str(exc) or type(exc).__name__
    return f'Get "{server.url}": dial tcp {target}: {reason}'


async def probe(server: HttpServer) -> tuple[bool, str]:
    """(healthy, message): upstream's http prober, where a failed request is a Failure whose
    output is the error text, and a 2xx/3xx answer is a Success whose output is the body."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        async with asyncio.timeout(PROBE_TIMEOUT_SECONDS):
            reader, writer = await asyncio.open_connection(server.address, server.port, ssl=context)
            request = (f"GET {server.path} HTTP/1.1\r\nHost: {server.address}:{server.port}\r\n"
                       "User-Agent: kube-probe/1.35\r\nAccept: */*\r\nConnection: close\r\n\r\n")
            writer.write(request.encode())
            await writer.drain()
            raw = await reader.read()
            writer.close()
    except (TimeoutError, OSError, ssl.SSLError) as exc:
        return False, _dial_error(server, exc)
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line = head.split(b"\r\n", 1)[0].decode(errors="replace").split(" ")
    code = int(status_line[1]) if len(status_line) > 1 and status_line[1].isdigit() else 0
    text = body.decode(errors="replace")
    return 200 <= code < 400, text


def component_status(name: str, healthy: bool, message: str, error: str = "") -> Object:
    condition: Object = {"type": "Healthy", "status": "True" if healthy else "False"}
    if message:
        condition["message"] = message
    if error:
        condition["error"] = error
    return {"kind": "ComponentStatus", "apiVersion": "v1", "metadata": {"name": name}, "conditions": [condition]}


class ComponentStatusREST:
    """get and list only; nothing is stored."""

    def __init__(self, spec: ResourceSpec, storage: Storage):
        self.spec = spec
        self._storage = storage

    async def _etcd(self) -> Object:
        try:
            await self._storage.current_revision()
        except (storage_errors.StorageError, OSError) as exc:
            return component_status("etcd-0", False, "", str(exc))
        return component_status("etcd-0", True, "ok")

    async def _component(self, name: str) -> Object:
        if name == "etcd-0":
            return await self._etcd()
        healthy, message = await probe(SERVERS[name])
        return component_status(name, healthy, message)

    async def get(self, ctx: RequestContext, name: str, options: GetOptions) -> Object:
        ctx.add_warning(DEPRECATION_WARNING)
        if name not in SERVERS and name != "etcd-0":
            raise errors.from_status({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                                      "message": f"Component not found: {name}", "code": 500})
        return await self._component(name)

    async def list(self, ctx: RequestContext, options: ListOptions) -> Object:
        ctx.add_warning(DEPRECATION_WARNING)
        try:
            label_selector = labels.parse(options.label_selector)
            field_selector = fields.parse(options.field_selector) if options.field_selector else None
        except (labels.SelectorError, fields.SelectorError) as exc:
            raise errors.bad_request(str(exc)) from None
        statuses = await asyncio.gather(*(self._component(name) for name in (*SERVERS, "etcd-0")))
        items = [s for s in statuses if label_selector.matches(meta.labels(s)) and (
            field_selector is None or field_selector.matches({"metadata.name": meta.name(s)}))]
        return {"kind": "ComponentStatusList", "apiVersion": "v1", "metadata": {}, "items": items}

    def convert_to_table(self, ctx: RequestContext, obj: Object, include_object: str) -> Object:
        items = obj.get("items", [obj])
        return to_table(CS_PRINTER, items, {}, include_object)


def _row(obj: Object) -> list[Any]:
    status, message, error = "Unknown", "", ""
    for condition in dicts(obj.get("conditions")):
        if condition.get("type") == "Healthy":
            status = "Healthy" if condition.get("status") == "True" else "Unhealthy"
            message, error = as_str(condition.get("message")), as_str(condition.get("error"))
            break
    return [name_of(obj), status, message, error]


CS_PRINTER = Printer((
    NAME_COLUMN,
    Column("Status", "string", "", "Status of the component conditions"),
    Column("Message", "string", "", "Message of the component conditions"),
    Column("Error", "string", "", "Error of the component conditions"),
), _row)

COMPONENTSTATUSES = ResourceSpec(
    group="", version="v1", kind="ComponentStatus", plural="componentstatuses", singular="componentstatus",
    namespaced=False, short_names=("cs",), printer=CS_PRINTER, rest_factory=ComponentStatusREST, stored=False,
    storage_path="componentstatuses",
)
