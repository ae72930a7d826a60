"""SqliteLog: the Log contract over one SQLite file (see package docstring)."""

from __future__ import annotations

import asyncio
import os
import queue
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ..logstructured import Change, LogStructuredStore, Row, WriteOp, WriteResult
from ..logstructured.log import CommitListener
from . import schema

_MAX_BATCH = 256


@dataclass(slots=True)
class _Pending:
    op: WriteOp | int  # a write, or a revision to compact to
    future: asyncio.Future[WriteResult | None]
    result: WriteResult | None = field(default=None)


class SqliteLog:
    def __init__(self, path: str, read_threads: int = 4):
        self._path = path
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._writer: threading.Thread | None = None
        self._readers = ThreadPoolExecutor(max_workers=read_threads, thread_name_prefix="sqlite-read")
        self._local = threading.local()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._on_commit: CommitListener = lambda changes: None
        self._revision = 0
        self._compacted = 0

    # -- lifecycle ---------------------------------------------------------------------

    async def open(self, on_commit: CommitListener) -> None:
        self._loop = asyncio.get_running_loop()
        self._on_commit = on_commit
        directory = os.path.dirname(os.path.abspath(self._path))
        os.makedirs(directory, exist_ok=True)
        conn = await asyncio.to_thread(schema.connect, self._path, True)
        self._revision, self._compacted = await asyncio.to_thread(self._load_counters, conn)
        self._writer = threading.Thread(target=self._write_loop, args=(conn,), name="sqlite-writer", daemon=True)
        self._writer.start()

    @staticmethod
    def _load_counters(conn: sqlite3.Connection) -> tuple[int, int]:
        seq = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'log'").fetchone()
        compacted = conn.execute("SELECT value FROM meta WHERE name = 'compact_rev'").fetchone()
        return (seq[0] if seq else 0), (compacted[0] if compacted else 0)

    async def close(self) -> None:
        if self._writer is not None:
            self._queue.put(None)
            await asyncio.to_thread(self._writer.join)
            self._writer = None
        self._readers.shutdown(wait=True)

    # -- reads (reader threads) ----------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = schema.connect(self._path, False)
            self._local.conn = conn
        return conn

    async def _read(self, fn, *args):  # type: ignore[no-untyped-def]
        assert self._loop is not None
        return await self._loop.run_in_executor(self._readers, fn, *args)

    async def current_revision(self) -> int:
        return self._revision

    async def compacted_revision(self) -> int:
        return self._compacted

    async def get(self, key: str) -> Row | None:
        # Bounded by the published revision: rows the writer committed but the loop has not
        # published yet would carry a resourceVersion newer than current_revision().
        return await self._read(self._get_sync, key, self._revision)  # type: ignore[no-any-return]

    def _get_sync(self, key: str, revision: int) -> Row | None:
        found = self._conn().execute(schema.ROW_AT, (key, revision)).fetchone()
        if found is None or found[1]:
            return None
        return Row(key, found[4], found[0], found[2], found[3])

    async def list(self, start: str, end: str, revision: int, limit: int) -> tuple[list[Row], int]:
        return await self._read(self._list_sync, start, end, revision or self._revision, limit)  # type: ignore[no-any-return]

    def _list_sync(self, start: str, end: str, revision: int, limit: int) -> tuple[list[Row], int]:
        conn = self._conn()
        conn.execute("BEGIN")
        try:
            sql = schema.LIST_AT + (f" LIMIT {int(limit)}" if limit else "")
            rows = [Row(k, v, rev, crev, exp) for k, rev, crev, exp, v in conn.execute(sql, (start, end, revision))]
            if limit and len(rows) == limit:
                total = conn.execute(schema.COUNT_AT, (start, end, revision)).fetchone()[0]
            else:
                total = len(rows)
        finally:
            conn.execute("COMMIT")
        return rows, total

    async def count(self, start: str, end: str) -> int:
        return await self._read(self._count_sync, start, end, self._revision)  # type: ignore[no-any-return]

    def _count_sync(self, start: str, end: str, revision: int) -> int:
        return int(self._conn().execute(schema.COUNT_AT, (start, end, revision)).fetchone()[0])

    async def history(self, start: str, end: str, after: int) -> list[Change]:
        return await self._read(self._history_sync, start, end, after)  # type: ignore[no-any-return]

    def _history_sync(self, start: str, end: str, after: int) -> list[Change]:
        cursor = self._conn().execute(schema.HISTORY, (after, start, end))
        return [Change(k, rev, v, bool(deleted), crev, prev) for k, rev, v, deleted, crev, prev in cursor]

    async def expired(self, now: float) -> list[Row]:
        return await self._read(self._expired_sync, now)  # type: ignore[no-any-return]

    def _expired_sync(self, now: float) -> list[Row]:
        cursor = self._conn().execute(schema.EXPIRED, (now,))
        return [Row(k, v, rev, crev, exp) for k, rev, crev, exp, v in cursor]

    # -- writes (the writer thread) ------------------------------------------------------

    async def write(self, op: WriteOp) -> WriteResult:
        result = await self._submit(op)
        assert result is not None
        return result

    async def compact(self, revision: int) -> None:
        if revision > self._compacted:
            await self._submit(revision)

    def _submit(self, op: WriteOp | int) -> asyncio.Future[WriteResult | None]:
        if self._writer is None or self._loop is None:
            raise RuntimeError("the sqlite store is closed")
        future: asyncio.Future[WriteResult | None] = self._loop.create_future()
        self._queue.put(_Pending(op, future))
        return future

    def _write_loop(self, conn: sqlite3.Connection) -> None:
        revision = self._revision
        while True:
            first = self._queue.get()
            if first is None:
                conn.close()
                return
            batch = [first]
            while len(batch) < _MAX_BATCH:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._queue.put(None)
                    break
                batch.append(more)
            revision = self._commit(conn, batch, revision)

    def _commit(self, conn: sqlite3.Connection, batch: list[_Pending], revision: int) -> int:
        start_revision = revision
        compact_to = 0
        try:
            conn.execute("BEGIN IMMEDIATE")
            for pending in batch:
                if isinstance(pending.op, int):
                    conn.execute(schema.COMPACT, (pending.op,))
                    conn.execute("UPDATE meta SET value = ? WHERE name = 'compact_rev'", (pending.op,))
                    compact_to = max(compact_to, pending.op)
                else:
                    pending.result, revision = _apply(conn, pending.op, revision)
            conn.execute("COMMIT")
        except Exception as exc:  # noqa: BLE001 - nothing of the batch was committed; each writer is told
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            assert self._loop is not None
            self._loop.call_soon_threadsafe(self._fail, batch, exc)
            return start_revision
        assert self._loop is not None
        self._loop.call_soon_threadsafe(self._committed, batch, revision, compact_to)
        return revision

    def _committed(self, batch: list[_Pending], revision: int, compact_to: int) -> None:
        """On the loop: publish the batch's changes in order, then answer the writers."""
        self._revision = revision
        if compact_to:
            self._compacted = max(self._compacted, compact_to)
        changes = [p.result.change for p in batch if p.result is not None and p.result.change is not None]
        if changes:
            self._on_commit(changes)
        for pending in batch:
            if not pending.future.done():
                pending.future.set_result(pending.result)

    @staticmethod
    def _fail(batch: list[_Pending], exc: Exception) -> None:
        for pending in batch:
            if not pending.future.done():
                pending.future.set_exception(exc)


