"""Moving from client-side to server-side apply (upstream lastappliedmanager.go and
lastappliedupdater.go).

Only for the field manager `kubectl` (what `kubectl apply --server-side` uses):

- an apply that conflicts only on fields the `kubectl.kubernetes.io/last-applied-configuration`
  annotation lists with the live values (fields client-side apply set) is forced, so
  switching a kubectl-managed object to server-side apply does not conflict with
  `kubectl-client-side-apply`;
- after a successful apply, if the object carries that annotation, it is rewritten to the
  applied configuration, so a later client-side apply still computes the right patch.
"""

from __future__ import annotations

from typing import Any

import orjson

from .. import meta
from . import value as values
from .compare import compare
from .fieldpath import Set
from .managed import Managed
from .managers import Manager
from .typeconverter import NoCorrespondingType, TypeConverter
from .typed import ValidationError, to_field_set
from .updater import Conflicts

Object = dict[str, Any]

LAST_APPLIED_CONFIG_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration"
KUBECTL = "kubectl"
TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024


class LastAppliedManager:
    def __init__(self, inner: Manager, type_converter: TypeConverter, api_version: str):
        self.inner = inner
        self.types = type_converter
        self.api_version = api_version

    def update(self, live: Object, new: Object, managed: Managed, manager: str) -> tuple[Object, Managed]:
        return self.inner.update(live, new, managed, manager)

    def apply(
        self, live: Object, applied: Object, managed: Managed, manager: str, force: bool
    ) -> tuple[Object | None, Managed]:
        try:
            return self.inner.apply(live, applied, managed.copy(), manager, force)
        except Conflicts as conflicts:
            if manager != KUBECTL:
                raise
            allowed = self._allowed_conflicts(live)
            if allowed is None:
                raise
            if not conflicts.to_set().difference(allowed).empty():
                raise Conflicts([c for c in conflicts.conflicts if not allowed.has(c.path)]) from None
        return self.inner.apply(live, applied, managed, manager, True)

    def _allowed_conflicts(self, live: Object) -> Set | None:
        """Fields the last-applied annotation sets to their live values; None when unusable."""
        text = _annotations(live).get(LAST_APPLIED_CONFIG_ANNOTATION)
        if not text:
            return None
        try:
            live_typed = self.types.object_to_typed(live, structured=True)
            last = orjson.loads(text)
        except (ValidationError, NoCorrespondingType, orjson.JSONDecodeError):
            return None
        if not isinstance(last, dict) or last.get("apiVersion") != self.api_version:
            return None
        try:
            last_typed = self.types.object_to_typed(last)
            fields = to_field_set(last_typed.value, last_typed.atom)
            cmp = compare(last_typed.value, live_typed.value, last_typed.atom)
        except (ValidationError, NoCorrespondingType, ValueError):
            return None
        return fields.difference(cmp.modified).difference(cmp.added).difference(cmp.removed)


class LastAppliedUpdater:
    def __init__(self, inner: Manager):
        self.inner = inner

    def update(self, live: Object, new: Object, managed: Managed, manager: str) -> tuple[Object, Managed]:
        return self.inner.update(live, new, managed, manager)

    def apply(
        self, live: Object, applied: Object, managed: Managed, manager: str, force: bool
    ) -> tuple[Object | None, Managed]:
        obj, managed = self.inner.apply(live, applied, managed, manager, force)
        if manager == KUBECTL and obj is not None and _annotations(obj).get(LAST_APPLIED_CONFIG_ANNOTATION):
            set_last_applied(obj, build_last_applied(applied))
        return obj, managed


def _annotations(obj: Object) -> dict[str, Any]:
    found = meta.metadata(obj).get("annotations")
    return found if isinstance(found, dict) else {}


def build_last_applied(applied: Object) -> str:
    """The applied configuration without the annotation, as Go encodes an unstructured
    object: compact, keys sorted, newline-terminated."""
    copy = meta.deep_copy(applied)
    metadata = copy.get("metadata")
    if isinstance(metadata, dict) and isinstance(metadata.get("annotations"), dict):
        metadata["annotations"].pop(LAST_APPLIED_CONFIG_ANNOTATION, None)
    return values.to_json(copy) + "\n"


def set_last_applied(obj: Object, text: str) -> None:
    """Write the annotation, unless the annotations would then exceed their size limit."""
    metadata = meta.ensure_metadata(obj)
    annotations = metadata.get("annotations")
    if not isinstance(annotations, dict):
        annotations = metadata["annotations"] = {}
    annotations[LAST_APPLIED_CONFIG_ANNOTATION] = text
    total = sum(len(k.encode()) + len(str(v).encode()) for k, v in annotations.items())
    if total > TOTAL_ANNOTATION_SIZE_LIMIT:
        del annotations[LAST_APPLIED_CONFIG_ANNOTATION]
