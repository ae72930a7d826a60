"""The `kubernetes` Service in `default` (upstream pkg/controlplane/controller/kubernetesservice
and the lease endpoint reconciler of pkg/controlplane/reconcilers, the `bootstrap-controller`
post-start hook).

The Service is created at the first IP of the service range, port https 443 to this server's
secure port, when it is missing (an existing one is left as it is, as upstream does after its
first run). Its Endpoints list every live apiserver: each replica refreshes a lease at
/registry/masterleases/<ip> (15 s TTL) every 10 s and writes the Endpoints from the leases
it finds, so replicas sharing etcd all appear, and a stopped one drops out when its lease
expires (or at once: a replica removes its lease on shutdown). The EndpointSlice
`kubernetes` mirrors the Endpoints, as upstream's EndpointsAdapter writes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from kapiserver.apimachinery import errors, tasks
from kapiserver.apimachinery.types import Object
from kapiserver.registry.core.validation_common import is_ipv6_string
from kapiserver.registry.loopback import Client
from kapiserver.storage import errors as storage_errors
from kapiserver.storage.interface import ListOptions, Storage

log = logging.getLogger(__name__)

SERVICE_NAME = "kubernetes"
NAMESPACE = "default"
SERVICE_PORT = 443
LEASE_PREFIX = "/registry/masterleases/"
LEASE_TTL_SECONDS = 15
ENDPOINT_INTERVAL_SECONDS = 10.0
SKIP_MIRROR_LABEL = "endpointslice.kubernetes.io/skip-mirror"
SERVICE_NAME_LABEL = "kubernetes.io/service-name"


def kubernetes_service(cluster_ip: str, target_port: int) -> Object:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {
        "name": SERVICE_NAME, "namespace": NAMESPACE, "labels": {"provider": "kubernetes", "component": "apiserver"}},
        "spec": {"ports": [{"name": "https", "protocol": "TCP", "port": SERVICE_PORT, "targetPort": target_port}],
                 "clusterIP": cluster_ip, "ipFamilyPolicy": "SingleStack", "sessionAffinity": "None",
                 "type": "ClusterIP"}}


def endpoint_ports(port: int) -> list[Object]:
    return [{"name": "https", "port": port, "protocol": "TCP"}]


def endpoint_slice_from_endpoints(endpoints: Object) -> Object:
    """upstream endpointSliceFromEndpoints: one slice named like the Endpoints."""
    metadata = endpoints.get("metadata") or {}
    slice_: dict[str, Any] = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "metadata": {
        "name": metadata.get("name"), "namespace": metadata.get("namespace"),
        "labels": {SERVICE_NAME_LABEL: metadata.get("name")}}, "addressType": "IPv4", "endpoints": []}
    subsets = endpoints.get("subsets") or []
    if subsets:
        subset = subsets[0]
        slice_["ports"] = [{"name": p.get("name", ""), "port": p.get("port"), "protocol": p.get("protocol")}
                           for p in subset.get("ports") or []]
        addresses = (subset.get("addresses") or []) + (subset.get("notReadyAddresses") or [])
        if addresses and all(is_ipv6_string(str(a.get("ip") or "")) for a in addresses):
            slice_["addressType"] = "IPv6"
        for name, ready in (("addresses", True), ("notReadyAddresses", False)):
            for address in subset.get(name) or []:
                endpoint: dict[str, Any] = {"addresses": [address.get("ip")], "conditions": {"ready": ready}}
                for key in ("targetRef", "nodeName"):
                    if address.get(key):
                        endpoint[key] = address[key]
                slice_["endpoints"].append(endpoint)
    return slice_


def desired_endpoints(current: Object | None, ips: list[str], port: int) -> Object:
    """The Endpoints the lease reconciler writes: one subset, the live IPs sorted, our port."""
    out: dict[str, Any] = dict(current) if current is not None else {
        "apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": SERVICE_NAME, "namespace": NAMESPACE}}
    metadata = dict(out.get("metadata") or {})
    metadata["labels"] = {**(metadata.get("labels") or {}), SKIP_MIRROR_LABEL: "true"}
    out["metadata"] = metadata
    out["subsets"] = [{"addresses": [{"ip": ip} for ip in sorted(ips)], "ports": endpoint_ports(port)}]
    return out


class Leases:
    """upstream storageLeases: one TTL'd Endpoints per apiserver IP under /registry/masterleases/."""

    def __init__(self, storage: Storage, ttl: int = LEASE_TTL_SECONDS):
        self._storage = storage
        self._ttl = ttl

    async def list(self) -> list[str]:
        result = await self._storage.get_list(LEASE_PREFIX, ListOptions(recursive=True))
        ips = []
        for item in result.items:
            subsets = item.get("subsets") or []
            addresses = (subsets[0].get("addresses") or []) if subsets else []
            if addresses and addresses[0].get("ip"):
                ips.append(str(addresses[0]["ip"]))
        return ips

    async def update(self, ip: str) -> None:
        async def refresh(current: Object | None) -> Object:
            lease = dict(current or {"apiVersion": "v1", "kind": "Endpoints", "metadata": {}})
            metadata = {k: v for k, v in (lease.get("metadata") or {}).items() if k != "resourceVersion"}
            metadata["generation"] = int(metadata.get("generation") or 0) + 1  # a change, so the TTL renews
            lease["metadata"] = metadata
            lease["subsets"] = [{"addresses": [{"ip": ip}]}]
            return lease

        await self._storage.guaranteed_update(LEASE_PREFIX + ip, None, refresh, ignore_not_found=True, ttl=self._ttl)

    async def remove(self, ip: str) -> None:
        with contextlib.suppress(storage_errors.StorageError):
            await self._storage.delete(LEASE_PREFIX + ip)


