"""Values read through a schema (structured-merge-diff typed): validation and field sets.

A typed value is a JSON value with the Atom it must conform to. Walks pick, at every
node, which side of a (possibly untyped) atom applies to the value (`deduce`: a map value
uses the atom's map, a scalar its scalar, a list its list; a value that fits none, or
null, falls back to the first of map, scalar, list the atom has).

`validate` reports what upstream's `AsTyped` reports, in its words ("field not declared in
schema", "duplicate entries for key [name=\"a\"]", "expected string, got ..."), each
prefixed with its path. `to_field_set` lists every leaf and item a value mentions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import value as values
from .fieldpath import KEY, VALUE, Path, PathElement, Set, element_string, index_element
from .schema import ASSOCIATIVE, ATOMIC, BOOLEAN, EMPTY, NUMERIC, STRING, UNTYPED, Atom, ListType, MapType

MISSING = values.MISSING

MAP, SCALAR, LIST = "map", "scalar", "list"


class ValidationError(ValueError):
    """Errors found walking a value; str() is upstream's ValidationErrors.Error()."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors
        super().__init__(self.render())

    def render(self) -> str:
        lines = [f"{path}: {message}" if path else message for path, message in self.errors]
        if len(lines) == 1:
            return lines[0]
        return "\n".join(["errors:"] + ["  " + line for line in lines])


@dataclass(slots=True)
class TypedValue:
    """A value with its type (upstream typed.TypedValue). `value` may be MISSING (no object)."""

    value: Any
    atom: Atom


def deduce(atom: Atom, v: Any) -> str:
    """Which side of the atom handles v (upstream deduceAtom + handleAtom's order)."""
    if isinstance(v, dict):
        if atom.map is not None:
            return MAP
    elif isinstance(v, list):
        if atom.list is not None:
            return LIST
    elif v is not None and v is not MISSING and atom.scalar is not None:
        return SCALAR
    if atom.map is not None:
        return MAP
    if atom.scalar is not None:
        return SCALAR
    if atom.list is not None:
        return LIST
    return ""


def invalid_atom(atom: Atom) -> str:
    return (
        f"schema error: invalid atom: named type: {atom.name}"
        if atom.name
        else "schema error: invalid atom: inlined"
    )


def validate_scalar(kind: str, v: Any, prefix: str = "") -> str | None:
    """upstream validateScalar: None when v (absent or null allowed) fits the scalar kind."""
    if v is MISSING or v is None:
        return None
    if kind == NUMERIC:
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return f"{prefix}expected numeric (int or float), got {values.go_type(v)}"
    elif kind == STRING:
        if not isinstance(v, str):
            return f"{prefix}expected string, got {values.sharp_v(v)}"
    elif kind == BOOLEAN:
        if not isinstance(v, bool):
            return f"{prefix}expected boolean, got {values.plain_v(v)}"
    elif kind == UNTYPED:
        if not values.is_scalar(v):
            return f"{prefix}expected any scalar, got {values.plain_v(v)}"
    else:
        return f"{prefix}unexpected scalar type in schema: {kind}"
    return None


def key_default(lt: ListType, name: str) -> Any:
    element = lt.element.map
    if element is None:
        raise ValueError("associative list may not have non-map types")
    return element.defaults.get(name, MISSING)


def list_item_element(lt: ListType, item: Any) -> PathElement:
    """The path element of an associative-list item; ValueError with upstream's message."""
    if lt.relationship != ASSOCIATIVE:
        raise ValueError("invalid indexing of non-associative list")
    if lt.keys:
        if item is None:
            raise ValueError("associative list with keys may not have a null element")
        if not isinstance(item, dict):
            raise ValueError("associative list with keys may not have non-map elements")
        fields = []
        for name in lt.keys:
            found = item.get(name, MISSING)
            if found is MISSING:
                try:
                    found = key_default(lt, name)
                except ValueError as exc:
                    raise ValueError(f"couldn't find default value for {name}: {exc}") from None
                if found is MISSING or found is None:
                    continue
            fields.append((name, values.freeze(found)))
        if not fields:
            keys = "[" + " ".join(f'"{k}"' for k in lt.keys) + "]"
            raise ValueError(
                f"associative list with keys has an element that omits all key fields {keys} "
                "(and doesn't have default values for any key fields)"
            )
        fields.sort()
        return (KEY, tuple(fields))
    if isinstance(item, dict):
        raise ValueError("associative list without keys has an element that's a map type")  # noqa: TRY004
    if isinstance(item, list):
        raise ValueError("not supported: associative list with lists as elements")  # noqa: TRY004
    if item is None:
        raise ValueError("associative list without keys has an element that's an explicit null")
    return (VALUE, values.freeze(item))


def _go_value(v: Any) -> str:
    return values.plain_v(v)


# --- validation ------------------------------------------------------------------------------


def validate(v: Any, atom: Atom, allow_duplicates: bool = False) -> None:
    """Raise ValidationError listing every way v does not conform to atom (upstream AsTyped)."""
    errors: list[tuple[str, str]] = []
    _validate(v, atom, allow_duplicates, "", errors)
    if errors:
        raise ValidationError(errors)


