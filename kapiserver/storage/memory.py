"""An in-memory Log: the reference backend for tests and `--storage-backend=memory`.

Same contract as the SQLite log, nothing persisted. History is a list of changes in
revision order; the state at an older revision is the current state with the newer
changes undone, newest first.
"""

from __future__ import annotations

import bisect

from .logstructured import Change, LogStructuredStore, Row, WriteOp, WriteResult
from .logstructured.log import CommitListener


class MemoryLog:
    def __init__(self) -> None:
        self._rows: dict[str, Row] = {}
        self._sorted_keys: list[str] = []
        self._changes: list[Change] = []
        self._revision = 0
        self._compacted = 0
        self._on_commit: CommitListener = lambda changes: None

    async def open(self, on_commit: CommitListener) -> None:
        self._on_commit = on_commit

    async def current_revision(self) -> int:
        return self._revision

    async def compacted_revision(self) -> int:
        return self._compacted

    async def get(self, key: str) -> Row | None:
        return self._rows.get(key)

    def _state_at(self, start: str, end: str, revision: int) -> list[Row]:
        lo = bisect.bisect_left(self._sorted_keys, start)
        hi = bisect.bisect_left(self._sorted_keys, end)
        state = {key: self._rows[key] for key in self._sorted_keys[lo:hi]}
        if revision and revision < self._revision:
            for change in reversed(self._changes):
                if change.revision <= revision:
                    break
                if not start <= change.key < end:
                    continue
                if change.deleted or change.prev_value is not None:
                    previous = self._previous_row(change)
                    if previous is None:
                        state.pop(change.key, None)
                    else:
                        state[change.key] = previous
                else:
                    state.pop(change.key, None)
        return [state[key] for key in sorted(state)]

    def _previous_row(self, change: Change) -> Row | None:
        """The row a change replaced (its value and the revision that wrote it)."""
        index = bisect.bisect_left([c.revision for c in self._changes], change.revision)
        for earlier in reversed(self._changes[:index]):
            if earlier.key == change.key:
                if earlier.deleted:
                    return None
                return Row(earlier.key, earlier.value, earlier.revision, earlier.create_revision)
        return None

    async def list(self, start: str, end: str, revision: int, limit: int) -> tuple[list[Row], int]:
        rows = self._state_at(start, end, revision)
        return (rows[:limit] if limit else rows), len(rows)

    async def count(self, start: str, end: str) -> int:
        return bisect.bisect_left(self._sorted_keys, end) - bisect.bisect_left(self._sorted_keys, start)

    async def history(self, start: str, end: str, after: int) -> list[Change]:
        index = bisect.bisect_right([c.revision for c in self._changes], after)
        return [c for c in self._changes[index:] if start <= c.key < end]

    async def write(self, op: WriteOp) -> WriteResult:
        current = self._rows.get(op.key)
        expected = current.mod_revision if current is not None else 0
        if op.expected_revision != expected or (op.value is None and current is None):
            return WriteResult(None, current)
        self._revision += 1
        revision = self._revision
        if op.value is None:
            assert current is not None
            change = Change(op.key, revision, current.value, True, current.create_revision, current.value)
            del self._rows[op.key]
            self._sorted_keys.pop(bisect.bisect_left(self._sorted_keys, op.key))
        else:
            create_revision = current.create_revision if current is not None else revision
            prev = current.value if current is not None else None
            change = Change(op.key, revision, op.value, False, create_revision, prev)
            if current is None:
                bisect.insort(self._sorted_keys, op.key)
            self._rows[op.key] = Row(op.key, op.value, revision, create_revision, op.expires)
        self._changes.append(change)
        self._on_commit([change])
        return WriteResult(change)

    async def expired(self, now: float) -> list[Row]:
        return [row for row in self._rows.values() if 0 < row.expires <= now]

    async def compact(self, revision: int) -> None:
        """Drop history at or before revision; states at or after it stay reconstructible."""
        if revision <= self._compacted:
            return
        keep_from = bisect.bisect_right([c.revision for c in self._changes], revision)
        kept_latest: dict[str, Change] = {}
        for change in self._changes[:keep_from]:
            kept_latest[change.key] = change
        survivors = [c for c in kept_latest.values() if not c.deleted]
        survivors.sort(key=lambda c: c.revision)
        self._changes = survivors + self._changes[keep_from:]
        self._compacted = revision

    async def close(self) -> None:
        self._on_commit = lambda changes: None


def new_memory_store(compaction_interval: float = 300.0) -> LogStructuredStore:
    return LogStructuredStore(MemoryLog(), compaction_interval)
