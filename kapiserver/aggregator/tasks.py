"""The aggregator's background tasks, all in one TaskGroup (what upstream's post-start hook
goroutines are, here owned by something that ends them).

The supervisor starts with the first post-start hook and is cancelled before shutdown,
which cancels every informer, controller worker and cleanup it spawned. Spawned tasks
must not raise: a failure inside would cancel their siblings (informers and workers catch
and retry; cleanups suppress their errors).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from typing import Any

Spawn = Callable[[Coroutine[Any, Any, None], str], "asyncio.Task[None]"]


def loop_spawn(coro: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
    """Spawn on the running loop: for tests that run one controller without a supervisor."""
    return asyncio.get_running_loop().create_task(coro, name=name)


class Supervisor:
    def __init__(self) -> None:
        self._group: asyncio.TaskGroup | None = None
        self._task: asyncio.Task[None] | None = None
        self._running = asyncio.Event()

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="kube-aggregator")
        await self._running.wait()

    async def _run(self) -> None:
        async with asyncio.TaskGroup() as group:
            self._group = group
            self._running.set()
            await asyncio.Future()  # until cancelled

    def spawn(self, coro: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        if self._group is None:
            coro.close()
            raise RuntimeError("the aggregator's tasks are not running")
        return self._group.create_task(coro, name=name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
            self._group = None
