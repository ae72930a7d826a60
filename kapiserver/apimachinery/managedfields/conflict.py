"""The 409 an apply answers when it would change fields other managers own
(upstream managedfields internal/conflict.go).

    Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .data.key

    Apply failed with 2 conflicts: conflicts with "a":
    - .data.x
    conflicts with "b" using v1:
    - .data.y

Managers print as their name, `with subresource "status"` when they wrote through one,
and, for updaters, `using <apiVersion>` (plus `at <time>` when the identifier has one).
Each conflict is also a cause of type FieldManagerConflict with the field's path.
"""

from __future__ import annotations

from .. import errors, golang, timefmt
from .fieldpath import Path, path_string
from .managed import UPDATE, parse_identifier
from .updater import Conflicts

CAUSE_TYPE = "FieldManagerConflict"


def print_manager(manager: str) -> str:
    info = parse_identifier(manager)
    if not info:
        return str(golang.quote(manager))
    text = str(golang.quote(str(info.get("manager") or "")))
    subresource = info.get("subresource") or ""
    if subresource:
        text += f" with subresource {golang.quote(str(subresource))}"
    if info.get("operation") == UPDATE:
        api_version = info.get("apiVersion") or ""
        when = info.get("time")
        if not when:
            return f"{text} using {api_version}"
        try:
            stamp = timefmt.format_time(timefmt.parse_time(str(when)))
        except (ValueError, OverflowError):
            stamp = str(when)
        return f"{text} using {api_version} at {stamp}"
    return text


def conflict_message(conflicts: Conflicts) -> str:
    items = conflicts.conflicts
    if len(items) == 1:
        only = items[0]
        return f"Apply failed with 1 conflict: conflict with {print_manager(only.manager)}: {path_string(only.path)}"
    by_manager: dict[str, list[Path]] = {}
    for c in items:
        by_manager.setdefault(c.manager, []).append(c.path)
    lines = []
    for manager in sorted(by_manager):
        lines.append(f"conflicts with {print_manager(manager)}:")
        lines += [f"- {path_string(p)}" for p in by_manager[manager]]
    return f"Apply failed with {len(items)} conflicts: " + "\n".join(lines)


def new_conflict_error(conflicts: Conflicts) -> errors.StatusError:
    """upstream NewConflictError: 409 Conflict with one FieldManagerConflict cause per field."""
    causes = [
        {
            "reason": CAUSE_TYPE,
            "message": f"conflict with {print_manager(c.manager)}",
            "field": path_string(c.path),
        }
        for c in conflicts.conflicts
    ]
    return errors.apply_conflict(causes, conflict_message(conflicts))
