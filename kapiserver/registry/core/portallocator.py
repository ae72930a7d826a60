"""Node ports from --service-node-port-range (upstream pkg/registry/core/service/portallocator,
allocator/bitmap.go and the etcd-backed allocator of allocator/storage).

The allocated ports are one bitmap, kept as upstream keeps it: a v1 RangeAllocation stored
at /registry/ranges/servicenodeports whose `data` is the bitmap as a big-endian integer
(bit i = port base+i) and whose `range` names the port range. Every change is a guaranteed
update of that one key, so concurrent writers (requests, replicas sharing etcd) never hand
out a port twice, and the reservation survives restarts. Dynamic allocation prefers the
upper part of the range, leaving the lower part for ports users ask for (KEP-3668).

`PortAllocationOperation` is upstream's transaction: allocate at once, release only on
commit, undo the allocations on rollback.
"""

from __future__ import annotations

import base64
import random
from collections.abc import Callable
from dataclasses import dataclass

from kapiserver.apimachinery import timefmt
from kapiserver.apimachinery.types import Object
from kapiserver.storage.interface import Storage

from .ipallocator import AllocationError

RANGES_KEY = "/registry/ranges/servicenodeports"
ERR_FULL = "range is full"
ERR_ALLOCATED = "provided port is already allocated"
ERR_MISMATCHED_RANGE = "the provided port range does not match the current port range"