class KubernetesServiceController:
    def __init__(self, services: Client, endpoints: Client, slices: Client, leases: Leases, service_ip: str,
                 public_ip: str, port: Callable[[], int], interval: float = ENDPOINT_INTERVAL_SECONDS):
        self._services = services
        self._endpoints = endpoints
        self._slices = slices
        self._leases = leases
        self.service_ip = service_ip
        self.public_ip = public_ip
        self._port = port
        self._interval = interval
        self._task: asyncio.Task[None] | None = None
        self._stopped = False

    async def start(self) -> None:
        """The first reconcile, then the loop (the bootstrap-controller hook)."""
        await self.update_kubernetes_service()
        self._task = asyncio.create_task(self._run(), name="kubernetes-service")

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            await self.update_kubernetes_service()

    async def stop(self) -> None:
        """Stop reconciling and take this server out of the Endpoints at once."""
        self._stopped = True
        await tasks.cancel([self._task])
        try:
            async with asyncio.timeout(2 * self._interval):
                await self._leases.remove(self.public_ip)
                await self.reconcile_endpoints()
        except Exception:
            log.warning("unable to remove endpoints from kubernetes service", exc_info=True)

    async def update_kubernetes_service(self) -> None:
        try:
            await self.ensure_service()
        except Exception:
            log.exception("unable to sync kubernetes service")
            return
        if self._stopped:
            return
        try:
            await self._leases.update(self.public_ip)
            await self.reconcile_endpoints()
        except errors.StatusError as err:  # e.g. a loopback advertise address, which Endpoints refuse
            log.error("unable to sync kubernetes service endpoints: %s", err)
        except Exception:
            log.exception("unable to sync kubernetes service endpoints")

    async def ensure_service(self) -> None:
        if await self._services.get(SERVICE_NAME, NAMESPACE) is not None:
            return
        try:
            await self._services.create(kubernetes_service(self.service_ip, self._port()))
        except errors.StatusError as err:
            if err.reason != "AlreadyExists":
                raise

    async def reconcile_endpoints(self) -> None:
        ips = await self._leases.list()
        if not ips:
            log.error("no master IPs were listed in storage, refusing to erase all endpoints for the kubernetes "
                      "service")
            return
        current = await self._endpoints.get(SERVICE_NAME, NAMESPACE)
        wanted = desired_endpoints(current, ips, self._port())
        if current is None:
            try:
                current = await self._endpoints.create(wanted)
            except errors.StatusError as err:
                if err.reason != "AlreadyExists":
                    raise
                current = await self._endpoints.get(SERVICE_NAME, NAMESPACE)
        elif wanted.get("subsets") != current.get("subsets") or \
                (wanted["metadata"].get("labels") != (current.get("metadata") or {}).get("labels")):
            current = await self._endpoints.update(wanted)
        if current is not None:
            await self.ensure_endpoint_slice(current)

    async def ensure_endpoint_slice(self, endpoints: Object) -> None:
        """upstream EnsureEndpointSliceFromEndpoints."""
        wanted = endpoint_slice_from_endpoints(endpoints)
        current = await self._slices.get(SERVICE_NAME, NAMESPACE)
        if current is None:
            try:
                await self._slices.create(wanted)
            except errors.StatusError as err:
                if err.reason != "AlreadyExists":
                    raise
            return
        if current.get("addressType") != wanted["addressType"]:
            await self._slices.delete(SERVICE_NAME, NAMESPACE)
            await self._slices.create(wanted)
            return
        same = all(current.get(k) == wanted.get(k) for k in ("endpoints", "ports")) and \
            (current.get("metadata") or {}).get("labels") == wanted["metadata"]["labels"]
        if not same:
            updated = dict(current)
            updated["endpoints"], updated["ports"] = wanted["endpoints"], wanted.get("ports")
            updated["metadata"] = {**(current.get("metadata") or {}), "labels": wanted["metadata"]["labels"]}
            await self._slices.update(updated)
