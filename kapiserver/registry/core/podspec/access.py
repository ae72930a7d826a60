"""Reading a pod dict the way Go reads the decoded struct: a missing key, a null or a value of
the wrong shape is the zero value, so validators never crash on hostile input.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery.types import Object


def as_dict(value: Any) -> Object:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def dicts(value: Any) -> list[Object]:
    """The items of a list of structs; an item of another shape reads as an empty struct."""
    return [item if isinstance(item, dict) else {} for item in as_list(value)]


def as_str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def as_int(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return 0


def opt_int(value: Any) -> int | None:
    """A *int field: None when absent or null."""
    return None if value is None else as_int(value)


def strings(value: Any) -> list[str]:
    return [as_str(item) for item in as_list(value)]


def _strip(value: Any) -> Any:
    """A value with Go's zero values removed, for semantic comparison."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            stripped = _strip(item)
            if stripped is not _ZERO:
                out[key] = stripped
        return out if out else _ZERO
    if isinstance(value, list):
        items = [_strip(item) for item in value]
        return [({} if item is _ZERO else item) for item in items] if items else _ZERO
    if value is None or value == "" or value is False or (isinstance(value, int) and value == 0):
        return _ZERO
    return value


_ZERO = object()


def semantic_equal(a: Any, b: Any) -> bool:
    """upstream apiequality.Semantic.DeepEqual over dicts: nil and empty collections are equal,
    and so are a missing key and its zero value."""
    return bool(_strip(a) == _strip(b))
