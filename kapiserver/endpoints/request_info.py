"""What a request is about, from its path and method alone (upstream request.RequestInfoFactory).

Authorization, audit, priority and fairness and the delegation chain all read this, so it
is computed once per request by the request-info filter.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs

from kapiserver.apimachinery import fields

API_PREFIXES = frozenset({"api", "apis"})
GROUPLESS_PREFIXES = frozenset({"api"})
_SPECIAL_VERBS = frozenset({"proxy", "watch"})
_NAMESPACE_SUBRESOURCES = frozenset({"status", "finalize"})
_METHOD_VERBS = {"POST": "create", "GET": "get", "HEAD": "get", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}
_TRUE = frozenset({"1", "t", "T", "true", "TRUE", "True"})
_FALSE = frozenset({"0", "f", "F", "false", "FALSE", "False"})


@dataclass(frozen=True, slots=True)
class RequestInfo:
    is_resource_request: bool
    path: str
    verb: str
    api_prefix: str = ""
    api_group: str = ""
    api_version: str = ""
    namespace: str = ""
    resource: str = ""
    subresource: str = ""
    name: str = ""
    parts: tuple[str, ...] = ()


def _non_resource(path: str, method: str) -> RequestInfo:
    return RequestInfo(False, path, method.lower())


def _watch_requested(query: str) -> bool:
    values = parse_qs(query, keep_blank_values=True)
    watch = values.get("watch")
    if not watch:
        return False
    value = watch[0]
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return value.lower() not in ("false", "0")


def _name_from_field_selector(query: str) -> str:
    selector = parse_qs(query, keep_blank_values=True).get("fieldSelector")
    if not selector:
        return ""
    try:
        name = fields.parse(selector[0]).requires_exact_match("metadata.name")
    except ValueError:
        return ""
    if not name or name in (".", "..") or "/" in name or "%" in name:
        return ""
    return name


def parse_request_info(method: str, path: str, query: str = "") -> RequestInfo:
    parts = [p for p in path.strip("/").split("/")] if path.strip("/") else []
    if len(parts) < 3 or parts[0] not in API_PREFIXES:
        return _non_resource(path, method)
    prefix = parts[0]
    rest = parts[1:]
    group = ""
    if prefix not in GROUPLESS_PREFIXES:
        if len(rest) < 3:
            return _non_resource(path, method)
        group, rest = rest[0], rest[1:]
    version, rest = rest[0], rest[1:]
    if rest and rest[0] in _SPECIAL_VERBS:
        if len(rest) < 2:
            return _non_resource(path, method)
        verb, rest = rest[0], rest[1:]
    else:
        verb = _METHOD_VERBS.get(method.upper(), "")
    namespace = ""
    if rest and rest[0] == "namespaces" and len(rest) > 1:
        namespace = rest[1]
        if len(rest) > 2 and rest[2] not in _NAMESPACE_SUBRESOURCES:
            rest = rest[2:]
    resource = name = subresource = ""
    if len(rest) >= 3 and verb != "proxy":
        subresource = rest[2]
    if len(rest) >= 2:
        name = rest[1]
    if rest:
        resource = rest[0]
    if not name and verb == "get":
        verb = "watch" if _watch_requested(query) else "list"
        name = _name_from_field_selector(query)
    if not name and verb == "delete":
        verb = "deletecollection"
    return RequestInfo(True, path, verb, prefix, group, version, namespace, resource, subresource, name, tuple(rest))