def _validate(v: Any, atom: Atom, dups: bool, prefix: str, errors: list[tuple[str, str]]) -> None:
    kind = deduce(atom, v)
    if kind == MAP:
        _validate_map(v, atom.map, dups, prefix, errors)  # type: ignore[arg-type]
    elif kind == SCALAR:
        message = validate_scalar(atom.scalar, v)  # type: ignore[arg-type]
        if message:
            errors.append((prefix, message))
    elif kind == LIST:
        _validate_list(v, atom.list, dups, prefix, errors)  # type: ignore[arg-type]
    else:
        errors.append((prefix, invalid_atom(atom)))


def _validate_map(v: Any, mt: MapType, dups: bool, prefix: str, errors: list[tuple[str, str]]) -> None:
    if v is None:
        return
    if v is MISSING:
        errors.append((prefix, "expected map, got nil"))
        return
    if not isinstance(v, dict):
        errors.append((prefix, f"expected map, got {_go_value(v)}"))
        return
    fields, element = mt.fields, mt.element
    for key, item in v.items():
        sub = fields.get(key)
        if sub is None:
            if element is None:
                errors.append((prefix + "." + key, "field not declared in schema"))
                return
            sub = element
        _validate(item, sub, dups, prefix + "." + key, errors)


def _validate_list(v: Any, lt: ListType, dups: bool, prefix: str, errors: list[tuple[str, str]]) -> None:
    if v is None:
        return
    if not isinstance(v, list):
        errors.append((prefix, f"expected list, got {_go_value(v)}"))
        return
    associative = lt.relationship == ASSOCIATIVE
    seen: set[PathElement] = set()
    for i, item in enumerate(v):
        if not associative:
            pe: PathElement = index_element(i)
        else:
            try:
                pe = list_item_element(lt, item)
            except ValueError as exc:
                errors.append((prefix, f"element {i}: {exc}"))
                return
            if pe in seen and not dups:
                errors.append((prefix, f"duplicate entries for key {element_string(pe)}"))
            seen.add(pe)
        _validate(item, lt.element, dups, prefix + element_string(pe), errors)


# --- field sets ------------------------------------------------------------------------------


def to_field_set(v: Any, atom: Atom) -> Set:
    """Every leaf field and list item v mentions (upstream TypedValue.ToFieldSet)."""
    root = Set()
    _fields(v, atom, root, None)
    return root


def _fields(v: Any, atom: Atom, parent: Set, pe: PathElement | None) -> None:
    """Record v, found at pe under parent (pe None at the root)."""
    kind = deduce(atom, v)
    if kind == SCALAR:
        if pe is not None:
            parent.members.add(pe)
        return
    if kind == LIST:
        lt: ListType = atom.list  # type: ignore[assignment]
        if lt.relationship == ATOMIC:
            if pe is not None:
                parent.members.add(pe)
            return
        if isinstance(v, list):
            node = _child(parent, pe)
            _list_fields(v, lt, node)
            _prune(parent, pe)
        return
    if kind == MAP:
        mt: MapType = atom.map  # type: ignore[assignment]
        if mt.relationship == ATOMIC:
            if pe is not None:
                parent.members.add(pe)
            return
        if isinstance(v, dict):
            node = _child(parent, pe)
            fields = mt.fields
            for key, item in v.items():
                sub = fields.get(key)
                declared = sub is not None
                if sub is None:
                    sub = mt.element or EMPTY
                _fields(item, sub, node, key)
                if item is None or (isinstance(item, dict) and not item) or not declared:
                    node.members.add(key)
            _prune(parent, pe)


def _list_fields(v: list[Any], lt: ListType, node: Set) -> None:
    elements = []
    seen: set[PathElement] = set()
    duplicates: set[PathElement] = set()
    for item in v:
        pe = list_item_element(lt, item)
        elements.append(pe)
        if pe in seen:
            if pe not in duplicates:
                node.members.add(pe)
                duplicates.add(pe)
        else:
            seen.add(pe)
    for item, pe in zip(v, elements):
        if pe in duplicates:
            continue
        _fields(item, lt.element, node, pe)
        node.members.add(pe)


def _child(parent: Set, pe: PathElement | None) -> Set:
    if pe is None:
        return parent
    node = parent.children.get(pe)
    if node is None:
        node = parent.children[pe] = Set()
    return node


def _prune(parent: Set, pe: PathElement | None) -> None:
    if pe is not None:
        node = parent.children.get(pe)
        if node is not None and not node.members and not node.children:
            del parent.children[pe]


def ensure_named_fields_are_members(s: Set, atom: Atom | None) -> Set:
    """Make every struct field that has children also a member (upstream
    Set.EnsureNamedFieldsAreMembers), so that removing the set removes those fields."""
    mt = atom.map if atom is not None else None
    lt = atom.list if atom is not None else None
    members = set(s.members)
    children = {}
    for pe, child in s.children.items():
        sub: Atom | None = None
        if type(pe) is str and mt is not None:
            sub = mt.fields.get(pe)
            if sub is not None:
                members.add(pe)
            else:
                sub = mt.element
        elif type(pe) is not str and pe[0] == KEY and lt is not None:
            sub = lt.element
        children[pe] = ensure_named_fields_are_members(child, sub)
    return Set(members, children)


def path_prefix(path: Path) -> str:
    return "".join(element_string(pe) for pe in path)
