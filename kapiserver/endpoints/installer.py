"""From APIGroupInfo to what a server answers (upstream endpoints/installer.go, without its depth).

The capabilities of each REST object are probed once here; requests then dispatch through
a dict lookup on (group, version, resource path) and a verb table.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from kapiserver.admission.chain import EMPTY, Chain
from kapiserver.apimachinery import definitions, errors
from kapiserver.apimachinery.schema import GroupVersionKind, GroupVersionResource
from kapiserver.registry import rest
from kapiserver.registry.provider import APIGroupInfo, ResourceEntry

from . import negotiation
from .handlers import create, delete, get, patch, update
from .metrics import RequestMetrics
from .request_info import RequestInfo
from .scope import RequestScope

Handler = Callable[[web.Request, RequestScope, RequestInfo], Awaitable[web.StreamResponse]]

# Verb -> the capability it needs.
_CAPABILITIES: tuple[tuple[str, type], ...] = (
    ("create", rest.Creater), ("delete", rest.GracefulDeleter), ("deletecollection", rest.CollectionDeleter),
    ("get", rest.Getter), ("list", rest.Lister), ("patch", rest.Updater), ("update", rest.Updater),
    ("watch", rest.Watcher),
)

_HANDLERS: dict[str, Handler] = {
    "get": get.get, "list": get.list_, "watch": get.list_, "create": create.create, "update": update.update,
    "patch": patch.patch, "delete": delete.delete, "deletecollection": delete.delete_collection,
}


# HTTP methods of a connecter (pods/exec, nodes/proxy) -> the discovery verbs they show as.
_CONNECT_VERBS = {"GET": "get", "POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}


def verbs_of(entry: ResourceEntry) -> tuple[str, ...]:
    if isinstance(entry.rest, rest.Connecter):
        return tuple(sorted({_CONNECT_VERBS[m] for m in entry.rest.connect_methods if m in _CONNECT_VERBS}))
    verbs = [verb for verb, capability in _CAPABILITIES if isinstance(entry.rest, capability)]
    if "patch" in verbs and not isinstance(entry.rest, rest.Getter):
        verbs.remove("patch")  # upstream's Patcher is a Getter and an Updater
    if entry.subresource is None:
        verbs = [v for v in verbs if v not in entry.spec.excluded_verbs]
    return tuple(verbs)


@dataclass(slots=True)
class InstalledResource:
    scope: RequestScope
    verbs: frozenset[str]
    entry: ResourceEntry
    # Probed once: Protocol isinstance checks are too slow for the request path.
    connecter: bool = False


@dataclass(slots=True)
class InstalledGroupVersion:
    group: str
    version: str
    resources: dict[str, InstalledResource] = field(default_factory=dict)

    def api_resource_list(self) -> dict[str, Any]:
        """The APIResourceList of /apis/<group>/<version> (resources sorted by path, as upstream)."""
        out = []
        for path in sorted(self.resources):
            installed = self.resources[path]
            out.append(api_resource(installed.entry, installed.verbs))
        group_version = f"{self.group}/{self.version}" if self.group else self.version
        return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version, "resources": out}


def _sorted_verbs(verbs: frozenset[str]) -> list[str]:
    return sorted(verbs)


def api_resource(entry: ResourceEntry, verbs: frozenset[str]) -> dict[str, Any]:
    spec = entry.spec
    sub = entry.subresource
    item: dict[str, Any] = {"name": entry.path, "singularName": "" if sub else spec.singular,
                            "namespaced": spec.namespaced}
    if sub is not None and sub.kind is not None:
        if (sub.kind.group, sub.kind.version) != (spec.group, spec.version):
            item["group"] = sub.kind.group
            item["version"] = sub.kind.version
        item["kind"] = sub.kind.kind
    else:
        item["kind"] = spec.kind
    item["verbs"] = _sorted_verbs(verbs)
    if sub is None:
        if spec.short_names:
            item["shortNames"] = list(spec.short_names)
        if spec.categories:
            item["categories"] = list(spec.categories)
        if spec.stored:
            item["storageVersionHash"] = spec.storage_version_hash
    return item


def _scope_for(entry: ResourceEntry, group: str, version: str, admission: Chain) -> RequestScope:
    spec = entry.spec
    sub = entry.subresource
    kind = sub.kind if sub is not None and sub.kind is not None else spec.gvk
    definition = definitions.name_for(kind.group, kind.version, kind.kind)
    serializers: tuple[str, ...] = (negotiation.JSON, negotiation.YAML)
    if definition is not None:
        serializers += (negotiation.PROTOBUF,)
    same_kind = sub is None or sub.kind is None
    return RequestScope(
        entry=entry, kind=GroupVersionKind(kind.group, kind.version, kind.kind),
        resource=GroupVersionResource(group, version, spec.plural), subresource=sub.name if sub else "",
        namespaced=spec.namespaced, serializers=serializers, admission=admission,
        accepts=sub.accepts if sub is not None else (),
        defaulter=spec.strategy.default if same_kind else _no_defaults,
        definition=definition,
    )


def _no_defaults(obj: dict[str, Any]) -> None:
    """Subresources of another kind (Scale, Binding, Eviction) default in their own REST."""


# What each kind of path serves (upstream's installer registers routes per path shape).
_PATH_VERBS = {
    "collection": frozenset({"list", "watch", "create", "deletecollection"}),
    "item": frozenset({"get", "watch", "update", "patch", "delete"}),
    "subresource": frozenset({"get", "create", "update", "patch", "delete"}),
}


def _path_kind(info: RequestInfo) -> str:
    if info.subresource:
        return "subresource"
    return "item" if len(info.parts) >= 2 else "collection"


def install(info: APIGroupInfo, admission: Chain = EMPTY) -> list[InstalledGroupVersion]:
    installed = []
    for version, entries in info.versions.items():
        group_version = InstalledGroupVersion(info.group, version)
        for entry in entries:
            scope = _scope_for(entry, info.group, version, admission)
            group_version.resources[entry.path] = InstalledResource(
                scope, frozenset(verbs_of(entry)), entry, isinstance(entry.rest, rest.Connecter))
        installed.append(group_version)
    return installed


async def dispatch(installed: InstalledGroupVersion, request: web.Request, info: RequestInfo,
                   metrics: RequestMetrics | None = None) -> web.StreamResponse:
    """Serve a resource request for a group version this server owns; a request that reaches
    a handler is recorded in metrics, as upstream instruments its routes."""
    path = f"{info.resource}/{info.subresource}" if info.subresource else info.resource
    resource = installed.resources.get(path)
    if resource is None:
        raise errors.not_found_generic()
    scope = resource.scope
    namespace_in_path = bool(info.namespace) and not (info.parts and info.parts[0] == "namespaces")
    if scope.namespaced:
        if not namespace_in_path and info.verb not in ("list", "watch"):
            raise errors.not_found_generic()
    elif namespace_in_path:
        raise errors.not_found_generic()
    verb = info.verb
    if verb not in resource.verbs or verb not in _PATH_VERBS[_path_kind(info)]:
        raise errors.method_not_allowed_generic()
    if resource.connecter:
        serve = functools.partial(scope.rest.serve, request, scope, info)  # type: ignore[attr-defined]
    else:
        serve = functools.partial(_HANDLERS[verb], request, scope, info)
    if metrics is None:
        return await serve()  # type: ignore[no-any-return]
    return await metrics.instrument(request, info, scope.namespaced, serve)
