"""Cost of a CEL rule: the static estimate a CRD must pass, and the runtime charge.

Upstream estimates with cel-go's checker cost model (k8s.io/apiserver pkg/cel/library
cost.go on top of cel-go checker/cost.go): identifiers and selections cost 1, most calls
1 plus their arguments, string traversals 0.1 per byte, regex matching 0.25 per byte of
input times the pattern, list and map literals 10 and 30, and a comprehension its range
plus, per element, its body. Sizes come from the schema (maxLength, maxItems,
maxProperties, or what fits in a 3 MiB request). This module follows that model; figures
are close to upstream's rather than identical, which matters only near a limit.

At run time the evaluator reports no cost, so each rule is charged its static minimum
plus, for every comprehension over a path from `self`, the actual number of elements
times the per-element cost. That keeps upstream's per-call limit and per-object budget
meaningful: a rule iterating a huge list is stopped; a rule over small data is not.
"""

from __future__ import annotations

import math
from typing import Any

from .parser import Node

STRING_TRAVERSAL = 0.1
REGEX_FACTOR = 0.25
LIST_CREATE = 10
MAP_CREATE = 30
_TRAVERSING = frozenset(("contains", "startsWith", "endsWith", "_+_", "_==_", "_!=_", "_<_", "_<=_", "_>_", "_>=_",
                         "charAt", "indexOf", "lastIndexOf", "lowerAscii", "upperAscii", "replace", "split",
                         "substring", "trim", "join", "reverse", "quote", "strings.quote", "url", "isURL", "quantity",
                         "isQuantity", "ip", "isIP", "cidr", "isCIDR", "semver", "isSemver", "validate", "format",
                         "sum", "min", "max", "isSorted", "sets.contains", "sets.equivalent", "sets.intersects"))


def _size(node: Node) -> int:
    typ = node.type
    if typ is None:
        return 1
    if node.kind == "lit" and isinstance(node.value, (str, bytes)):
        return len(node.value)
    if node.kind in ("list", "map"):
        return len(node.args) + len(node.entries)
    return typ.max_elements if typ.max_elements else 1


def estimate(node: Node) -> tuple[int, int]:
    """(min, max) estimated cost of evaluating node."""
    kind = node.kind
    if kind == "lit":
        return 0, 0
    if kind == "ident":
        return 1, 1
    if kind == "select":
        assert node.target is not None
        lo, hi = estimate(node.target)
        return lo + 1, hi + 1
    if kind == "list":
        parts = [estimate(a) for a in node.args]
        return LIST_CREATE + sum(p[0] for p in parts), LIST_CREATE + sum(p[1] for p in parts)
    if kind == "map":
        parts = [estimate(x) for k, v, _ in node.entries for x in (k, v)]
        return MAP_CREATE + sum(p[0] for p in parts), MAP_CREATE + sum(p[1] for p in parts)
    if kind == "macro":
        return _macro(node)
    return _call(node)


def _macro(node: Node) -> tuple[int, int]:
    if node.value == "bind":
        init, result = estimate(node.args[0]), estimate(node.args[1])
        return init[0] + result[0], init[1] + result[1]
    assert node.target is not None
    rng = estimate(node.target)
    n = _size(node.target)
    body = [estimate(a) for a in node.args]
    sum(b[0] for b in body) + 1
    step_hi = sum(b[1] for b in body) + (3 if node.value in ("map", "filter") else 2)
    return rng[0], _cap(rng[1] + n * step_hi)


