"""Discovery documents (upstream endpoints/discovery and discovery/aggregated).

A DiscoveryRegistry is shared by every server of the delegation chain: each adds the
groups it installs, the aggregator adds the group versions extension API servers serve,
and the head of the chain serves /api and /apis from it, in legacy form or as aggregated
discovery (apidiscovery.k8s.io/v2 APIGroupDiscoveryList).

Order is the APIServices' (upstream apiregistration helpers and the aggregated discovery
manager): each group version has a (groupPriorityMinimum, versionPriority), set by the
aggregator from its priority table and from the APIService objects. /apis lists groups
by their highest-priority APIService (priority, then the APIService name "version.group");
aggregated discovery by the group's highest priority, then the group name. Inside a group,
versions go by versionPriority, then by kube-aware version order. A group version without
a priority gets aggregated discovery's default (1000, 15).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from kapiserver.apimachinery.version import compare_kube_aware_version_strings

from .installer import InstalledGroupVersion

AGGREGATED_KIND = "APIGroupDiscoveryList"
AGGREGATED_GROUP = "apidiscovery.k8s.io"
AGGREGATED_CONVERSIONS = frozenset({(AGGREGATED_KIND, AGGREGATED_GROUP, "v2"),
                                    (AGGREGATED_KIND, AGGREGATED_GROUP, "v2beta1")})
# upstream resourceDiscoveryManager.addGroupVersionLocked: what a group version without a priority gets.
DEFAULT_GROUP_PRIORITY = 1000
DEFAULT_VERSION_PRIORITY = 15

Priority = tuple[int, int]


def _group_version(group: str, version: str) -> str:
    return f"{group}/{version}" if group else version


@dataclass(slots=True)
class _Group:
    name: str
    priority: int
    versions: list[InstalledGroupVersion]


@dataclass(slots=True)
class RemoteVersion:
    """A group version an extension API server serves (through an APIService): its aggregated
    discovery entry as last fetched, and whether that fetch succeeded (freshness Current/Stale)."""

    group: str
    version: str
    resources: list[dict[str, Any]] = field(default_factory=list)
    fresh: bool = True


class DiscoveryRegistry:
    def __init__(self) -> None:
        self._groups: dict[str, _Group] = {}
        self._remote: dict[tuple[str, str], RemoteVersion] = {}
        self._priorities: dict[tuple[str, str], Priority] = {}
        self._cache: dict[str, tuple[bytes, str]] = {}
        # Bumped on every change, so documents derived from the groups (OpenAPI) know when to rebuild;
        # listeners are called after each change (e.g. to route the OpenAPI v3 document of a new group).
        self.generation = 0
        self.listeners: list[Callable[[], None]] = []

    def add_group(self, name: str, versions: list[InstalledGroupVersion], priority: int = 0) -> None:
        """Versions in preference order (the first is the preferred one); `priority`, when given, is the
        groupPriorityMinimum of versions that have none of their own."""
        self._groups[name] = _Group(name, priority, versions)
        self._changed()

    def remove_group(self, name: str) -> None:
        self._groups.pop(name, None)
        self._changed()

    def set_version_priorities(self, priorities: Mapping[tuple[str, str], Priority]) -> None:
        """(group, version) -> (groupPriorityMinimum, versionPriority) (upstream SetGroupVersionPriority)."""
        changed = {key: value for key, value in priorities.items() if self._priorities.get(key) != value}
        if changed:
            self._priorities.update(changed)
            self._changed()

    def remove_version_priority(self, group: str, version: str) -> None:
        if self._priorities.pop((group, version), None) is not None:
            self._changed()

    def set_remote_version(self, remote: RemoteVersion) -> None:
        """Add or replace a group version served by an extension server (it shadows a local one)."""
        key = (remote.group, remote.version)
        if self._remote.get(key) != remote:
            self._remote[key] = remote
            self._changed()

    def remove_remote_version(self, group: str, version: str) -> None:
        if self._remote.pop((group, version), None) is not None:
            self._changed()

    def _changed(self) -> None:
        self._cache.clear()
        self.generation += 1
        for listener in self.listeners:
            listener()

    def group(self, name: str) -> _Group | None:
        return self._groups.get(name)

    def has_group(self, name: str) -> bool:
        """Whether /apis/<name> exists, served locally or by an extension server."""
        return name in self._groups or any(group == name for group, _ in self._remote)

    def installed_versions(self, include_shadowed: bool = False) -> list[InstalledGroupVersion]:
        """Every locally served group version: the core group first, then the others in discovery order.
        A local group version an extension server took over is left out unless `include_shadowed`."""
        out: list[InstalledGroupVersion] = []
        for name in [""] + self._aggregated_order():
            group = self._groups.get(name)
            if group is not None:
                local = {v.version: v for v in group.versions}
                out.extend(local[v] for v in self._versions(name)
                           if v in local and (include_shadowed or (name, v) not in self._remote))
        return out

    # -- ordering -----------------------------------------------------------------------

    def priority(self, group: str, version: str) -> Priority:
        known = self._priorities.get((group, version))
        if known is not None:
            return known
        local = self._groups.get(group)
        return (local.priority if local is not None and local.priority else DEFAULT_GROUP_PRIORITY,
                DEFAULT_VERSION_PRIORITY)

    def _versions(self, name: str) -> list[str]:
        """The versions of a group, preferred first (upstream ByVersionPriority)."""
        local = self._groups.get(name)
        names = [v.version for v in local.versions] if local is not None else []
        names += [version for group, version in self._remote if group == name and version not in names]

        def compare(a: str, b: str) -> int:
            pa, pb = self.priority(name, a)[1], self.priority(name, b)[1]
            if pa != pb:
                return pb - pa
            return compare_kube_aware_version_strings(b, a)

        return sorted(names, key=functools.cmp_to_key(compare))

    def _named_groups(self) -> set[str]:
        return {name for name in self._groups if name} | {group for group, _ in self._remote if group}

    def _legacy_order(self) -> list[str]:
        """Groups as /apis lists them (upstream SortedByGroupAndVersion over the APIServices)."""
        entries = [(-self.priority(group, version)[0], f"{version}.{group}", group)
                   for group in self._named_groups() for version in self._versions(group)]
        return list(dict.fromkeys(group for _, _, group in sorted(entries)))

    def _aggregated_order(self) -> list[str]:
        """Groups as aggregated discovery lists them (highest priority of their versions, then name)."""
        def top(group: str) -> int:
            return max((self.priority(group, v)[0] for v in self._versions(group)), default=0)

        return sorted(self._named_groups(), key=lambda group: (-top(group), group))

    # -- legacy documents ---------------------------------------------------------------

    def api_versions(self, server_address: str) -> dict[str, Any]:
        versions = self._versions("") if "" in self._groups or ("", "v1") in self._remote else []
        return {"kind": "APIVersions", "versions": versions,
                "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}]}

    def api_group(self, name: str) -> dict[str, Any] | None:
        if not name or not self.has_group(name):
            return None
        return {"kind": "APIGroup", "apiVersion": "v1", **self._group_body(name)}

    def _group_body(self, name: str) -> dict[str, Any]:
        versions = [{"groupVersion": _group_version(name, v), "version": v} for v in self._versions(name)]
        return {"name": name, "versions": versions, "preferredVersion": versions[0]}

    def api_group_list(self) -> dict[str, Any]:
        return {"kind": "APIGroupList", "apiVersion": "v1",
                "groups": [self._group_body(name) for name in self._legacy_order()]}

    # -- aggregated documents -----------------------------------------------------------

    def aggregated(self, legacy: bool, version: str = "v2") -> tuple[bytes, str]:
        """The APIGroupDiscoveryList of /api (legacy=True) or /apis, encoded, with its ETag."""
        key = f"{legacy}/{version}"
        cached = self._cache.get(key)
        if cached is None:
            names = [""] if legacy and self._has_core() else ([] if legacy else self._aggregated_order())
            body = {"kind": AGGREGATED_KIND, "apiVersion": f"{AGGREGATED_GROUP}/{version}", "metadata": {},
                    "items": [self._aggregated_group(name) for name in names]}
            data = orjson.dumps(body)
            cached = (data, hashlib.sha512(data).hexdigest()[:64])
            self._cache[key] = cached
        return cached

    def _has_core(self) -> bool:
        return "" in self._groups or any(group == "" for group, _ in self._remote)

    def _aggregated_group(self, name: str) -> dict[str, Any]:
        local = self._groups.get(name)
        installed = {v.version: v for v in local.versions} if local is not None else {}
        versions = []
        for version in self._versions(name):
            remote = self._remote.get((name, version))
            if remote is not None:
                versions.append({"version": version, "resources": remote.resources,
                                 "freshness": "Current" if remote.fresh else "Stale"})
            elif hasattr(installed[version], "aggregated_version"):
                # custom resources know their full response kinds, which the legacy list lacks
                versions.append(installed[version].aggregated_version())
            else:
                listing = installed[version].api_resource_list()["resources"]
                versions.append({"version": version, "resources": aggregated_resources(listing),
                                 "freshness": "Current"})
        return {"metadata": {"name": name} if name else {}, "versions": versions}


def aggregated_resources(listing: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """An APIResourceList's resources as aggregated discovery's APIResourceDiscovery items
    (upstream endpoints.ConvertGroupVersionIntoToDiscovery): subresources nest under their parent."""
    listing = list(listing)
    parents: dict[str, dict[str, Any]] = {}
    resources: list[dict[str, Any]] = []
    for item in listing:
        name = item["name"]
        if "/" not in name:
            entry: dict[str, Any] = {
                "resource": name,
                "responseKind": {"group": item.get("group", ""), "version": item.get("version", ""),
                                 "kind": item.get("kind", "")},
                "scope": "Namespaced" if item.get("namespaced") else "Cluster",
                "singularResource": item.get("singularName", ""),
                "verbs": item.get("verbs") or [],
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
            "responseKind": {"group": item.get("group", ""), "version": item.get("version", ""),
                             "kind": item.get("kind", "")},
            "verbs": item.get("verbs") or [],
        })
    return resources
