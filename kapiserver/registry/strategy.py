"""What differs per kind in the generic store (upstream RESTCreateStrategy, RESTUpdateStrategy,
RESTDeleteStrategy, RESTGracefulDeleteStrategy, GarbageCollectionDeleteStrategy).

Contracts, as upstream documents them:
- `default` and `prepare_for_*` may mutate the object they are given (the store's private copy).
- `validate*` and `warnings_on_*` must not mutate anything.
- `prepare_for_update` receives the stored object as `old`: it is shared, never mutate it.
"""

from __future__ import annotations

import secrets
from typing import Literal

from kapiserver.apimachinery import field
from kapiserver.apimachinery.types import Object

from .rest import DeleteOptions, RequestContext

GarbageCollectionPolicy = Literal["DeleteDependents", "OrphanDependents", "Unsupported"]

# upstream names.SimpleNameGenerator: 5 random characters from this alphabet
_NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
_MAX_NAME_LENGTH = 63
_RANDOM_LENGTH = 5
_MAX_GENERATED_BASE = _MAX_NAME_LENGTH - _RANDOM_LENGTH


def generate_name(base: str) -> str:
    """generateName + 5 random characters, trimming the base so the result stays a valid label."""
    if len(base) > _MAX_GENERATED_BASE:
        base = base[:_MAX_GENERATED_BASE]
    return base + "".join(secrets.choice(_NAME_ALPHABET) for _ in range(_RANDOM_LENGTH))


class Strategy:
    """Defaults fit a plain namespaced kind with no spec/status split; kinds override what differs."""

    allow_create_on_update: bool = False
    allow_unconditional_update: bool = True
    default_garbage_collection_policy: GarbageCollectionPolicy = "DeleteDependents"
    # Kinds deleted in two steps (upstream RESTGracefulDeleteStrategy): pods.
    supports_graceful_delete: bool = False

    def default(self, obj: Object) -> None:
        """Apply the scheme's defaults (upstream defaults.go), after decoding a request body."""

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        """Clear what clients may not set on create (e.g. status) and set server-owned fields."""

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        """Carry over what this verb may not change (e.g. status on the main resource)."""

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return []

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return []

    def warnings_on_create(self, ctx: RequestContext, obj: Object) -> list[str]:
        return []

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        return []

    def canonicalize(self, obj: Object) -> None:
        """Normalize the object before it is stored."""

    def check_graceful_delete(self, ctx: RequestContext, obj: Object, options: DeleteOptions) -> int | None:
        """The grace period to delete with, or None to delete at once (graceful kinds only)."""
        return None

    def generate_name(self, base: str) -> str:
        return generate_name(base)

    def should_delete_during_update(self, obj: Object, old: Object) -> bool:
        """An extra condition for deleting an object whose last finalizer an update removed
        (upstream Store.ShouldDeleteDuringUpdate; namespaces also wait for spec.finalizers)."""
        return True


# -- helpers strategies share -----------------------------------------------------------------


def drop_status_on_create(obj: Object) -> None:
    """Most kinds ignore a status sent on create; the controllers own it."""
    obj.pop("status", None)


def keep_old_status(obj: Object, old: Object) -> None:
    """The main resource cannot change status; the status subresource can."""
    _keep_old(obj, old, "status")


def keep_old_spec(obj: Object, old: Object) -> None:
    """The status subresource cannot change spec; the main resource can."""
    _keep_old(obj, old, "spec")


def _keep_old(obj: Object, old: Object, key: str) -> None:
    if key in old:
        obj[key] = old[key]
    else:
        obj.pop(key, None)


def start_generation(obj: Object) -> None:
    obj.setdefault("metadata", {})["generation"] = 1


def bump_generation_on_change(obj: Object, old: Object, *fields: str) -> None:
    """Increase metadata.generation when any of the given top-level fields changed."""
    if any(obj.get(name) != old.get(name) for name in fields):
        meta = obj.setdefault("metadata", {})
        meta["generation"] = int(old.get("metadata", {}).get("generation") or 0) + 1


def immutable(path: field.Path, new: object, old: object) -> field.ErrorList:
    """upstream ValidateImmutableField."""
    if new != old:
        return [field.invalid(path, new, "field is immutable")]
    return []
