"""Validation rules the apps workloads share (upstream pkg/apis/apps/validation helpers).

Selectors, int-or-percent rollout knobs and non-negative counters, over plain dicts. Bad
values render as upstream's JSON of the Go value: `json_labels` and `json_selector` give
maps sorted and a metav1.LabelSelector in its field order, `go_struct` builds internal
structs (no json tags: Go field names, nil pointers as null).
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import field, labels, metav1_validation, objectmeta, validation
from kapiserver.apimachinery.types import Object
from kapiserver.registry.core.podspec.access import semantic_equal

STRICT_SELECTOR = metav1_validation.LabelSelectorValidationOptions()
CANNOT_BE_GREATER = "cannot be greater than status.replicas"


def nonnegative(value: Any, path: field.Path) -> field.ErrorList:
    """upstream ValidateNonnegativeField over a JSON number (missing = 0)."""
    number = value if isinstance(value, int) and not isinstance(value, bool) else 0
    return objectmeta.validate_nonnegative_field(number, path)


def as_int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


# -- rendering bad values as upstream's JSON does -------------------------------------------


def json_labels(value: Any) -> Any:
    """A map[string]string as Go marshals it: keys sorted, nil stays null."""
    if not isinstance(value, dict):
        return None
    return {key: value[key] for key in sorted(value)}


def json_selector(value: Any) -> Any:
    """A *metav1.LabelSelector as Go marshals it (matchLabels, then matchExpressions; omitempty)."""
    if not isinstance(value, dict):
        return None
    out: Object = {}
    if value.get("matchLabels"):
        out["matchLabels"] = json_labels(value["matchLabels"])
    expressions = []
    for expr in value.get("matchExpressions") or []:
        item: Object = {"key": (expr or {}).get("key", ""), "operator": (expr or {}).get("operator", "")}
        if (expr or {}).get("values"):
            item["values"] = list(expr["values"])
        expressions.append(item)
    if expressions:
        out["matchExpressions"] = expressions
    return out


def go_struct(**fields: Any) -> Object:
    """An internal Go struct as json.Marshal writes it (fields in declaration order)."""
    return dict(fields)


# -- selectors ----------------------------------------------------------------------------


def validate_required_selector(selector: Any, path: field.Path, kind_word: str) -> field.ErrorList:
    """Deployments, replicasets and statefulsets: required, strictly valid, not empty."""
    if selector is None:
        return [field.required(path, "")]
    sel = selector if isinstance(selector, dict) else {}
    errs = metav1_validation.validate_label_selector(sel, STRICT_SELECTOR, path)
    if not sel.get("matchLabels") and not sel.get("matchExpressions"):
        errs.append(field.invalid(path, json_selector(sel), f"empty selector is invalid for {kind_word}"))
    return errs


def parse_selector(selector: Any) -> labels.Selector | None:
    """LabelSelectorAsSelector: None when it fails (nil selects nothing)."""
    try:
        return labels.selector_from_label_selector(selector if isinstance(selector, dict) else None)
    except labels.SelectorError:
        return None


# -- int or percent -----------------------------------------------------------------------


def _percent(value: Any) -> int | None:
    if isinstance(value, str) and not validation.is_valid_percent(value):
        return int(value[:-1])
    return None


def int_or_percent_value(value: Any) -> int:
    """upstream getIntOrPercentValue: the percent number, the int, or Atoi of a string (0)."""
    percent = _percent(value)
    if percent is not None:
        return percent
    if isinstance(value, str):
        try:
            return int(value, 10)
        except ValueError:
            return 0
    return as_int(value)


def validate_positive_int_or_percent(value: Any, path: field.Path) -> field.ErrorList:
    if isinstance(value, str):
        return [field.invalid(path, value, msg) for msg in validation.is_valid_percent(value)]
    return nonnegative(value, path)


def not_more_than_100_percent(value: Any, path: field.Path) -> field.ErrorList:
    percent = _percent(value)
    if percent is None or percent <= 100:
        return []
    return [field.invalid(path, value, "must not be greater than 100%")]


# -- status -------------------------------------------------------------------------------


def collision_count_decremented(status: Object, old_status: Object, path: field.Path) -> field.ErrorList:
    """upstream IsDecremented on status.collisionCount (nil after a value counts as 0)."""
    new = status.get("collisionCount")
    old = old_status.get("collisionCount")
    if old is None:
        return []
    if new is None or as_int(new) < as_int(old):
        return [field.invalid(path.child("collisionCount"), as_int(new), "cannot be decremented")]
    return []


def not_greater(status: Object, names: tuple[str, ...], limit: str, path: field.Path,
                message: str = CANNOT_BE_GREATER) -> field.ErrorList:
    """Each of names must not exceed status[limit]."""
    bound = as_int(status.get(limit))
    return [field.invalid(path.child(name), as_int(status.get(name)), message)
            for name in names if as_int(status.get(name)) > bound]


# -- generation -----------------------------------------------------------------------------


def bump_generation_if_changed(obj: Object, old: Object, *keys: str) -> None:
    """metadata.generation + 1 when a top-level field changed semantically (upstream compares
    with apiequality.Semantic, for which nil and empty collections are equal)."""
    if any(not semantic_equal(obj.get(key), old.get(key)) for key in keys):
        old_meta = old.get("metadata") or {}
        obj.setdefault("metadata", {})["generation"] = as_int(old_meta.get("generation")) + 1
