"""The kube-apiserver identity Lease (upstream APIServerIdentity, on by default: the
start-kube-apiserver-identity-lease-controller and -garbage-collector post-start hooks of
pkg/controlplane/apiserver, the lease controller of k8s.io/component-helpers, and
pkg/controlplane/controller/apiserverleasegc).

Each server keeps a Lease `kube-system/apiserver-<id>`, where the id is derived from the
hostname (so a restarted server on the same host takes its lease back), labelled
apiserver.kubernetes.io/identity=kube-apiserver and kubernetes.io/hostname, held by
`<lease name>_<uuid>`, valid 3600 s and renewed about every 10 s. Clients use it to count the
live apiservers. The collector deletes identity leases that have not been renewed within
their duration (servers that went away), checking once at start and then hourly.

Both loops run in their own task, so startup never waits on a write; they write through the
leases Store as the system user, like upstream's loopback clientset.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as _dt
import hashlib
import logging
import random
import socket
import struct
import uuid
from collections.abc import Callable

from kapiserver.apimachinery import errors, meta, tasks, timefmt
from kapiserver.apimachinery.types import Object
from kapiserver.registry.coordination.leases import LEASES
from kapiserver.registry.loopback import Client
from kapiserver.registry.store import Store
from kapiserver.server.genericapiserver import GenericAPIServer
from kapiserver.storage.factory import StorageFactory

log = logging.getLogger(__name__)

NAMESPACE = "kube-system"
IDENTITY_LEASE_COMPONENT_LABEL_KEY = "apiserver.kubernetes.io/identity"
KUBE_APISERVER = "kube-apiserver"
LABEL_HOSTNAME = "kubernetes.io/hostname"
IDENTITY_LEASE_DURATION_SECONDS = 3600
IDENTITY_LEASE_RENEW_INTERVAL_SECONDS = 10.0
IDENTITY_LEASE_GC_PERIOD_SECONDS = 3600.0
JITTER_FACTOR = 0.04
MAX_UPDATE_RETRIES = 5
MAX_BACKOFF_SECONDS = 7.0

Clock = Callable[[], _dt.datetime]


def apiserver_id(hostname: str, identity: str = KUBE_APISERVER) -> str:
    """upstream Config.APIServerID: "apiserver-" and the lower-case, unpadded base32 of the first
    16 bytes of the SHA-256 of the hostname and the identity, each prefixed by its 16-bit length
    (so the id is the same for every start on one host, and differs between components)."""
    data = b"".join(struct.pack(">H", len(part)) + part for part in (hostname.encode(), identity.encode()))
    digest = hashlib.sha256(data).digest()[:16]
    return "apiserver-" + base64.b32encode(digest).decode().rstrip("=").lower()


def new_lease(base: Object | None, name: str, holder_identity: str, hostname: str, now: _dt.datetime,
              duration_seconds: int = IDENTITY_LEASE_DURATION_SECONDS, identity: str = KUBE_APISERVER) -> Object:
    """upstream lease controller newLease plus labelAPIServerHeartbeatFunc: a new lease held by
    us, or a copy of `base` (whose holder is kept), with the duration, a fresh renewTime and
    the identity and hostname labels asserted."""
    if base is None:
        lease: Object = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                         "metadata": {"name": name, "namespace": NAMESPACE},
                         "spec": {"holderIdentity": holder_identity}}
    else:
        lease = meta.deep_copy(base)
    metadata = lease.setdefault("metadata", {})
    metadata["labels"] = {**(metadata.get("labels") or {}), IDENTITY_LEASE_COMPONENT_LABEL_KEY: identity,
                          LABEL_HOSTNAME: hostname}
    spec = lease.setdefault("spec", {})
    spec["leaseDurationSeconds"] = duration_seconds
    spec["renewTime"] = timefmt.format_micro_time(now)
    return lease


def is_lease_expired(lease: Object, now: _dt.datetime) -> bool:
    """upstream isLeaseExpired: no renewTime or duration, or renewTime + duration is past."""
    spec = lease.get("spec") or {}
    renew_time, duration = spec.get("renewTime"), spec.get("leaseDurationSeconds")
    if not renew_time or duration is None:
        return True
    try:
        renewed = timefmt.parse_time(renew_time)
    except ValueError:
        return True
    return renewed + _dt.timedelta(seconds=duration) < now


def has_identity_label(lease: Object, identity: str = KUBE_APISERVER) -> bool:
    labels = (lease.get("metadata") or {}).get("labels") or {}
    return bool(labels.get(IDENTITY_LEASE_COMPONENT_LABEL_KEY) == identity)


class _Loop:
    """One background task, cancelled by stop() (the pre-shutdown hook)."""

    def __init__(self, name: str):
        self._name = name
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """The post-start hook: returns at once, the first round runs in the task."""
        self._task = asyncio.create_task(self._run(), name=self._name)

    async def _run(self) -> None:
        raise NotImplementedError

    async def stop(self) -> None:
        await tasks.cancel([self._task])
        self._task = None


class IdentityLeaseController(_Loop):
    """upstream component-helpers lease controller, for this server's identity lease."""

    def __init__(self, leases: Client, hostname: str | None = None, holder_identity: str | None = None,
                 interval: float = IDENTITY_LEASE_RENEW_INTERVAL_SECONDS, clock: Clock = timefmt.now):
        super().__init__("kube-apiserver-identity-lease")
        self.hostname = hostname if hostname is not None else socket.gethostname()
        self.lease_name = apiserver_id(self.hostname)
        self.holder_identity = holder_identity or f"{self.lease_name}_{uuid.uuid4()}"
        self._leases = leases
        self._interval = interval
        self._clock = clock
        self._latest: Object | None = None

    async def _run(self) -> None:
        while True:  # upstream JitterUntil, sliding: sync, then wait a jittered interval
            try:
                await self.sync()
            except Exception:
                log.exception("unable to sync the apiserver identity lease")
            await asyncio.sleep(self._interval * (1 + random.random() * JITTER_FACTOR))

    async def sync(self) -> None:
        if self._latest is not None and await self._retry_update(self._latest):
            return
        lease, created = await self._backoff_ensure_lease()
        self._latest = lease
        if not created and lease is not None and not await self._retry_update(lease):
            log.error("failed %d attempts to update lease, will retry after %ss", MAX_UPDATE_RETRIES, self._interval)

    async def _backoff_ensure_lease(self) -> tuple[Object | None, bool]:
        sleep = 0.1
        while True:
            try:
                return await self._ensure_lease()
            except Exception as err:  # noqa: BLE001 - any failure is retried, as upstream does
                sleep = min(2 * sleep, MAX_BACKOFF_SECONDS)
                log.error("failed to ensure lease exists, will retry in %ss: %s", sleep, err)
                await asyncio.sleep(sleep)

    async def _ensure_lease(self) -> tuple[Object, bool]:
        lease = await self._leases.get(self.lease_name, NAMESPACE)
        if lease is not None:
            return lease, False
        wanted = new_lease(None, self.lease_name, self.holder_identity, self.hostname, self._clock())
        return await self._leases.create(wanted), True

    async def _retry_update(self, base: Object | None) -> bool:
        for _ in range(MAX_UPDATE_RETRIES):
            wanted = new_lease(base, self.lease_name, self.holder_identity, self.hostname, self._clock())
            try:
                self._latest = await self._leases.update(wanted)
                return True
            except errors.StatusError as err:
                log.error("failed to update lease: %s", err)
                if err.reason == "Conflict":
                    base, _ = await self._backoff_ensure_lease()
        return False


