"""The layers of the default field manager (upstream managedfields/internal: structuredmerge.go,
stripmeta.go, managedfieldsupdater.go, buildmanagerinfo.go, capmanagers.go,
skipnonapplied.go, versioncheck.go).

Each layer is a Manager with `update` (after a write: who owns what now) and `apply`
(merge an applied configuration, then who owns what); each wraps the next, outermost
first as fieldmanager.new_default_field_manager lists them. Objects going in are not
modified except `new`, the caller's private object; `live` may be shared (the stored
object) and is only read.
"""

from __future__ import annotations

from typing import Any, Protocol

from .. import errors, meta, timefmt
from .fieldpath import Set, make_path
from .managed import APPLY, UPDATE, Managed, build_manager_identifier, unix_seconds
from .typeconverter import Defaulter, NoCorrespondingType, TypeConverter, VersionConverter, gvk_string
from .typed import ValidationError, validate
from .updater import Updater, VersionedSet

Object = dict[str, Any]


class FieldManagerError(Exception):
    """A failure that is not the client's: upstream returns a plain error (a 500 with no reason)."""


class Manager(Protocol):
    def update(self, live: Object, new: Object, managed: Managed, manager: str) -> tuple[Object, Managed]: ...

    def apply(
        self, live: Object, applied: Object, managed: Managed, manager: str, force: bool
    ) -> tuple[Object | None, Managed]: ...


def without_managed_fields(obj: Object) -> Object:
    """obj without metadata.managedFields (shallow copies): ownership never covers them, and
    leaving them out spares walking them."""
    metadata = obj.get("metadata")
    if not isinstance(metadata, dict) or "managedFields" not in metadata:
        return obj
    out = dict(obj)
    out["metadata"] = {k: v for k, v in metadata.items() if k != "managedFields"}
    return out


def gvknn(obj: Object) -> str:
    """upstream objectGVKNN: `namespace/name; group/version, Kind=kind`."""
    return f"{meta.namespace(obj)}/{meta.name(obj)}; {gvk_string(meta.api_version(obj), meta.kind(obj))}"


class StructuredMergeManager:
    """Typed merge and ownership over the schema (upstream structuredMergeManager).

    Objects the server holds are not validated again before comparing them (upstream
    validates them, allowing duplicates): built-in bodies were type-checked when decoded,
    and what validation would refuse (list items without their keys, fields the schema
    lacks) fails the comparison itself with the same effect. Applied configurations are
    validated in full, for their error messages."""

    def __init__(
        self,
        type_converter: TypeConverter,
        api_version: str,
        defaulter: Defaulter | None = None,
        reset_fields: dict[str, Set] | None = None,
    ):
        self.types = type_converter
        self.api_version = api_version
        self.defaulter = defaulter
        self.updater = Updater(VersionConverter(type_converter), reset_fields)

    def update(self, live: Object, new: Object, managed: Managed, manager: str) -> tuple[Object, Managed]:
        try:
            new_typed = self.types.object_to_typed(without_managed_fields(new), structured=True, check=False)
        except (ValidationError, NoCorrespondingType) as exc:
            raise FieldManagerError(
                f"failed to convert new object ({gvknn(new)}) to smd typed: {exc}"
            ) from None
        try:
            live_typed = self.types.object_to_typed(
                without_managed_fields(live), structured=True, check=False
            )
        except (ValidationError, NoCorrespondingType) as exc:
            raise FieldManagerError(
                f"failed to convert live object ({gvknn(live)}) to smd typed: {exc}"
            ) from None
        try:
            fields = self.updater.update(
                live_typed, new_typed, self.api_version, dict(managed.fields), manager
            )
        except (ValidationError, ValueError) as exc:
            raise FieldManagerError(f"failed to update ManagedFields ({gvknn(new)}): {exc}") from None
        return new, Managed(fields, managed.times)

    def apply(
        self, live: Object, applied: Object, managed: Managed, manager: str, force: bool
    ) -> tuple[Object | None, Managed]:
        patch_version = meta.api_version(applied)
        if patch_version != self.api_version:
            raise errors.bad_request(
                "Incorrect version specified in apply patch. Specified patch version: "
                f"{patch_version}, expected: {self.api_version}"
            )
        if isinstance(meta.metadata(applied).get("managedFields"), list):
            raise errors.bad_request("metadata.managedFields must be nil")
        try:
            live_typed = self.types.object_to_typed(
                without_managed_fields(live), structured=True, check=False
            )
        except (ValidationError, NoCorrespondingType) as exc:
            raise FieldManagerError(f"failed to create typed live object ({gvknn(live)}): {exc}") from None
        try:
            patch_typed = self.types.object_to_typed(applied)
        except (ValidationError, NoCorrespondingType) as exc:
            raise FieldManagerError(
                f"failed to create typed patch object ({gvknn(applied)}): {exc}"
            ) from None
        try:
            merged, fields = self.updater.apply(
                live_typed, patch_typed, self.api_version, dict(managed.fields), manager, force
            )
        except (ValidationError, ValueError) as exc:
            try:
                validate(live_typed.value, live_typed.atom, allow_duplicates=True)
            except ValidationError as invalid:
                raise FieldManagerError(
                    f"failed to create typed live object ({gvknn(live)}): {invalid}"
                ) from None
            raise FieldManagerError(f"failed to merge config: {exc}") from None
        managed = Managed(fields, managed.times)
        if merged is None:
            return None, managed
        if not isinstance(merged.value, dict):
            raise FieldManagerError(
                f"failed to convert new typed object ({gvknn(applied)}) to object: failed to "
                f"convert value to unstructured for type {type(merged.value).__name__}"
            )
        out = meta.deep_copy(self.types.structured_view(merged.value))
        if self.defaulter is not None:
            self.defaulter(out)
        return out, managed


