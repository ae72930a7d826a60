"""A CRD version's schema, compiled once: the validate/prune/default a custom resource gets.

Upstream spreads this over the CR handler's decoder (pruning, embedded metadata coercion,
defaulting) and the CR strategy (schema validation, embedded ObjectMeta, list types, CEL).
Everything that can be decided from the schema alone is decided here at compile time,
including which walks can be skipped: a schema without defaults never walks for
defaulting, one without embedded resources never walks for them, and so on, so the cost of
a write is the cost of what the schema asks for.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import field

from . import defaulting, listtype, objectmeta, openapi, pruning
from .structural import Structural, StructuralError, new_structural

_BLOCKING = frozenset(("FieldValueNotSupported", "FieldValueRequired", "FieldValueTooLong", "FieldValueTooMany",
                       "FieldValueTypeInvalid"))
_NOT_CHECKED = ("some validation rules were not checked because the object was invalid; "
                "correct the existing errors to complete validation")


class CompiledSchema:
    """validate(), prune() and default() for objects of one CRD version. Immutable once built."""

    def __init__(self, schema: dict[str, Any], preserve_unknown_top: bool = False):
        self.schema = schema
        self.preserve_unknown_top = preserve_unknown_top
        try:
            self.structural: Structural | None = new_structural(schema)
        except StructuralError:
            self.structural = None
        defaulting.prune_defaults(self.structural)
        self._validator = openapi.compile_validator(schema)
        self._has_defaults = defaulting.has_defaults(self.structural)
        self._has_embedded = objectmeta.contains_embedded(self.structural)
        self._list_nodes: set[int] = set()
        self._has_list_types = listtype.contains_list_types(self.structural, self._list_nodes)
        self._cel = _compile_cel(self.structural)
        status = (schema.get("properties") or {}).get("status")
        self._status_validator = openapi.compile_validator(status) if isinstance(status, dict) else None

    def validate(self, obj: dict[str, Any], old: dict[str, Any] | None = None,
                 prior: field.ErrorList = ()) -> field.ErrorList:  # type: ignore[assignment]
        """The custom resource's schema errors, in upstream's order: OpenAPI schema, embedded
        metadata, list types, then CEL rules. With `old` (an update), unchanged values ratchet
        and list types are checked only if the old object passed them.

        `prior` are errors the caller found first (metadata): like upstream's, a blocking
        error among them or ours (required, unsupported, too long/many, wrong type) replaces
        the CEL rules with one "some validation rules were not checked" error.
        """
        errs = openapi.validate(self._validator, obj, openapi.MISSING if old is None else old)
        s = self.structural
        if s is None:
            return errs
        if self._has_embedded:
            for key, value in obj.items():
                if key not in ("apiVersion", "kind", "metadata") and key in s.properties:
                    errs += objectmeta.validate(value, s.properties[key], field.new_path(key))
        if self._has_list_types and (old is None or not listtype.validate(field.NIL, s, old, self._list_nodes)):
            errs += listtype.validate(field.NIL, s, obj, self._list_nodes)
        if self._cel is not None:
            if any(e.type in _BLOCKING for e in (*prior, *errs)):
                errs.append(field.invalid(field.NIL, None, _NOT_CHECKED))
            else:
                errs += self._cel.validate(obj, old)
        return errs

    def validate_status(self, obj: dict[str, Any], old: dict[str, Any],
                        prior: field.ErrorList = ()) -> field.ErrorList:  # type: ignore[assignment]
        """A status update: the status schema alone at `status` (its messages name fields
        relative to status, as upstream's), list types, then all CEL rules of the object."""
        errs: field.ErrorList = []
        if "status" in obj and self._status_validator is not None:
            old_status = old.get("status", openapi.MISSING) if isinstance(old, dict) else openapi.MISSING
            for err in openapi.validate(self._status_validator, obj["status"], old_status):
                err.field = "status" if err.field == "<nil>" else f"status.{err.field}"
                errs.append(err)
        s = self.structural
        if s is None:
            return errs
        if self._has_list_types:
            new_errs = listtype.validate(field.NIL, s, obj, self._list_nodes)
            if new_errs and not listtype.validate(field.NIL, s, old, self._list_nodes):
                errs += new_errs
        if self._cel is not None:
            if any(e.type in _BLOCKING for e in (*prior, *errs)):
                errs.append(field.invalid(field.NIL, None, _NOT_CHECKED))
            else:
                errs += self._cel.validate(obj, old)
        return errs

    def prune(self, obj: dict[str, Any]) -> list[str]:
        """Drop unknown fields in place; returns their paths (`spec.foo`, `metadata.bogus`), sorted.

        As upstream's decoder does, the top-level metadata loses the fields ObjectMeta does not
        declare too (a metadata of the wrong shape is left for metadata validation to report),
        and embedded resources' metadata likewise.
        """
        unknown = objectmeta.prune_object_meta(obj.get("metadata"), "metadata")
        if self.preserve_unknown_top:
            return unknown
        unknown += pruning.prune(obj, self.structural, True)
        if self._has_embedded and self.structural is not None:
            embedded: list[str] = []
            for key, value in obj.items():
                prop = self.structural.properties.get(key)
                if prop is not None and key not in ("apiVersion", "kind", "metadata"):
                    objectmeta.coerce(value, prop, field.new_path(key), embedded)
            unknown += embedded
        return sorted(unknown)

    def default(self, obj: dict[str, Any]) -> None:
        """Apply the schema's defaults in place (after dropping nulls that may not be null)."""
        if self.structural is None:
            return
        defaulting.prune_non_nullable_nulls_without_defaults(obj, self.structural)
        if self._has_defaults:
            defaulting.default(obj, self.structural)


def _compile_cel(s: Structural | None) -> Any:
    """The CEL rules of the schema, compiled once (None when the schema has none)."""
    if s is None:
        return None
    from .cel import validator

    return validator.new_validator(s)


def compile_schema(openapi_v3_schema: dict[str, Any], *, preserve_unknown_top: bool = False) -> CompiledSchema:
    """Compile a CRD version's openAPIV3Schema. The caller caches the result per schema."""
    return CompiledSchema(openapi_v3_schema, preserve_unknown_top)
