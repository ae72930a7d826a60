"""The OpenAPI 3.0 documents of /openapi/v3/<root> (kube-openapi builder3).

One document per web service ("api/v1", "apis/apps", "version"), each with only the
schemas its routes reach. Against the v2 form: bodies move to `requestBody` (one entry
per consumed media type), responses carry a `content` entry per produced media type,
parameter types sit in a `schema`, and there are no `consumes`, `produces`, `schemes`
or shared parameters.
"""

from __future__ import annotations

from typing import Any

from . import schemas
from .model import STRING, Param, PathItem, Route, WebService, path_items
from .naming import operation_id_and_tags
from .v2 import SECURITY_DEFINITIONS, UNAUTHORIZED, models_of

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")


def _schema(model: str) -> dict[str, Any]:
    return {"type": "string"} if model == STRING else schemas.v3_ref(model)


def _parameter(param: Param) -> dict[str, Any]:
    out: dict[str, Any] = {"name": param.name, "in": param.kind}
    if param.description:
        out["description"] = param.description
    if param.required:
        out["required"] = True
    out["schema"] = {"type": param.type, "uniqueItems": True}
    return out


def _operation(route: Route, own: tuple[Param, ...]) -> dict[str, Any]:
    operation_id, tags = operation_id_and_tags(route.operation, route.path)
    op: dict[str, Any] = {"tags": tags}
    if route.doc:
        op["description"] = route.doc
    op["operationId"] = operation_id
    parameters = [_parameter(p) for p in own if p.kind != "body"]
    if parameters:
        op["parameters"] = parameters
    body = next((p for p in route.params if p.kind == "body"), None)
    if body is not None:
        request: dict[str, Any] = {
            "content": {media: {"schema": _schema(body.model)} for media in route.consumes}
        }
        if body.required:
            request["required"] = True
        op["requestBody"] = request
    responses: dict[str, Any] = {}
    for response in route.responses:
        entry: dict[str, Any] = {"description": response.message}
        if route.produces:
            entry["content"] = {media: {"schema": _schema(response.model)} for media in route.produces}
        responses[str(response.code)] = entry
    responses.setdefault("401", UNAUTHORIZED)
    op["responses"] = dict(sorted(responses.items()))
    if route.action:
        op["x-kubernetes-action"] = route.action
    if route.gvk is not None:
        group, version, kind = route.gvk
        op["x-kubernetes-group-version-kind"] = {"group": group, "kind": kind, "version": version}
    return op


def _path_item(item: PathItem) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if item.common:
        out["parameters"] = [_parameter(p) for p in item.common]
    ops = {route.method.lower(): _operation(route, own) for route, own in item.operations}
    out.update((method, ops[method]) for method in _METHODS if method in ops)
    return out


def build(service: WebService, info: dict[str, str]) -> dict[str, Any]:
    paths = {item.path: _path_item(item) for item in path_items(service)}
    reachable = sorted(schemas.closure(models_of([service]), service.definitions))
    extra = service.definitions_v3
    return {
        "openapi": "3.0.0",
        "info": info,
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": {name: extra[name] if name in extra else schemas.v3_schema(name) for name in reachable},
            "securitySchemes": SECURITY_DEFINITIONS,
        },
    }
