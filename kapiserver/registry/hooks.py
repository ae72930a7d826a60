"""Storage providers that bootstrap data after start (upstream genericapiserver.PostStartHookProvider).

A provider lists its resources and may also name a post-start hook (`rbac/bootstrap-roles`,
`scheduling/bootstrap-system-priority-classes`, ...). The control plane attaches the hook to
its GenericAPIServer only when the group is served, as upstream's InstallAPIs does, so it
shows in /readyz as `poststarthook/<name>`. `stop`, when given, runs before shutdown (for
hooks that leave a background loop running).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from .provider import StorageFor, StorageProvider
from .spec import ResourceSpec

HookFunc = Callable[[], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class PostStartHook:
    name: str
    run: HookFunc
    stop: HookFunc | None = None


HookFactory = Callable[[StorageFor], PostStartHook]


class HookedStorageProvider(StorageProvider):
    def __init__(self, group: str, specs: Iterable[ResourceSpec], hook: HookFactory,
                 version_order: Iterable[str] = ()):
        super().__init__(group, specs, version_order)
        self._hook = hook

    def post_start_hook(self, storage_for: StorageFor) -> PostStartHook:
        return self._hook(storage_for)
