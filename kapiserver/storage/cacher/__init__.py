"""The watch cache (upstream k8s.io/apiserver/pkg/storage/cacher): a Storage decorator per
resource that keeps every object and a window of recent events in memory.

It serves watches (each event is filtered per watcher but serialized once for all of them),
consistent lists and resourceVersion="0" reads from memory; writes, paged lists and exact
reads of old revisions go to the backend. It starts on first use, so start-up stays fast.
"""

from .cacher import Cacher

__all__ = ["Cacher"]
