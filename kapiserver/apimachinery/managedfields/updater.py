"""Computing ownership for an update and merging for an apply (structured-merge-diff merge).

`ManagedFields` maps a manager identifier to its `VersionedSet` (the fields it owns, the
apiVersion they are expressed in, whether it applied them). Objects are TypedValues.

- `update(live, new, ...)`: whatever changed from live to new now belongs to the manager
  and no longer to anyone else; fields that disappeared belong to nobody.
- `apply(live, config, ...)`: merge config into live; the manager now owns exactly what
  config mentions; fields it owned before and no longer mentions are removed from the
  object unless another manager owns them (`prune`); changing a field another manager
  owns is a conflict, unless forced, in which case that manager loses it.

`Conflicts` is raised with one (manager, path) per conflicting field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from .. import golang
from . import value as values
from .compare import Comparison, compare
from .fieldpath import Path, Set, path_string
from .merge import merge, remove_items
from .reconcile import reconcile_field_set
from .typeconverter import NoCorrespondingType
from .typed import TypedValue, ensure_named_fields_are_members, to_field_set


@dataclass(frozen=True, slots=True)
class VersionedSet:
    set: Set
    api_version: str
    applied: bool


ManagedFields = dict[str, VersionedSet]


class Converter(Protocol):
    def convert(self, tv: TypedValue, version: str) -> TypedValue:
        """tv at another version; NoCorrespondingType when that version is unknown."""
        ...


@dataclass(frozen=True, slots=True)
class Conflict:
    manager: str
    path: Path

    def __str__(self) -> str:
        return f"conflict with {golang.quote(self.manager)}: {path_string(self.path)}"


class Conflicts(Exception):
    """Fields the applier would change that others own (upstream merge.Conflicts)."""

    def __init__(self, conflicts: list[Conflict]):
        self.conflicts = conflicts
        super().__init__(_conflicts_message(conflicts))

    def to_set(self) -> Set:
        return Set.of(*(c.path for c in self.conflicts))


def _conflicts_message(conflicts: list[Conflict]) -> str:
    if len(conflicts) == 1:
        return str(conflicts[0])
    by_manager: dict[str, list[Path]] = {}
    for c in conflicts:
        by_manager.setdefault(c.manager, []).append(c.path)
    lines = []
    for manager in sorted(by_manager):
        lines.append(f"conflicts with {golang.quote(manager)}:")
        lines += [f"- {path_string(p)}" for p in by_manager[manager]]
    return "\n".join(lines)


def conflicts_from_managers(sets: ManagedFields) -> Conflicts:
    """One conflict per path, managers in identifier order (upstream's map order is random)."""
    return Conflicts(
        [Conflict(manager, path) for manager in sorted(sets) for path in sets[manager].set.iterate()]
    )


class Updater:
    def __init__(
        self, converter: Converter, ignored: dict[str, Set] | None = None, return_input_on_noop: bool = False
    ):
        self.converter = converter
        self.ignored = ignored or {}
        """Per apiVersion, fields no manager may own here (the strategy's reset fields)."""
        self.return_input_on_noop = return_input_on_noop

    def _filter(self, version: str, s: Set) -> Set:
        exclude = self.ignored.get(version)
        return s.recursive_difference(exclude) if exclude is not None and not exclude.empty() else s

    def _update(
        self,
        old: TypedValue,
        new: TypedValue,
        version: str,
        managers: ManagedFields,
        workflow: str,
        force: bool,
    ) -> tuple[ManagedFields, Comparison]:
        versions: dict[str, Comparison] = {
            version: compare(old.value, new.value, old.atom).filter(self.ignored.get(version))
        }
        conflicts: ManagedFields = {}
        removed: dict[str, Set] = {}
        for manager, vs in list(managers.items()):
            if manager == workflow:
                continue
            cmp = versions.get(vs.api_version)
            if cmp is None:
                try:
                    old_v = self.converter.convert(old, vs.api_version)
                    new_v = self.converter.convert(new, vs.api_version)
                except NoCorrespondingType:
                    del managers[manager]
                    continue
                cmp = compare(old_v.value, new_v.value, old_v.atom).filter(self.ignored.get(vs.api_version))
                versions[vs.api_version] = cmp
            conflict = vs.set.intersection(cmp.modified.union(cmp.added))
            if not conflict.empty():
                conflicts[manager] = VersionedSet(conflict, vs.api_version, False)
            if not cmp.removed.empty():
                removed[manager] = cmp.removed
        if not force and conflicts:
            raise conflicts_from_managers(conflicts)
        for manager, vs in conflicts.items():
            current = managers[manager]
            managers[manager] = VersionedSet(
                current.set.difference(vs.set), current.api_version, current.applied
            )
        for manager, gone in removed.items():
            current = managers[manager]
            managers[manager] = VersionedSet(
                current.set.difference(gone), current.api_version, current.applied
            )
        for manager in [m for m, vs in managers.items() if vs.set.empty()]:
            del managers[manager]
        return managers, versions[version]

    def update(
        self, live: TypedValue, new: TypedValue, version: str, managers: ManagedFields, manager: str
    ) -> ManagedFields:
        """Ownership after a non-apply write of new over live (upstream Updater.Update)."""
        managers = self.reconcile(live, managers)
        managers, cmp = self._update(live, new, version, managers, manager, True)
        current = managers.get(manager) or VersionedSet(Set(), version, False)
        owned = current.set.difference(cmp.removed).union(cmp.modified).union(cmp.added)
        owned = self._filter(version, owned)
        if owned.empty():
            managers.pop(manager, None)
        else:
            managers[manager] = VersionedSet(owned, version, False)
        return managers

    def apply(
        self,
        live: TypedValue,
        config: TypedValue,
        version: str,
        managers: ManagedFields,
        manager: str,
        force: bool,
    ) -> tuple[TypedValue | None, ManagedFields]:
        """The merged object (None when nothing changed) and the ownership after an apply."""
        managers = self.reconcile(live, managers)
        merged = TypedValue(merge(live.value, config.value, live.atom), live.atom)
        last = managers.get(manager)
        applied = self._filter(version, to_field_set(config.value, config.atom))
        managers[manager] = VersionedSet(applied, version, True)
        merged = self.prune(merged, managers, manager, last)
        managers, _ = self._update(live, merged, version, managers, manager, force)
        if not self.return_input_on_noop and values.equals(live.value, merged.value):
            return None, managers
        return merged, managers

    def prune(
        self, merged: TypedValue, managers: ManagedFields, applier: str, last: VersionedSet | None
    ) -> TypedValue:
        """Remove what the applier owned last time, no longer applies, and nobody else owns."""
        if last is None or last.set.empty():
            return merged
        try:
            converted = self.converter.convert(merged, last.api_version)
        except NoCorrespondingType:
            return merged
        atom = converted.atom
        pruned = TypedValue(
            remove_items(converted.value, ensure_named_fields_are_members(last.set, atom), atom), atom
        )
        pruned = self._add_back_owned(converted, pruned, last.api_version, managers)
        pruned = self._add_back_dangling(converted, pruned, last)
        return self.converter.convert(pruned, managers[applier].api_version)

    def _add_back_owned(
        self, merged: TypedValue, pruned: TypedValue, pruned_version: str, managers: ManagedFields
    ) -> TypedValue:
        by_version: dict[str, Set] = {}
        for vs in managers.values():
            by_version[vs.api_version] = by_version.get(vs.api_version, Set()).union(vs.set)
        ordered = ([pruned_version] if pruned_version in by_version else []) + [
            v for v in by_version if v != pruned_version
        ]
        for version in ordered:
            try:
                merged_v = self.converter.convert(merged, version)
                pruned_v = self.converter.convert(pruned, version)
            except NoCorrespondingType:
                continue
            atom = merged_v.atom
            merged_set = ensure_named_fields_are_members(to_field_set(merged_v.value, atom), atom)
            pruned_set = ensure_named_fields_are_members(to_field_set(pruned_v.value, atom), atom)
            managed = ensure_named_fields_are_members(by_version[version], atom)
            keep = pruned_set.union(managed)
            merged, pruned = (
                merged_v,
                TypedValue(remove_items(merged_v.value, merged_set.difference(keep), atom), atom),
            )
        return pruned

    def _add_back_dangling(self, merged: TypedValue, pruned: TypedValue, last: VersionedSet) -> TypedValue:
        try:
            pruned_v = self.converter.convert(pruned, last.api_version)
        except NoCorrespondingType:
            return merged
        atom = merged.atom
        pruned_set = ensure_named_fields_are_members(to_field_set(pruned_v.value, atom), atom)
        merged_set = ensure_named_fields_are_members(to_field_set(merged.value, atom), atom)
        owned_last = ensure_named_fields_are_members(last.set, atom)
        dangling = merged_set.difference(pruned_set).intersection(owned_last)
        return TypedValue(remove_items(merged.value, dangling, atom), atom)

    def reconcile(self, live: TypedValue, managers: ManagedFields) -> ManagedFields:
        """Align every manager's set with the schema (upstream reconcileManagedFieldsWithSchemaChanges)."""
        result: ManagedFields = {}
        for manager, vs in managers.items():
            try:
                converted = self.converter.convert(live, vs.api_version)
            except NoCorrespondingType:
                continue
            reconciled = reconcile_field_set(vs.set, converted.atom)
            result[manager] = (
                vs if reconciled is None else VersionedSet(reconciled, vs.api_version, vs.applied)
            )
        return result


def values_equal(left: Any, right: Any) -> bool:
    return values.equals(left, right)
