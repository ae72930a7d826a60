"""The few behaviours of the Go runtime that the patch engines' answers depend on.

kube-apiserver's patch code is Go operating on `map[string]interface{}` trees, and some of
what it answers comes straight from the Go runtime rather than from the patch logic:
error texts print values with `fmt`'s `%v` and `%s` and types with `reflect`, scalar lists
are sorted by their `%v` text, `==` on interface values never equates an int64 with a
float64 (nor, in Python terms, `True` with `1`), and `sort.SliceStable` is a particular
insertion-sort-plus-SymMerge algorithm whose result, with the non-strict orderings
strategic merge patch hands it, is observable. This module reproduces exactly those
behaviours over the values a JSON decoder produces (dict, list, str, int, float, bool,
None) so the engines can stay a readable transcription of upstream.

`GoPanic` stands for a Go runtime panic (comparing two maps with `==`, using one as a map
key, calling a method through a nil pointer): kube-apiserver answers those through its
panic recovery, not with a Status, so the engines raise it and nobody turns it into one.
"""

from __future__ import annotations

import decimal
import math
from collections.abc import Callable
from typing import Any


class GoPanic(RuntimeError):
    """A runtime panic in upstream's code for the same input."""


NIL_DEREFERENCE = "runtime error: invalid memory address or nil pointer dereference"


def type_name(value: Any) -> str:
    """`reflect.TypeOf(value).String()` for a decoded JSON value, as `%s` prints it.

    Integers are int64 because kube-apiserver decodes patches preserving integers; a nil
    interface has no type, which `%s` prints as `%!s(<nil>)`.
    """
    if value is None:
        return "%!s(<nil>)"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "map[string]interface {}"
    if isinstance(value, list):
        return "[]interface {}"
    return type(value).__name__


def format_float(value: float) -> str:
    """`%v` of a float64: strconv's shortest 'g' form, switching to an exponent at 1e+06."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    sign = "-" if value < 0 else ""
    digits_tuple = decimal.Decimal(repr(abs(value))).normalize().as_tuple()
    digits = "".join(str(d) for d in digits_tuple.digits)
    exponent = int(digits_tuple.exponent)
    point = len(digits) + exponent  # position of the decimal point in `digits`
    exp = point - 1
    if exp < -4 or exp >= 6:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return f"{sign}{digits[:point]}.{digits[point:]}"


def sprint(value: Any) -> str:
    """`fmt.Sprintf("%v", value)`: maps print `map[k:v ...]` with sorted keys, lists `[a b]`."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_float(value)
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{sprint(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, (list, tuple)):
        return "[" + " ".join(sprint(v) for v in value) + "]"
    return str(value)


def sprint_s(value: Any) -> str:
    """`fmt.Sprintf("%s", value)`: strings plainly, anything else as a `%!s(type=value)` complaint."""
    if value is None:
        return "%!s(<nil>)"
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{sprint_s(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(sprint_s(v) for v in value) + "]"
    return f"%!s({type_name(value)}={sprint(value)})"


def go_equal(left: Any, right: Any) -> bool:
    """`left == right` on two `interface{}` values: same dynamic type and value.

    Maps and slices are not comparable in Go; comparing two of them panics.
    """
    if type(left) is not type(right):
        return False
    if isinstance(left, (dict, list)):
        raise GoPanic(f"runtime error: comparing uncomparable type {type_name(left)}")
    return bool(left == right)


def deep_equal(left: Any, right: Any) -> bool:
    """`reflect.DeepEqual` over decoded JSON: like `==`, but an int never equals a float or bool."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(deep_equal(v, right[k]) for k, v in left.items())
    if isinstance(left, list):
        return len(left) == len(right) and all(deep_equal(a, b) for a, b in zip(left, right))
    return bool(left == right)


def hash_key(value: Any) -> tuple[type, Any]:
    """The identity of `value` as a key of a Go `map[interface{}]...`; maps and slices panic."""
    if isinstance(value, (dict, list)):
        raise GoPanic(f"runtime error: hash of unhashable type {type_name(value)}")
    return (type(value), value)


def quote(text: str) -> str:
    """`%q` of a string."""
    return go_quote(text)


def stable_sort(items: list[Any], less: Callable[[Any, Any], bool]) -> None:
    """`sort.SliceStable(items, less)` in place, with Go's exact algorithm.

    With a strict weak ordering any stable sort gives the same answer; strategic merge
    patch passes orderings that are not (an element missing from the reference order is
    "less" than everything in both directions), so the sequence of comparisons matters:
    insertion sort over blocks of 20, then SymMerge of ever larger blocks.
    """
    n = len(items)
    block = 20
    start, end = 0, block
    while end <= n:
        _insertion_sort(items, less, start, end)
        start, end = end, end + block
    _insertion_sort(items, less, start, n)
    while block < n:
        start, end = 0, 2 * block
        while end <= n:
            _sym_merge(items, less, start, start + block, end)
            start, end = end, end + 2 * block
        middle = start + block
        if middle < n:
            _sym_merge(items, less, start, middle, n)
        block *= 2


def _insertion_sort(items: list[Any], less: Callable[[Any, Any], bool], a: int, b: int) -> None:
    for i in range(a + 1, b):
        j = i
        while j > a and less(items[j], items[j - 1]):
            items[j], items[j - 1] = items[j - 1], items[j]
            j -= 1


def _sym_merge(items: list[Any], less: Callable[[Any, Any], bool], a: int, m: int, b: int) -> None:
    if m - a == 1:
        i, j = m, b
        while i < j:
            h = (i + j) // 2
            if less(items[h], items[a]):
                i = h + 1
            else:
                j = h
        for k in range(a, i - 1):
            items[k], items[k + 1] = items[k + 1], items[k]
        return
    if b - m == 1:
        i, j = a, m
        while i < j:
            h = (i + j) // 2
            if not less(items[m], items[h]):
                i = h + 1
            else:
                j = h
        for k in range(m, i, -1):
            items[k], items[k - 1] = items[k - 1], items[k]
        return
    mid = (a + b) // 2
    n = mid + m
    if m > mid:
        start, r = n - b, mid
    else:
        start, r = a, m
    p = n - 1
    while start < r:
        c = (start + r) // 2
        if not less(items[p - c], items[c]):
            start = c + 1
        else:
            r = c
    end = n - start
    if start < m < end:
        _rotate(items, start, m, end)
    if a < start < mid:
        _sym_merge(items, less, a, start, mid)
    if mid < end < b:
        _sym_merge(items, less, mid, end, b)


def _rotate(items: list[Any], a: int, m: int, b: int) -> None:
    """Go's block-swap rotation of items[a:m] and items[m:b]; the result equals a slice rotation."""
    items[a:b] = items[m:b] + items[a:m]


def go_quote(text: str) -> str:
    """Go's %q / strconv.Quote for a string, which upstream messages use for values."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\a":
            out.append("\\a")
        elif ch == "\b":
            out.append("\\b")
        elif ch == "\f":
            out.append("\\f")
        elif ch == "\v":
            out.append("\\v")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif not ch.isprintable():
            out.append(f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)
