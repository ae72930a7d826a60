"""managedFields across the scale subresource (upstream managedfields.ScaleHandler).

A write through `<resource>/scale` is tracked by the Scale's own field manager, whose only
field of interest is `.spec.replicas`; the parent object stores the ownership. So the
scale REST object maps ownership both ways around that write:

- `to_subresource`: the parent's entries that own the replicas path of their apiVersion,
  re-expressed as owning `.spec.replicas` of autoscaling/v1 (what the Scale's field
  manager reads as the live ownership);
- `to_parent`: the Scale's entries merged back into the parent's: a parent manager that
  no longer owns the Scale's replicas loses the parent's replicas path, a manager new to
  the Scale owns the parent's replicas path at the request's apiVersion.

Entries whose apiVersion has no mapping are dropped, as upstream does. `mappings` is
group/version -> the replicas path in the parent, or None for a kind without one (a
custom resource without a scale subresource). Times come from the parent's entries,
so a manager new to the parent has none.
"""

from __future__ import annotations

from typing import Any

from .fieldpath import Path, Set, make_path
from .managed import Managed, decode_managed_fields, encode_managed_fields
from .updater import VersionedSet

SCALE_API_VERSION = "autoscaling/v1"
REPLICAS_PATH_IN_SCALE: Path = make_path("spec", "replicas")

ResourcePathMappings = dict[str, "Path | None"]


class ScaleHandler:
    def __init__(self, parent_entries: Any, group_version: str, mappings: ResourcePathMappings):
        self.parent_entries = parent_entries
        self.group_version = group_version
        self.mappings = mappings

    def to_subresource(self) -> list[dict[str, Any]] | None:
        """The Scale's managedFields, from the parent's; ManagedFieldsError if they do not decode."""
        parent = decode_managed_fields(self.parent_entries)
        out = Managed()
        for manager, versioned in parent.fields.items():
            path = self.mappings.get(versioned.api_version)
            if path is None or not versioned.set.has(path):
                continue
            out.fields[manager] = VersionedSet(Set.of(REPLICAS_PATH_IN_SCALE), SCALE_API_VERSION, versioned.applied)
            out.times[manager] = parent.times.get(manager)
        return encode_managed_fields(out)

    def to_parent(self, scale_entries: Any) -> list[dict[str, Any]] | None:
        """The parent's managedFields after a write of the Scale whose entries are given."""
        parent = decode_managed_fields(self.parent_entries)
        scale_fields = dict(decode_managed_fields(scale_entries).fields)
        out = Managed()
        for manager, versioned in parent.fields.items():
            if versioned.api_version not in self.mappings:
                continue
            path = self.mappings[versioned.api_version]
            if path is not None and versioned.set.has(path):
                if manager in scale_fields:
                    # Still owns the Scale's replicas: the parent entry stays as it is.
                    del scale_fields[manager]
                else:
                    # Gave up the Scale's replicas: the parent's replicas path goes too.
                    rest = versioned.set.difference(Set.of(path))
                    if not rest.empty():
                        out.fields[manager] = VersionedSet(rest, versioned.api_version, versioned.applied)
                        out.times[manager] = parent.times.get(manager)
                    continue
            out.fields[manager] = versioned
            out.times[manager] = parent.times.get(manager)
        own_path = self.mappings.get(self.group_version)
        for manager, versioned in scale_fields.items():
            if not versioned.set.has(REPLICAS_PATH_IN_SCALE) or own_path is None:
                continue
            out.fields[manager] = VersionedSet(Set.of(own_path), self.group_version, versioned.applied)
            out.times[manager] = parent.times.get(manager)
        return encode_managed_fields(out)
