"""Field paths and sets of them (sigs.k8s.io/structured-merge-diff fieldpath).

A path element selects a child: a field of a map (`.name`), the item of an associative
list with the given key fields (`[name="c"]`), the member of a set (`[="a"]`), or an
index of an atomic list (`[0]`). A field name, by far the most common element, is the
plain `str`; the three others are tuples `(KEY, ((name, frozen), ...))`,
`(VALUE, frozen)` and `(INDEX, int)`. Elements sort as upstream's `PathElement.Compare`
sorts them (fields, then keys, values, indexes); `sort_key` gives that order.

A `Set` is a trie: `members` are the elements that end a path at this level, `children`
the sets below an element. Operations return new sets and may share unchanged subtrees
with their inputs, so a set must not be mutated once it has been handed to anyone
(`insert` is for building a fresh set).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, TypeAlias

from . import value as values

KEY, VALUE, INDEX = 1, 2, 3

PathElement: TypeAlias = str | tuple[Any, ...]
Path: TypeAlias = tuple[PathElement, ...]


def key_element(fields: Iterable[tuple[str, Any]]) -> PathElement:
    """The element of an associative-list item, from its key fields' names and JSON values."""
    return (KEY, tuple(sorted((name, values.freeze(v)) for name, v in fields)))


def value_element(value: Any) -> PathElement:
    return (VALUE, values.freeze(value))


def index_element(index: int) -> PathElement:
    return (INDEX, index)


def sort_key(pe: PathElement) -> tuple[Any, ...]:
    return (0, pe) if isinstance(pe, str) else pe


def element_string(pe: PathElement) -> str:
    """`PathElement.String()`: `.name`, `[k=v,...]`, `[=v]`, `[i]`."""
    if isinstance(pe, str):
        return "." + pe
    tag = pe[0]
    if tag == KEY:
        return "[" + ",".join(f"{name}={values.to_string(values.thaw(v))}" for name, v in pe[1]) + "]"
    if tag == VALUE:
        return f"[={values.to_string(values.thaw(pe[1]))}]"
    return f"[{pe[1]}]"


def path_string(path: Iterable[PathElement]) -> str:
    return "".join(element_string(pe) for pe in path)


def make_path(*parts: Any) -> Path:
    """A path from field names (str) and indexes (int), for tests and fixed sets."""
    return tuple(
        part if isinstance(part, str) else index_element(part) if isinstance(part, int) else part
        for part in parts
    )


class Set:
    """A set of field paths (upstream fieldpath.Set)."""

    __slots__ = ("children", "members", "memo")

    def __init__(
        self, members: set[PathElement] | None = None, children: dict[PathElement, Set] | None = None
    ):
        self.members: set[PathElement] = members if members is not None else set()
        self.children: dict[PathElement, Set] = children if children is not None else {}
        self.memo: dict[str, Any] | None = None
        """Values derived from the set, cached by whoever computes them (a set does not
        change once it is shared)."""

    @classmethod
    def of(cls, *paths: Iterable[PathElement]) -> Set:
        out = cls()
        for path in paths:
            out.insert(path)
        return out

    def __repr__(self) -> str:
        return f"Set({[path_string(p) for p in self.iterate()]})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Set) and self.equals(other)

    __hash__ = None  # type: ignore[assignment]

    # -- building ---------------------------------------------------------------------------

    def insert(self, path: Iterable[PathElement]) -> None:
        """Add a path. Only for a set nobody else holds yet."""
        elements = tuple(path)
        if not elements:
            return
        node = self
        for pe in elements[:-1]:
            child = node.children.get(pe)
            if child is None:
                child = node.children[pe] = Set()
            node = child
        node.members.add(elements[-1])

    def copy(self) -> Set:
        return Set(set(self.members), {pe: child.copy() for pe, child in self.children.items()})

    # -- queries ----------------------------------------------------------------------------

    def empty(self) -> bool:
        if self.members:
            return False
        return all(child.empty() for child in self.children.values())

    def size(self) -> int:
        return len(self.members) + sum(child.size() for child in self.children.values())

    def has(self, path: Iterable[PathElement]) -> bool:
        elements = tuple(path)
        if not elements:
            return False
        node: Set | None = self
        for pe in elements[:-1]:
            node = node.children.get(pe)  # type: ignore[union-attr]
            if node is None:
                return False
        return elements[-1] in node.members  # type: ignore[union-attr]

    def with_prefix(self, pe: PathElement) -> Set:
        child = self.children.get(pe)
        return child if child is not None else Set()

    def equals(self, other: Set) -> bool:
        if self.members != other.members or self.children.keys() != other.children.keys():
            return False
        return all(child.equals(other.children[pe]) for pe, child in self.children.items())

    def iterate(self, prefix: Path = ()) -> Iterator[Path]:
        """Every path, in upstream's order: this level's members sorted, then each child's."""
        for pe in sorted(self.members, key=sort_key):
            yield prefix + (pe,)
        for pe in sorted(self.children, key=sort_key):
            yield from self.children[pe].iterate(prefix + (pe,))

    def __iter__(self) -> Iterator[Path]:
        return self.iterate()

    def string(self) -> str:
        return "\n".join(path_string(p) for p in self.iterate())

    # -- algebra (results may share subtrees with the operands) -----------------------------

    def union(self, other: Set) -> Set:
        if not other.members and not other.children:
            return self
        if not self.members and not self.children:
            return other
        children = dict(self.children)
        for pe, child in other.children.items():
            mine = children.get(pe)
            children[pe] = child if mine is None else mine.union(child)
        return Set(self.members | other.members, children)

    def intersection(self, other: Set) -> Set:
        children = {}
        for pe, child in self.children.items():
            theirs = other.children.get(pe)
            if theirs is not None:
                both = child.intersection(theirs)
                if not both.empty():
                    children[pe] = both
        return Set(self.members & other.members, children)

    def difference(self, other: Set) -> Set:
        """Paths of self not in other; a child of other removes only the paths it holds."""
        if not other.members and not other.children:
            return self
        children = {}
        for pe, child in self.children.items():
            theirs = other.children.get(pe)
            if theirs is None:
                children[pe] = child
            else:
                rest = child.difference(theirs)
                if not rest.empty():
                    children[pe] = rest
        return Set(self.members - other.members, children)

    def recursive_difference(self, other: Set) -> Set:
        """Like difference, but a member of other also removes everything below it."""
        children = {}
        for pe, child in self.children.items():
            if pe in other.members:
                continue
            theirs = other.children.get(pe)
            if theirs is None:
                children[pe] = child
            else:
                rest = child.recursive_difference(theirs)
                if not rest.empty():
                    children[pe] = rest
        return Set(self.members - other.members, children)

    def leaves(self) -> Set:
        """Only the members that have no children (upstream Set.Leaves)."""
        return Set(self.members - self.children.keys(), {pe: c.leaves() for pe, c in self.children.items()})


def empty_set() -> Set:
    return Set()
