"""Watch event helpers shared by the log-structured store and the watch cache: selector
filtering and bookmarks."""

from __future__ import annotations

from kapiserver.apimachinery.types import Object

from .interface import Predicate, WatchEvent

# Marks the bookmark that ends the initial events of a watch-list (metav1.InitialEventsAnnotationKey).
INITIAL_EVENTS_END = "k8s.io/initial-events-end"


def bookmark(revision: int, initial_end: bool = False) -> WatchEvent:
    """A BOOKMARK carrying nothing but the revision (and the initial-events-end annotation)."""
    metadata: Object = {"resourceVersion": str(revision)}
    if initial_end:
        metadata["annotations"] = {INITIAL_EVENTS_END: "true"}
    return WatchEvent("BOOKMARK", {"metadata": metadata}, revision)


def with_revision(obj: Object, revision: int) -> Object:
    """A shallow copy whose metadata carries another revision (shared parts stay shared)."""
    return {**obj, "metadata": {**obj.get("metadata", {}), "resourceVersion": str(revision)}}


def filter_event(event: WatchEvent, predicate: Predicate) -> WatchEvent | None:
    """Apply a selector to a change, turning entries and exits into ADDED and DELETED (as upstream)."""
    if predicate.empty or event.type in ("BOOKMARK", "ERROR"):
        return event
    if event.type == "DELETED":
        return event if predicate.matches(event.prev_object or event.object) else None
    now_matches = predicate.matches(event.object)
    before = event.prev_object
    was_matching = before is not None and event.type == "MODIFIED" and predicate.matches(before)
    if now_matches and was_matching:
        return event
    if now_matches:
        return WatchEvent("ADDED", event.object, event.revision, before, event.key)
    if was_matching and before is not None:
        return WatchEvent("DELETED", with_revision(before, event.revision), event.revision, before, event.key)
    return None
