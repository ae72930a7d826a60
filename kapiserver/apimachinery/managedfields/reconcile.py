"""Bringing a stored field set in line with the current schema (structured-merge-diff
typed/reconcile_schema.go).

A manager that owned the children of a list or map that has since become atomic now owns
the atomic field alone: its paths below it are replaced by the field itself. (The other
direction, atomic to granular, needs nothing: the field stays owned as a whole.) Field
sets written by this server always match the schema, so this usually returns None.
"""

from __future__ import annotations

from .fieldpath import Path, PathElement, Set
from .schema import ATOMIC, DEDUCED, UNTYPED, Atom, MapType


def reconcile_field_set(fieldset: Set, atom: Atom) -> Set | None:
    """The reconciled set, or None when nothing had to change (remembered on the set:
    managedFields decoded once are reconciled once)."""
    memo = fieldset.memo
    if memo is None:
        memo = fieldset.memo = {}
    found = memo.get("reconciled")
    if found is not None and found[0] is atom:
        return found[1]  # type: ignore[no-any-return]
    result = _reconcile(fieldset, atom)
    memo["reconciled"] = (atom, result)
    return result


def _reconcile(fieldset: Set, atom: Atom) -> Set | None:
    to_remove = Set()
    to_add = Set()
    _walk(fieldset, atom, (), False, to_remove, to_add)
    if to_remove.empty() and to_add.empty():
        return None
    return fieldset.recursive_difference(to_remove).union(to_add)


def _walk(node: Set | None, atom: Atom, path: Path, is_atomic: bool, to_remove: Set, to_add: Set) -> None:
    if atom.map is not None:
        mt = atom.map
        if _untyped_deduced_map(mt):
            return
        if not is_atomic and mt.relationship == ATOMIC:
            if node is not None and not node.empty():
                to_remove.insert(path)
                to_add.insert(path)
            return
        if node is not None:
            for pe, child, member in _elements(node):
                sub = _field_type(mt, pe)
                if sub is not None:
                    _walk(child, sub, path + (pe,), member and child is None, to_remove, to_add)
        return
    if atom.scalar is not None:
        return
    if atom.list is not None:
        lt = atom.list
        if not is_atomic and lt.relationship == ATOMIC:
            to_remove.insert(path)
            to_add.insert(path)
            return
        if node is not None:
            for pe, child, member in _elements(node):
                _walk(child, lt.element, path + (pe,), member and child is None, to_remove, to_add)


def _elements(node: Set) -> list[tuple[PathElement, Set | None, bool]]:
    out: list[tuple[PathElement, Set | None, bool]] = [
        (pe, child, False) for pe, child in node.children.items() if pe not in node.members
    ]
    out += [(pe, node.children.get(pe), True) for pe in node.members]
    return out


def _field_type(mt: MapType, pe: PathElement) -> Atom | None:
    """upstream typeRefAtPath: the struct field's type, else the element type (None: unknown)."""
    if type(pe) is str:
        found = mt.fields.get(pe)
        if found is not None:
            return found
    return mt.element


def _untyped_deduced_map(mt: MapType) -> bool:
    element = mt.element
    if element is None or mt.fields:
        return False
    if element.name:
        return element is DEDUCED or element.name == DEDUCED.name
    return element.scalar == UNTYPED