# Paths no manager ever owns: type and identity metadata (upstream stripMetaManager).
STRIP_SET = Set.of(
    *(
        make_path(*p)
        for p in (
            ("apiVersion",),
            ("kind",),
            ("metadata",),
            ("metadata", "name"),
            ("metadata", "namespace"),
            ("metadata", "creationTimestamp"),
            ("metadata", "selfLink"),
            ("metadata", "uid"),
            ("metadata", "clusterName"),
            ("metadata", "generation"),
            ("metadata", "managedFields"),
            ("metadata", "resourceVersion"),
        )
    )
)


class StripMetaManager:
    def __init__(self, inner: Manager):
        self.inner = inner

    def _strip(self, managed: Managed, manager: str) -> None:
        vs = managed.fields.get(manager)
        if vs is not None:
            rest = vs.set.difference(STRIP_SET)
            if rest.empty():
                del managed.fields[manager]
            else:
                managed.fields[manager] = VersionedSet(rest, vs.api_version, vs.applied)

    def update(self, live: Object, new: Object, managed: Managed, manager: str) -> tuple[Object, Managed]:
        obj, managed = self.inner.update(live, new, managed, manager)
        self._strip(managed, manager)
        return obj, managed

    def apply(
        self, live: Object, applied: Object, managed: Managed, manager: str, force: bool
    ) -> tuple[Object | None, Managed]:
        obj, managed = self.inner.apply(live, applied, managed, manager, force)
        self._strip(managed, manager)
        return obj, managed


CURRENT_OPERATION = "current-operation"


class ManagedFieldsUpdater:
    """Stamps the time of a manager's change, and merges repeated updates of one manager."""

    def __init__(self, inner: Manager):
        self.inner = inner

    def update(self, live: Object, new: Object, managed: Managed, manager: str) -> tuple[Object, Managed]:
        obj, managed = self.inner.update(live, new, managed, CURRENT_OPERATION)
        vs = managed.fields.pop(CURRENT_OPERATION, None)
        if vs is not None:
            previous = managed.fields.get(manager)
            if previous is not None:
                vs = VersionedSet(vs.set.union(previous.set), vs.api_version, vs.applied)
            managed.fields[manager] = vs
            managed.times[manager] = timefmt.now_rfc3339()
        return obj, managed

    def apply(
        self, live: Object, applied: Object, managed: Managed, manager: str, force: bool
    ) -> tuple[Object | None, Managed]:
        obj, managed = self.inner.apply(live, applied, managed, manager, force)
        if obj is not None:
            managed.times[manager] = timefmt.now_rfc3339()
        else:
            # Unchanged: the live object as it is, its managedFields left in place for the
            # caller to overwrite, so that an unchanged object stays byte for byte the same.
            obj = meta.deep_copy(live)
        return obj, managed


