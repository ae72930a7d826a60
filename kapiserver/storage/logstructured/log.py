"""The small contract a log backend implements (memory, sqlite)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Row:
    """A key's state at some revision: its value and the revisions that made it."""

    key: str
    value: bytes
    mod_revision: int
    create_revision: int
    expires: float = 0.0


@dataclass(frozen=True, slots=True)
class Change:
    """One log entry. For a delete, `value` is the last value the key had."""

    key: str
    revision: int
    value: bytes
    deleted: bool
    create_revision: int
    prev_value: bytes | None


@dataclass(frozen=True, slots=True)
class WriteOp:
    """A compare-and-swap write: applies only if the key is at `expected_revision`.

    expected_revision 0 means "the key must not exist" (a create). value None deletes.
    """

    key: str
    expected_revision: int
    value: bytes | None
    expires: float = 0.0


@dataclass(frozen=True, slots=True)
class WriteResult:
    """Either the committed change, or (on a failed compare) the key's current row, if any."""

    change: Change | None
    current: Row | None = None

    @property
    def succeeded(self) -> bool:
        return self.change is not None


CommitListener = Callable[[list[Change]], None]


class Log(Protocol):
    async def open(self, on_commit: CommitListener) -> None:
        """Prepare the backend; on_commit is then called on the event loop for every
        committed batch, in revision order, before the writers are answered."""

    async def current_revision(self) -> int: ...

    async def compacted_revision(self) -> int: ...

    async def get(self, key: str) -> Row | None:
        """The newest state of key as of current_revision(), None if absent."""

    async def list(self, start: str, end: str, revision: int, limit: int) -> tuple[list[Row], int]:
        """Live keys in [start, end) as of revision (0 = newest), in key order, at most
        `limit` (0 = all); plus how many live keys the range holds in all."""

    async def count(self, start: str, end: str) -> int: ...

    async def history(self, start: str, end: str, after: int) -> list[Change]:
        """Changes to keys in [start, end) with revision > after, in revision order."""

    async def write(self, op: WriteOp) -> WriteResult: ...

    async def expired(self, now: float) -> list[Row]:
        """Live rows whose TTL ran out."""

    async def compact(self, revision: int) -> None: ...

    async def close(self) -> None: ...
