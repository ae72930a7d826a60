"""Storage errors (upstream k8s.io/apiserver/pkg/storage/errors.go), free of HTTP and Status.

The registry translates them (`registry.store` interpret_*_error, as upstream's storeerr does):

    code                      meaning                               becomes
    KEY_NOT_FOUND             no object at the key                  404 NotFound
    KEY_EXISTS                create over an existing key           409 AlreadyExists
    RESOURCE_VERSION_CONFLICTS compare-and-swap lost a race         409 Conflict
    INVALID_OBJ               a precondition failed                 409 Conflict
    UNREACHABLE / TIMEOUT     the backend did not answer            500 ServerTimeout
    CORRUPT_OBJ               a stored value cannot be decoded      500 InternalError
"""

from __future__ import annotations

KEY_NOT_FOUND = 1
KEY_EXISTS = 2
RESOURCE_VERSION_CONFLICTS = 3
INVALID_OBJ = 4
UNREACHABLE = 5
TIMEOUT = 6
CORRUPT_OBJ = 7

_MESSAGES = {
    KEY_NOT_FOUND: "key not found",
    KEY_EXISTS: "key exists",
    RESOURCE_VERSION_CONFLICTS: "resource version conflicts",
    INVALID_OBJ: "invalid object",
    UNREACHABLE: "server unreachable",
    TIMEOUT: "request timeout",
    CORRUPT_OBJ: "corrupt object",
}


class StorageError(Exception):
    def __init__(self, code: int, key: str, resource_version: int = 0, detail: str | None = None):
        self.code = code
        self.key = key
        self.resource_version = resource_version
        self.detail = detail
        super().__init__(str(self))

    def __str__(self) -> str:
        extra = self.detail if self.detail is not None else "<nil>"
        return (f"StorageError: {_MESSAGES[self.code]}, Code: {self.code}, Key: {self.key}, "
                f"ResourceVersion: {self.resource_version}, AdditionalErrorMsg: {extra}")


def key_not_found(key: str, rv: int = 0) -> StorageError:
    return StorageError(KEY_NOT_FOUND, key, rv)


def key_exists(key: str, rv: int = 0) -> StorageError:
    return StorageError(KEY_EXISTS, key, rv)


def conflict(key: str, rv: int = 0) -> StorageError:
    return StorageError(RESOURCE_VERSION_CONFLICTS, key, rv)


def invalid_obj(key: str, message: str) -> StorageError:
    return StorageError(INVALID_OBJ, key, 0, message)


def corrupt_obj(key: str, message: str) -> StorageError:
    return StorageError(CORRUPT_OBJ, key, 0, message)


def unreachable(key: str, message: str) -> StorageError:
    return StorageError(UNREACHABLE, key, 0, message)


class ResourceVersionTooOld(Exception):
    """A read or watch asked for a revision that compaction already removed (upstream 410 Gone)."""

    def __init__(self, requested: int, compacted: int):
        self.requested = requested
        self.compacted = compacted
        super().__init__(f"too old resource version: {requested} ({compacted})")


class CacheResourceVersionTooOld(ResourceVersionTooOld):
    """A watch from before the watch cache's window (upstream watchCache.getAllEventsSinceLocked);
    `compacted` is the revision the window starts at. Clients see the cache's own wording for it,
    where a backend without a cache answers as etcd does."""


class ResourceVersionTooLarge(Exception):
    """A read asked for a revision the store has not reached (upstream "Too large resource version")."""

    def __init__(self, requested: int, current: int):
        self.requested = requested
        self.current = current
        super().__init__(f"Too large resource version: {requested}, current: {current}")


class ContinueExpired(Exception):
    """A continue token points at a compacted revision; `token` continues at the newest one."""

    def __init__(self, token: str):
        super().__init__("continue token expired")
        self.token = token


class InvalidContinue(ValueError):
    """A continue token that cannot be decoded or does not belong to this list."""


class InvalidResourceVersion(ValueError):
    """A resourceVersion that is not a revision number."""
