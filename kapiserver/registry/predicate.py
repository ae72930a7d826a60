"""Selectors to storage predicates (upstream storage.SelectionPredicate + field label conversion).

Label and field selectors arrive as text; a bad selector is a 400. A field selector may
only name the fields the kind supports: kinds that declare their own selectable fields
answer upstream's `field label not supported: <name>`; the others accept only
metadata.name and metadata.namespace, with upstream's default conversion message.
"""

from __future__ import annotations

from kapiserver.apimachinery import errors, fields, labels
from kapiserver.apimachinery.types import Object
from kapiserver.storage.interface import EVERYTHING, Predicate

from .spec import ResourceSpec


def _field_label_error(spec: ResourceSpec, label: str) -> str:
    if spec.fields is not None:
        return f"field label not supported: {label}"
    return f'"{label}" is not a known field selector: only "metadata.name", "metadata.namespace"'


def supported_fields(spec: ResourceSpec) -> frozenset[str]:
    return frozenset(spec.field_set({}).keys())


def build_predicate(spec: ResourceSpec, label_selector: str, field_selector: str,
                    limit: int = 0, continue_token: str = "") -> Predicate:
    try:
        label_sel = labels.parse(label_selector) if label_selector else None
    except ValueError as exc:
        raise errors.bad_request(str(exc)) from exc
    try:
        field_sel = fields.parse(field_selector) if field_selector else None
    except ValueError as exc:
        raise errors.bad_request(str(exc)) from exc
    exact_name: str | None = None
    if field_sel is not None:
        known = supported_fields(spec)
        for requirement in field_sel.requirements:
            if requirement.field not in known:
                raise errors.bad_request(_field_label_error(spec, requirement.field))
        exact_name = field_sel.requires_exact_match("metadata.name")
    if label_sel is not None and label_sel.empty():
        label_sel = None
    if field_sel is not None and field_sel.empty():
        field_sel = None
    if label_sel is None and field_sel is None:
        if not limit and not continue_token:
            return EVERYTHING
        return Predicate(None, limit, continue_token)

    def matches(obj: Object) -> bool:
        if label_sel is not None and not label_sel.matches(obj.get("metadata", {}).get("labels") or {}):
            return False
        return field_sel is None or field_sel.matches(spec.field_set(obj))

    return Predicate(matches, limit, continue_token, exact_name)


def single_namespace(field_selector: str) -> str | None:
    """The namespace a cluster-wide request pins with `metadata.namespace=x`, if any."""
    if not field_selector:
        return None
    try:
        return fields.parse(field_selector).requires_exact_match("metadata.namespace")
    except ValueError:
        return None
