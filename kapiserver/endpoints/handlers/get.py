"""GET of one object, and of a list (upstream handlers/get.go)."""

from __future__ import annotations

from aiohttp import web

from kapiserver.apimachinery import errors, field
from kapiserver.registry.rest import GetOptions, ListOptions

from ..request_info import RequestInfo
from ..responses import write_object
from ..scope import RequestScope
from . import common
from .transform import include_object_param, strip_item_type_meta, transform
from .watch import serve_watch


async def get(request: web.Request, scope: RequestScope, info: RequestInfo) -> web.StreamResponse:
    ctx = scope.context(request, info)
    choice = scope.negotiate(request)
    values = common.query_values(request)
    obj = await scope.rest.get(ctx, info.name, GetOptions(values.get("resourceVersion", "")))
    answer = transform(scope, ctx, obj, choice.conversion, include_object_param(values.get("includeObject")))
    return write_object(200, answer, choice, ctx.warnings)


def parse_list_options(request: web.Request, watch_verb: bool) -> ListOptions:
    values = common.query_values(request)
    watch = bool(common.parse_bool(values, "watch")) or watch_verb
    send_initial = common.parse_bool(values, "sendInitialEvents")
    options = ListOptions(
        label_selector=values.get("labelSelector", ""),
        field_selector=values.get("fieldSelector", ""),
        resource_version=values.get("resourceVersion", ""),
        resource_version_match=values.get("resourceVersionMatch", ""),
        limit=common.parse_int(values, "limit") or 0,
        continue_token=values.get("continue", ""),
        timeout_seconds=common.parse_int(values, "timeoutSeconds"),
        allow_watch_bookmarks=bool(common.parse_bool(values, "allowWatchBookmarks")),
        send_initial_events=send_initial,
        watch=watch,
    )
    errs = validate_list_options(options)
    if errs:
        raise common.invalid_options("ListOptions", errs)
    return options


def validate_list_options(options: ListOptions) -> field.ErrorList:
    """upstream internalversion/validation.ValidateListOptions (WatchList enabled, as in v1.35)."""
    errs: field.ErrorList = []
    match = options.resource_version_match
    path = field.new_path("resourceVersionMatch")
    if options.watch:
        if options.send_initial_events is not None and match != "NotOlderThan":
            errs.append(field.forbidden(path, "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"))
        if match:
            if options.send_initial_events is None:
                errs.append(field.forbidden(path, "resourceVersionMatch is forbidden for watch unless "
                                                  "sendInitialEvents is provided"))
            if match != "NotOlderThan":
                errs.append(field.not_supported(path, match, ["NotOlderThan"]))
            if options.continue_token:
                errs.append(field.forbidden(path, "resourceVersionMatch is forbidden when continue is provided"))
        return errs
    if match:
        if not options.resource_version:
            errs.append(field.forbidden(path, "resourceVersionMatch is forbidden unless resourceVersion is provided"))
        if options.continue_token:
            errs.append(field.forbidden(path, "resourceVersionMatch is forbidden when continue is provided"))
        if match not in ("Exact", "NotOlderThan"):
            errs.append(field.not_supported(path, match, ["Exact", "NotOlderThan", ""]))
        if match == "Exact" and options.resource_version == "0":
            errs.append(field.forbidden(path, 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'))
    if options.send_initial_events is not None:
        errs.append(field.forbidden(field.new_path("sendInitialEvents"), "sendInitialEvents is forbidden for list"))
    return errs


async def list_(request: web.Request, scope: RequestScope, info: RequestInfo) -> web.StreamResponse:
    options = parse_list_options(request, info.verb == "watch")
    if options.watch:
        return await serve_watch(request, scope, info, options)
    ctx = scope.context(request, info)
    choice = scope.negotiate(request)
    if not hasattr(scope.rest, "list"):
        raise errors.method_not_supported(scope.entry.spec.group_resource, "list")
    result = await scope.rest.list(ctx, options)
    if choice.conversion is None and scope.extra.get("typed", True):
        result = strip_item_type_meta(result)
    values = common.query_values(request)
    answer = transform(scope, ctx, result, choice.conversion, include_object_param(values.get("includeObject")))
    return write_object(200, answer, choice, ctx.warnings)