class IdentityLeaseGC(_Loop):
    """upstream apiserverleasegc.Controller: deletes expired kube-apiserver identity leases."""

    def __init__(self, leases: Client, period: float = IDENTITY_LEASE_GC_PERIOD_SECONDS,
                 clock: Clock = timefmt.now):
        super().__init__("kube-apiserver-identity-lease-gc")
        self._leases = leases
        self._period = period
        self._clock = clock

    async def _run(self) -> None:
        while True:
            try:
                await self.gc()
            except Exception:
                log.exception("error while collecting apiserver leases")
            await asyncio.sleep(self._period)

    async def gc(self) -> None:
        for lease in await self._leases.list(NAMESPACE):
            if not has_identity_label(lease) or not is_lease_expired(lease, self._clock()):
                continue
            name = meta.name(lease)
            current = await self._leases.get(name, NAMESPACE)  # the latest, before deleting
            if current is None or not is_lease_expired(current, self._clock()):
                continue
            try:
                await self._leases.delete(name, NAMESPACE)
            except errors.StatusError as err:
                if err.reason != "NotFound":
                    log.error("error deleting lease: %s", err)


def add_hooks(server: GenericAPIServer, storage: StorageFactory) -> None:
    """Register both loops as upstream names them; each stops before shutdown."""
    leases = Client(LEASES, Store(LEASES, storage.storage_for(LEASES.key_root)))
    controller, collector = IdentityLeaseController(leases), IdentityLeaseGC(leases)
    for name, loop in (("start-kube-apiserver-identity-lease-controller", controller),
                       ("start-kube-apiserver-identity-lease-garbage-collector", collector)):
        server.add_post_start_hook(name, loop.start)
        server.add_pre_shutdown_hook(name, loop.stop)
