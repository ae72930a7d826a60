"""The field manager the handlers call (upstream managedfields.FieldManager and
apiserver/pkg/endpoints/handlers/fieldmanager).

One per resource and subresource. `update` records a create, update or non-apply patch
(who changed what), `apply` serves server-side apply; both read ownership from and write
it back to `metadata.managedFields`. The layers, outermost first, as
NewDefaultFieldManager stacks them:

    version check -> last-applied updater -> last-applied manager -> skip non-applied
    -> cap managers -> build manager info -> managedFields updater -> strip meta
    -> structured merge

A write may carry managedFields of its own: they replace the stored ones when they are
valid and non-empty (`[]` or `[{}]` resets ownership); otherwise the stored ones are
kept, so clients that know nothing of managedFields cannot wipe them. Writes through a
subresource always keep the stored ones.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import errors, meta
from . import managed as managedfields
from .conflict import new_conflict_error
from .fieldpath import Set, make_path
from .lastapplied import LastAppliedManager, LastAppliedUpdater
from .managed import Managed, ManagedFieldsError, decode_managed_fields, encode_managed_fields
from .managers import (
    DEFAULT_MAX_UPDATE_MANAGERS,
    BuildManagerInfoManager,
    CapManagersManager,
    FieldManagerError,
    ManagedFieldsUpdater,
    Manager,
    SkipNonAppliedManager,
    StripMetaManager,
    StructuredMergeManager,
    VersionCheckManager,
)
from .typeconverter import Defaulter, TypeConverter
from .updater import Conflicts

Object = dict[str, Any]

INVALID_AFTER_ADMISSION = (
    ".metadata.managedFields was in an invalid state after admission; this could be caused by "
    "an outdated mutating admission controller; please fix your requests: {}"
)


def internal_error(message: str) -> errors.StatusError:
    """What upstream answers for an error that is not a Status: 500, no reason."""
    return errors.from_status(
        {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": message,
            "code": 500,
        }
    )


class FieldManager:
    def __init__(self, manager: Manager, api_version: str, kind: str, subresource: str = ""):
        self.manager = manager
        self.api_version = api_version
        self.kind = kind
        self.subresource = subresource

    def new_empty(self) -> Object:
        """The object an update compares against when there is none yet (upstream's New())."""
        return {"apiVersion": self.api_version, "kind": self.kind}

    def decode_live_or_new(self, live: Object, new: Object) -> Managed:
        if self.subresource:
            return _decode_or_empty(meta.metadata(live).get("managedFields"))
        requested = meta.metadata(new).get("managedFields")
        if managedfields.is_reset(requested):
            return Managed()
        try:
            managed = decode_managed_fields(requested)
        except ManagedFieldsError:
            managed = Managed()
        if not managed.fields:
            return _decode_or_empty(meta.metadata(live).get("managedFields"))
        return managed

    def update(self, live: Object | None, new: Object, manager: str) -> Object:
        """Record a non-apply write of new (private, modified) over live; FieldManagerError."""
        live = live if live is not None else self.new_empty()
        managed = self.decode_live_or_new(live, new)
        obj, managed = self.manager.update(live, new, managed, manager)
        _encode(obj, managed)
        return obj

    def update_no_errors(self, live: Object | None, new: Object, manager: str) -> Object:
        """update, but a failure leaves the object without managedFields instead of failing the write."""
        try:
            return self.update(live, new, manager)
        except (FieldManagerError, ManagedFieldsError, ValueError):
            meta.ensure_metadata(new).pop("managedFields", None)
            return new

    def apply(self, live: Object | None, applied: Object, manager: str, force: bool) -> Object:
        """The object after applying `applied` (private) over live; StatusError on failure
        (409 for conflicts, 400 for bad configurations, 500 for what upstream does not expect)."""
        live = live if live is not None else self.new_empty()
        try:
            managed = decode_managed_fields(meta.metadata(live).get("managedFields"))
        except ManagedFieldsError as exc:
            raise internal_error(f"failed to decode managed fields: {exc}") from None
        try:
            obj, managed = self.manager.apply(live, applied, managed, manager, force)
        except Conflicts as conflicts:
            raise new_conflict_error(conflicts) from None
        except FieldManagerError as exc:
            raise internal_error(str(exc)) from None
        assert obj is not None
        _encode(obj, managed)
        return obj


def _decode_or_empty(entries: Any) -> Managed:
    try:
        return decode_managed_fields(entries)
    except ManagedFieldsError:
        return Managed()


def _encode(obj: Object, managed: Managed) -> None:
    """Write the entries where managedFields already is (or last), or drop it when empty."""
    encoded = encode_managed_fields(managed)
    metadata = meta.ensure_metadata(obj)
    if encoded is None:
        metadata.pop("managedFields", None)
    else:
        metadata["managedFields"] = encoded


def new_default_field_manager(
    type_converter: TypeConverter,
    api_version: str,
    kind: str,
    subresource: str = "",
    defaulter: Defaulter | None = None,
    reset_fields: dict[str, Set] | None = None,
    max_update_managers: int = DEFAULT_MAX_UPDATE_MANAGERS,
) -> FieldManager:
    """upstream NewDefaultFieldManager for one kind (and subresource) served at api_version."""
    chain: Manager = StructuredMergeManager(type_converter, api_version, defaulter, reset_fields)
    chain = StripMetaManager(chain)
    chain = ManagedFieldsUpdater(chain)
    chain = BuildManagerInfoManager(chain, api_version, subresource)
    chain = CapManagersManager(chain, max_update_managers)
    chain = SkipNonAppliedManager(chain, lambda version, k: {"apiVersion": version, "kind": k})
    chain = LastAppliedManager(chain, type_converter, api_version)
    chain = LastAppliedUpdater(chain)
    chain = VersionCheckManager(chain, api_version, kind)
    return FieldManager(chain, api_version, kind, subresource)


def reset_field_sets(paths: dict[str, list[tuple[str, ...]]]) -> dict[str, Set]:
    """A strategy's reset fields (upstream GetResetFields) as sets, from field-name paths."""
    return {version: Set.of(*(make_path(*p) for p in group)) for version, group in paths.items()}


# --- helpers for the handlers -----------------------------------------------------------------


def managed_fields_of(obj: Object) -> Any:
    return meta.metadata(obj).get("managedFields")


def check_after_admission(obj: Object, before: Any, warn: Callable[[str], None]) -> None:
    """upstream managedFieldsValidatingAdmissionController: managedFields a mutating admission
    plugin left invalid are put back as they were, with a warning."""
    after = meta.metadata(obj).get("managedFields")
    if after is before:
        return
    problem = managedfields.validate_managed_fields(after)
    if problem is None:
        return
    metadata = meta.ensure_metadata(obj)
    if before is None:
        metadata.pop("managedFields", None)
    else:
        metadata["managedFields"] = before
    warn(INVALID_AFTER_ADMISSION.format(problem))


def ignore_managed_fields_timestamps(new: Object, old: Object | None) -> None:
    """upstream IgnoreManagedFieldsTimestampsTransformer: when a write changes nothing but the
    times in managedFields, keep the old times, so that it changes nothing at all."""
    if old is None:
        return
    new_entries = meta.metadata(new).get("managedFields")
    old_entries = meta.metadata(old).get("managedFields")
    if not isinstance(new_entries, list) or not isinstance(old_entries, list):
        return
    if len(new_entries) != len(old_entries) or not new_entries:
        return
    if all(
        isinstance(a, dict) and isinstance(b, dict) and a.get("time") == b.get("time")
        for a, b in zip(new_entries, old_entries)
    ):
        return
    for a, b in zip(new_entries, old_entries):
        if not isinstance(a, dict) or not isinstance(b, dict):
            return
        if {k: v for k, v in a.items() if k != "time"} != {k: v for k, v in b.items() if k != "time"}:
            return
    if not _equal_except_managed_fields(new, old):
        return
    for a, b in zip(new_entries, old_entries):
        if "time" in b:
            a["time"] = b["time"]
        else:
            a.pop("time", None)


def _equal_except_managed_fields(new: Object, old: Object) -> bool:
    if new.keys() != old.keys():
        return False
    for key, value in new.items():
        if key == "metadata":
            other = old.get("metadata")
            if not isinstance(value, dict) or not isinstance(other, dict) or value.keys() != other.keys():
                return bool(value == other)
            if any(v != other[k] for k, v in value.items() if k != "managedFields"):
                return False
        elif value != old[key]:
            return False
    return True
