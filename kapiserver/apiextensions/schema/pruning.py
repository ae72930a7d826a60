"""Dropping fields the structural schema does not specify (apiextensions schema/pruning).

Upstream prunes every custom resource on decode, and reports what it dropped for
fieldValidation=Warn/Strict. `x-kubernetes-preserve-unknown-fields` keeps unknown fields at
its level (and below, until a nested schema specifies properties again); the root and every
`x-kubernetes-embedded-resource` keep apiVersion, kind and metadata, whose own contents
objectmeta.py handles.
"""

from __future__ import annotations

from typing import Any

from .structural import Structural, as_resource_root

_META_FIELDS = frozenset(("apiVersion", "kind", "metadata"))


class _Pruner:
    __slots__ = ("track", "unknown")

    def __init__(self, track: bool):
        self.unknown: list[str] = []
        self.track = track

    def record(self, parent: str, key: str) -> None:
        if self.track:
            self.unknown.append(f"{parent}.{key}" if parent else key)

    def prune(self, x: Any, s: Structural | None, path: str) -> None:
        if s is not None and s.preserve_unknown:
            self.skip(x, s, path)
            return
        if isinstance(x, dict):
            if s is None:
                for key in list(x):
                    self.record(path, key)
                x.clear()
                return
            doomed = []
            for key, value in x.items():
                if s.embedded and key in _META_FIELDS:
                    continue
                prop = s.properties.get(key)
                child = f"{path}.{key}" if path else key
                if prop is not None:
                    self.prune(value, prop, child)
                elif s.additional_allowed:
                    self.prune(value, s.additional, child)
                else:
                    if key not in _META_FIELDS or path:
                        self.record(path, key)
                    doomed.append(key)
            for key in doomed:
                del x[key]
        elif isinstance(x, list):
            items = s.items if s is not None else None
            for i, value in enumerate(x):
                self.prune(value, items, f"{path}[{i}]")

    def skip(self, x: Any, s: Structural | None, path: str) -> None:
        """Below preserve-unknown-fields: keep unknown keys, prune inside specified ones."""
        if s is None:
            return
        if isinstance(x, dict):
            for key, value in x.items():
                if s.embedded and key in _META_FIELDS:
                    continue
                child = f"{path}.{key}" if path else key
                prop = s.properties.get(key)
                if prop is not None:
                    self.prune(value, prop, child)
                elif s.additional_allowed:
                    self.prune(value, s.additional, child)
        elif isinstance(x, list):
            for i, value in enumerate(x):
                self.skip(value, s.items, f"{path}[{i}]")


def prune(obj: Any, s: Structural | None, is_resource_root: bool, track: bool = True) -> list[str]:
    """Prune obj in place; returns the dropped fields' paths, sorted (upstream's order)."""
    if is_resource_root:
        s = as_resource_root(s)
    pruner = _Pruner(track)
    pruner.prune(obj, s, "")
    return sorted(pruner.unknown)


def needs_pruning(s: Structural | None) -> bool:
    """False when nothing below s could ever be pruned (preserve-unknown everywhere)."""
    return s is None or not s.preserve_unknown or bool(s.properties) or s.additional_allowed