def _call(node: Node) -> tuple[int, int]:
    name = node.value
    parts = [estimate(a) for a in node.args]
    if node.target is not None:
        parts.insert(0, estimate(node.target))
    lo = sum(p[0] for p in parts)
    hi = sum(p[1] for p in parts)
    if name in ("_&&_", "_||_"):
        return min(p[0] for p in parts), hi
    if name == "_?_:_":
        return parts[0][0] + min(parts[1][0], parts[2][0]), parts[0][1] + max(parts[1][1], parts[2][1])
    subjects = ([node.target] if node.target is not None else []) + list(node.args)
    if name in ("matches", "find", "findAll"):
        text = math.ceil(_size(subjects[0]) * STRING_TRAVERSAL)
        pattern = math.ceil((_size(subjects[1]) if len(subjects) > 1 else 1) * REGEX_FACTOR)
        return lo + 1, _cap(hi + text * pattern)
    if name == "contains" and len(subjects) == 2:
        return lo + 1, _cap(hi + math.ceil(_size(subjects[0]) * STRING_TRAVERSAL)
                            * math.ceil(_size(subjects[1]) * STRING_TRAVERSAL))
    if name in ("startsWith", "endsWith") and len(subjects) == 2:
        return lo + 1, _cap(hi + math.ceil(_size(subjects[1]) * STRING_TRAVERSAL))
    if name in ("_==_", "_!=_") and len(subjects) == 2 and all(s.type is not None and s.type.kind in ("string", "bytes")
                                                                for s in subjects):
        return lo + 1, _cap(hi + math.ceil(min(_size(s) for s in subjects) * STRING_TRAVERSAL))
    if name in _TRAVERSING:
        traversed = max((_size(s) for s in subjects), default=1)
        return lo + 1, _cap(hi + 1 + math.ceil(traversed * STRING_TRAVERSAL))
    return lo + 1, hi + 1


def _cap(value: float) -> int:
    return int(min(value, 2**64 - 1))


def self_path(node: Node | None) -> tuple[str, ...] | None:
    """The keys from `self` a selection chain reads (`self.spec.items` -> ("spec", "items"))."""
    keys: list[str] = []
    while node is not None and node.kind == "select" and not node.test_only and not node.optional:
        keys.append(node.var or node.value)
        node = node.target
    if node is not None and node.kind == "ident" and node.value == "self":
        return tuple(reversed(keys))
    return None


Plan = tuple[int, list[Any]]


def _self_macro(node: Node) -> bool:
    return node.kind == "macro" and node.value != "bind" and self_path(node.target) is not None


def _without_self_macros(node: Node) -> int:
    """The max cost of node, leaving out comprehensions over self paths (charged by actual size)."""
    if _self_macro(node):
        return 0
    if node.kind in ("lit", "ident"):
        return estimate(node)[1]
    children = [c for c in (node.target, *node.args, *(x for k, v, _ in node.entries for x in (k, v))) if c is not None]
    if any(_self_macro(c) or _contains_self_macro(c) for c in children):
        return sum(_without_self_macros(c) for c in children) + 1
    return estimate(node)[1]


def _contains_self_macro(node: Node) -> bool:
    children = [c for c in (node.target, *node.args, *(x for k, v, _ in node.entries for x in (k, v))) if c is not None]
    return any(_self_macro(c) or _contains_self_macro(c) for c in children)


def _collect(node: Node) -> list[Any]:
    """The outermost comprehensions over self paths below node, each with its own nested ones."""
    if _self_macro(node):
        step = sum(_without_self_macros(a) for a in node.args) + 2
        nested = [entry for a in node.args for entry in _collect(a)]
        return [(self_path(node.target), step, nested)]
    out: list[Any] = []
    for child in (node.target, *node.args, *(x for k, v, _ in node.entries for x in (k, v))):
        if child is not None:
            out += _collect(child)
    return out


def runtime_plan(root: Node) -> Plan:
    """What a rule is charged at run time: a fixed part, and per-element parts of comprehensions
    whose range is a path from self."""
    return min(estimate(root)[0], _without_self_macros(root)), _collect(root)


def _lookup(value: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _entries_cost(entries: list[Any], self_value: Any) -> int:
    total = 0
    for path, step, nested in entries:
        value = _lookup(self_value, path)
        if isinstance(value, (list, dict, str)):
            total += len(value) * (step + _entries_cost(nested, self_value))
    return total


def runtime_cost(plan: Plan, self_value: Any) -> int:
    fixed, entries = plan
    return fixed + _entries_cost(entries, self_value)
