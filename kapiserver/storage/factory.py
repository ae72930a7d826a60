"""Storage backends from configuration (upstream storagebackend/factory).

One backend instance serves every resource of the process (as one etcd client does);
`storage_for` hands each resource its Storage.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .interface import Storage
from .logstructured import LogStructuredStore
from .memory import MemoryLog
from .sqlite import SqliteLog

DB_FILE = "kapiserver.db"


@dataclass(frozen=True, slots=True)
class StorageConfig:
    backend: str = "sqlite"
    data_dir: str = ".kapiserver"
    compaction_interval: float = 300.0


def new_backend(config: StorageConfig) -> LogStructuredStore:
    """Create (not start) the backend; the caller owns start() and close()."""
    if config.backend == "memory":
        return LogStructuredStore(MemoryLog(), config.compaction_interval)
    if config.backend == "sqlite":
        return LogStructuredStore(SqliteLog(os.path.join(config.data_dir, DB_FILE)), config.compaction_interval)
    raise ValueError(f"unsupported storage backend {config.backend!r}")


def storage_for(backend: Storage) -> Storage:
    """The Storage a resource uses: today the shared backend itself; a watch cache can wrap it here."""
    return backend
