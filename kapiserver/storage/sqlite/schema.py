"""The on-disk layout: one log table, one row per change (kine's design).

`rev` is the revision. A delete is a row with deleted=1 carrying the key's last value.
The newest row of a key is its current state; older rows are history until compacted.
"""

from __future__ import annotations

import sqlite3

SCHEMA_VERSION = 1

STATEMENTS = (
    """CREATE TABLE IF NOT EXISTS log (
        rev INTEGER PRIMARY KEY AUTOINCREMENT,
        key TEXT NOT NULL,
        deleted INTEGER NOT NULL,
        create_rev INTEGER NOT NULL,
        prev_rev INTEGER NOT NULL,
        expires REAL NOT NULL DEFAULT 0,
        value BLOB NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS log_key_rev ON log (key, rev)",
    "CREATE INDEX IF NOT EXISTS log_expires ON log (expires) WHERE expires > 0",
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
)


def connect(path: str, writer: bool) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30.0)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA busy_timeout=30000")
    if writer:
        for statement in STATEMENTS:
            conn.execute(statement)
        conn.execute("INSERT OR IGNORE INTO meta (name, value) VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
        conn.execute("INSERT OR IGNORE INTO meta (name, value) VALUES ('compact_rev', 0)")
    return conn


CURRENT_ROW = "SELECT rev, deleted, create_rev, expires, value FROM log WHERE key = ? ORDER BY rev DESC LIMIT 1"

# A key's newest row as of a revision: what readers see (the writer may have committed past it).
ROW_AT = ("SELECT rev, deleted, create_rev, expires, value FROM log WHERE key = ? AND rev <= ? "
          "ORDER BY rev DESC LIMIT 1")

# Live keys in a range as of a revision: the newest row per key at or before it, not a delete.
LIST_AT = """
SELECT l.key, l.rev, l.create_rev, l.expires, l.value FROM log AS l
JOIN (SELECT MAX(rev) AS rev FROM log WHERE key >= ? AND key < ? AND rev <= ? GROUP BY key) AS m
  ON l.rev = m.rev
WHERE l.deleted = 0 ORDER BY l.key
"""

COUNT_AT = """
SELECT COUNT(*) FROM log AS l
JOIN (SELECT MAX(rev) AS rev FROM log WHERE key >= ? AND key < ? AND rev <= ? GROUP BY key) AS m
  ON l.rev = m.rev
WHERE l.deleted = 0
"""

HISTORY = """
SELECT l.key, l.rev, l.value, l.deleted, l.create_rev, p.value FROM log AS l
LEFT JOIN log AS p ON p.rev = l.prev_rev
WHERE l.rev > ? AND l.key >= ? AND l.key < ? ORDER BY l.rev
"""

EXPIRED = """
SELECT l.key, l.rev, l.create_rev, l.expires, l.value FROM log AS l
WHERE l.expires > 0 AND l.expires <= ? AND l.deleted = 0
  AND l.rev = (SELECT MAX(rev) FROM log WHERE key = l.key)
"""

# Drop every row at or before the revision except each key's newest one there, unless that is a delete.
COMPACT = """
DELETE FROM log WHERE rev <= ?1 AND (
  deleted = 1 OR rev NOT IN (SELECT MAX(rev) FROM log WHERE rev <= ?1 GROUP BY key)
)
"""
