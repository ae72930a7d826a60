"""Which fields differ between two values of a type (structured-merge-diff typed/compare.go).

A comparison sorts every path into removed (only on the left), added (only on the right)
or modified (on both, different). Scalars and atomic lists and maps are compared whole;
granular maps and associative lists are walked, and a container that appears or
disappears is itself added or removed along with everything below it. Associative lists
that hold duplicate keys compare those items as one atomic group.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import value as values
from .fieldpath import Path, PathElement, Set, element_string
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


@dataclass(slots=True)
class Comparison:
    removed: Set = field(default_factory=Set)
    modified: Set = field(default_factory=Set)
    added: Set = field(default_factory=Set)

    def is_same(self) -> bool:
        return self.removed.empty() and self.modified.empty() and self.added.empty()

    def filter(self, exclude: Set | None) -> Comparison:
        """upstream Comparison.FilterFields with an exclude-set filter (reset fields)."""
        if exclude is None or exclude.empty():
            return self
        return Comparison(
            self.removed.recursive_difference(exclude),
            self.modified.recursive_difference(exclude),
            self.added.recursive_difference(exclude),
        )


def compare(lhs: Any, rhs: Any, atom: Atom) -> Comparison:
    """Compare two values of atom; ValidationError for values the walk cannot read."""
    walker = _Walker()
    walker.compare(lhs, rhs, atom, ())
    if walker.errors:
        raise ValidationError(walker.errors)
    return walker.result


class _Walker:
    __slots__ = ("errors", "result")

    def __init__(self) -> None:
        self.result = Comparison()
        self.errors: list[tuple[str, str]] = []

    def compare(self, lhs: Any, rhs: Any, atom: Atom, path: Path) -> None:
        if lhs is MISSING and rhs is MISSING:
            self.errors.append((_p(path), "at least one of lhs and rhs must be provided"))
            return
        kl = deduce(atom, lhs)
        kr = deduce(atom, rhs)
        if rhs is MISSING:
            in_leaf = self.handle(kl, lhs, rhs, atom, path)
        elif lhs is MISSING or kl == kr:
            in_leaf = self.handle(kr, lhs, rhs, atom, path)
        else:
            self.handle(kl, lhs, rhs, atom, path)
            in_leaf = self.handle(kr, lhs, rhs, atom, path)
        if not in_leaf:
            if lhs is MISSING:
                self.result.added.insert(path)
            elif rhs is MISSING:
                self.result.removed.insert(path)

    def handle(self, kind: str, lhs: Any, rhs: Any, atom: Atom, path: Path) -> bool:
        """Compare by one side of the atom; True when the node was compared as a leaf."""
        if kind == MAP:
            return self.do_map(atom.map, lhs, rhs, path)  # type: ignore[arg-type]
        if kind == SCALAR:
            right = validate_scalar(atom.scalar, rhs, "rhs: ")  # type: ignore[arg-type]
            if right:  # one valid side is enough
                left = validate_scalar(atom.scalar, lhs, "lhs: ")  # type: ignore[arg-type]
                if left:
                    self.errors.extend([(_p(path), left), (_p(path), right)])
                    return False
            self.leaf(lhs, rhs, path)
            return True
        if kind == LIST:
            return self.do_list(atom.list, lhs, rhs, path)  # type: ignore[arg-type]
        self.errors.append((_p(path), invalid_atom(atom)))
        return False

    def leaf(self, lhs: Any, rhs: Any, path: Path) -> None:
        if lhs is MISSING:
            self.result.added.insert(path)
        elif rhs is MISSING:
            self.result.removed.insert(path)
        elif not values.equals(rhs, lhs):
            self.result.modified.insert(path)

    def do_map(self, mt: MapType, lhs: Any, rhs: Any, path: Path) -> bool:
        left = lhs if isinstance(lhs, dict) else None
        right = rhs if isinstance(rhs, dict) else None
        if mt.relationship == ATOMIC or (not left and not right):
            self.leaf(lhs, rhs, path)
            return True
        fields, element = mt.fields, mt.element
        left = left or {}
        right = right or {}
        for key, item in left.items():
            sub = fields.get(key) or element or EMPTY
            self.compare(item, right.get(key, MISSING), sub, path + (key,))
        for key, item in right.items():
            if key not in left:
                sub = fields.get(key) or element or EMPTY
                self.compare(MISSING, item, sub, path + (key,))
        return False

    def do_list(self, lt: ListType, lhs: Any, rhs: Any, path: Path) -> bool:
        left = lhs if isinstance(lhs, list) else None
        right = rhs if isinstance(rhs, list) else None
        if lt.relationship == ATOMIC or (not left and not right):
            self.leaf(lhs, rhs, path)
            return True
        self.list_items(lt, left or [], right or [], path)
        return False

    def list_items(self, lt: ListType, left: list[Any], right: list[Any], path: Path) -> None:
        order: list[PathElement] = []
        lvalues: dict[PathElement, list[Any]] = {}
        rvalues: dict[PathElement, list[Any]] = {}
        for side, index in ((left, lvalues), (right, rvalues)):
            for i, item in enumerate(side):
                try:
                    pe = list_item_element(lt, item)
                except ValueError as exc:
                    self.errors.append((_p(path), f"element {i}: {exc}"))
                    continue
                found = index.get(pe)
                if found is None:
                    index[pe] = [item]
                    if index is lvalues or pe not in lvalues:
                        order.append(pe)
                else:
                    found.append(item)
        for pe in order:
            litems = lvalues.get(pe, ())
            ritems = rvalues.get(pe, ())
            child = path + (pe,)
            if len(litems) <= 1 and len(ritems) <= 1:
                self.compare(
                    litems[0] if litems else MISSING, ritems[0] if ritems else MISSING, lt.element, child
                )
            elif len(litems) >= 2 and len(ritems) >= 2:
                if len(litems) != len(ritems) or not all(values.equals(a, b) for a, b in zip(litems, ritems)):
                    self.result.modified.insert(child)
            elif len(litems) >= 2:
                if ritems:
                    self.compare(MISSING, ritems[0], lt.element, child)
                self.result.removed.insert(child)
            else:
                if litems:
                    self.compare(litems[0], MISSING, lt.element, child)
                self.result.added.insert(child)


def _p(path: Path) -> str:
    return "".join(element_string(pe) for pe in path)
