"""Discovery documents (upstream endpoints/discovery and discovery/aggregated).

A DiscoveryRegistry is shared by every server of the delegation chain: each adds the
groups it installs, and the head of the chain serves /api and /apis from it, in legacy
form or as aggregated discovery (apidiscovery.k8s.io/v2 APIGroupDiscoveryList).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from .installer import InstalledGroupVersion

AGGREGATED_KIND = "APIGroupDiscoveryList"
AGGREGATED_GROUP = "apidiscovery.k8s.io"
AGGREGATED_CONVERSIONS = frozenset({(AGGREGATED_KIND, AGGREGATED_GROUP, "v2"),
                                    (AGGREGATED_KIND, AGGREGATED_GROUP, "v2beta1")})


def _group_version(group: str, version: str) -> str:
    return f"{group}/{version}" if group else version


@dataclass(slots=True)
class _Group:
    name: str
    priority: int
    versions: list[InstalledGroupVersion]


class DiscoveryRegistry:
    def __init__(self) -> None:
        self._groups: dict[str, _Group] = {}
        self._cache: dict[str, tuple[bytes, str]] = {}
        # Bumped on every change, so documents derived from the groups (OpenAPI) know when to rebuild;
        # listeners are called after each change (e.g. to route the OpenAPI v3 document of a new group).
        self.generation = 0
        self.listeners: list[Callable[[], None]] = []

    def add_group(self, name: str, versions: list[InstalledGroupVersion], priority: int = 0) -> None:
        """Versions in preference order (the first is the preferred one)."""
        self._groups[name] = _Group(name, priority, versions)
        self._changed()

    def remove_group(self, name: str) -> None:
        self._groups.pop(name, None)
        self._changed()

    def _changed(self) -> None:
        self._cache.clear()
        self.generation += 1
        for listener in self.listeners:
            listener()

    def group(self, name: str) -> _Group | None:
        return self._groups.get(name)

    def installed_versions(self) -> list[InstalledGroupVersion]:
        """Every served group version: the core group first, then the others in discovery order."""
        core = self._groups.get("")
        groups = ([core] if core else []) + self._ordered()
        return [version for group in groups for version in group.versions]

    def _ordered(self) -> list[_Group]:
        named = [g for g in self._groups.values() if g.name]
        return sorted(named, key=lambda g: (-g.priority, g.name))

    # -- legacy documents ---------------------------------------------------------------

    def api_versions(self, server_address: str) -> dict[str, Any]:
        core = self._groups.get("")
        versions = [v.version for v in core.versions] if core else []
        return {"kind": "APIVersions", "versions": versions,
                "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}]}

    def api_group(self, name: str) -> dict[str, Any] | None:
        group = self._groups.get(name)
        if group is None or not name:
            return None
        return {"kind": "APIGroup", "apiVersion": "v1", **self._group_body(group)}

    def _group_body(self, group: _Group) -> dict[str, Any]:
        versions = [{"groupVersion": _group_version(group.name, v.version), "version": v.version}
                    for v in group.versions]
        return {"name": group.name, "versions": versions, "preferredVersion": versions[0]}

    def api_group_list(self) -> dict[str, Any]:
        return {"kind": "APIGroupList", "apiVersion": "v1", "groups": [self._group_body(g) for g in self._ordered()]}

    # -- aggregated documents -----------------------------------------------------------

    def aggregated(self, legacy: bool, version: str = "v2") -> tuple[bytes, str]:
        """The APIGroupDiscoveryList of /api (legacy=True) or /apis, encoded, with its ETag."""
        key = f"{legacy}/{version}"
        cached = self._cache.get(key)
        if cached is None:
            groups = [self._groups[""]] if legacy and "" in self._groups else ([] if legacy else self._ordered())
            body = {"kind": AGGREGATED_KIND, "apiVersion": f"{AGGREGATED_GROUP}/{version}", "metadata": {},
                    "items": [_aggregated_group(g) for g in groups]}
            data = orjson.dumps(body)
            cached = (data, hashlib.sha512(data).hexdigest()[:64])
            self._cache[key] = cached
        return cached


def _aggregated_group(group: _Group) -> dict[str, Any]:
    return {"metadata": {"name": group.name} if group.name else {},
            "versions": [_aggregated_version(v) for v in group.versions]}


def _aggregated_version(installed: InstalledGroupVersion) -> dict[str, Any]:
    listing = installed.api_resource_list()["resources"]
    parents: dict[str, dict[str, Any]] = {}
    resources: list[dict[str, Any]] = []
    for item in listing:
        name = item["name"]
        if "/" not in name:
            entry: dict[str, Any] = {
                "resource": name,
                "responseKind": {"group": item.get("group", ""), "version": item.get("version", ""),
                                 "kind": item["kind"]},
                "scope": "Namespaced" if item["namespaced"] else "Cluster",
                "singularResource": item["singularName"],
                "verbs": item["verbs"],
            }
            if item.get("shortNames"):
                entry["shortNames"] = item["shortNames"]
            if item.get("categories"):
                entry["categories"] = item["categories"]
            parents[name] = entry
            resources.append(entry)
    for item in listing:
        parent, _, sub = item["name"].partition("/")
        if not sub or parent not in parents:
            continue
        parents[parent].setdefault("subresources", []).append({
            "subresource": sub,
            "responseKind": {"group": item.get("group", ""), "version": item.get("version", ""), "kind": item["kind"]},
            "verbs": item["verbs"],
        })
    return {"version": installed.version, "resources": resources, "freshness": "Current"}
