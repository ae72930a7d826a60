"""Storage for every resource from one configured backend (upstream storagebackend/factory
plus the cacher wiring of generic.RESTOptions).

One backend instance serves every resource of the process (as one etcd client does); each
resource gets a watch cache over it unless --watch-cache=false.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .cacher import Cacher
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
    watch_cache: bool = True


def new_backend(config: StorageConfig) -> LogStructuredStore:
    if config.backend == "memory":
        return LogStructuredStore(MemoryLog(), config.compaction_interval)
    if config.backend == "sqlite":
        return LogStructuredStore(SqliteLog(os.path.join(config.data_dir, DB_FILE)), config.compaction_interval)
    raise ValueError(f"unsupported storage backend {config.backend!r}")


class StorageFactory:
    """Owns the backend and the per-resource watch caches: start() before use, close() at exit."""

    def __init__(self, config: StorageConfig):
        self.config = config
        self.backend = new_backend(config)
        self._cachers: dict[str, Cacher] = {}

    async def start(self) -> None:
        await self.backend.start()

    def storage_for(self, key_root: str) -> Storage:
        if not self.config.watch_cache:
            return self.backend
        cacher = self._cachers.get(key_root)
        if cacher is None:
            cacher = self._cachers[key_root] = Cacher(self.backend, key_root)
        return cacher

    async def close(self) -> None:
        for cacher in self._cachers.values():
            await cacher.close()
        await self.backend.close()
