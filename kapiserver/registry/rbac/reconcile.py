"""Bootstrap reconciliation (upstream k8s.io/component-helpers/auth/rbac/reconciliation).

Pure functions: given the stored object (or None) and the expected bootstrap object, say
what to write. Reconciliation only ever adds: missing rules, aggregation selectors, subjects,
labels and annotations; what users added stays. An object annotated
`rbac.authorization.kubernetes.io/autoupdate: "false"` is left alone entirely. A binding
whose roleRef differs is deleted and recreated (roleRef is immutable).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from kapiserver.apimachinery import meta
from kapiserver.apimachinery.types import Object

from .covers import covers

AUTOUPDATE_ANNOTATION = "rbac.authorization.kubernetes.io/autoupdate"


class Operation(enum.Enum):
    NONE = "none"
    CREATE = "create"
    UPDATE = "update"
    RECREATE = "recreate"


@dataclass(slots=True)
class Result:
    obj: Object
    operation: Operation
    protected: bool = False
    missing: list[Any] = field(default_factory=list)


def _merge(expected: dict[str, str] | None, existing: dict[str, str] | None) -> dict[str, str]:
    """Expected first, existing wins (upstream merge with later maps taking precedence)."""
    return {**(expected or {}), **(existing or {})}


def _protected(existing: Object) -> bool:
    return (existing.get("metadata", {}).get("annotations") or {}).get(AUTOUPDATE_ANNOTATION) == "false"


def _merge_metadata(result: Object, existing: Object, expected: Object) -> bool:
    """Merge labels and annotations into `result`; True when that changed anything."""
    changed = False
    meta_out = result.setdefault("metadata", {})
    old_meta, want_meta = existing.get("metadata", {}), expected.get("metadata", {})
    for key in ("annotations", "labels"):
        merged = _merge(want_meta.get(key), old_meta.get(key))
        if merged != (old_meta.get(key) or {}):
            changed = True
        if merged:
            meta_out[key] = merged
    return changed


def _selectors(obj: Object) -> list[Object] | None:
    rule = obj.get("aggregationRule")
    if rule is None:
        return None
    return list((rule or {}).get("clusterRoleSelectors") or [])


def _uncovered_selectors(owner: list[Object] | None, servant: list[Object] | None) -> list[Object]:
    if servant is None:
        return []
    if owner is None:
        return list(servant)
    return [s for s in servant if not any(_semantic_equal(o, s) for o in owner)]


def _semantic_equal(a: Any, b: Any) -> bool:
    """equality.Semantic.DeepEqual: nil and empty slices or maps are the same."""
    if isinstance(a, dict) and isinstance(b, dict):
        keys = set(a) | set(b)
        return all(_semantic_equal(a.get(k), b.get(k)) for k in keys)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_semantic_equal(x, y) for x, y in zip(a, b))
    if a in (None, [], {}) and b in (None, [], {}):
        return True
    return bool(a == b)


def compute_reconciled_role(existing: Object | None, expected: Object) -> Result:
    if existing is None:
        return Result(meta.deep_copy(expected), Operation.CREATE, missing=list(expected.get("rules") or []))
    result = Result(meta.deep_copy(existing), Operation.NONE, _protected(existing))
    if _merge_metadata(result.obj, existing, expected):
        result.operation = Operation.UPDATE
    _, result.missing = covers(list(existing.get("rules") or []), list(expected.get("rules") or []))
    if result.missing:
        result.obj["rules"] = list(result.obj.get("rules") or []) + result.missing
        result.operation = Operation.UPDATE
    want, have = _selectors(expected), _selectors(existing)
    missing_selectors = _uncovered_selectors(have, want)
    if want is None and have is not None:
        result.obj.pop("aggregationRule", None)
        result.operation = Operation.UPDATE
    elif missing_selectors:
        result.obj["aggregationRule"] = {"clusterRoleSelectors": (have or []) + missing_selectors}
        result.operation = Operation.UPDATE
    return result


def _ref(obj: Object) -> tuple[str, str, str]:
    ref = obj.get("roleRef") or {}
    return (ref.get("apiGroup") or "", ref.get("kind") or "", ref.get("name") or "")


def _subject_key(subject: Object) -> tuple[str, str, str, str]:
    return (subject.get("kind") or "", subject.get("apiGroup") or "", subject.get("name") or "",
            subject.get("namespace") or "")


def compute_reconciled_binding(existing: Object | None, expected: Object) -> Result:
    if existing is None:
        return Result(meta.deep_copy(expected), Operation.CREATE, missing=list(expected.get("subjects") or []))
    if _ref(existing) != _ref(expected):
        return Result(meta.deep_copy(expected), Operation.RECREATE, _protected(existing))
    result = Result(meta.deep_copy(existing), Operation.NONE, _protected(existing))
    if _merge_metadata(result.obj, existing, expected):
        result.operation = Operation.UPDATE
    have = {_subject_key(s) for s in existing.get("subjects") or []}
    result.missing = [s for s in expected.get("subjects") or [] if _subject_key(s) not in have]
    if result.missing:
        result.obj["subjects"] = list(result.obj.get("subjects") or []) + result.missing
        result.operation = Operation.UPDATE
    return result
