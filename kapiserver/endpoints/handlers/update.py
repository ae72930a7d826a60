"""PUT: replace an object, or create it where the kind allows (upstream handlers/update.go)."""

from __future__ import annotations

from aiohttp import web

from kapiserver.admission.interfaces import Operation
from kapiserver.apimachinery import errors, managedfields, meta
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import RequestContext, UpdateOptions

from .. import negotiation
from ..request_info import RequestInfo
from ..responses import write_object
from ..scope import RequestScope
from . import common
from .create import _ensure_request_namespace, manager_or_user_agent
from .transform import transform


def parse_update_options(request: web.Request) -> UpdateOptions:
    values = common.query_values(request)
    options = UpdateOptions(tuple(common.query_list(request, "dryRun")), values.get("fieldManager", ""),
                            values.get("fieldValidation", ""))
    errs = (common.validate_dry_run(list(options.dry_run)) + common.validate_field_manager(options.field_manager)
            + common.validate_field_validation(options.field_validation))
    if errs:
        raise common.invalid_options("UpdateOptions", errs)
    return options


def check_name(obj: Object, name: str, namespace: str) -> None:
    obj_name = meta.name(obj)
    if obj_name != name:
        raise errors.bad_request(f"the name of the object ({obj_name}) does not match the name on the URL ({name})")
    obj_namespace = meta.namespace(obj)
    if namespace and obj_namespace and obj_namespace != namespace:
        raise errors.bad_request(f"the namespace of the object ({obj_namespace}) does not match the namespace on "
                                 f"the URL ({namespace})")


class DefaultUpdatedObjectInfo:
    """The body of a PUT, run through mutating admission against whatever is current."""

    def __init__(self, obj: Object, scope: RequestScope, name: str, dry_run: bool, manager: str = ""):
        self._obj = obj
        self._scope = scope
        self._name = name
        self._dry_run = dry_run
        self._manager = manager

    def preconditions(self) -> tuple[str | None, str | None]:
        uid = meta.uid(self._obj)
        return (uid or None), None

    async def updated_object(self, ctx: RequestContext, old: Object | None) -> Object:
        obj = meta.deep_copy(self._obj)
        field_manager = self._scope.field_manager
        if field_manager is not None:
            obj = field_manager.update_no_errors(old, obj, self._manager)
        await admit_update(self._scope, ctx, obj, old, self._name, self._dry_run)
        managedfields.ignore_managed_fields_timestamps(obj, old)
        return obj


async def admit_update(scope: RequestScope, ctx: RequestContext, obj: Object, old: Object | None, name: str,
                       dry_run: bool) -> None:
    """Mutating admission for an update, or for the create an update turns into."""
    chain = scope.admission
    operation = Operation.UPDATE if old is not None and meta.uid(old) else Operation.CREATE
    if chain.handles(operation):
        before = managedfields.managed_fields_of(obj)
        await chain.admit(scope.attributes(ctx, operation, obj, old, name, dry_run))
        managedfields.check_after_admission(obj, before, ctx.add_warning)


async def update(request: web.Request, scope: RequestScope, info: RequestInfo) -> web.StreamResponse:
    ctx = scope.context(request, info)
    choice = scope.negotiate(request)
    body = await common.read_body(request, scope.max_request_bytes)
    options = parse_update_options(request)
    content_type = request.headers.get("Content-Type", "")
    negotiation.input_media_type(content_type, scope.input_types)
    obj = common.decode_object(scope, content_type, body, ctx, options.field_validation)
    _ensure_request_namespace(scope, ctx.namespace, obj)
    check_name(obj, info.name, info.namespace)
    scope.defaulter(obj)
    if not hasattr(scope.rest, "update"):
        raise errors.method_not_supported(scope.entry.spec.group_resource, "update")
    manager = manager_or_user_agent(options.field_manager, request.headers.get("User-Agent", ""))
    info_obj = DefaultUpdatedObjectInfo(obj, scope, info.name, options.is_dry_run, manager)
    result, created = await scope.rest.update(
        ctx, info.name, info_obj, common.create_validation(scope, info.name, options.is_dry_run),
        common.update_validation(scope, info.name, options.is_dry_run), False, options)
    answer = transform(scope, ctx, result, choice.conversion)
    return write_object(201 if created else 200, answer, choice, ctx.warnings)
