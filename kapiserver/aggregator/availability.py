"""The Available condition of APIServices (upstream controllers/status/local and remote).

Local APIServices are always available ("Local"). For a remote one the checks go in
upstream's order, each failure with upstream's reason and message: the Service exists
(ServiceNotFound), for a ClusterIP Service it listens on the port (ServicePortError) and
has endpoint slices (EndpointsNotFound) with a ready endpoint on that port's name
(MissingEndpoints); then the extension server answers GET /apis/<group>/<version> with a
2xx, asked five times at once (FailedDiscoveryCheck with the last error; one success is
enough). The check skips TLS verification and presents the proxy client certificate as
system:kube-aggregator in system:masters, as upstream's does.

Every APIService is checked again every 30 seconds, and whenever it, its Service or its
endpoints change; a failed check is retried with backoff. The status is written only when
it changed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import aiohttp
from multidict import CIMultiDict

from kapiserver.apimachinery import meta, timefmt
from kapiserver.apimachinery.types import Object
from kapiserver.apimachinery.user import SYSTEM_PRIVILEGED_GROUP, UserInfo
from kapiserver.server import httperrors

from . import helpers, transport
from .informer import Informer
from .resolver import SERVICE_NAME_LABEL, ResolveError, ServiceResolver, find_service_port
from .workqueue import Controller

log = logging.getLogger(__name__)

RESYNC_SECONDS = 30.0
_ATTEMPTS = 5
_CLIENT_TIMEOUT = 5.0
_ATTEMPT_TIMEOUT = 6.0
AGGREGATOR_USER = UserInfo("system:kube-aggregator", groups=(SYSTEM_PRIVILEGED_GROUP,))

UpdateStatus = Callable[[Object], Awaitable[None]]


def _condition(status: str, reason: str, message: str) -> dict[str, str]:
    return {"type": helpers.AVAILABLE, "status": status, "lastTransitionTime": timefmt.now_rfc3339(),
            "reason": reason, "message": message}


async def _write_if_changed(original: Object, updated: Object, update_status: UpdateStatus) -> None:
    """upstream updateAPIServiceStatus: skip no-op writes, log availability changes."""
    if (original.get("status") or {}) == (updated.get("status") or {}):
        return
    before = helpers.get_condition(original, helpers.AVAILABLE) or {}
    after = helpers.get_condition(updated, helpers.AVAILABLE) or {}
    if (before.get("status"), before.get("reason")) != (after.get("status"), after.get("reason")):
        log.info("changing APIService availability: name=%s oldStatus=%s newStatus=%s message=%r reason=%s",
                 meta.name(updated), before.get("status", "Unknown"), after.get("status"), after.get("message"),
                 after.get("reason"))
    await update_status(updated)


class LocalAvailability:
    """Marks local APIServices Available (upstream local AvailableConditionController)."""

    def __init__(self, api_services: Informer, update_status: UpdateStatus):
        self._api_services = api_services
        self._update_status = update_status
        self.controller = Controller("LocalAvailability", self.sync)
        queue = self.controller.queue
        api_services.add_event_handler(lambda o: queue.add(meta.name(o)), lambda old, new: queue.add(meta.name(new)),
                                       lambda o: queue.add(meta.name(o)))

    async def sync(self, name: str) -> None:
        original = self._api_services.get(name)
        if original is None or not helpers.is_local(original):
            return
        updated = meta.deep_copy(original)
        helpers.set_condition(updated, helpers.local_available_condition())
        await _write_if_changed(original, updated, self._update_status)


class RemoteAvailability:
    """Checks remote APIServices (upstream remote AvailableConditionController)."""

    def __init__(self, api_services: Informer, services: Informer, slices: Informer, endpoints: Informer,
                 resolver: ServiceResolver, client_cert: transport.ProxyClientCert | None,
                 update_status: UpdateStatus):
        self._api_services = api_services
        self._resolver = resolver
        self._client_cert = client_cert
        self._update_status = update_status
        self._session: aiohttp.ClientSession | None = None
        self.controller = Controller("RemoteAvailability", self.sync, workers=5)
        queue = self.controller.queue
        api_services.add_event_handler(lambda o: queue.add(meta.name(o)), lambda old, new: queue.add(meta.name(new)),
                                       lambda o: queue.add(meta.name(o)))
        for informer, owner in ((services, _service_of_service), (slices, _service_of_slice),
                                (endpoints, _service_of_service)):
            enqueue = self._for_owner(owner)
            informer.add_event_handler(enqueue, _on_new(enqueue), enqueue)

    def _for_owner(self, owner: Callable[[Object], tuple[str, str] | None]) -> Callable[[Object], None]:
        def enqueue(obj: Object) -> None:
            key = owner(obj)
            if key is None:
                return
            for api_service in self._api_services.list():
                ref = helpers.service_ref(api_service)
                if ref is not None and (ref.get("namespace"), ref.get("name")) == key:
                    self.controller.queue.add(meta.name(api_service))

        return enqueue

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            context = transport.ssl_context(b"", True, self._client_cert)
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=context, force_close=True))
        return self._session

    async def sync(self, name: str) -> None:
        original = self._api_services.get(name)
        if original is None or helpers.is_local(original):
            return
        updated = meta.deep_copy(original)
        condition, error = await self.check(original)
        helpers.set_condition(updated, condition)
        await _write_if_changed(original, updated, self._update_status)
        if error is not None:
            raise RuntimeError(error)  # retried with backoff, as upstream requeues a failed discovery check

    async def check(self, api_service: Object) -> tuple[dict[str, str], str | None]:
        """The Available condition, and the error to retry on (failed discovery checks only)."""
        ref = helpers.service_ref(api_service) or {}
        namespace, name, port = str(ref.get("namespace") or ""), str(ref.get("name") or ""), helpers.service_port(ref)
        try:
            service = self._resolver.service(namespace, name)
        except ResolveError:
            return _condition("False", "ServiceNotFound", f'service/{name} in "{namespace}" is not present'), None
        if ((service.get("spec") or {}).get("type") or "ClusterIP") == "ClusterIP":
            problem = self._endpoint_problem(service, namespace, name, port)
            if problem is not None:
                return problem, None
        error = await self._discovery_check(api_service, namespace, name, port)
        if error is not None:
            return _condition("False", "FailedDiscoveryCheck", error), error
        return _condition("True", "Passed", "all checks passed"), None

    def _endpoint_problem(self, service: Object, namespace: str, name: str, port: int) -> dict[str, str] | None:
        try:
            port_name = str(find_service_port(service, port).get("name") or "")
        except ResolveError:
            return _condition("False", "ServicePortError",
                              f'service/{name} in "{namespace}" is not listening on port {port}')
        slices = self._resolver.slices_for(namespace, name)
        if not slices:
            endpoints = self._resolver.endpoints_for(namespace, name)
            if endpoints is None:
                return _condition("False", "EndpointsNotFound",
                                  f'cannot find endpointslices for service/{name} in "{namespace}"')
            slices = [_as_slice(endpoints)]
        for slice_ in slices:
            ready = any(_ready(e) for e in slice_.get("endpoints") or [])
            named = any(isinstance(p, dict) and p.get("name") == port_name and p.get("port") is not None
                        for p in slice_.get("ports") or [])
            if ready and named:
                return None
        return _condition("False", "MissingEndpoints", f'endpointslices for service/{name} in "{namespace}" have no '
                                                       f'addresses with port name "{port_name}"')

    async def _discovery_check(self, api_service: Object, namespace: str, name: str, port: int) -> str | None:
        group, version = helpers.group_version(api_service)
        path = f"/api/{version}" if meta.name(api_service) == helpers.LEGACY_API_SERVICE_NAME \
            else f"/apis/{group}/{version}"
        results = await asyncio.gather(*(self._attempt(namespace, name, port, path) for _ in range(_ATTEMPTS)))
        failures = [r for r in results if r is not None]
        return None if len(failures) < _ATTEMPTS else failures[-1]

    async def _attempt(self, namespace: str, name: str, port: int, path: str) -> str | None:
        try:
            location = self._resolver.resolve(namespace, name, port)
        except ResolveError as exc:
            return str(exc)
        url = f"https://{location.host_port}{path}"
        headers: CIMultiDict[str] = CIMultiDict()
        transport.set_auth_proxy_headers(headers, AGGREGATOR_USER)
        try:
            async with asyncio.timeout(_ATTEMPT_TIMEOUT):
                try:
                    async with asyncio.timeout(_CLIENT_TIMEOUT):
                        async with self._client().get(url, headers=headers, allow_redirects=False) as response:
                            code = response.status
                except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                    reason = httperrors.describe(exc, location.host, location.port)
                    return f'failing or missing response from {url}: Get "{url}": {reason}'
        except TimeoutError:
            return f"timed out waiting for {url}"
        if code < 200 or code >= 300:
            return f"failing or missing response from {url}: bad status from {url}: {code}"
        return None


def _on_new(handler: Callable[[Object], None]) -> Callable[[Object, Object], None]:
    def on_update(old: Object, new: Object) -> None:
        handler(new)

    return on_update


def _ready(endpoint: object) -> bool:
    conditions = endpoint.get("conditions") if isinstance(endpoint, dict) else None
    ready = conditions.get("ready") if isinstance(conditions, dict) else None
    return ready is None or ready is True


def _as_slice(endpoints: Object) -> Object:
    """A v1 Endpoints object read as the slice the mirroring controller would make of it."""
    addresses = [{"addresses": [a.get("ip")], "conditions": {"ready": True}}
                 for subset in endpoints.get("subsets") or [] for a in subset.get("addresses") or []]
    ports = [{"name": p.get("name") or "", "port": p.get("port")}
             for subset in endpoints.get("subsets") or [] for p in subset.get("ports") or []]
    return {"endpoints": addresses, "ports": ports}


def _service_of_service(obj: Object) -> tuple[str, str] | None:
    return meta.namespace(obj), meta.name(obj)


def _service_of_slice(obj: Object) -> tuple[str, str] | None:
    name = meta.labels(obj).get(SERVICE_NAME_LABEL)
    return (meta.namespace(obj), name) if name else None
