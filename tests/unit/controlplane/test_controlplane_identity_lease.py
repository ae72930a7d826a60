"""The kube-apiserver identity lease: its name from the hostname, the lease it writes and renews, and
the collector of expired identity leases."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
from collections.abc import Awaitable, Callable

from kapiserver.controlplane import identity_lease
from kapiserver.registry import loopback
from kapiserver.registry.coordination.leases import LEASES
from kapiserver.registry.core.namespaces import NAMESPACES
from kapiserver.registry.store import Store
from kapiserver.storage.logstructured import LogStructuredStore
from kapiserver.storage.memory import MemoryLog

T0 = dt.datetime(2025, 3, 1, 12, 0, 0, 123456, tzinfo=dt.UTC)


def test_apiserver_id_hashes_the_length_prefixed_hostname_and_identity() -> None:
    digest = hashlib.sha256(b"\x00\x06node-1\x00\x0ekube-apiserver").digest()[:16]
    expected = "apiserver-" + base64.b32encode(digest).decode().rstrip("=").lower()
    assert identity_lease.apiserver_id("node-1") == expected == "apiserver-lgabes5ywnaqeagh5dny4zlzs4"
    assert identity_lease.apiserver_id("node-1", "other") != expected
    assert identity_lease.apiserver_id("node-2") != expected


def test_new_lease_and_renewal() -> None:
    lease = identity_lease.new_lease(None, "apiserver-x", "apiserver-x_1", "host", T0)
    assert lease == {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {
        "name": "apiserver-x", "namespace": "kube-system",
        "labels": {"apiserver.kubernetes.io/identity": "kube-apiserver", "kubernetes.io/hostname": "host"}},
        "spec": {"holderIdentity": "apiserver-x_1", "leaseDurationSeconds": 3600,
                 "renewTime": "2025-03-01T12:00:00.123456Z"}}
    base = {**lease, "metadata": {**lease["metadata"], "labels": {"keep": "me"}, "resourceVersion": "7"},
            "spec": {"holderIdentity": "apiserver-x_0", "leaseDurationSeconds": 5}}
    renewed = identity_lease.new_lease(base, "apiserver-x", "apiserver-x_1", "host", T0 + dt.timedelta(seconds=10))
    assert renewed["spec"] == {"holderIdentity": "apiserver-x_0", "leaseDurationSeconds": 3600,
                               "renewTime": "2025-03-01T12:00:10.123456Z"}
    assert renewed["metadata"]["resourceVersion"] == "7" and renewed["metadata"]["labels"] == {
        "keep": "me", "apiserver.kubernetes.io/identity": "kube-apiserver", "kubernetes.io/hostname": "host"}
    assert base["spec"] == {"holderIdentity": "apiserver-x_0", "leaseDurationSeconds": 5}, "base is not mutated"


def test_is_lease_expired() -> None:
    lease = identity_lease.new_lease(None, "a", "a_1", "h", T0)
    assert not identity_lease.is_lease_expired(lease, T0 + dt.timedelta(seconds=3600))
    assert identity_lease.is_lease_expired(lease, T0 + dt.timedelta(seconds=3600, microseconds=1))
    assert identity_lease.is_lease_expired({"spec": {"leaseDurationSeconds": 10}}, T0)
    assert identity_lease.is_lease_expired({"spec": {"renewTime": "2025-03-01T12:00:00.000000Z"}}, T0)


def _with_leases(body: Callable[[loopback.Client], Awaitable[None]]) -> None:
    async def scenario() -> None:
        backend = LogStructuredStore(MemoryLog(), compaction_interval=0)
        await backend.start()
        try:
            namespaces = loopback.Client(NAMESPACES, Store(NAMESPACES, backend))
            await namespaces.create({"metadata": {"name": "kube-system"}})
            await body(loopback.Client(LEASES, Store(LEASES, backend)))
        finally:
            await backend.close()

    asyncio.run(scenario())


def test_controller_creates_then_renews_and_recovers_from_a_stale_copy() -> None:
    async def body(leases: loopback.Client) -> None:
        now = [T0]
        controller = identity_lease.IdentityLeaseController(leases, hostname="host", clock=lambda: now[0])
        name = controller.lease_name
        assert controller.holder_identity.startswith(name + "_")
        await controller.sync()
        created = await leases.get(name, "kube-system")
        assert created is not None and created["spec"]["renewTime"] == "2025-03-01T12:00:00.123456Z"
        assert created["spec"]["holderIdentity"] == controller.holder_identity
        now[0] = T0 + dt.timedelta(seconds=10)
        other = dict(created, metadata={**created["metadata"], "labels": {"extra": "x"}})
        await leases.update(other)  # someone else wrote it: our copy's resourceVersion is stale
        await controller.sync()
        renewed = await leases.get(name, "kube-system")
        assert renewed is not None and renewed["spec"]["renewTime"] == "2025-03-01T12:00:10.123456Z"
        assert renewed["metadata"]["labels"] == {"extra": "x", "apiserver.kubernetes.io/identity": "kube-apiserver",
                                                 "kubernetes.io/hostname": "host"}
        await leases.delete(name, "kube-system")
        await controller.sync()
        assert await leases.get(name, "kube-system") is not None, "a deleted lease is created again"

    _with_leases(body)


def test_collector_deletes_only_expired_identity_leases() -> None:
    async def body(leases: loopback.Client) -> None:
        old = T0 - dt.timedelta(hours=2)
        await leases.create(identity_lease.new_lease(None, "apiserver-gone", "g_1", "h1", old))
        await leases.create(identity_lease.new_lease(None, "apiserver-live", "l_1", "h2", T0))
        await leases.create({"metadata": {"name": "not-identity", "namespace": "kube-system"},
                             "spec": {"renewTime": "2020-01-01T00:00:00.000000Z", "leaseDurationSeconds": 1}})
        await identity_lease.IdentityLeaseGC(leases, clock=lambda: T0).gc()
        names = sorted(lease["metadata"]["name"] for lease in await leases.list("kube-system"))
        assert names == ["apiserver-live", "not-identity"]

    _with_leases(body)


def test_hooks_return_at_once_and_stop() -> None:
    async def body(leases: loopback.Client) -> None:
        controller = identity_lease.IdentityLeaseController(leases, hostname="host", interval=0.01)
        await controller.start()
        for _ in range(100):
            if await leases.get(controller.lease_name, "kube-system") is not None:
                break
            await asyncio.sleep(0.01)
        await controller.stop()
        lease = await leases.get(controller.lease_name, "kube-system")
        assert lease is not None and lease["spec"]["leaseDurationSeconds"] == 3600

    _with_leases(body)
