"""The Swagger 2.0 document of /openapi/v2 (kube-openapi builder, as kube-apiserver configures it).

All web services merge into one document: every path with its operations, the
definitions reachable from them, the security definition, and the shared parameters.
Upstream replaces every parameter but a few by a reference into `parameters`, named
`<name>-<8 characters>` where the characters are the URL-safe base64 of the first six
bytes of the FNV-1 64-bit hash of the parameter's JSON (deduplicateParameters). The JSON
is the one Go marshals: fields in the order of upstream's structs, compact, with no
HTML escaping; `param_json` writes exactly that, so the names match upstream's byte for
byte (clients and doc generators refer to them). Parameters that stay inline: `name`
(its description names the kind), `dryRun` and `fieldValidation` (kubectl up to 1.27
looked for them per operation to detect server support), and a body of a kind's own
type.
"""

from __future__ import annotations

import base64
from typing import Any

import orjson

from kapiserver.apimachinery import definitions

from . import schemas
from .model import STRING, Param, PathItem, Route, WebService, path_items
from .naming import operation_id_and_tags

SECURITY_DEFINITIONS = {
    "BearerToken": {
        "description": "Bearer Token authentication",
        "in": "header",
        "name": "authorization",
        "type": "apiKey",
    }
}
UNAUTHORIZED = {"description": "Unauthorized"}
_SCHEMES = ["https"]
_UNSHARED_QUERY = ("fieldValidation", "dryRun")
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")


def fnv1_64(data: bytes) -> int:
    value = 0xCBF29CE484222325
    for byte in data:
        value = (value * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
        value ^= byte
    return value


def shared_name(param: dict[str, Any]) -> str:
    digest = fnv1_64(orjson.dumps(param)).to_bytes(8, "big")[:6]
    return f"{param['name']}-{base64.urlsafe_b64encode(digest).decode()}"


def param_json(param: Param) -> dict[str, Any]:
    """A parameter as upstream marshals it (validations, simple schema, then ParamProps)."""
    out: dict[str, Any] = {}
    if param.kind != "body":
        out["uniqueItems"] = True
        out["type"] = param.type
    if param.description:
        out["description"] = param.description
    out["name"] = param.name
    out["in"] = param.kind
    if param.required:
        out["required"] = True
    if param.kind == "body":
        out["schema"] = schema_ref(param.model)
    return out


def schema_ref(model: str) -> dict[str, Any]:
    if model == STRING:
        return {"type": "string"}
    return {"$ref": "#/definitions/" + model}


def _is_shared(param: Param) -> bool:
    if param.name == "name" and param.kind in ("path", "query"):
        return False
    if param.kind == "query" and param.name in _UNSHARED_QUERY:
        return False
    return not (param.kind == "body" and not param.model.startswith("io.k8s.apimachinery"))


class _Parameters:
    """Collects the shared parameters while the paths are written."""

    def __init__(self) -> None:
        self.shared: dict[str, dict[str, Any]] = {}
        self._names: dict[Param, str] = {}

    def render(self, params: tuple[Param, ...]) -> list[dict[str, Any]]:
        out = []
        for param in params:
            if not _is_shared(param):
                out.append(param_json(param))
                continue
            name = self._names.get(param)
            if name is None:
                body = param_json(param)
                name = shared_name(body)
                self.shared[name] = body
                self._names[param] = name
            out.append({"$ref": "#/parameters/" + name})
        return out


def _operation(route: Route, own: tuple[Param, ...], parameters: _Parameters) -> dict[str, Any]:
    operation_id, tags = operation_id_and_tags(route.operation, route.path)
    op: dict[str, Any] = {}
    if route.doc:
        op["description"] = route.doc
    if route.consumes:
        op["consumes"] = list(route.consumes)
    if route.produces:
        op["produces"] = list(route.produces)
    op["schemes"] = _SCHEMES
    op["tags"] = tags
    op["operationId"] = operation_id
    if own:
        op["parameters"] = parameters.render(own)
    responses: dict[str, Any] = {
        str(r.code): {"description": r.message, "schema": schema_ref(r.model)} for r in route.responses
    }
    responses.setdefault("401", UNAUTHORIZED)
    op["responses"] = dict(sorted(responses.items()))
    if route.action:
        op["x-kubernetes-action"] = route.action
    if route.gvk is not None:
        group, version, kind = route.gvk
        op["x-kubernetes-group-version-kind"] = {"group": group, "kind": kind, "version": version}
    return op


def path_item_json(item: PathItem, parameters: _Parameters) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if item.common:
        out["parameters"] = parameters.render(item.common)
    ops = {route.method.lower(): _operation(route, own, parameters) for route, own in item.operations}
    out.update((method, ops[method]) for method in _METHODS if method in ops)
    return out


def models_of(services: list[WebService]) -> set[str]:
    """Definitions the routes name directly (responses and bodies)."""
    names: set[str] = set()
    for service in services:
        for route in service.routes:
            names.update(r.model for r in route.responses if r.model != STRING)
            names.update(p.model for p in route.params if p.kind == "body")
    return names


def build(services: list[WebService], info: dict[str, str]) -> dict[str, Any]:
    parameters = _Parameters()
    paths: dict[str, Any] = {}
    for service in services:
        for item in path_items(service):
            paths[item.path] = path_item_json(item, parameters)
    all_definitions = definitions.load()
    extra = {name: schema for service in services for name, schema in service.definitions.items()}
    reachable = schemas.closure(models_of(services), extra)
    return {
        "swagger": "2.0",
        "info": info,
        "paths": dict(sorted(paths.items())),
        "definitions": {name: extra[name] if name in extra else all_definitions[name] for name in sorted(reachable)},
        "parameters": dict(sorted(parameters.shared.items())),
        "securityDefinitions": SECURITY_DEFINITIONS,
        "security": [{"BearerToken": []}],
    }