def _apply(conn: sqlite3.Connection, op: WriteOp, revision: int) -> tuple[WriteResult, int]:
    """Apply one compare-and-swap write inside the open transaction."""
    found = conn.execute(schema.CURRENT_ROW, (op.key,)).fetchone()
    current = None
    if found is not None and not found[1]:
        current = Row(op.key, found[4], found[0], found[2], found[3])
    expected = current.mod_revision if current is not None else 0
    if op.expected_revision != expected or (op.value is None and current is None):
        return WriteResult(None, current), revision
    revision += 1
    if op.value is None:
        assert current is not None
        conn.execute(
            "INSERT INTO log (rev, key, deleted, create_rev, prev_rev, expires, value) VALUES (?, ?, 1, ?, ?, 0, ?)",
            (revision, op.key, current.create_revision, current.mod_revision, current.value))
        change = Change(op.key, revision, current.value, True, current.create_revision, current.value)
    else:
        create_revision = current.create_revision if current is not None else revision
        conn.execute(
            "INSERT INTO log (rev, key, deleted, create_rev, prev_rev, expires, value) VALUES (?, ?, 0, ?, ?, ?, ?)",
            (revision, op.key, create_revision, expected, op.expires, op.value))
        change = Change(op.key, revision, op.value, False, create_revision,
                        current.value if current is not None else None)
    return WriteResult(change), revision


def new_sqlite_store(path: str, compaction_interval: float = 300.0) -> LogStructuredStore:
    return LogStructuredStore(SqliteLog(path), compaction_interval)
