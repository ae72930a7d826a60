"""Merging an applied configuration into a value, and removing items from one
(structured-merge-diff typed/merge.go and typed/remove.go).

`merge(lhs, rhs)` keeps rhs at every leaf both sides have (scalars, atomic lists and maps
are leaves), never removes anything, and orders associative lists as upstream does: the
items rhs mentions follow rhs's order, the others keep their place relative to them. Maps
keep lhs's key order and append keys only rhs has (upstream's maps are unordered; this
keeps unchanged objects byte-identical).

`remove_items(v, set)` drops the map fields and list items named by the set; a map or list
left empty becomes null, as upstream's walker leaves it.
"""

from __future__ import annotations

from typing import Any

from .fieldpath import PathElement, Set, element_string
from .schema import ATOMIC, EMPTY, Atom, ListType, MapType
from .typed import (
    LIST,
    MAP,
    MISSING,
    SCALAR,
    ValidationError,
    deduce,
    invalid_atom,
    list_item_element,
    validate_scalar,
)


def merge(lhs: Any, rhs: Any, atom: Atom) -> Any:
    """The merge of rhs into lhs (either may be MISSING); MISSING when both are."""
    errors: list[tuple[str, str]] = []
    out = _merge(lhs, rhs, atom, errors, "")
    if errors:
        raise ValidationError(errors)
    return out


def _merge(lhs: Any, rhs: Any, atom: Atom, errors: list[tuple[str, str]], where: str) -> Any:
    if lhs is MISSING and rhs is MISSING:
        errors.append((where, "at least one of lhs and rhs must be provided"))
        return MISSING
    kind = deduce(atom, lhs if rhs is MISSING else rhs)
    if kind == MAP:
        return _merge_map(atom.map, lhs, rhs, errors, where)  # type: ignore[arg-type]
    if kind == SCALAR:
        left = validate_scalar(atom.scalar, lhs, "lhs: ")  # type: ignore[arg-type]
        right = validate_scalar(atom.scalar, rhs, "rhs: ")  # type: ignore[arg-type]
        if left and right:
            errors.extend([(where, left), (where, right)])
            return MISSING
        return rhs if rhs is not MISSING else lhs
    if kind == LIST:
        return _merge_list(atom.list, lhs, rhs, errors, where)  # type: ignore[arg-type]
    errors.append((where, invalid_atom(atom)))
    return MISSING


def _merge_map(mt: MapType, lhs: Any, rhs: Any, errors: list[tuple[str, str]], where: str) -> Any:
    left = lhs if isinstance(lhs, dict) else None
    right = rhs if isinstance(rhs, dict) else None
    if mt.relationship == ATOMIC or (not left and not right):
        return rhs if rhs is not MISSING else lhs
    fields, element = mt.fields, mt.element
    out: dict[str, Any] = {}
    if left:
        for key, item in left.items():
            theirs = right.get(key, MISSING) if right else MISSING
            merged = _merge(item, theirs, fields.get(key) or element or EMPTY, errors, where + "." + key)
            if merged is not MISSING:
                out[key] = merged
    if right:
        for key, item in right.items():
            if left is None or key not in left:
                merged = _merge(MISSING, item, fields.get(key) or element or EMPTY, errors, where + "." + key)
                if merged is not MISSING:
                    out[key] = merged
    return out if out else MISSING


def _index(
    lt: ListType, items: list[Any], allow_duplicates: bool, errors: list[tuple[str, str]], where: str
) -> tuple[list[PathElement], dict[PathElement, Any]]:
    elements: list[PathElement] = []
    observed: dict[PathElement, Any] = {}
    for i, item in enumerate(items):
        try:
            pe = list_item_element(lt, item)
        except ValueError as exc:
            errors.append((where, f"element {i}: {exc}"))
            continue
        if pe in observed:
            if not allow_duplicates:
                errors.append((where, "duplicate entries for key " + element_string(pe)))
                continue
            observed[pe] = None  # duplicated items are not merged with the new value
        else:
            observed[pe] = item
        elements.append(pe)
    return elements, observed


def _merge_list(lt: ListType, lhs: Any, rhs: Any, errors: list[tuple[str, str]], where: str) -> Any:
    left = lhs if isinstance(lhs, list) else None
    right = rhs if isinstance(rhs, list) else None
    if lt.relationship == ATOMIC or (not left and not right):
        return rhs if rhs is not MISSING else lhs
    left = left or []
    right = right or []
    item_errors: list[tuple[str, str]] = []
    rpes, robserved = _index(lt, right, False, item_errors, where)
    lpes, lobserved = _index(lt, left, True, item_errors, where)
    if item_errors:
        errors.extend(item_errors)
        return MISSING
    shared = [pe for pe in rpes if pe in lobserved]
    shared_at = 0
    next_shared = shared[0] if shared else None
    merged_rhs: set[PathElement] = set()
    element = lt.element
    ignored: list[tuple[str, str]] = []  # upstream drops errors from inside list items
    out: list[Any] = []

    def take(l_item: Any, r_item: Any) -> None:
        merged = _merge(l_item, r_item, element, ignored, where)
        if merged is not MISSING:
            out.append(merged)

    li = ri = 0
    nl, nr = len(lpes), len(rpes)
    while li < nl or ri < nr:
        if li < nl and ri < nr:
            pe = lpes[li]
            if pe == rpes[ri]:
                merged_rhs.add(pe)
                take(lobserved.get(pe, MISSING), robserved[pe])
                li += 1
                ri += 1
                shared_at += 1
                next_shared = shared[shared_at] if shared_at < len(shared) else None
                continue
            if pe in robserved and next_shared is not None and next_shared != pe:
                li += 1
                continue
        if li < nl:
            pe = lpes[li]
            if pe not in robserved:
                take(left[li], MISSING)  # the item itself: a duplicate keeps every copy
                li += 1
                continue
            if pe in merged_rhs:
                li += 1
        if ri < nr:
            pe = rpes[ri]
            merged_rhs.add(pe)
            take(lobserved.get(pe, MISSING), robserved[pe])
            ri += 1
            if next_shared is not None and next_shared == pe:
                shared_at += 1
                next_shared = shared[shared_at] if shared_at < len(shared) else None
    return out if out else MISSING


# --- removal ---------------------------------------------------------------------------------


def remove_items(v: Any, to_remove: Set, atom: Atom) -> Any:
    """v without the fields and items the set names (upstream TypedValue.RemoveItems)."""
    if v is MISSING:
        return MISSING
    return _remove(v, to_remove, atom)


def _remove(v: Any, to_remove: Set, atom: Atom) -> Any:
    kind = deduce(atom, v)
    if kind == SCALAR:
        return v
    if kind == LIST:
        lt: ListType = atom.list  # type: ignore[assignment]
        if not isinstance(v, list) or not v or lt.relationship == ATOMIC:
            return None
        out = []
        members, children = to_remove.members, to_remove.children
        for item in v:
            pe = list_item_element(lt, item)
            if pe in members:
                continue
            below = children.get(pe)
            if below is not None and not below.empty():
                item = _remove(item, below, lt.element)
            out.append(item)
        return out if out else None
    if kind == MAP:
        mt: MapType = atom.map  # type: ignore[assignment]
        if not isinstance(v, dict) or not v or mt.relationship == ATOMIC:
            return None
        result = {}
        members, children = to_remove.members, to_remove.children
        fields, element = mt.fields, mt.element
        for key, item in v.items():
            if key in members:
                continue
            below = children.get(key)
            if below is not None and not below.empty():
                item = _remove(item, below, fields.get(key) or element or EMPTY)
            result[key] = item
        return result if result else None
    return None
