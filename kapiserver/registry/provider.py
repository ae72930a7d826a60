"""Storage providers: one per API group, listing its resources (upstream RESTStorageProvider).

`controlplane.instance` lists the providers in upstream's order; each turns its specs into
an APIGroupInfo, the map from version to `{"pods": rest, "pods/status": rest, ...}`
that the endpoints installer serves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from kapiserver.storage.interface import Storage

from .spec import ResourceSpec, Subresource
from .store import Store

StorageFor = Callable[[ResourceSpec], Storage]
# Whether a group/version/resource is enabled (`--runtime-config`).
ResourceEnabled = Callable[[str, str, str], bool]


@dataclass(slots=True)
class ResourceEntry:
    """One path under a group version: a resource or a subresource, with what discovery needs."""

    path: str
    spec: ResourceSpec
    rest: Any
    subresource: Subresource | None = None


@dataclass(slots=True)
class APIGroupInfo:
    group: str
    # Versions in preference order, each with its entries in the order they were declared.
    versions: dict[str, list[ResourceEntry]] = field(default_factory=dict)

    @property
    def preferred_version(self) -> str:
        return next(iter(self.versions))


class StorageProvider:
    """A group and its resource specs, listed in the order upstream serves them."""

    def __init__(self, group: str, specs: Iterable[ResourceSpec], version_order: Iterable[str] = ()):
        self.group = group
        self.specs = tuple(specs)
        self.version_order = tuple(version_order) or tuple(dict.fromkeys(s.version for s in self.specs))

    def new_rest_storage(self, storage_for: StorageFor, enabled: ResourceEnabled) -> APIGroupInfo | None:
        info = APIGroupInfo(self.group)
        for version in self.version_order:
            entries: list[ResourceEntry] = []
            for spec in self.specs:
                if spec.version != version or not enabled(spec.group, spec.version, spec.plural):
                    continue
                entries.extend(build_entries(spec, storage_for(spec)))
            if entries:
                info.versions[version] = entries
        return info if info.versions else None


def build_entries(spec: ResourceSpec, storage: Storage) -> list[ResourceEntry]:
    rest = spec.rest_factory(spec, storage) if spec.rest_factory is not None else Store(spec, storage)
    entries = [ResourceEntry(spec.plural, spec, rest)]
    for sub in spec.subresources:
        entries.append(ResourceEntry(f"{spec.plural}/{sub.name}", spec, sub.make(rest), sub))
    return entries
