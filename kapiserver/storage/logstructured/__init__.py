"""A Storage over an ordered log of changes (kine's logstructured design, in one process).

The log assigns revisions and applies compare-and-swap writes; `LogStructuredStore`
adds what the apiserver needs on top: object encoding, preconditions, retries, paging,
TTLs, compaction and watch fan-out. Published events follow commit order exactly,
because the log reports each committed batch once, in order, on the event loop.
"""

from .log import Change, Log, Row, WriteOp, WriteResult
from .store import LogStructuredStore

__all__ = ["Change", "Log", "LogStructuredStore", "Row", "WriteOp", "WriteResult"]
