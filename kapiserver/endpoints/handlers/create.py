"""POST: create an object, or a named subresource such as pods/binding (upstream handlers/create.go)."""

from __future__ import annotations

from aiohttp import web

from kapiserver.admission.interfaces import Operation
from kapiserver.apimachinery import errors, managedfields, meta
from kapiserver.registry.rest import CreateOptions

from .. import negotiation
from ..request_info import RequestInfo
from ..responses import write_object
from ..scope import RequestScope
from . import common
from .transform import transform


def parse_create_options(request: web.Request) -> CreateOptions:
    values = common.query_values(request)
    options = CreateOptions(tuple(common.query_list(request, "dryRun")), values.get("fieldManager", ""),
                            values.get("fieldValidation", ""))
    errs = (common.validate_dry_run(list(options.dry_run)) + common.validate_field_manager(options.field_manager)
            + common.validate_field_validation(options.field_validation))
    if errs:
        raise common.invalid_options("CreateOptions", errs)
    return options


def wipe_system_fields(obj: dict) -> None:  # type: ignore[type-arg]
    """upstream rest.WipeObjectMetaSystemFields: clients do not set these on create."""
    metadata = meta.ensure_metadata(obj)
    for name in ("creationTimestamp", "uid", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"):
        metadata.pop(name, None)


async def create(request: web.Request, scope: RequestScope, info: RequestInfo) -> web.StreamResponse:
    ctx = scope.context(request, info)
    choice = scope.negotiate(request)
    content_type = request.headers.get("Content-Type", "")
    negotiation.input_media_type(content_type, scope.input_types)
    body = await common.read_body(request, scope.max_request_bytes)
    options = parse_create_options(request)
    obj = common.decode_object(scope, content_type, body, ctx, options.field_validation)
    name = info.name if info.subresource else meta.name(obj)
    if not info.namespace and scope.resource.resource == "namespaces" and scope.resource.group == "":
        ctx.namespace = name
    if not scope.entry.subresource or not getattr(scope.rest, "preserve_request_object_meta", False):
        wipe_system_fields(obj)
    _ensure_request_namespace(scope, ctx.namespace, obj)
    scope.defaulter(obj)
    field_manager = scope.field_manager
    if field_manager is not None:
        manager = manager_or_user_agent(options.field_manager, request.headers.get("User-Agent", ""))
        obj = field_manager.update_no_errors(None, obj, manager)
    chain = scope.admission
    if chain.handles(Operation.CREATE):
        before = managedfields.managed_fields_of(obj)
        await chain.admit(scope.attributes(ctx, Operation.CREATE, obj, None, name, options.is_dry_run))
        managedfields.check_after_admission(obj, before, ctx.add_warning)
    if not hasattr(scope.rest, "create"):
        raise errors.method_not_supported(scope.entry.spec.group_resource, "create")
    result = await scope.rest.create(ctx, obj, common.create_validation(scope, name, options.is_dry_run), options)
    answer = transform(scope, ctx, result, choice.conversion)
    return write_object(201, answer, choice, ctx.warnings)


def manager_or_user_agent(manager: str, user_agent: str) -> str:
    """upstream managerOrUserAgent: the fieldManager, else the User-Agent's product (what
    precedes the first "/"), printable characters only, cut to 128 bytes."""
    if manager:
        return manager
    out = []
    size = 0
    for ch in user_agent.split("/", 1)[0]:
        if not ch.isprintable():
            continue
        width = len(ch.encode())
        if size + width > MAX_FIELD_MANAGER_LENGTH:
            break
        out.append(ch)
        size += width
    return "".join(out)


MAX_FIELD_MANAGER_LENGTH = 128


def _ensure_request_namespace(scope: RequestScope, namespace: str, obj: dict) -> None:  # type: ignore[type-arg]
    """upstream EnsureObjectNamespaceMatchesRequestNamespace, before admission sees the object."""
    metadata = meta.ensure_metadata(obj)
    expected = namespace if scope.namespaced else ""
    actual = metadata.get("namespace") or ""
    if actual == expected:
        return
    if not actual:
        metadata["namespace"] = expected
    elif not expected:
        metadata.pop("namespace", None)
    else:
        raise errors.bad_request("the namespace of the provided object does not match the namespace sent on the request")
