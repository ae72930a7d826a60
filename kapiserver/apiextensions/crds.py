"""customresourcedefinitions (upstream apiextensions-apiserver pkg/registry/customresourcedefinition).

The strategy keeps `status.storedVersions` in step with the storage version (a new
storage version is appended, never removed), bumps the generation on any spec change and
leaves status to the status subresource. Delete is two-step, as upstream's REST.Delete:
the first delete only marks the CRD (deletionTimestamp, the cleanup finalizer and a
Terminating condition); the finalizer controller deletes the custom resources and then
removes the finalizer, which deletes the CRD.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import errors, field, meta, timefmt
from kapiserver.apimachinery.types import Object
from kapiserver.registry import storeerr, subresources
from kapiserver.registry.rest import DeleteOptions, GetOptions, RequestContext, ValidateObjectFunc
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.store import Store
from kapiserver.registry.strategy import Strategy, start_generation
from kapiserver.storage import errors as storage_errors
from kapiserver.storage.interface import Preconditions, Storage

from . import defaults, helpers, internal, validation


def _add_storage_version(crd: Object) -> None:
    storage = helpers.storage_version(crd)
    if storage and not helpers.is_stored_version(crd, storage):
        status = crd.setdefault("status", {})
        status["storedVersions"] = list(status.get("storedVersions") or []) + [storage]


def _uses_observed_generation(status: Any) -> bool:
    status = status if isinstance(status, dict) else {}
    return bool(status.get("observedGeneration")) or any(
        isinstance(c, dict) and c.get("observedGeneration") for c in status.get("conditions") or [])


def drop_observed_generation(crd: Object, old: Object | None) -> None:
    """CRDObservedGenerationTracking is off by default in v1.35: its fields are dropped
    unless the stored object already uses them."""
    if old is not None and _uses_observed_generation(old.get("status")):
        return
    status = crd.get("status")
    if isinstance(status, dict):
        status.pop("observedGeneration", None)
        for cond in status.get("conditions") or []:
            if isinstance(cond, dict):
                cond.pop("observedGeneration", None)


class CustomResourceDefinitionStrategy(Strategy):
    allow_create_on_update = False
    allow_unconditional_update = False

    def default(self, obj: Object) -> None:
        defaults.set_defaults(obj)

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        obj["status"] = {}
        start_generation(obj)
        _add_storage_version(obj)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        obj["status"] = meta.deep_copy(old.get("status") or {})
        if internal.semantic(obj.get("spec")) != internal.semantic(old.get("spec")):
            obj.setdefault("metadata", {})["generation"] = meta.generation(old) + 1
        _add_storage_version(obj)
        drop_observed_generation(obj, old)

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validation.validate_crd(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validation.validate_crd_update(obj, old)

    def warnings_on_create(self, ctx: RequestContext, obj: Object) -> list[str]:
        return [f"unrecognized format {field.go_quote(f)}" for f in validation.unrecognized_formats(obj)]

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        known = set(validation.unrecognized_formats(old))
        return [f"unrecognized format {field.go_quote(f)}" for f in validation.unrecognized_formats(obj)
                if f not in known]

    def canonicalize(self, obj: Object) -> None:
        defaults.go_shape(obj)


class CustomResourceDefinitionStatusStrategy(CustomResourceDefinitionStrategy):
    """upstream statusStrategy: spec comes from the stored object. Its metadata reset is
    called with the new object twice, so metadata changes (finalizers) do go through,
    which the finalizer controller relies on."""

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        obj["spec"] = meta.deep_copy(old.get("spec") or {})
        drop_observed_generation(obj, old)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validation.validate_status_update(obj, old)

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        return []


STRATEGY = CustomResourceDefinitionStrategy()
STATUS_STRATEGY = CustomResourceDefinitionStatusStrategy()


class CustomResourceDefinitionREST(Store):
    """The CRD store with upstream's two-step delete."""

    async def delete(self, ctx: RequestContext, name: str, delete_validation: ValidateObjectFunc | None,
                     options: DeleteOptions) -> tuple[Object, bool]:
        crd = await self.get(ctx, name, GetOptions())
        uid = options.uid_precondition
        if uid is None:
            uid = meta.uid(crd)
        elif uid != meta.uid(crd):
            raise errors.conflict(self.gr, name, f"Precondition failed: UID in precondition: {uid}, UID in object "
                                                 f"meta: {meta.uid(crd)}")
        rv = options.resource_version_precondition
        if rv is not None and rv != meta.resource_version(crd):
            raise errors.conflict(self.gr, name, f"Precondition failed: ResourceVersion in precondition: {rv}, "
                                                 f"ResourceVersion in object meta: {meta.resource_version(crd)}")
        if meta.deletion_timestamp(crd):
            return await super().delete(ctx, name, delete_validation, options)
        return await self._mark_terminating(ctx, name, Preconditions(uid, rv), delete_validation, options), False

    async def _mark_terminating(self, ctx: RequestContext, name: str, preconditions: Preconditions,
                                delete_validation: ValidateObjectFunc | None, options: DeleteOptions) -> Object:
        async def mark(existing: Object | None) -> Object:
            assert existing is not None
            if delete_validation is not None:
                await delete_validation(ctx, existing)
            crd = meta.deep_copy(existing)
            metadata = crd.setdefault("metadata", {})
            if not metadata.get("deletionTimestamp"):
                metadata["deletionTimestamp"] = timefmt.now_rfc3339()
            if helpers.CLEANUP_FINALIZER not in (metadata.get("finalizers") or []):
                metadata["finalizers"] = list(metadata.get("finalizers") or []) + [helpers.CLEANUP_FINALIZER]
            helpers.set_condition(crd, helpers.condition(
                helpers.TERMINATING, "True", "InstanceDeletionPending",
                "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon"))
            return crd

        try:
            return await self._storage(options.is_dry_run).guaranteed_update(self.key(ctx, name), preconditions, mark)
        except storage_errors.StorageError as exc:
            raise storeerr.interpret_update_error(exc, self.gr, name) from exc


def _rest(spec: ResourceSpec, storage: Storage) -> CustomResourceDefinitionREST:
    return CustomResourceDefinitionREST(spec, storage)


CUSTOM_RESOURCE_DEFINITIONS = ResourceSpec(
    group=helpers.GROUP, version=helpers.VERSION, kind=helpers.KIND, plural=helpers.RESOURCE,
    singular="customresourcedefinition", namespaced=False, strategy=STRATEGY, short_names=("crd", "crds"),
    categories=("api-extensions",), subresources=(subresources.status(STATUS_STRATEGY),),
    storage_path=f"{helpers.GROUP}/{helpers.RESOURCE}", rest_factory=_rest,
)