@dataclass(frozen=True, slots=True)
class PortRange:
    base: int
    size: int

    @classmethod
    def parse(cls, text: str) -> PortRange:
        low, sep, high = text.strip().partition("-")
        base = int(low)
        top = int(high) if sep else base
        if base < 0 or top > 65535 or top < base:
            raise ValueError(f"invalid port range: {text}")
        return cls(base, top - base + 1)

    def __str__(self) -> str:
        return f"{self.base}-{self.base + self.size - 1}" if self.size > 1 else str(self.base)

    def contains(self, port: int) -> bool:
        return self.base <= port < self.base + self.size

    @property
    def offset(self) -> int:
        """min(max(16, size/32), 128) ports kept for static allocation; 0 for tiny ranges."""
        if self.size <= 16:
            return 0
        return max(16, min(self.size // 32, 128))


def not_in_range(port_range: PortRange) -> str:
    return f"provided port is not in the valid range. The range of valid ports is {port_range}"


def decode_bitmap(obj: Object | None) -> int:
    data = (obj or {}).get("data") or ""
    return int.from_bytes(base64.b64decode(data), "big") if data else 0


def encode_range(port_range: PortRange, bitmap: int, current: Object | None) -> Object:
    metadata = dict((current or {}).get("metadata") or {})
    metadata.pop("resourceVersion", None)
    metadata.setdefault("creationTimestamp", timefmt.now_rfc3339())
    data = bitmap.to_bytes((bitmap.bit_length() + 7) // 8, "big") if bitmap else b""
    out: Object = {"kind": "RangeAllocation", "apiVersion": "v1", "metadata": metadata, "range": str(port_range)}
    if data:
        out["data"] = base64.b64encode(data).decode()
    return out


def next_free_offset(bitmap: int, port_range: PortRange, rng: random.Random) -> int | None:
    """upstream randomScanStrategyWithOffset: a random start in the upper part, then the lower."""
    size, offset = port_range.size, port_range.offset
    upper = size - offset
    start = rng.randrange(upper) if upper > 0 else 0
    for i in range(upper):
        at = offset + (start + i) % upper
        if not bitmap >> at & 1:
            return at
    if offset:
        start = rng.randrange(offset)
        for i in range(offset):
            at = (start + i) % offset
            if not bitmap >> at & 1:
                return at
    return None


class PortAllocator:
    """The node-port bitmap of one port range in one storage key."""

    def __init__(self, port_range: PortRange, storage: Storage, key: str = RANGES_KEY,
                 rng: random.Random | None = None):
        self.port_range = port_range
        self._storage = storage
        self._key = key
        self._rng = rng or random.Random()

    def _check_range(self, current: Object | None) -> None:
        if current is not None and current.get("range") not in (None, "", str(self.port_range)):
            raise AllocationError(ERR_MISMATCHED_RANGE)

    async def snapshot(self) -> tuple[str, int]:
        current = await self._storage.get(self._key, ignore_not_found=True)
        return str((current or {}).get("range") or ""), decode_bitmap(current)

    async def has(self, port: int) -> bool:
        if not self.port_range.contains(port):
            return False
        _, bitmap = await self.snapshot()
        return bool(bitmap >> (port - self.port_range.base) & 1)

    async def allocate(self, port: int) -> None:
        if not self.port_range.contains(port):
            raise AllocationError(not_in_range(self.port_range))
        bit = port - self.port_range.base

        async def update(current: Object | None) -> Object:
            self._check_range(current)
            bitmap = decode_bitmap(current)
            if bitmap >> bit & 1:
                raise AllocationError(ERR_ALLOCATED)
            return encode_range(self.port_range, bitmap | 1 << bit, current)

        await self._storage.guaranteed_update(self._key, None, update, ignore_not_found=True)

    async def allocate_next(self) -> int:
        chosen: list[int] = []

        async def update(current: Object | None) -> Object:
            self._check_range(current)
            bitmap = decode_bitmap(current)
            at = next_free_offset(bitmap, self.port_range, self._rng)
            if at is None:
                raise AllocationError(ERR_FULL)
            chosen[:] = [at]
            return encode_range(self.port_range, bitmap | 1 << at, current)

        await self._storage.guaranteed_update(self._key, None, update, ignore_not_found=True)
        return self.port_range.base + chosen[0]

    async def release(self, port: int) -> None:
        """Releasing a free port, or one outside the range, changes nothing."""
        if not self.port_range.contains(port):
            return
        bit = port - self.port_range.base

        async def update(current: Object | None) -> Object:
            bitmap = decode_bitmap(current)
            return encode_range(self.port_range, bitmap & ~(1 << bit), current)

        await self._storage.guaranteed_update(self._key, None, update, ignore_not_found=True)

    async def modify(self, change: Callable[[int], int]) -> None:
        """Rewrite the bitmap of this range with `change(bitmap)`, atomically (the repair pass)."""

        async def update(current: Object | None) -> Object:
            self._check_range(current)
            return encode_range(self.port_range, change(decode_bitmap(current)), current)

        await self._storage.guaranteed_update(self._key, None, update, ignore_not_found=True)

    async def replace(self, ports: set[int]) -> None:
        """Write the bitmap of this range from scratch, whatever range was stored (a changed flag)."""
        bitmap = 0
        for port in ports:
            if self.port_range.contains(port):
                bitmap |= 1 << (port - self.port_range.base)

        async def update(current: Object | None) -> Object:
            return encode_range(self.port_range, bitmap, current)

        await self._storage.guaranteed_update(self._key, None, update, ignore_not_found=True)


class PortAllocationOperation:
    """Allocate now, release on commit, undo on rollback (upstream PortAllocationOperation).

    A dry run allocates nothing: a requested port is checked against the bitmap, and
    "next" answers the placeholder ports upstream answers (32769, 32770, ...).
    """

    def __init__(self, allocator: PortAllocator, dry_run: bool):
        self.allocator = allocator
        self.dry_run = dry_run
        self.allocated: list[int] = []
        self.release_deferred: list[int] = []
        self._committed = False

    async def allocate(self, port: int) -> None:
        if self.dry_run:
            if port in self.allocated or await self.allocator.has(port):
                raise AllocationError(ERR_ALLOCATED)
            self.allocated.append(port)
            return
        await self.allocator.allocate(port)
        self.allocated.append(port)

    async def allocate_next(self) -> int:
        if self.dry_run:
            port = max(self.allocated, default=32768) + 1
            self.allocated.append(port)
            return port
        port = await self.allocator.allocate_next()
        self.allocated.append(port)
        return port

    def defer_release(self, port: int) -> None:
        self.release_deferred.append(port)

    async def commit(self) -> None:
        if not self.dry_run:
            for port in self.release_deferred:
                await self.allocator.release(port)
        self._committed = True

    async def finish(self) -> None:
        """Roll back what was allocated, unless committed."""
        if self._committed or self.dry_run:
            return
        for port in self.allocated:
            await self.allocator.release(port)
        self._committed = True
