"""PATCH: JSON patch, merge patch, strategic merge patch and server-side apply (upstream handlers/patch.go).

The patch is applied inside the store's guaranteed update, to whatever object is current,
so a write that races another is retried with the patch applied to fresh data.
"""

from __future__ import annotations

from aiohttp import web

from kapiserver.apimachinery import codec, errors, field, managedfields, meta
from kapiserver.apimachinery.managedfields import applybody
from kapiserver.apimachinery.patch import patcher as patching
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import RequestContext, UpdateOptions

from .. import negotiation
from ..request_info import RequestInfo
from ..responses import write_object
from ..scope import RequestScope
from . import common
from .create import _ensure_request_namespace, manager_or_user_agent
from .transform import transform
from .update import admit_update, check_name

# The order upstream's installer lists them in its 415 answers; custom resources lack strategic merge.
_BUILT_IN_PATCH_TYPES = [negotiation.JSON_PATCH, negotiation.MERGE_PATCH, negotiation.STRATEGIC_MERGE_PATCH,
                         negotiation.APPLY_PATCH_YAML]
_CUSTOM_PATCH_TYPES = [negotiation.JSON_PATCH, negotiation.MERGE_PATCH, negotiation.APPLY_PATCH_YAML]


def parse_patch_options(request: web.Request, patch_type: str) -> tuple[UpdateOptions, bool | None]:
    values = common.query_values(request)
    force = common.parse_bool(values, "force")
    options = UpdateOptions(tuple(common.query_list(request, "dryRun")), values.get("fieldManager", ""),
                            values.get("fieldValidation", ""))
    errs: field.ErrorList = []
    if patch_type != negotiation.APPLY_PATCH_YAML:
        if force is not None:
            errs.append(field.forbidden(field.new_path("force"), "may not be specified for non-apply patch"))
    elif not options.field_manager:
        errs.append(field.required(field.new_path("fieldManager"), "is required for apply patch"))
    errs += common.validate_field_manager(options.field_manager)
    errs += common.validate_dry_run(list(options.dry_run))
    errs += common.validate_field_validation(options.field_validation)
    if errs:
        raise common.invalid_options("PatchOptions", errs)
    return options, force


class PatchedObjectInfo:
    """Applies the patch to the current object, then defaults and admits the result.

    Server-side apply merges into the current object through the field manager, and
    creates the object when there is none (from an empty one, as upstream does)."""

    def __init__(self, scope: RequestScope, info: RequestInfo, patch_type: str, body: bytes,
                 options: UpdateOptions, force: bool | None = None, manager: str = ""):
        self._scope = scope
        self._info = info
        self._patch_type = patch_type
        self._body = body
        self._options = options
        self._force = bool(force)
        self._manager = manager

    def preconditions(self) -> tuple[str | None, str | None]:
        return None, None

    async def updated_object(self, ctx: RequestContext, old: Object | None) -> Object:
        scope = self._scope
        if self._patch_type == negotiation.APPLY_PATCH_YAML:
            patched = self._apply(ctx, old)
        else:
            if old is None:
                raise errors.not_found(scope.entry.spec.group_resource, self._info.name)
            patched = patching.apply_patch(self._patch_type, old, self._body, scope.definition)
            if not isinstance(patched, dict):
                raise errors.bad_request("the patch must produce an object")
            common.check_type_meta(scope, patched)
            common.check_fields(scope, patched, ctx, self._options.field_validation)
            check_name(patched, self._info.name, self._info.namespace)
            scope.defaulter(patched)
            field_manager = scope.field_manager
            if field_manager is not None:
                patched = field_manager.update_no_errors(old, patched, self._manager)
        await admit_update(scope, ctx, patched, old, self._info.name, self._options.is_dry_run)
        managedfields.ignore_managed_fields_timestamps(patched, old)
        return patched

    def _apply(self, ctx: RequestContext, old: Object | None) -> Object:
        """upstream applyPatcher + patcher.applyPatch: merge, strict YAML check, identity checks."""
        scope, info = self._scope, self._info
        field_manager = scope.field_manager
        assert field_manager is not None
        applied, maybe_duplicates = applybody.decode(self._body)
        obj = field_manager.apply(old, applied, self._options.field_manager, self._force)
        if maybe_duplicates and self._options.field_validation in ("", "Strict", "Warn"):
            problem = codec.yaml_duplicate_keys_error(self._body)
            if problem is not None:
                if self._options.field_validation == "Strict":
                    raise errors.bad_request(f"error strict decoding YAML: {problem}")
                for line in problem.split("\n")[1:]:
                    ctx.add_warning(line.strip())
        if old is None and meta.uid(obj):
            raise errors.conflict(scope.entry.spec.group_resource, info.name,
                                  f"uid mismatch: the provided object specified uid {meta.uid(obj)}, and no existing "
                                  "object was found")
        _ensure_request_namespace(scope, ctx.namespace, obj)
        check_name(obj, info.name, info.namespace)
        return obj


async def patch(request: web.Request, scope: RequestScope, info: RequestInfo) -> web.StreamResponse:
    ctx = scope.context(request, info)
    choice = scope.negotiate(request)
    patch_type = request.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
    accepted = _BUILT_IN_PATCH_TYPES if scope.definition is not None else _CUSTOM_PATCH_TYPES
    if patch_type not in accepted:
        raise errors.unsupported_media_type(patch_type, accepted)
    options, force = parse_patch_options(request, patch_type)
    body = await common.read_body(request, scope.max_request_bytes)
    if not hasattr(scope.rest, "update"):
        raise errors.method_not_supported(scope.entry.spec.group_resource, "patch")
    applying = patch_type == negotiation.APPLY_PATCH_YAML
    if applying and scope.field_manager is None:
        raise errors.unsupported_media_type(patch_type, [t for t in accepted if t != negotiation.APPLY_PATCH_YAML])
    manager = manager_or_user_agent(options.field_manager, request.headers.get("User-Agent", ""))
    obj_info = PatchedObjectInfo(scope, info, patch_type, body, options, force, manager)
    # Apply creates what does not exist (upstream forceAllowCreate for apply patches).
    result, created = await scope.rest.update(
        ctx, info.name, obj_info, common.create_validation(scope, info.name, options.is_dry_run),
        common.update_validation(scope, info.name, options.is_dry_run), applying, options)
    answer = transform(scope, ctx, result, choice.conversion)
    return write_object(201 if created else 200, answer, choice, ctx.warnings)

