"""The Kubernetes CEL library functions the evaluator lacks (k8s.io/apiserver pkg/cel/library, cel-go ext).

Each function is registered with the evaluator as `k8s_<name>` (dots become underscores)
and receives the receiver first. Values of Kubernetes' own CEL types (Quantity, IP, CIDR,
URL, Semver, a named format) cannot cross into the evaluator as Python objects, so they
travel as small maps `{"@k8s": kind, "v": canonical text}`: equal values compare equal,
and the checker has already made sure no rule can look inside them.

A function raises ValueError with upstream's message when upstream's returns an error.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from kapiserver.apimachinery import quantity as q

from .runtime import engine

_Fn = Callable[..., Any]
FUNCTIONS: dict[str, _Fn] = {}


def register(*names: str) -> Callable[[_Fn], _Fn]:
    def wrap(fn: _Fn) -> _Fn:
        for name in names:
            FUNCTIONS["k8s_" + name.replace(".", "_")] = fn
        return fn
    return wrap


def box(kind: str, value: str) -> dict[str, str]:
    return {"@k8s": kind, "v": value}


def unbox(value: Any) -> str:
    return str(value["v"]) if isinstance(value, dict) else str(value)


# -- core helpers and optionals ----------------------------------------------------------------

@register("size")
def _size(value: Any) -> int:
    return len(value)


@register("string")
def _string(value: Any) -> str:
    return str(unbox(value)) if isinstance(value, dict) else str(value)


@register("opt_select")
def _opt_select(target: Any, key: str) -> Any:
    if isinstance(target, engine().OptionalValue):
        if not target.has_value():
            return target
        target = target.value()
    if isinstance(target, dict) and key in target:
        return engine().OptionalValue.of(target[key])
    return engine().OptionalValue.none()


@register("opt_index")
def _opt_index(target: Any, key: Any) -> Any:
    if isinstance(target, engine().OptionalValue):
        if not target.has_value():
            return target
        target = target.value()
    if isinstance(target, dict):
        return engine().OptionalValue.of(target[key]) if key in target else engine().OptionalValue.none()
    if isinstance(target, list) and isinstance(key, int) and 0 <= key < len(target):
        return engine().OptionalValue.of(target[key])
    return engine().OptionalValue.none()


@register("opt_list")
def _opt_list(items: list[Any], optional: list[bool]) -> list[Any]:
    out = []
    for item, is_optional in zip(items, optional, strict=True):
        if not is_optional:
            out.append(item)
        elif item.has_value():
            out.append(item.value())
    return out


@register("opt_map")
def _opt_map(entries: list[list[Any]]) -> dict[Any, Any]:
    out = {}
    for key, value, is_optional in entries:
        if not is_optional:
            out[key] = value
        elif value.has_value():
            out[key] = value.value()
    return out


# -- extended strings (cel-go ext.Strings, version 2) ------------------------------------------

@register("charAt")
def _char_at(s: str, i: int) -> str:
    if i < 0 or i > len(s):
        raise ValueError(f"index out of range: {i}")
    return s[i] if i < len(s) else ""


@register("indexOf")
def _index_of(container: Any, sub: Any, offset: int = 0) -> int:
    if isinstance(container, list):
        for i, item in enumerate(container):
            if item == sub and type(item) is type(sub):
                return i
        return -1
    if offset < 0 or offset > len(container):
        raise ValueError(f"index out of range: {offset}")
    return int(container.find(sub, offset))


@register("lastIndexOf")
def _last_index_of(container: Any, sub: Any, offset: int | None = None) -> int:
    if isinstance(container, list):
        for i in range(len(container) - 1, -1, -1):
            if container[i] == sub and type(container[i]) is type(sub):
                return i
        return -1
    if offset is None:
        return int(container.rfind(sub))
    if offset < 0 or offset > len(container):
        raise ValueError(f"index out of range: {offset}")
    return int(container.rfind(sub, 0, offset + len(sub)))


@register("lowerAscii")
def _lower_ascii(s: str) -> str:
    return "".join(c.lower() if "A" <= c <= "Z" else c for c in s)


@register("upperAscii")
def _upper_ascii(s: str) -> str:
    return "".join(c.upper() if "a" <= c <= "z" else c for c in s)


@register("replace")
def _replace(s: str, old: str, new: str, n: int = -1) -> str:
    return s.replace(old, new, n if n >= 0 else -1)


@register("split")
def _split(s: str, sep: str, n: int = -1) -> list[str]:
    if n == 0:
        return []
    if sep == "":
        parts = list(s)
        if n > 0 and len(parts) > n:
            parts = parts[: n - 1] + ["".join(parts[n - 1:])]
        return parts
    return s.split(sep, n - 1) if n > 0 else s.split(sep)


@register("substring")
def _substring(s: str, start: int, end: int | None = None) -> str:
    end = len(s) if end is None else end
    if start < 0 or start > len(s):
        raise ValueError(f"index out of range: {start}")
    if end < 0 or end > len(s):
        raise ValueError(f"index out of range: {end}")
    if start > end:
        raise ValueError(f"invalid substring range. start: {start}, end: {end}")
    return s[start:end]


@register("trim")
def _trim(s: str) -> str:
    return s.strip()


@register("join")
def _join(items: list[str], sep: str = "") -> str:
    return sep.join(items)


@register("strings.quote")
def _quote(s: str) -> str:
    out = ['"']
    for ch in s:
        out.append({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\a": "\\a", "\b": "\\b",
                    "\f": "\\f", "\v": "\\v"}.get(ch, ch))
    return "".join(out) + '"'


@register("reverse")
def _reverse(s: Any) -> Any:
    return s[::-1]


@register("format")
def _format(fmt: str, args: list[Any]) -> str:
    values = iter(args)

    def sub(m: re.Match[str]) -> str:
        verb = m.group(2)
        if verb == "%":
            return "%"
        value = next(values)
        if verb == "d":
            return str(int(value))
        if verb == "f":
            precision = int(m.group(1)[1:]) if m.group(1) else 6
            return f"{float(value):.{precision}f}"
        if verb == "o":
            return format(int(value), "o")
        if verb == "b":
            return format(int(value), "b")
        if verb == "e":
            mantissa, _, exp = f"{float(value):.{int(m.group(1)[1:]) if m.group(1) else 6}e}".partition("e")
            sup = str.maketrans("0123456789-+", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺")
            exp_num = int(exp)
            return f"{mantissa}×10{'⁻' if exp_num < 0 else ''}{format(abs(exp_num), '02d').translate(sup)}"
        if verb in "xX":
            text = value.hex() if isinstance(value, bytes) else format(value, "x") if isinstance(value, int) \
                else str(value).encode().hex()
            return text.upper() if verb == "X" else text
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, dt.timedelta):
            return _go_duration_seconds(value)
        if isinstance(value, dt.datetime):
            return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
        return unbox(value) if isinstance(value, dict) and "@k8s" in value else str(value)

    return re.sub(r"%(\.\d+)?([sdfexXbo%])", sub, fmt)


def _go_duration_seconds(value: dt.timedelta) -> str:
    seconds = value.total_seconds()
    return f"{int(seconds)}s" if seconds == int(seconds) else f"{seconds:g}s"


# -- sets, lists, regex ----------------------------------------------------------------------------

@register("sets.contains")
def _sets_contains(a: list[Any], b: list[Any]) -> bool:
    return all(x in a for x in b)


@register("sets.equivalent")
def _sets_equivalent(a: list[Any], b: list[Any]) -> bool:
    return all(x in b for x in a) and all(x in a for x in b)


@register("sets.intersects")
def _sets_intersects(a: list[Any], b: list[Any]) -> bool:
    return any(x in b for x in a)


def _sort_key(value: Any) -> Any:
    return q.float_value(q.parse_quantity(value["v"])) if isinstance(value, dict) else value


@register("isSorted")
def _is_sorted(items: list[Any]) -> bool:
    keys = [_sort_key(x) for x in items]
    return all(keys[i] <= keys[i + 1] for i in range(len(keys) - 1))


@register("sum")
def _sum(items: list[Any]) -> Any:
    if not items:
        return 0
    total = items[0]
    for item in items[1:]:
        total = total + item
    return total


@register("min")
def _min(items: list[Any]) -> Any:
    if not items:
        raise ValueError("min(list) called on empty list")
    return min(items, key=_sort_key)


@register("max")
def _max(items: list[Any]) -> Any:
    if not items:
        raise ValueError("max(list) called on empty list")
    return max(items, key=_sort_key)


# -- ext lists (cel-go ext.Lists version 3) and two-variable comprehension helpers ------------

@register("lists.range")
def _range(n: int) -> list[int]:
    return list(range(n))


@register("slice")
def _slice(items: list[Any], start: int, end: int) -> list[Any]:
    if start < 0 or end < 0:
        raise ValueError(f"cannot slice({start}, {end}), negative indexes not supported")
    if start > end:
        raise ValueError(f"cannot slice({start}, {end}), start index must be less than or equal to end index")
    if end > len(items):
        raise ValueError(f"cannot slice({start}, {end}), list is length {len(items)}")
    return items[start:end]


@register("flatten")
def _flatten(items: list[Any], depth: int = 1) -> list[Any]:
    if depth < 0:
        raise ValueError("level must be non-negative")
    out: list[Any] = []
    for item in items:
        if isinstance(item, list) and depth > 0:
            out.extend(_flatten(item, depth - 1))
        else:
            out.append(item)
    return out


@register("sort")
def _sort(items: list[Any]) -> list[Any]:
    return sorted(items, key=_sort_key)


@register("sort_by")
def _sort_by(items: list[Any], keys: list[Any]) -> list[Any]:
    order = sorted(range(len(items)), key=lambda i: _sort_key(keys[i]))
    return [items[i] for i in order]


@register("distinct")
def _distinct(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if not any(item == seen and type(item) is type(seen) for seen in out):
            out.append(item)
    return out


@register("first")
def _first(items: list[Any]) -> Any:
    return engine().OptionalValue.of(items[0]) if items else engine().OptionalValue.none()


@register("last")
def _last(items: list[Any]) -> Any:
    return engine().OptionalValue.of(items[-1]) if items else engine().OptionalValue.none()


@register("entries")
def _entries(value: Any) -> list[list[Any]]:
    if isinstance(value, dict):
        return [[k, v] for k, v in value.items()]
    return [[i, v] for i, v in enumerate(value)]


@register("to_map")
def _to_map(pairs: list[list[Any]]) -> dict[Any, Any]:
    return {k: v for k, v in pairs}


@register("find")
def _find(s: str, pattern: str) -> str:
    m = re.search(pattern, s)
    return m.group(0) if m else ""


@register("findAll")
def _find_all(s: str, pattern: str, n: int = -1) -> list[str]:
    found = [m.group(0) for m in re.finditer(pattern, s)]
    return found if n < 0 else found[:n]




def go_quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


from . import library_k8s, library_net  # noqa: F401  (they register into FUNCTIONS)