class BuildManagerInfoManager:
    """Turns a manager name into its identifier: operation, apiVersion, subresource."""

    def __init__(self, inner: Manager, api_version: str, subresource: str):
        self.inner = inner
        self.api_version = api_version
        self.subresource = subresource

    def _identifier(self, manager: str, operation: str) -> str:
        return build_manager_identifier(manager or "unknown", operation, self.api_version, self.subresource)

    def update(self, live: Object, new: Object, managed: Managed, manager: str) -> tuple[Object, Managed]:
        return self.inner.update(live, new, managed, self._identifier(manager, UPDATE))

    def apply(
        self, live: Object, applied: Object, managed: Managed, manager: str, force: bool
    ) -> tuple[Object | None, Managed]:
        return self.inner.apply(live, applied, managed, self._identifier(manager, APPLY), force)


DEFAULT_MAX_UPDATE_MANAGERS = 10
ANCIENT_CHANGES = "ancient-changes"


class CapManagersManager:
    """Keeps at most max_update_managers updater entries, folding the oldest per apiVersion
    into an `ancient-changes` entry."""

    def __init__(self, inner: Manager, max_update_managers: int = DEFAULT_MAX_UPDATE_MANAGERS):
        self.inner = inner
        self.max_update_managers = max_update_managers

    def update(self, live: Object, new: Object, managed: Managed, manager: str) -> tuple[Object, Managed]:
        obj, managed = self.inner.update(live, new, managed, manager)
        return obj, self.cap(managed)

    def apply(
        self, live: Object, applied: Object, managed: Managed, manager: str, force: bool
    ) -> tuple[Object | None, Managed]:
        return self.inner.apply(live, applied, managed, manager, force)

    def cap(self, managed: Managed) -> Managed:
        updaters = [m for m, vs in managed.fields.items() if not vs.applied]
        if len(updaters) <= self.max_update_managers:
            return managed
        updaters.sort(key=lambda m: (unix_seconds(managed.times.get(m)), m))
        first_by_version: dict[str, str] = {}
        length = len(updaters)
        for manager in updaters:
            if length <= self.max_update_managers:
                break
            vs = managed.fields[manager]
            when = managed.times.get(manager)
            bucket = build_manager_identifier(ANCIENT_CHANGES, UPDATE, vs.api_version)
            first = first_by_version.get(vs.api_version)
            if first is None:
                first_by_version[vs.api_version] = manager
                continue
            if bucket not in managed.fields:
                managed.fields[bucket] = managed.fields.pop(first)
            merged = vs.set.union(managed.fields[bucket].set)
            managed.fields[bucket] = VersionedSet(merged, vs.api_version, vs.applied)
            del managed.fields[manager]
            length -= 1
            managed.times[bucket] = when
        return managed


BEFORE_FIRST_APPLY = "before-first-apply"


class SkipNonAppliedManager:
    """Tracks updates from an object's creation (probability 1, as upstream's default); an
    object that has no managedFields is first attributed whole to `before-first-apply`."""

    def __init__(self, inner: Manager, empty: Any):
        self.inner = inner
        self.empty = empty

    def update(self, live: Object, new: Object, managed: Managed, manager: str) -> tuple[Object, Managed]:
        if not managed.fields and meta.uid(live):
            return new, managed
        return self.inner.update(live, new, managed, manager)

    def apply(
        self, live: Object, applied: Object, managed: Managed, manager: str, force: bool
    ) -> tuple[Object | None, Managed]:
        if not managed.fields:
            empty = self.empty(meta.api_version(applied), meta.kind(applied))
            live, managed = self.inner.update(empty, live, managed, BEFORE_FIRST_APPLY)
        return self.inner.apply(live, applied, managed, manager, force)


class VersionCheckManager:
    def __init__(self, inner: Manager, api_version: str, kind: str):
        self.inner = inner
        self.api_version = api_version
        self.kind = kind

    def update(self, live: Object, new: Object, managed: Managed, manager: str) -> tuple[Object, Managed]:
        return self.inner.update(live, new, managed, manager)

    def apply(
        self, live: Object, applied: Object, managed: Managed, manager: str, force: bool
    ) -> tuple[Object | None, Managed]:
        api_version, kind = meta.api_version(applied), meta.kind(applied)
        if api_version != self.api_version or kind != self.kind:
            raise errors.bad_request(f"invalid object type: {gvk_string(api_version, kind)}")
        return self.inner.apply(live, applied, managed, manager, force)
