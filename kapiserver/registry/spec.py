"""ResourceSpec: the single declaration of a resource, from which everything else derives.

Discovery rows, OpenAPI paths, Table columns, field selectors, storage keys and
`--runtime-config` switches are all read from here; nothing else lists resources.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kapiserver.apimachinery.schema import GroupResource, GroupVersionKind, GroupVersionResource
from kapiserver.apimachinery.types import Object

from .strategy import Strategy
from .table import DEFAULT_PRINTER, Printer

if TYPE_CHECKING:
    from kapiserver.storage.interface import Storage

    from .store import Store

FieldSet = Callable[[Object], dict[str, str]]


def object_meta_fields(obj: Object, namespaced: bool) -> dict[str, str]:
    """The fields every kind can be selected by (upstream generic.ObjectMetaFieldsSet)."""
    meta = obj.get("metadata", {})
    fields = {"metadata.name": meta.get("name", "")}
    if namespaced:
        fields["metadata.namespace"] = meta.get("namespace", "")
    return fields


@dataclass(frozen=True)
class Subresource:
    """A subresource served beside the resource (`pods/status`, `deployments/scale`).

    `make` builds its REST object from the resource's Store; `kind` names what it
    serves when that differs from the parent's (autoscaling/v1 Scale).
    """

    name: str
    make: Callable[[Store], Any]
    kind: GroupVersionKind | None = None
    # Other apiVersions a request body may carry (pods/eviction takes policy/v1 and v1beta1).
    accepts: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResourceSpec:
    group: str
    version: str
    kind: str
    plural: str
    singular: str
    namespaced: bool
    strategy: Strategy = field(default_factory=Strategy)
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    printer: Printer = DEFAULT_PRINTER
    # Kind-specific selectable fields, besides metadata.name / metadata.namespace.
    fields: FieldSet | None = None
    subresources: tuple[Subresource, ...] = ()
    # Delete answers with the deleted object instead of a Status (upstream ReturnDeletedObject).
    return_deleted_object: bool = False
    # Objects expire this many seconds after their last write (events: --event-ttl).
    ttl_seconds: int = 0
    # Key path under /registry when it is not the plural (services/specs, minions, ...).
    storage_path: str = ""
    # Verbs upstream leaves out for this kind (e.g. no deletecollection for namespaces).
    excluded_verbs: tuple[str, ...] = ()
    # A custom REST object instead of the generic Store (review APIs, tokenrequest, ...).
    rest_factory: Callable[[ResourceSpec, Storage], Any] | None = None
    # The version objects are stored at when another version of the group owns the storage
    # ("" = this one): discovery's storageVersionHash names it (registry/conversion.py).
    storage_version: str = ""
    # The group of that storage version when it is another group's (events.k8s.io Events are
    # core/v1 Events in storage); None = this spec's group.
    storage_group: str | None = None
    # False for resources nothing is stored for (access reviews, token reviews): discovery
    # gives them no storageVersionHash.
    stored: bool = True

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def group_resource(self) -> GroupResource:
        return GroupResource(self.group, self.plural)

    @property
    def gvr(self) -> GroupVersionResource:
        return GroupVersionResource(self.group, self.version, self.plural)

    @property
    def gvk(self) -> GroupVersionKind:
        return GroupVersionKind(self.group, self.version, self.kind)

    @property
    def list_kind(self) -> str:
        return self.kind + "List"

    @property
    def key_root(self) -> str:
        return "/registry/" + (self.storage_path or self.plural)

    def field_set(self, obj: Object) -> dict[str, str]:
        fields = object_meta_fields(obj, self.namespaced)
        if self.fields is not None:
            fields.update(self.fields(obj))
        return fields

    @property
    def storage_version_hash(self) -> str:
        """upstream discovery.StorageVersionHash: 8 bytes of sha256("<group>/<version>/<kind>"), base64,
        of the storage version."""
        version = self.storage_version or self.version
        group = self.group if self.storage_group is None else self.storage_group
        digest = hashlib.sha256(f"{group}/{version}/{self.kind}".encode()).digest()
        return base64.b64encode(digest[:8]).decode()
