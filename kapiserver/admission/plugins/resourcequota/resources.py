"""Resource lists as quota does arithmetic on them (upstream k8s.io/apiserver/pkg/quota/v1/resources.go).

A ResourceList is a dict of resource name -> Quantity. Sums keep the format of the left
operand unless it is zero (Quantity.Add), so "0" + "1Gi" prints "1Gi" and "512Mi" + "512Mi"
prints "1Gi", exactly what upstream writes into status.used. Functions never mutate their
arguments: quantities are immutable and every result is a new dict.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import quantity

ResourceList = dict[str, quantity.Quantity]

ONE = quantity.parse_quantity("1")
ZERO = quantity.ZERO


def parse(values: Any) -> ResourceList:
    """A ResourceList from JSON; values that do not parse (validation refuses them) are left out."""
    out: ResourceList = {}
    if not isinstance(values, dict):
        return out
    for name, raw in values.items():
        try:
            out[str(name)] = quantity.from_json(raw)
        except (quantity.QuantityError, TypeError, ValueError):
            continue
    return out


def to_json(values: ResourceList) -> dict[str, str]:
    """As Go marshals a ResourceList: keys sorted, each quantity in its canonical form."""
    return {name: quantity.canonical(values[name]) for name in sorted(values)}


def negate(q: quantity.Quantity) -> quantity.Quantity:
    form = (-q.int64_form[0], q.int64_form[1]) if q.int64_form is not None else None
    return quantity.Quantity(-q.mantissa, q.exponent, q.format, "", form)


def sub(a: quantity.Quantity, b: quantity.Quantity) -> quantity.Quantity:
    """Quantity.Sub: like Add, the result keeps a's format unless a is zero."""
    return quantity.add(a, negate(b))


def equals(a: ResourceList, b: ResourceList) -> bool:
    if len(a) != len(b):
        return False
    return all(name in b and quantity.compare(value, b[name]) == 0 for name, value in a.items())


def less_than_or_equal(a: ResourceList, b: ResourceList) -> tuple[bool, list[str]]:
    """For each name in b that a also has: a <= b. Returns (all held, names where a exceeded b)."""
    exceeded = [name for name, limit in b.items() if name in a and quantity.compare(a[name], limit) > 0]
    return not exceeded, exceeded


def add(a: ResourceList, b: ResourceList) -> ResourceList:
    result = {name: quantity.add(value, b[name]) if name in b else value for name, value in a.items()}
    for name, value in b.items():
        result.setdefault(name, value)
    return result


def subtract_with_non_negative_result(a: ResourceList, b: ResourceList) -> ResourceList:
    """a - b per name, never below zero; names only in b come out as zero."""
    result: ResourceList = {}
    for name, value in a.items():
        difference = sub(value, b[name]) if name in b else value
        result[name] = difference if difference.sign() > 0 else ZERO
    for name in b:
        result.setdefault(name, ZERO)
    return result


def max_of(a: ResourceList, b: ResourceList) -> ResourceList:
    """The larger quantity of each name; names in only one list keep their value."""
    result = dict(a)
    for name, value in b.items():
        if name not in result or quantity.compare(value, result[name]) > 0:
            result[name] = value
    return result


def mask(values: ResourceList, names: list[str] | set[str]) -> ResourceList:
    wanted = set(names)
    return {name: value for name, value in values.items() if name in wanted}


def remove_zeros(values: ResourceList) -> ResourceList:
    return {name: value for name, value in values.items() if not value.is_zero()}


def is_negative(values: ResourceList) -> list[str]:
    return [name for name, value in values.items() if value.sign() < 0]


def intersection(a: list[str], b: list[str]) -> list[str]:
    """Names in both, deduplicated and sorted."""
    return sorted(set(a) & set(b))


def contains_prefix(prefixes: tuple[str, ...], name: str) -> bool:
    return any(name.startswith(prefix) for prefix in prefixes)


def pretty_print(values: ResourceList) -> str:
    """prettyPrint: name=quantity pairs, sorted by name, comma-separated."""
    return ",".join(f"{name}={quantity.canonical(values[name])}" for name in sorted(values))


def pretty_print_names(names: list[str]) -> str:
    return ",".join(sorted(names))
