"""The generic registry store (k8s.io/apiserver registry/generic/registry.Store).

Every verb over one ResourceSpec: keys, strategy calls in upstream's order, storage
error translation, dry run, generateName retries, finalizers and graceful deletion.
Objects handed in by handlers are private to this request and may be mutated; objects
read from storage are shared and are copied before anything changes them.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from kapiserver.apimachinery import errors, field, meta, objectmeta, protobuf, timefmt
from kapiserver.apimachinery.schema import GroupKind
from kapiserver.apimachinery.types import Object
from kapiserver.storage import errors as storage_errors
from kapiserver.storage.interface import ListOptions as StorageListOptions
from kapiserver.storage.interface import Preconditions, Storage, WatchEvent

from . import deletion, storeerr
from .deleter import delete_object
from .dryrun import DryRunStorage
from .pathsegment import is_valid_path_segment_name, validate_path_segment_name
from .predicate import build_predicate, single_namespace
from .rest import (
    CreateOptions,
    DeleteOptions,
    GetOptions,
    ListOptions,
    RequestContext,
    UpdatedObjectInfo,
    UpdateOptions,
    ValidateObjectFunc,
    ValidateObjectUpdateFunc,
)
from .spec import ResourceSpec
from .strategy import Strategy
from .table import to_table

_GENERATE_NAME_ATTEMPTS = 8
_DELETE_COLLECTION_PAGE = 10_000

# upstream genericregistry.FinishFunc: what a begin_* hook returns, awaited once with
# whether the write it prepared was stored (commit) or not (revert).
FinishFunc = Callable[[bool], Awaitable[None]]


class _DeleteNow(Exception):
    """Raised inside a guaranteed update to turn it into a delete."""

    def __init__(self, obj: Object | None = None):
        super().__init__("delete now")
        self.obj = obj


class Store:
    def __init__(self, spec: ResourceSpec, storage: Storage, strategy: Strategy | None = None):
        self.spec = spec
        self.storage = storage
        self.strategy = strategy or spec.strategy
        self.gr = spec.group_resource
        self.gk = GroupKind(spec.group, spec.kind)

    def go_shape(self, obj: Object) -> Object:
        """The object as upstream stores it: through its Go struct, which drops empty omitempty
        fields and writes the ones Go always writes (`status: {}`)."""
        try:
            return protobuf.go_shaped(obj)
        except protobuf.ProtobufError as exc:
            raise errors.bad_request(str(exc)) from exc

    def with_strategy(self, strategy: Strategy) -> Store:
        """The same resource and storage under another strategy (status and other subresources)."""
        return Store(self.spec, self.storage, strategy)

    # -- keys ---------------------------------------------------------------------------

    def key_root(self, namespace: str) -> str:
        root = self.spec.key_root
        return f"{root}/{namespace}" if self.spec.namespaced and namespace else root

    def key(self, ctx: RequestContext, name: str) -> str:
        if self.spec.namespaced and not ctx.namespace:
            raise errors.bad_request("Namespace parameter required.")
        if not name:
            raise errors.bad_request("Name parameter required.")
        problems = is_valid_path_segment_name(name)
        if problems:
            raise errors.bad_request(f"Name parameter invalid: {field.go_quote(name)}: {';'.join(problems)}")
        return f"{self.key_root(ctx.namespace)}/{name}"

    def _storage(self, dry_run: bool) -> Storage:
        return DryRunStorage(self.storage) if dry_run else self.storage

    # -- hooks (upstream Store.BeginCreate, BeginUpdate, AfterDelete) ---------------------
    # A kind that reserves something outside its own object (services: cluster IPs, node
    # ports) overrides these. The begin hooks run before the strategy and may change the
    # object; with_strategy() stores (status) do not inherit them, as upstream's status
    # store copies the main store before its hooks are set.

    async def begin_create(self, ctx: RequestContext, obj: Object, options: CreateOptions) -> FinishFunc | None:
        return None

    async def begin_update(self, ctx: RequestContext, obj: Object, old: Object,
                           options: UpdateOptions) -> FinishFunc | None:
        """`old` is shared and must not be mutated."""
        return None

    async def after_delete(self, ctx: RequestContext, obj: Object, options: DeleteOptions) -> None:
        """The object is gone from storage (also for dry runs: check options.is_dry_run)."""

    # -- reads --------------------------------------------------------------------------

    async def get(self, ctx: RequestContext, name: str, options: GetOptions) -> Object:
        key = self.key(ctx, name)
        try:
            obj = await self.storage.get(key, options.resource_version)
        except Exception as exc:
            raise storeerr.interpret_get_error(exc, self.gr, name) from exc
        assert obj is not None
        return obj

    async def list(self, ctx: RequestContext, options: ListOptions) -> Object:
        result = await self._list(ctx, options)
        list_meta: Object = {"resourceVersion": str(result.resource_version)}
        if result.continue_token:
            list_meta["continue"] = result.continue_token
        if result.remaining_item_count is not None:
            list_meta["remainingItemCount"] = result.remaining_item_count
        return {"kind": self.spec.list_kind, "apiVersion": self.spec.api_version, "metadata": list_meta,
                "items": result.items}

    async def _list(self, ctx: RequestContext, options: ListOptions) -> Any:
        predicate = build_predicate(self.spec, options.label_selector, options.field_selector,
                                    options.limit, options.continue_token)
        namespace = ctx.namespace or self._selected_namespace(options.field_selector)
        opts = StorageListOptions(options.resource_version, options.resource_version_match,  # type: ignore[arg-type]
                                  predicate, True)
        key = self.key_root(namespace)
        if (predicate.exact_name is not None and (namespace or not self.spec.namespaced)
                and not is_valid_path_segment_name(predicate.exact_name)):
            key = f"{key}/{predicate.exact_name}"
            opts = StorageListOptions(opts.resource_version, opts.resource_version_match, predicate, False)
        try:
            return await self.storage.get_list(key, opts)
        except Exception as exc:
            raise storeerr.interpret_list_error(exc, self.gr) from exc

    def _selected_namespace(self, field_selector: str) -> str:
        if not self.spec.namespaced:
            return ""
        chosen = single_namespace(field_selector)
        if chosen and not objectmeta.validate_namespace_name(chosen, False):
            return chosen
        return ""

    def convert_to_table(self, ctx: RequestContext, obj: Object, include_object: str) -> Object:
        if "items" in obj and obj.get("kind", "").endswith("List"):
            return to_table(self.spec.printer, obj["items"], obj.get("metadata", {}), include_object)
        list_meta = {"resourceVersion": meta.resource_version(obj)}
        return to_table(self.spec.printer, [obj], list_meta, include_object)

    def watch(self, ctx: RequestContext, options: ListOptions) -> AsyncIterator[WatchEvent]:
        """Check the request now (a bad selector is a plain 400), then stream its events."""
        predicate = build_predicate(self.spec, options.label_selector, options.field_selector)
        namespace = ctx.namespace or self._selected_namespace(options.field_selector)
        key = self.key_root(namespace)
        recursive = True
        if (predicate.exact_name is not None and (namespace or not self.spec.namespaced)
                and not is_valid_path_segment_name(predicate.exact_name)):
            key, recursive = f"{key}/{predicate.exact_name}", False
        opts = StorageListOptions(options.resource_version, options.resource_version_match,  # type: ignore[arg-type]
                                  predicate, recursive, options.allow_watch_bookmarks, options.send_initial_events,
                                  timeout_seconds=float(options.timeout_seconds or 0))
        return self._watch_events(key, opts)

    async def _watch_events(self, key: str, opts: StorageListOptions) -> AsyncIterator[WatchEvent]:
        try:
            async for event in self.storage.watch(key, opts):
                if event.type == "BOOKMARK":
                    marker = {"kind": self.spec.kind, "apiVersion": self.spec.api_version,
                              "metadata": event.object.get("metadata", {})}
                    yield WatchEvent("BOOKMARK", marker, event.revision)
                else:
                    yield event
        except (storage_errors.StorageError, storage_errors.ResourceVersionTooOld,
                storage_errors.ResourceVersionTooLarge, storage_errors.InvalidResourceVersion) as exc:
            raise storeerr.interpret_watch_error(exc, self.gr) from exc

    # -- create -------------------------------------------------------------------------

    async def create(self, ctx: RequestContext, obj: Object, create_validation: ValidateObjectFunc | None,
                     options: CreateOptions) -> Object:
        generated = bool(meta.metadata(obj).get("generateName")) and not meta.name(obj)
        if not generated:
            return await self._create(ctx, obj, create_validation, options)
        for attempt in range(_GENERATE_NAME_ATTEMPTS):
            candidate = meta.deep_copy(obj) if attempt < _GENERATE_NAME_ATTEMPTS - 1 else obj
            try:
                return await self._create(ctx, candidate, create_validation, options)
            except errors.StatusError as exc:
                if exc.reason != "AlreadyExists" or attempt == _GENERATE_NAME_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def fill_system_fields(self, obj: Object) -> None:
        """upstream FillObjectMetaSystemFields, plus the name from generateName."""
        metadata = meta.ensure_metadata(obj)
        metadata["creationTimestamp"] = timefmt.now_rfc3339()
        metadata["uid"] = str(uuid.uuid4())
        if metadata.get("generateName") and not metadata.get("name"):
            metadata["name"] = self.strategy.generate_name(metadata["generateName"])

    async def _create(self, ctx: RequestContext, obj: Object, create_validation: ValidateObjectFunc | None,
                      options: CreateOptions) -> Object:
        self.fill_system_fields(obj)
        finish = await self.begin_create(ctx, obj, options)
        try:
            out = await self._create_prepared(ctx, obj, create_validation, options)
        except BaseException:
            if finish is not None:
                await finish(False)
            raise
        if finish is not None:
            await finish(True)
        return out

    async def _create_prepared(self, ctx: RequestContext, obj: Object,
                               create_validation: ValidateObjectFunc | None, options: CreateOptions) -> Object:
        self.before_create(ctx, obj)
        if create_validation is not None:
            await create_validation(ctx, obj)
        name = meta.name(obj)
        key = self.key(ctx, name)
        obj = self.go_shape(obj)
        try:
            return await self._storage(options.is_dry_run).create(key, obj, self.spec.ttl_seconds)
        except storage_errors.StorageError as exc:
            raise await self._create_error(exc, key, obj) from exc

    async def _create_error(self, exc: Exception, key: str, obj: Object) -> errors.StatusError:
        name = meta.name(obj)
        err = storeerr.interpret_create_error(exc, self.gr, name)
        if err.reason != "AlreadyExists":
            return err
        if meta.metadata(obj).get("generateName"):
            return errors.generate_name_conflict(self.gr, name, 1)
        existing = await self.storage.get(key, ignore_not_found=True)
        if existing is not None and meta.deletion_timestamp(existing):
            err.status["message"] = f"object is being deleted: {err.status['message']}"
        return err

    def before_create(self, ctx: RequestContext, obj: Object) -> None:
        """upstream rest.BeforeCreate: namespace, prepare, validate, meta checks, warnings, canonicalize."""
        metadata = meta.ensure_metadata(obj)
        self._ensure_namespace(ctx, metadata)
        self.strategy.prepare_for_create(ctx, obj)
        errs = self.strategy.validate(ctx, obj)
        if errs:
            raise errors.invalid(self.gk, meta.name(obj), errs)
        errs = objectmeta.validate_object_meta(metadata, self.spec.namespaced, validate_path_segment_name,
                                               field.new_path("metadata"))
        if errs:
            raise errors.invalid(self.gk, meta.name(obj), errs)
        for warning in self.strategy.warnings_on_create(ctx, obj):
            ctx.add_warning(warning)
        self.strategy.canonicalize(obj)

    def _ensure_namespace(self, ctx: RequestContext, metadata: dict[str, Any]) -> None:
        expected = ctx.namespace if self.spec.namespaced else ""
        actual = metadata.get("namespace") or ""
        if actual == expected:
            return
        if not actual:
            metadata["namespace"] = expected
        elif not expected:
            metadata.pop("namespace", None)
        else:
            raise errors.bad_request("the namespace of the provided object does not match the namespace sent on the request")

    # -- update -------------------------------------------------------------------------

    def before_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        """upstream rest.BeforeUpdate: keep server-owned metadata, prepare, validate, warnings."""
        metadata = meta.ensure_metadata(obj)
        old_meta = meta.metadata(old)
        self._ensure_namespace(ctx, metadata)
        if "generation" in old_meta:
            metadata["generation"] = old_meta["generation"]
        else:
            metadata.pop("generation", None)
        self.strategy.prepare_for_update(ctx, obj, old)
        if not metadata.get("uid") and old_meta.get("uid"):
            metadata["uid"] = old_meta["uid"]
        if old_meta.get("creationTimestamp"):
            metadata["creationTimestamp"] = old_meta["creationTimestamp"]
        if old_meta.get("deletionTimestamp"):
            metadata["deletionTimestamp"] = old_meta["deletionTimestamp"]
        if old_meta.get("deletionGracePeriodSeconds") is not None and metadata.get("deletionGracePeriodSeconds") is None:
            metadata["deletionGracePeriodSeconds"] = old_meta["deletionGracePeriodSeconds"]
        path = field.new_path("metadata")
        errs = objectmeta.validate_object_meta(metadata, self.spec.namespaced, validate_path_segment_name, path)
        errs += objectmeta.validate_object_meta_update(metadata, old_meta, path)
        errs += self.strategy.validate_update(ctx, obj, old)
        if errs:
            raise errors.invalid(self.gk, meta.name(obj), errs)
        for warning in self.strategy.warnings_on_update(ctx, obj, old):
            ctx.add_warning(warning)
        self.strategy.canonicalize(obj)

    async def update(self, ctx: RequestContext, name: str, obj_info: UpdatedObjectInfo,
                     create_validation: ValidateObjectFunc | None,
                     update_validation: ValidateObjectUpdateFunc | None,
                     force_allow_create: bool, options: UpdateOptions) -> tuple[Object, bool]:
        key = self.key(ctx, name)
        uid, rv = obj_info.preconditions()
        preconditions = Preconditions(uid, rv) if uid is not None or rv is not None else None
        allow_create = self.strategy.allow_create_on_update or force_allow_create
        creating = False
        pending = _Pending()

        async def try_update(existing: Object | None) -> Object:
            nonlocal creating
            await pending.settle(False)  # a retried attempt undoes what the last one reserved
            if existing is None:
                if not allow_create:
                    raise errors.not_found(self.gr, name)
                obj = await obj_info.updated_object(ctx, None)
                creating = True
                self.fill_system_fields(obj)
                pending.add(await self.begin_create(ctx, obj, CreateOptions(options.dry_run, options.field_manager,
                                                                            options.field_validation)))
                self.before_create(ctx, obj)
                if create_validation is not None:
                    await create_validation(ctx, obj)
                return self.go_shape(obj)
            creating = False
            obj = await obj_info.updated_object(ctx, existing)
            new_rv = meta.resource_version(obj)
            if not new_rv and self.strategy.allow_unconditional_update:
                meta.set_resource_version(obj, meta.resource_version(existing))
            elif not new_rv:
                raise errors.invalid(GroupKind(self.gr.group, self.gr.resource), name, [field.invalid(
                    field.new_path("metadata", "resourceVersion"), 0, "must be specified for an update")])
            elif new_rv != meta.resource_version(existing):
                raise errors.conflict(self.gr, name, errors.OPTIMISTIC_LOCK_MESSAGE)
            pending.add(await self.begin_update(ctx, obj, existing, options))
            self.before_update(ctx, obj, existing)
            if update_validation is not None:
                await update_validation(ctx, obj, existing)
            if deletion.should_delete_during_update(obj, existing) and \
                    self.strategy.should_delete_during_update(obj, existing):
                raise _DeleteNow(self.go_shape(obj))
            return self.go_shape(obj)

        try:
            out = await self._storage(options.is_dry_run).guaranteed_update(
                key, preconditions, try_update, ignore_not_found=allow_create, ttl=self.spec.ttl_seconds)
        except _DeleteNow as now:
            await pending.settle(False)
            deleted = await self._delete_emptied(ctx, name, key, now.obj or {}, preconditions, options.is_dry_run)
            return deleted, False
        except (storage_errors.StorageError, storage_errors.InvalidResourceVersion) as exc:
            await pending.settle(False)
            if creating:
                raise storeerr.interpret_create_error(exc, self.gr, name) from exc
            raise storeerr.interpret_update_error(exc, self.gr, name) from exc
        except BaseException:
            await pending.settle(False)
            raise
        await pending.settle(True)
        return out, creating

    async def _delete_emptied(self, ctx: RequestContext, name: str, key: str, obj: Object,
                              preconditions: Preconditions | None, dry_run: bool) -> Object:
        """The last finalizer is gone from an object being deleted: delete it now."""
        deleted = obj
        try:
            deleted = await self._storage(dry_run).delete(key, preconditions)
        except storage_errors.StorageError as exc:
            if exc.code != storage_errors.KEY_NOT_FOUND:
                raise storeerr.interpret_delete_error(exc, self.gr, name) from exc
        await self.after_delete(ctx, deleted, DeleteOptions(dry_run=("All",) if dry_run else ()))
        return obj

    # -- delete -------------------------------------------------------------------------

    async def delete(self, ctx: RequestContext, name: str, delete_validation: ValidateObjectFunc | None,
                     options: DeleteOptions) -> tuple[Object, bool]:
        return await delete_object(self, ctx, name, delete_validation, options)

    async def delete_collection(self, ctx: RequestContext, delete_validation: ValidateObjectFunc | None,
                                options: DeleteOptions, list_options: ListOptions) -> Object:
        limit = list_options.limit or _DELETE_COLLECTION_PAGE
        page = ListOptions(list_options.label_selector, list_options.field_selector, list_options.resource_version,
                           list_options.resource_version_match, limit, list_options.continue_token)
        items: list[Object] = []
        first: Object | None = None
        while True:
            listed = await self.list(ctx, page)
            first = first or listed
            for item in listed["items"]:
                try:
                    await self.delete(ctx, meta.name(item), delete_validation, options)
                except errors.StatusError as exc:
                    if exc.reason != "NotFound":
                        raise
            items.extend(listed["items"])
            token = listed["metadata"].get("continue")
            if list_options.limit or not token:
                break
            page = ListOptions(list_options.label_selector, list_options.field_selector, limit=limit,
                               continue_token=token)
        assert first is not None
        result = dict(first)
        result["items"] = items
        if not list_options.limit:
            result["metadata"] = {"resourceVersion": first["metadata"].get("resourceVersion", "")}
        return result

    def deleted_status(self, obj: Object) -> Object:
        """What a delete answers when the kind does not return the deleted object."""
        if self.spec.return_deleted_object:
            return obj
        details = {"name": meta.name(obj), "group": self.gr.group, "kind": self.gr.resource, "uid": meta.uid(obj)}
        return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
                "details": {k: v for k, v in details.items() if v}}


class _Pending:
    """The finish functions of the begin hooks of one write, settled once with its outcome."""

    def __init__(self) -> None:
        self._finishers: list[FinishFunc] = []

    def add(self, finish: FinishFunc | None) -> None:
        if finish is not None:
            self._finishers.append(finish)

    async def settle(self, success: bool) -> None:
        while self._finishers:
            await self._finishers.pop()(success)
