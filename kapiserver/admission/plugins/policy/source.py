"""The policies and bindings the plugin evaluates, kept current by list + watch (upstream
generic/policy_source.go over shared informers).

Started on the first request (nothing runs for a server that never admits a write), the
first request waiting for the initial list as upstream's plugin waits for its informers.
After that a request only reads dictionaries: with no binding, nothing else happens.
Each policy is compiled once per generation, on the first request that needs it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from kapiserver.apimachinery import tasks
from kapiserver.apimachinery.types import Object
from kapiserver.storage.interface import ListOptions, Storage

log = logging.getLogger(__name__)

_RETRY_SECONDS = 1.0


class Informer:
    """One list+watch of a key prefix into a name -> object map (shared objects: never mutate)."""

    def __init__(self, storage: Storage, prefix: str, on_change: Callable[[], None] = lambda: None):
        self._storage = storage
        self._prefix = prefix
        self._on_change = on_change
        self.items: dict[str, Object] = {}

    async def list(self) -> int:
        listed = await self._storage.get_list(self._prefix, ListOptions("0"))
        self.items = {_name(obj): obj for obj in listed.items}
        self._on_change()
        return listed.resource_version

    async def run(self, revision: int) -> None:
        while True:
            try:
                async for event in self._storage.watch(self._prefix, ListOptions(str(revision))):
                    if event.type in ("BOOKMARK", "ERROR"):
                        if event.type == "ERROR":
                            break
                        continue
                    revision = max(revision, event.revision)
                    name = _name(event.object)
                    if event.type == "DELETED":
                        self.items.pop(name, None)
                    else:
                        self.items[name] = event.object
                    self._on_change()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.info("admission policy watch of %s ended; listing again", self._prefix, exc_info=True)
            await asyncio.sleep(_RETRY_SECONDS)
            try:
                revision = await self.list()
            except Exception:
                log.warning("admission policy list of %s failed", self._prefix, exc_info=True)


def _name(obj: Object) -> str:
    return str((obj.get("metadata") or {}).get("name", ""))


class PolicySource:
    """Policies and their bindings; `hooks()` pairs them (bindings of a missing policy are ignored)."""

    def __init__(self, policies: Storage, policies_prefix: str, bindings: Storage, bindings_prefix: str):
        self.policies = Informer(policies, policies_prefix, self._changed)
        self.bindings = Informer(bindings, bindings_prefix, self._changed)
        self._started: asyncio.Future[None] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._hooks: list[tuple[Object, list[Object]]] | None = []

    def _changed(self) -> None:
        self._hooks = None

    async def ready(self) -> None:
        """Start on first use; later calls return at once."""
        if self._started is None:
            self._started = asyncio.get_running_loop().create_future()
            try:
                policy_rv = await self.policies.list()
                binding_rv = await self.bindings.list()
            except BaseException as err:
                self._started.set_exception(err)
                started, self._started = self._started, None
                started.exception()
                raise
            self._tasks = [asyncio.create_task(self.policies.run(policy_rv)),
                           asyncio.create_task(self.bindings.run(binding_rv))]
            self._started.set_result(None)
        elif not self._started.done():
            await asyncio.shield(self._started)

    def has_bindings(self) -> bool:
        return bool(self.bindings.items)

    def hooks(self) -> list[tuple[Object, list[Object]]]:
        """(policy, its bindings) for every policy with at least one binding, by policy name."""
        if self._hooks is None:
            by_policy: dict[str, list[Object]] = {}
            for name in sorted(self.bindings.items):
                binding = self.bindings.items[name]
                policy_name = str((binding.get("spec") or {}).get("policyName", ""))
                by_policy.setdefault(policy_name, []).append(binding)
            self._hooks = [(self.policies.items[name], by_policy[name]) for name in sorted(by_policy)
                           if name in self.policies.items]
        return self._hooks

    async def stop(self) -> None:
        await tasks.cancel(self._tasks)

