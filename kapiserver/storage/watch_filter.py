"""Selector filtering of watch events, shared by the log-structured store and the watch cache."""

from __future__ import annotations

from kapiserver.apimachinery.types import Object

from .interface import Predicate, WatchEvent


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
