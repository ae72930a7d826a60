"""The range arithmetic of the cluster-IP and node-port allocators, and the RangeAllocation bitmap."""

from __future__ import annotations

import asyncio
import base64
import ipaddress
import random
from typing import Any

import pytest

from kapiserver.registry.core.ipallocator import (
    AllocationError,
    IPRange,
    calculate_range_offset,
    not_in_range,
)
from kapiserver.registry.core.portallocator import (
    ERR_ALLOCATED,
    ERR_FULL,
    PortAllocationOperation,
    PortAllocator,
    PortRange,
    decode_bitmap,
    encode_range,
    next_free_offset,
)
from kapiserver.storage.logstructured import LogStructuredStore
from kapiserver.storage.memory import MemoryLog


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_ipv4_range_skips_network_and_broadcast() -> None:
    r = IPRange.parse("10.0.0.0/24")
    assert (r.address(r.first), r.address(r.last), r.size, r.range_offset) == ("10.0.0.1", "10.0.0.254", 254, 16)
    assert r.in_bounds(ipaddress.ip_address("10.0.0.1")) and not r.in_bounds(ipaddress.ip_address("10.0.0.0"))
    assert not r.in_bounds(ipaddress.ip_address("10.0.0.255"))


def test_ipv6_range_keeps_the_last_address_and_refuses_short_prefixes() -> None:
    r = IPRange.parse("fd00::/120")
    assert (r.address(r.first), r.address(r.last), r.family) == ("fd00::1", "fd00::ff", "IPv6")
    with pytest.raises(ValueError, match="shortest allowed prefix length for service CIDR is 64, got 63"):
        IPRange.parse("fd00::/63")


@pytest.mark.parametrize(("cidr", "offset"), [
    ("10.0.0.0/28", 0), ("10.0.0.0/27", 16), ("10.0.0.0/24", 16), ("10.0.0.0/20", 256), ("10.96.0.0/12", 256),
    ("fd00::/64", 256)])
def test_static_band_size(cidr: str, offset: int) -> None:
    network = ipaddress.ip_network(cidr)
    assert calculate_range_offset(network.prefixlen, network.max_prefixlen) == offset


def test_dynamic_scan_prefers_the_upper_band_and_covers_everything() -> None:
    r = IPRange.parse("10.0.0.0/24")
    order = [r.address(v) for v in r.candidates(random.Random(7))]
    assert len(order) == len(set(order)) == 254
    upper = {f"10.0.0.{i}" for i in range(17, 255)}
    assert set(order[:238]) == upper and set(order[238:]) == {f"10.0.0.{i}" for i in range(1, 17)}


def test_not_in_range_message() -> None:
    assert not_in_range("10.0.0.0", "10.0.0.0/24") == (
        "the provided IP (10.0.0.0) is not in the valid range. The range of valid IPs is 10.0.0.0/24")


def test_port_range() -> None:
    pr = PortRange.parse("30000-32767")
    assert (pr.base, pr.size, str(pr), pr.offset) == (30000, 2768, "30000-32767", 86)
    assert str(PortRange.parse("30000")) == "30000" and PortRange.parse("30000-30010").offset == 0
    with pytest.raises(ValueError):
        PortRange.parse("2-1")


def test_bitmap_is_upstreams_big_endian_integer() -> None:
    pr = PortRange.parse("30000-32767")
    obj = encode_range(pr, (1 << 0) | (1 << 9), None)
    assert obj["kind"] == "RangeAllocation" and obj["range"] == "30000-32767"
    assert base64.b64decode(obj["data"]) == bytes([0x02, 0x01])
    assert decode_bitmap(obj) == 0x201 and decode_bitmap(None) == 0
    assert "data" not in encode_range(pr, 0, None)


def test_next_free_offset_upper_band_first() -> None:
    pr = PortRange.parse("30000-30099")  # offset 16
    assert next_free_offset(0, pr, random.Random(1)) >= 16  # type: ignore[operator]
    full_upper = sum(1 << i for i in range(16, 100))
    assert next_free_offset(full_upper, pr, random.Random(1)) in range(16)
    assert next_free_offset(full_upper | 0xFFFF, pr, random.Random(1)) is None


def test_port_allocator_is_durable_and_transactional() -> None:
    async def scenario() -> None:
        backend = LogStructuredStore(MemoryLog(), compaction_interval=0)
        await backend.start()
        try:
            ports = PortAllocator(PortRange.parse("30000-30020"), backend)
            await ports.allocate(30005)
            with pytest.raises(AllocationError, match=ERR_ALLOCATED):
                await ports.allocate(30005)
            with pytest.raises(AllocationError, match="provided port is not in the valid range. The range of "
                                                      "valid ports is 30000-30020"):
                await ports.allocate(80)
            again = PortAllocator(PortRange.parse("30000-30020"), backend)  # a restart sees the same bitmap
            assert await again.has(30005)
            op = PortAllocationOperation(again, dry_run=False)
            taken = await op.allocate_next()
            op.defer_release(30005)
            await op.finish()  # not committed: the new port is given back, the deferred release dropped
            assert not await again.has(taken) and await again.has(30005)
            op = PortAllocationOperation(again, dry_run=False)
            op.defer_release(30005)
            await op.commit()
            assert not await again.has(30005)
            dry = PortAllocationOperation(again, dry_run=True)
            assert (await dry.allocate_next(), await dry.allocate_next()) == (32769, 32770)
            for _ in range(21):
                await again.allocate_next()
            with pytest.raises(AllocationError, match=ERR_FULL):
                await again.allocate_next()
            other = PortAllocator(PortRange.parse("31000-31020"), backend)
            with pytest.raises(AllocationError, match="the provided port range does not match the current port range"):
                await other.allocate(31000)
            await other.replace({31000})
            assert await other.has(31000)
        finally:
            await backend.close()

    run(scenario())
