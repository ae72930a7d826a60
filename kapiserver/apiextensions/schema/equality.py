"""Deep equality of decoded JSON values as Go's reflect.DeepEqual sees them.

Python says `True == 1` and `1 == 1.0`; Go's decoded JSON keeps bool, int64 and float64
apart, and ratcheting or list-set uniqueness must not call a changed type "unchanged".
"""

from __future__ import annotations

from typing import Any


def deep_equal(a: Any, b: Any) -> bool:
    """Equal values of equal JSON types, recursively; the common case costs one `==`."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        if len(a) != len(b):
            return False
        for key, value in a.items():
            if key not in b or not deep_equal(value, b[key]):
                return False
        return True
    if isinstance(a, list):
        return len(a) == len(b) and all(deep_equal(x, y) for x, y in zip(a, b))
    return bool(a == b)


def scalar_key(value: Any) -> tuple[str, Any]:
    """A hashable key that keeps JSON types apart (Go map keys of interface{} type)."""
    return (type(value).__name__, value)
