"""SQLite durability: data survives close/reopen, and a process killed with SIGKILL right
after acknowledged writes loses none of them (DESIGN: "committed before the client is
answered, nothing acknowledged is ever lost").
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import textwrap
from pathlib import Path

import pytest
from storage_contract_support import (
    PREFIX,
    TTL_SWEEP_INTERVAL,
    key,
    pod,
    replace_with,
    rv,
    simple_update,
    watch,
)

from kapiserver.storage import errors
from kapiserver.storage.interface import ListOptions
from kapiserver.storage.logstructured import LogStructuredStore
from kapiserver.storage.sqlite import SqliteLog

REPO = Path(__file__).resolve().parents[3]


def open_store(path: Path) -> LogStructuredStore:
    return LogStructuredStore(SqliteLog(str(path)), compaction_interval=0, ttl_sweep_interval=TTL_SWEEP_INTERVAL)


async def test_data_survives_close_and_reopen(tmp_path):
    path = tmp_path / "kapiserver.db"
    store = open_store(path)
    await store.start()
    a = await store.create(key("ns", "a"), pod("ns", "a"))
    b = await store.create(key("ns", "b"), pod("ns", "b"))
    a2 = await store.guaranteed_update(key("ns", "a"), None, simple_update(lambda o: o["spec"].update(nodeName="n")))
    gone = await store.delete(key("ns", "b"))
    c = await store.create(key("ns", "c"), pod("ns", "c"), ttl=3600)
    await store.compact(rv(a2))
    listed = await store.get_list(PREFIX, ListOptions())
    revision = await store.current_revision()
    await store.close()

    store = open_store(path)
    await store.start()
    try:
        assert await store.current_revision() == revision
        assert (await store.get_list(PREFIX, ListOptions())) == listed
        assert listed.items == [a2, c]
        assert await store.get(key("ns", "a")) == a2
        assert await store.get(key("ns", "b"), ignore_not_found=True) is None
        assert await store.count(PREFIX) == 2
        assert (await store.get_list(PREFIX, ListOptions(str(rv(a2)), "Exact"))).items == [a2, b]
        with pytest.raises(errors.ResourceVersionTooOld):
            await store.get_list(PREFIX, ListOptions(str(rv(a)), "Exact"))

        # History after the compacted revision is still there for watchers.
        w = await watch(store, PREFIX, resource_version=str(rv(a2)))
        try:
            await w.expect("DELETED", gone)
            await w.expect("ADDED", c)
            d = await store.create(key("ns", "d"), pod("ns", "d"))
            assert rv(d) == revision + 1, "revisions continue where they stopped, never reused"
            await w.expect("ADDED", d)
        finally:
            await w.close()
    finally:
        await store.close()


async def test_ttl_survives_reopen(tmp_path, clock):
    path = tmp_path / "kapiserver.db"
    store = open_store(path)
    await store.start()
    out = await store.create(key("ns", "a"), pod("ns", "a"), ttl=60)
    await store.close()

    store = open_store(path)
    await store.start()
    try:
        w = await watch(store, key("ns", "a"), resource_version=str(rv(out)), recursive=False)
        try:
            await w.expect_nothing()
            clock.advance(61)
            await w.expect("DELETED")
        finally:
            await w.close()
    finally:
        await store.close()


async def test_revisions_are_not_reused_after_the_newest_rows_are_compacted(tmp_path):
    """The newest log row is a delete that compaction removes; the next revision still moves on."""
    path = tmp_path / "kapiserver.db"
    store = open_store(path)
    await store.start()
    await store.create(key("ns", "a"), pod("ns", "a"))
    deleted = await store.delete(key("ns", "a"))
    await store.compact(rv(deleted))
    await store.close()

    store = open_store(path)
    await store.start()
    try:
        assert await store.current_revision() == rv(deleted)
        again = await store.create(key("ns", "a"), pod("ns", "a"))
        assert rv(again) == rv(deleted) + 1
    finally:
        await store.close()


WRITER = textwrap.dedent("""
    import asyncio, sys
    from kapiserver.storage.logstructured import LogStructuredStore
    from kapiserver.storage.sqlite import SqliteLog

    async def writer(store, n):
        i = 0
        while True:
            name = f"w{n}-{i % 7}"
            key = f"/registry/pods/crash/{name}"
            obj = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "crash"},
                   "spec": {"nodeName": f"n{i}"}}
            if i < 7:
                out = await store.create(key, obj)
            else:
                async def replace(current, obj=obj):
                    return obj
                out = await store.guaranteed_update(key, None, replace)
            # Printed only once the write is acknowledged: every line is a promise.
            print(key, out["metadata"]["resourceVersion"], f"n{i}", flush=True)
            i += 1

    async def main():
        store = LogStructuredStore(SqliteLog(sys.argv[1]), compaction_interval=0)
        await store.start()
        print("ready", flush=True)
        await asyncio.gather(*(writer(store, n) for n in range(6)))

    asyncio.run(main())
""")


async def test_acknowledged_writes_survive_sigkill(tmp_path):
    path = tmp_path / "kapiserver.db"
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = await asyncio.create_subprocess_exec(sys.executable, str(script), str(path), env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    assert proc.stdout is not None
    acked: list[tuple[str, int, str]] = []
    try:
        async with asyncio.timeout(20):
            assert (await proc.stdout.readline()).strip() == b"ready", await proc.stderr.read()
            while len(acked) < 400:
                line = await proc.stdout.readline()
                assert line, (await proc.stderr.read()).decode()
                k, revision, node = line.decode().split()
                acked.append((k, int(revision), node))
    finally:
        proc.send_signal(signal.SIGKILL)
        await proc.wait()
    # Lines the child printed before it died were acknowledged too.
    for line in (await proc.stdout.read()).decode().splitlines():
        parts = line.split()
        if len(parts) == 3:
            acked.append((parts[0], int(parts[1]), parts[2]))
    assert proc.returncode == -signal.SIGKILL

    store = open_store(path)
    await store.start()
    try:
        newest = max(revision for _, revision, _ in acked)
        assert await store.current_revision() >= newest
        for k, revision, node in acked:
            # Every acknowledged write is in the log, at its revision, with its content.
            at = await store.get_list(k, ListOptions(str(revision), "Exact", recursive=False))
            assert [rv(o) for o in at.items] == [revision], (k, revision)
            assert at.items[0]["spec"]["nodeName"] == node
        latest: dict[str, int] = {}
        for k, revision, _ in acked:
            latest[k] = max(latest.get(k, 0), revision)
        for k, revision in latest.items():
            assert rv(await store.get(k)) >= revision
        # And the store is usable: writes continue after the newest committed revision.
        current = await store.current_revision()
        out = await store.guaranteed_update(key("crash", "w0-0"), None, replace_with(pod("crash", "w0-0")))
        assert rv(out) == current + 1
    finally:
        await store.close()
