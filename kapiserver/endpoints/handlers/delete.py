"""DELETE of one object and of a collection (upstream handlers/delete.go)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from kapiserver.admission.interfaces import Operation
from kapiserver.apimachinery import codec, errors, field
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import DeleteOptions, RequestContext, ValidateObjectFunc

from .. import negotiation
from ..request_info import RequestInfo
from ..responses import write_object
from ..scope import RequestScope
from . import common
from .get import parse_list_options
from .transform import strip_item_type_meta, transform

_POLICIES = ("Foreground", "Background", "Orphan")


def _from_body(body: bytes, content_type: str) -> Object:
    media = negotiation.input_media_type(content_type, (negotiation.JSON, negotiation.YAML, negotiation.PROTOBUF))
    try:
        if media == negotiation.YAML:
            decoded = codec.yaml_loads(body)
        elif media == negotiation.PROTOBUF:
            from kapiserver.apimachinery import protobuf

            decoded = protobuf.decode_object(body, ("meta.k8s.io", "v1", "DeleteOptions"))
        else:
            decoded = codec.json_loads(body)
    except (ValueError, codec.DecodeError) as exc:
        raise errors.bad_request(str(exc)) from exc
    if not isinstance(decoded, dict):
        raise errors.bad_request("decoded object cannot be converted to DeleteOptions")
    kind = decoded.get("kind")
    if kind not in (None, "", "DeleteOptions"):
        raise errors.bad_request("decoded object cannot be converted to DeleteOptions")
    return decoded


def _from_query(request: web.Request) -> Object:
    values = common.query_values(request)
    out: Object = {}
    grace = common.parse_int(values, "gracePeriodSeconds")
    if grace is not None:
        out["gracePeriodSeconds"] = grace
    orphan = common.parse_bool(values, "orphanDependents")
    if orphan is not None:
        out["orphanDependents"] = orphan
    if "propagationPolicy" in values:
        out["propagationPolicy"] = values["propagationPolicy"]
    dry_run = common.query_list(request, "dryRun")
    if dry_run:
        out["dryRun"] = dry_run
    return out


def validate_delete_options(raw: Object) -> field.ErrorList:
    """upstream ValidateDeleteOptions."""
    errs: field.ErrorList = []
    policy = raw.get("propagationPolicy")
    if raw.get("orphanDependents") is not None and policy is not None:
        errs.append(field.invalid(field.new_path("propagationPolicy"), policy,
                                  "orphanDependents and deletionPropagation cannot be both set"))
    if policy is not None and policy not in _POLICIES:
        errs.append(field.not_supported(field.new_path("propagationPolicy"), policy, list(_POLICIES)))
    errs += common.validate_dry_run(list(raw.get("dryRun") or []))
    return errs


async def parse_delete_options(request: web.Request) -> DeleteOptions:
    body = await common.read_body(request, 3 * 1024 * 1024)
    raw = _from_body(body, request.headers.get("Content-Type", "")) if body else _from_query(request)
    errs = validate_delete_options(raw)
    if errs:
        raise common.invalid_options("DeleteOptions", errs)
    preconditions = raw.get("preconditions") or {}
    try:
        grace = raw.get("gracePeriodSeconds")
        return DeleteOptions(
            grace_period_seconds=int(grace) if grace is not None else None,
            uid_precondition=preconditions.get("uid"),
            resource_version_precondition=preconditions.get("resourceVersion"),
            orphan_dependents=raw.get("orphanDependents"),
            propagation_policy=raw.get("propagationPolicy"),
            dry_run=tuple(raw.get("dryRun") or ()),
        )
    except (TypeError, ValueError, AttributeError) as exc:
        raise errors.bad_request(str(exc)) from exc


def delete_validation(scope: RequestScope, name: str, options: DeleteOptions) -> ValidateObjectFunc | None:
    chain = scope.admission
    if not chain.handles(Operation.DELETE):
        return None

    async def validate(ctx: RequestContext, obj: Object) -> None:
        attrs = scope.attributes(ctx, Operation.DELETE, None, obj, name or obj.get("metadata", {}).get("name", ""),
                                 options.is_dry_run)
        await chain.admit(attrs)
        await chain.validate(attrs)

    return validate


async def delete(request: web.Request, scope: RequestScope, info: RequestInfo) -> web.StreamResponse:
    ctx = scope.context(request, info)
    choice = scope.negotiate(request)
    options = await parse_delete_options(request)
    if not hasattr(scope.rest, "delete"):
        raise errors.method_not_supported(scope.entry.spec.group_resource, "delete")
    result, deleted = await scope.rest.delete(ctx, info.name, delete_validation(scope, info.name, options), options)
    status = 200
    if not deleted and options.orphan_dependents is False:
        status = 202
    if result.get("kind") == "Status":
        return write_object(status, result, choice, ctx.warnings)
    return write_object(status, transform(scope, ctx, result, choice.conversion), choice, ctx.warnings)


async def delete_collection(request: web.Request, scope: RequestScope, info: RequestInfo) -> web.StreamResponse:
    ctx = scope.context(request, info)
    choice = scope.negotiate(request)
    list_options = parse_list_options(request, False)
    options = await parse_delete_options(request)
    if not hasattr(scope.rest, "delete_collection"):
        raise errors.method_not_supported(scope.entry.spec.group_resource, "deletecollection")
    result: Any = await scope.rest.delete_collection(ctx, delete_validation(scope, "", options), options, list_options)
    if choice.conversion is None and scope.extra.get("typed", True):
        result = strip_item_type_meta(result)
    return write_object(200, transform(scope, ctx, result, choice.conversion), choice, ctx.warnings)
