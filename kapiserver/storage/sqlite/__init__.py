"""The embedded default backend: one SQLite file in the data directory (kine's log table).

Writes go through one writer thread that commits them in batches (group commit: one
fsync for every write queued meanwhile), in WAL mode with synchronous=FULL, and are
acknowledged only after the commit; reads run on other threads over their own
connections. Nothing blocking ever runs on the event loop.
"""

from .log import SqliteLog, new_sqlite_store

__all__ = ["SqliteLog", "new_sqlite_store"]
