"""x-kubernetes-list-type set and map uniqueness (apiextensions schema/listtype).

A `set` list may not hold the same value twice; a `map` list may not hold two items with the
same values of its x-kubernetes-list-map-keys (a missing key counts as a value of its own).
Every duplicate after the first is reported once, at its index, with the value (for maps,
the key fields) that repeats.
"""

from __future__ import annotations

from typing import Any

import orjson

from kapiserver.apimachinery import field

from .equality import scalar_key
from .structural import Structural

_UNSPECIFIED = ("<unspecified>", None)


def contains_list_types(s: Structural | None, found: set[int] | None = None) -> bool:
    """Whether any set or map list sits at or below s; `found` collects the ids of all such nodes,
    so validate() can skip the subtrees that have none."""
    if s is None:
        return False
    here = s.list_type in ("set", "map")
    for child in (s.items, s.additional, *s.properties.values()):
        here = contains_list_types(child, found) or here
    if here and found is not None:
        found.add(id(s))
    return here


def validate(path: field.Path, s: Structural | None, obj: Any, relevant: set[int] | None = None) -> field.ErrorList:
    """Errors for duplicate set values and list-map keys anywhere below obj."""
    if s is None or obj is None or (relevant is not None and id(s) not in relevant):
        return []
    if isinstance(obj, list):
        return _validate_array(path, s, obj, relevant)
    if not isinstance(obj, dict):
        return []
    errs: field.ErrorList = []
    if s.additional is not None:
        for key, value in obj.items():
            errs += validate(path.key(key), s.additional, value, relevant)
    if s.properties:
        for key, value in obj.items():
            prop = s.properties.get(key)
            if prop is not None:
                errs += validate(path.child(key), prop, value, relevant)
    return errs


def _validate_array(path: field.Path, s: Structural, obj: list[Any], relevant: set[int] | None) -> field.ErrorList:
    errs: field.ErrorList = []
    if s.list_type == "set":
        errs += [field.duplicate(path.index(i), obj[i]) for i in _non_unique(obj)]
    elif s.list_type == "map":
        errs += _validate_list_map(path, s, obj)
    if s.items is not None:
        for i, item in enumerate(obj):
            errs += validate(path.index(i), s.items, item, relevant)
    return errs


def _key(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return ("json", orjson.dumps(value, option=orjson.OPT_SORT_KEYS))
    if value is _UNSPECIFIED:
        return value
    return scalar_key(value)


def _non_unique(values: list[Any]) -> list[int]:
    """Indices of the second occurrence of each repeated value (validateListSet)."""
    if len(values) <= 1:
        return []
    seen: dict[Any, int] = {}
    out = []
    for i, value in enumerate(values):
        key = _key(value)
        times = seen.get(key, 0)
        seen[key] = times + 1
        if times == 1:
            out.append(i)
    return out


def _validate_list_map(path: field.Path, s: Structural, obj: list[Any]) -> field.ErrorList:
    for i, item in enumerate(obj):
        if item is not None and not isinstance(item, dict):
            return [field.invalid(path.index(i), item, "must be an object for an array of list-type map")]
    if len(obj) <= 1:
        return []
    if len(s.list_map_keys) == 1:
        name = s.list_map_keys[0]
        keys = [(item or {}).get(name, _UNSPECIFIED) if item is not None else _UNSPECIFIED for item in obj]
        return [field.duplicate(path.index(i), {} if keys[i] is _UNSPECIFIED else {name: keys[i]})
                for i in _non_unique(keys)]
    compound = [{k: item[k] for k in s.list_map_keys if k in item} if item is not None else {} for item in obj]
    return [field.duplicate(path.index(i), compound[i]) for i in _non_unique(compound)]
