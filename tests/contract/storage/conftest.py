"""The storage contract suite's fixtures (our k8s.io/apiserver/pkg/storage/testing).

Every test that takes `storage` runs once per implementation: the in-memory log store, the
SQLite log store, and the watch cache (Cacher) over each of them. `env` gives the same test
the pieces a contract test needs around the Storage: the backend under a Cacher, a way to
advance the global revision from another resource, compaction, a fake clock for TTLs.

Coroutine tests run under `asyncio.run` (no pytest-asyncio): the `pytest_pyfunc_call` hook
below starts the StorageCase inside the test's event loop, hands the test the Storage it
built, and closes it afterwards, with a deadline so a hung watch fails instead of blocking.
Intervals are short (TTL sweep, cache bookmarks, the cache's freshness wait) to keep the
suite at seconds.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from storage_contract_support import (
    BOOKMARK_INTERVAL,
    FRESHNESS_TIMEOUT,
    OTHER_PREFIX,
    PREFIX,
    TEST_DEADLINE,
    TTL_SWEEP_INTERVAL,
)

from kapiserver.storage.cacher import Cacher
from kapiserver.storage.cacher import cacher as cacher_module
from kapiserver.storage.interface import ListOptions, Storage
from kapiserver.storage.logstructured import LogStructuredStore
from kapiserver.storage.logstructured import store as logstructured_store
from kapiserver.storage.memory import MemoryLog
from kapiserver.storage.sqlite import SqliteLog

IMPLEMENTATIONS = ("memory", "sqlite", "cached-memory", "cached-sqlite")
SHM = "/dev/shm"



class FakeTime:
    """Stands in for the `time` module of the log-structured store: real time plus a jump."""

    def __init__(self) -> None:
        self.offset = 0.0

    def time(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


class StorageCase:
    """One implementation under test; opened by the hook inside the test's event loop."""

    def __init__(self, name: str, tmp_path: Path):
        self.name = name
        self.tmp_path = tmp_path
        self.backend: LogStructuredStore | None = None
        self.storage: Storage | None = None
        self.cacher: Cacher | None = None

    @property
    def cached(self) -> bool:
        return self.name.startswith("cached-")

    @property
    def backend_name(self) -> str:
        return self.name.removeprefix("cached-")

    def new_backend(self, path: Path | None = None) -> LogStructuredStore:
        if self.backend_name == "memory":
            log: Any = MemoryLog()
        else:
            log = SqliteLog(str(path or self.tmp_path / "kapiserver.db"))
        return LogStructuredStore(log, compaction_interval=0, ttl_sweep_interval=TTL_SWEEP_INTERVAL)

    async def open(self) -> Storage:
        if self.storage is None:
            self.backend = self.new_backend()
            await self.backend.start()
            if self.cached:
                self.cacher = Cacher(self.backend, PREFIX, bookmark_interval=BOOKMARK_INTERVAL)
                self.storage = self.cacher
            else:
                self.storage = self.backend
        return self.storage

    async def close(self) -> None:
        if self.cacher is not None:
            await self.cacher.close()
        if self.backend is not None:
            await self.backend.close()


class Env:
    """What a contract test needs around the Storage (upstream's IncreaseRVFunc, Compaction, ...)."""

    def __init__(self, case: StorageCase, clock: FakeTime):
        self.case = case
        self.clock = clock
        self._counter = itertools.count()
        self.closers: list[Any] = []

    @property
    def name(self) -> str:
        return self.case.name

    @property
    def cached(self) -> bool:
        return self.case.cached

    @property
    def backend(self) -> LogStructuredStore:
        assert self.case.backend is not None, "the storage is not open yet"
        return self.case.backend

    async def increase_rv(self) -> int:
        """Write to another resource: the global revision moves, nothing under PREFIX changes."""
        n = next(self._counter)
        obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"bump-{n}", "namespace": "default"}}
        created = await self.backend.create(f"{OTHER_PREFIX}/default/bump-{n}", obj)
        return int(created["metadata"]["resourceVersion"])

    async def compact(self, revision: int | str) -> None:
        await self.backend.compact(int(revision))

    async def sync(self) -> None:
        """Wait until the storage under test has seen every committed write (a no-op without a cache)."""
        current = await self.backend.current_revision()
        assert self.case.storage is not None
        await self.case.storage.get_list(PREFIX, ListOptions(resource_version=str(current),
                                                              resource_version_match="NotOlderThan"))

    def new_cacher(self, **options: Any) -> Cacher:
        """Another watch cache over the same backend (closed after the test)."""
        options.setdefault("bookmark_interval", BOOKMARK_INTERVAL)
        cacher = Cacher(self.backend, PREFIX, **options)
        self.closers.append(cacher)
        return cacher


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    fake = FakeTime()
    monkeypatch.setattr(logstructured_store, "time", fake)
    return fake


@pytest.fixture
def sqlite_dir(tmp_path: Path) -> Iterator[Path]:
    """Where the contract tests keep their SQLite files: in memory (tmpfs) when there is one.

    Every commit is fsynced (synchronous=FULL), which made the suite's time depend on the
    disk's load; the contract is the same on tmpfs. test_storage_durability stays on disk.
    """
    if not os.access(SHM, os.W_OK):
        yield tmp_path
        return
    directory = Path(tempfile.mkdtemp(prefix="kapiserver-contract-", dir=SHM))
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(params=IMPLEMENTATIONS)
def storage_case(request: pytest.FixtureRequest, sqlite_dir: Path, monkeypatch: pytest.MonkeyPatch) -> StorageCase:
    monkeypatch.setattr(cacher_module, "_FRESHNESS_TIMEOUT", FRESHNESS_TIMEOUT)
    return StorageCase(request.param, sqlite_dir)


@pytest.fixture
def storage(storage_case: StorageCase) -> StorageCase:
    """The Storage under test (the hook replaces the case by the Storage it opens)."""
    return storage_case


@pytest.fixture
def env(storage_case: StorageCase, clock: FakeTime) -> Env:
    return Env(storage_case, clock)


async def _run(func: Any, args: dict[str, Any]) -> None:
    cases = {id(v): v for v in args.values() if isinstance(v, StorageCase)}
    envs = [v for v in args.values() if isinstance(v, Env)]
    for env in envs:
        cases.setdefault(id(env.case), env.case)
    try:
        for case in cases.values():
            await case.open()
        call_args = {name: (value.storage if isinstance(value, StorageCase) else value)
                     for name, value in args.items()}
        async with asyncio.timeout(TEST_DEADLINE):
            await func(**call_args)
    finally:
        for env in envs:
            for closer in env.closers:
                await closer.close()
        for case in cases.values():
            await case.close()


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    asyncio.run(_run(pyfuncitem.obj, args))
    return True
