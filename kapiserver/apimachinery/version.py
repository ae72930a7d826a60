"""Ordering of API version names (upstream apimachinery/pkg/version/helpers.go).

Discovery, APIService sorting and CRD version lists all order versions the same way:
GA before beta before alpha, then by major, then by minor number; names that are not
kube-like ("foo1") come after every kube-like one, in reverse string order.
"""

from __future__ import annotations

import functools
import re

_KUBE_VERSION = re.compile(r"^v(\d+)(?:(alpha|beta)(\d+))?$")
# Bigger means preferred (upstream versionTypeAlpha < versionTypeBeta < versionTypeGA).
_TYPE_RANK = {"alpha": 0, "beta": 1, None: 2}


def parse_kube_version(text: str) -> tuple[int, int, int] | None:
    """(type rank, major, minor) of a kube-like version, or None for any other name."""
    match = _KUBE_VERSION.match(text)
    if match is None:
        return None
    minor = int(match.group(3)) if match.group(3) is not None else 0
    return _TYPE_RANK[match.group(2)], int(match.group(1)), minor


def compare_kube_aware_version_strings(v1: str, v2: str) -> int:
    """upstream CompareKubeAwareVersionStrings: > 0 when v1 is preferred over v2, < 0 when v2 is."""
    if v1 == v2:
        return 0
    p1, p2 = parse_kube_version(v1), parse_kube_version(v2)
    if p1 is None and p2 is None:
        return (v2 > v1) - (v2 < v1)
    if p1 is None:
        return -1
    if p2 is None:
        return 1
    for a, b in zip(p1, p2):
        if a != b:
            return a - b
    return 0


def by_preference(versions: list[str]) -> list[str]:
    """The versions most preferred first: v2, v1, v11beta2, v10beta3, v3beta1, v12alpha1, foo1, foo10."""

    def preferred_first(a: str, b: str) -> int:
        return compare_kube_aware_version_strings(b, a)

    return sorted(versions, key=functools.cmp_to_key(preferred_first))
