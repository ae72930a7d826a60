"""The storage contract (upstream k8s.io/apiserver/pkg/storage.Interface).

Keys are `/registry/<resource>/<namespace>/<name>` strings; values are object dicts.
Revisions are one global, strictly increasing integer: an object's resourceVersion is the
revision of its last write, a list's is the revision it was read at. Backends set
`metadata.resourceVersion` on everything they return and never store it.

Objects returned by a backend may be shared with other readers (watch caches, watchers):
callers must not mutate them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from kapiserver.apimachinery.types import Object

from . import errors

EventType = Literal["ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR"]


@dataclass(frozen=True, slots=True)
class Preconditions:
    """Must hold for the stored object before an update or delete (metav1.Preconditions)."""

    uid: str | None = None
    resource_version: str | None = None

    def check(self, key: str, obj: Object) -> None:
        """Raise INVALID_OBJ (a 409 Conflict for the client) when obj does not satisfy them."""
        meta = obj.get("metadata", {})
        uid = meta.get("uid", "")
        if self.uid is not None and self.uid != uid:
            raise errors.invalid_obj(key, f"Precondition failed: UID in precondition: {self.uid}, "
                                     f"UID in object meta: {uid}")
        rv = meta.get("resourceVersion", "")
        if self.resource_version is not None and self.resource_version != rv:
            raise errors.invalid_obj(key, f"Precondition failed: ResourceVersion in precondition: "
                                     f"{self.resource_version}, ResourceVersion in object meta: {rv}")


@dataclass(frozen=True, slots=True)
class Predicate:
    """Which objects a list or watch returns (upstream SelectionPredicate), plus paging.

    `matcher` is None when everything matches; otherwise it decides from the object
    (the registry builds it from label and field selectors and the resource's field set).
    """

    matcher: Callable[[Object], bool] | None = None
    limit: int = 0
    continue_token: str = ""
    # Filled when the field selector pins one name: lets the backend read one key.
    exact_name: str | None = None

    @property
    def empty(self) -> bool:
        return self.matcher is None

    def matches(self, obj: Object) -> bool:
        return self.matcher is None or self.matcher(obj)


EVERYTHING = Predicate()

ResourceVersionMatch = Literal["", "NotOlderThan", "Exact"]


@dataclass(frozen=True, slots=True)
class ListOptions:
    """Options of get_list and watch (upstream storage.ListOptions).

    resource_version "" asks for the newest data (a consistent read); "0" for any data;
    a number for data at least that new (NotOlderThan) or exactly that revision (Exact).
    For watch, a number means "events after this revision"; "" and "0" start with the
    current state as ADDED events.
    """

    resource_version: str = ""
    resource_version_match: ResourceVersionMatch = ""
    predicate: Predicate = EVERYTHING
    recursive: bool = True
    allow_watch_bookmarks: bool = False
    send_initial_events: bool | None = None
    # Ask for BOOKMARK events carrying the newest revision even when nothing in range changed.
    progress_notify: bool = False
    # How long the watch will last (the request's timeout; 0: unknown). The watch cache sends a
    # watcher that allows bookmarks one shortly before then, as upstream's cacher does.
    timeout_seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class ListResult:
    items: list[Object]
    resource_version: int
    continue_token: str = ""
    remaining_item_count: int | None = None


@dataclass(frozen=True, slots=True)
class WatchEvent:
    """One change. `object` is shared and read-only; `prev_object` is what it replaced.

    `encoded` lets every watcher that sends this same event reuse one serialization of it
    (keyed by the encoding), as upstream's cachingObject does.
    """

    type: EventType
    object: Object
    revision: int
    prev_object: Object | None = None
    key: str = ""
    encoded: dict[str, bytes] = field(default_factory=dict, compare=False, repr=False)


# Given the current object (None when absent and allowed), return the object to store.
# May raise to abort the update; may be called more than once if a write races.
UpdateFunc = Callable[[Object | None], Awaitable[Object]]
# Called with the current object before a delete is committed; raises to refuse it.
ValidateDeletionFunc = Callable[[Object], Awaitable[None]]


class Storage(Protocol):
    async def create(self, key: str, obj: Object, ttl: int = 0) -> Object:
        """Store a new object; raises KEY_EXISTS if the key is taken."""

    async def get(self, key: str, resource_version: str = "", ignore_not_found: bool = False) -> Object | None:
        """The object at key; raises KEY_NOT_FOUND (or returns None with ignore_not_found)."""

    async def get_list(self, key: str, opts: ListOptions) -> ListResult:
        """Objects under a key prefix (recursive) or at one key, filtered and paged."""

    async def guaranteed_update(
        self,
        key: str,
        preconditions: Preconditions | None,
        try_update: UpdateFunc,
        ignore_not_found: bool = False,
        ttl: int = 0,
    ) -> Object:
        """Read-modify-write with retries on conflicting writes (upstream GuaranteedUpdate)."""

    async def delete(
        self,
        key: str,
        preconditions: Preconditions | None = None,
        validate_deletion: ValidateDeletionFunc | None = None,
    ) -> Object:
        """Remove the object and return its last state."""

    def watch(self, key: str, opts: ListOptions) -> AsyncIterator[WatchEvent]:
        """Changes under a key prefix from a revision on, in revision order, none lost."""

    async def count(self, key: str) -> int:
        """How many objects live under a key prefix."""

    async def current_revision(self) -> int:
        """The newest committed revision (upstream GetCurrentResourceVersion)."""

    async def compact(self, revision: int) -> None:
        """Forget history at or before revision, keeping each key's state at that revision."""

    async def close(self) -> None:
        """Flush and release the backend; later calls fail."""

