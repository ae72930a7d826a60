"""Structural defaulting (apiextensions schema/defaulting: Default and PruneNonNullableNullsWithoutDefaults).

Upstream applies defaults when a custom resource is decoded (request bodies and reads from
storage): a property that is missing, or null where the schema does not allow null, gets a
deep copy of its default; additionalProperties values and array items that are null get
their schema's default. Nulls the schema does not allow and cannot default are dropped
first. Defaults are themselves pruned when the CRD is loaded (`prune_defaults`), so a
default never brings in an unknown field.
"""

from __future__ import annotations

import copy
from typing import Any

from . import pruning
from .structural import Structural


def _non_nullable_null(x: Any, s: Structural | None) -> bool:
    return x is None and s is not None and not s.nullable


def default(x: Any, s: Structural | None) -> None:
    """Apply defaults in place (upstream Default)."""
    if s is None:
        return
    if isinstance(x, dict):
        for key, prop in s.properties.items():
            if prop.has_default and (key not in x or _non_nullable_null(x[key], prop)):
                x[key] = copy.deepcopy(prop.default)
        for key, value in x.items():
            declared = s.properties.get(key)
            if declared is not None:
                default(value, declared)
            elif s.additional is not None:
                if value is None and not s.additional.nullable and s.additional.has_default:
                    value = x[key] = copy.deepcopy(s.additional.default)
                default(value, s.additional)
    elif isinstance(x, list) and s.items is not None:
        items = s.items
        for i, value in enumerate(x):
            if _non_nullable_null(value, items) and items.has_default:
                value = x[i] = copy.deepcopy(items.default)
            default(value, items)


def prune_non_nullable_nulls_without_defaults(x: Any, s: Structural | None) -> None:
    """Drop null fields whose schema neither allows null nor has a default."""
    if isinstance(x, dict):
        doomed = []
        for key, value in x.items():
            child = None
            if s is not None:
                child = s.properties.get(key) or s.additional
            if value is None and child is not None and not child.nullable and not child.has_default:
                doomed.append(key)
            else:
                prune_non_nullable_nulls_without_defaults(value, child)
        for key in doomed:
            del x[key]
    elif isinstance(x, list):
        items = s.items if s is not None else None
        for value in x:
            prune_non_nullable_nulls_without_defaults(value, items)


def prune_defaults(s: Structural | None) -> None:
    """Prune every default against its own schema, once, when the CRD is loaded (PruneDefaults)."""
    if s is None:
        return
    if s.has_default:
        pruned = copy.deepcopy(s.default)
        pruning.prune(pruned, s, s.embedded, track=False)
        s.default = pruned
    prune_defaults(s.items)
    prune_defaults(s.additional)
    for prop in s.properties.values():
        prune_defaults(prop)


def has_defaults(s: Structural | None) -> bool:
    """Whether any default exists below s (so defaulting can be skipped outright)."""
    if s is None:
        return False
    if s.has_default:
        return True
    return has_defaults(s.items) or has_defaults(s.additional) or any(has_defaults(p) for p in s.properties.values())
