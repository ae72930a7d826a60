"""metadata.managedFields <-> ownership (upstream managedfields internal/managedfields.go).

Inside the field manager a manager is named by its identifier: the JSON Go writes for its
entry without fieldsType, fieldsV1 and time, and without apiVersion for appliers
(`{"manager":"kubectl","operation":"Apply"}`,
`{"manager":"kube-controller-manager","operation":"Update","apiVersion":"apps/v1"}`), so
an applier keeps one entry across versions while an updater has one per version.

`decode_managed_fields` reads entries as upstream does (and fails as it does: operation must
be Apply or Update, apiVersion must not be empty, fieldsType must be FieldsV1);
`encode_managed_fields` writes them back in upstream's order: Apply before Update, then
oldest first, then by manager, apiVersion and subresource; times at second precision.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

import orjson

from .. import golang, timefmt
from . import value as values
from .fieldsv1 import FieldsError, fields_to_set, set_to_fields
from .updater import ManagedFields, VersionedSet

APPLY = "Apply"
UPDATE = "Update"
FIELDS_V1 = "FieldsV1"
_RFC3339_SECONDS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


class ManagedFieldsError(ValueError):
    """managedFields that cannot be read; str() is upstream's message."""


@dataclass(slots=True)
class Managed:
    """Ownership plus the time of each manager's last change (upstream ManagedInterface)."""

    fields: ManagedFields = field(default_factory=dict)
    times: dict[str, str | None] = field(default_factory=dict)

    def copy(self) -> Managed:
        return Managed(dict(self.fields), dict(self.times))


def build_manager_identifier(
    manager: str, operation: str, api_version: str = "", subresource: str = ""
) -> str:
    """upstream BuildManagerIdentifier over an entry's manager, operation, apiVersion, subresource."""
    parts = []
    if manager:
        parts.append('"manager":' + values.json_string(manager))
    if operation:
        parts.append('"operation":' + values.json_string(operation))
    if api_version and operation != APPLY:
        parts.append('"apiVersion":' + values.json_string(api_version))
    if subresource:
        parts.append('"subresource":' + values.json_string(subresource))
    return "{" + ",".join(parts) + "}"


@functools.lru_cache(maxsize=4096)
def parse_identifier(identifier: str) -> dict[str, Any]:
    """The entry fields an identifier holds ({} when it is not JSON)."""
    try:
        parsed = orjson.loads(identifier)
    except orjson.JSONDecodeError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


_DECODED: dict[bytes, Managed] = {}
_DECODED_LIMIT = 2048


def decode_managed_fields(entries: Any) -> Managed:
    """upstream DecodeManagedFields; ManagedFieldsError for entries it refuses.

    The same entries come back with every write of an object, so decodings are remembered by
    the entries' JSON; the result is a private copy (its sets are shared, and immutable)."""
    if not entries:
        return Managed()
    try:
        key = orjson.dumps(entries)
    except TypeError:
        return _decode(entries)
    found = _DECODED.get(key)
    if found is None:
        found = _decode(entries)
        if len(_DECODED) >= _DECODED_LIMIT:
            del _DECODED[next(iter(_DECODED))]
        _DECODED[key] = found
    return found.copy()


def _decode(entries: Any) -> Managed:
    managed = Managed()
    if not isinstance(entries, list):
        raise ManagedFieldsError("managedFields must be a list")
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise ManagedFieldsError(f"managed fields entry {i} must be an object")
        operation = entry.get("operation") or ""
        if operation not in (APPLY, UPDATE):
            raise ManagedFieldsError("operation must be `Apply` or `Update`")
        api_version = entry.get("apiVersion") or ""
        if not api_version:
            raise ManagedFieldsError("apiVersion must not be empty")
        fields_type = entry.get("fieldsType") or ""
        if fields_type == "":
            raise ManagedFieldsError(f"missing fieldsType in managed fields entry {i}")
        if fields_type != FIELDS_V1:
            raise ManagedFieldsError(
                f"invalid fieldsType {golang.quote(str(fields_type))} in managed fields entry {i}"
            )
        identifier = build_manager_identifier(
            str(entry.get("manager") or ""), operation, str(api_version), str(entry.get("subresource") or "")
        )
        try:
            fieldset = fields_to_set(entry.get("fieldsV1") or {})
        except FieldsError as exc:
            raise ManagedFieldsError(
                f"error decoding versioned set from {_describe(entry)}: error decoding set: {exc}"
            ) from None
        managed.fields[identifier] = VersionedSet(fieldset, str(api_version), operation == APPLY)
        when = entry.get("time")
        managed.times[identifier] = when if isinstance(when, str) and when else None
    return managed


def _describe(entry: dict[str, Any]) -> str:
    return "{" + " ".join(str(entry.get(k, "")) for k in ("manager", "operation", "apiVersion")) + "}"


def encode_managed_fields(managed: Managed) -> list[dict[str, Any]] | None:
    """The managedFields entries, sorted as upstream sorts them; None when nobody owns anything."""
    if not managed.fields:
        return None
    encoded = []
    for identifier, vs in managed.fields.items():
        info = parse_identifier(identifier)
        if not info and identifier:
            raise ManagedFieldsError(f"error unmarshalling manager identifier {identifier}")
        entry: dict[str, Any] = {}
        manager = info.get("manager") or ""
        if manager:
            entry["manager"] = manager
        operation = APPLY if vs.applied else (info.get("operation") or "")
        if operation:
            entry["operation"] = operation
        if vs.api_version:
            entry["apiVersion"] = vs.api_version
        when = managed.times.get(identifier)
        if when:
            entry["time"] = normalize_time(when)
        entry["fieldsType"] = FIELDS_V1
        entry["fieldsV1"] = set_to_fields(vs.set)
        subresource = info.get("subresource") or ""
        if subresource:
            entry["subresource"] = subresource
        encoded.append(entry)
    encoded.sort(key=_sort_key)
    return encoded


def _sort_key(entry: dict[str, Any]) -> tuple[Any, ...]:
    when = entry.get("time")
    return (
        entry.get("operation", ""),
        _unix(when) if when else 0,
        entry.get("manager", ""),
        entry.get("apiVersion", ""),
        entry.get("subresource", ""),
    )


@functools.lru_cache(maxsize=4096)
def _unix(when: str) -> int:
    try:
        return int(timefmt.parse_time(when).timestamp())
    except (ValueError, OverflowError):
        return 0


def normalize_time(when: str) -> str:
    """A metav1.Time as Go re-encodes it: UTC, second precision."""
    if _RFC3339_SECONDS.fullmatch(when):
        return when
    try:
        return timefmt.format_time(timefmt.parse_time(when))
    except (ValueError, OverflowError):
        return when


def unix_seconds(when: str | None) -> int:
    return _unix(when) if when else 0


def validate_managed_fields(entries: Any) -> str | None:
    """upstream managedfields.ValidateManagedFields: the decoding error, or None."""
    try:
        decode_managed_fields(entries)
    except ManagedFieldsError as exc:
        return str(exc)
    return None


def is_reset(entries: Any) -> bool:
    """A client asking to drop all ownership: `managedFields: []` or `[{}]`."""
    if isinstance(entries, list):
        if not entries:
            return True
        only = entries[0]
        return len(entries) == 1 and isinstance(only, dict) and not any(only.values())
    return False
