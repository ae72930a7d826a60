"""The routes of one served group version (upstream APIInstaller.registerResourceHandlers).

For each resource path, in sorted order as upstream registers them, the verbs the REST
object serves become "actions" (list, post, deletecollection, watchlist, get, put,
patch, delete, watch, connect) at the collection path, the item path and the deprecated
`watch/` paths, each with upstream's doc string, operation name, parameters, media
types and responses. Facts a REST object may add, under upstream's names in snake_case
(all optional, probed with getattr like upstream's interface assertions):

- `produces_mime_types(verb) -> list[str]` and `produces_object(verb) -> str | None`
  (rest.StorageMetadata): pods/log answers "text/plain" and a STRING model;
- `new_get_options() -> (options kind, subpath)` (rest.GetterWithOptions): pods/log's
  query parameters come from PodLogOptions;
- `new_connect_options() -> (options kind or None, subpath)` (rest.Connecter), whose
  `connect_methods` are upstream's HTTP methods ("GET", "POST", ...); discovery verbs
  ("get", "create", ...) are accepted and mapped back, but cannot express HEAD/OPTIONS;
- `delete_returns_deleted_object() -> bool` (rest.MayReturnFullObjectDeleter); without
  it the spec's `return_deleted_object` decides.

`verb` is upstream's action verb in capitals ("GET", "LIST", "POST", ...). Options kinds
are keys of params.OPTIONS.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import definitions
from kapiserver.endpoints import negotiation
from kapiserver.endpoints.installer import InstalledGroupVersion, InstalledResource
from kapiserver.registry import rest

from . import params
from .model import STRING, Param, Response, Route, WebService
from .naming import article_for_noun, title

META = "io.k8s.apimachinery.pkg.apis.meta.v1."
STATUS = META + "Status"
WATCH_EVENT = META + "WatchEvent"
DELETE_OPTIONS = META + "DeleteOptions"
PATCH = META + "Patch"
API_RESOURCE_LIST = META + "APIResourceList"

_STREAM = {
    negotiation.JSON: "application/json;stream=watch",
    negotiation.PROTOBUF: "application/vnd.kubernetes.protobuf;stream=watch",
}
_CAPABILITIES = (
    ("create", rest.Creater),
    ("delete", rest.GracefulDeleter),
    ("deletecollection", rest.CollectionDeleter),
    ("get", rest.Getter),
    ("list", rest.Lister),
    ("patch", rest.Updater),
    ("update", rest.Updater),
    ("watch", rest.Watcher),
)
_HTTP_METHOD_OF_VERB = {"create": "POST", "delete": "DELETE", "get": "GET", "patch": "PATCH", "update": "PUT"}
# Upstream's namespace REST wraps its store without exposing DeleteReturnsDeletedObject,
# so its delete documents a Status although it answers with the Namespace.
_DELETE_DOCUMENTS_STATUS = frozenset({("", "namespaces")})
_DEPRECATED_WATCH = ". deprecated: use the 'watch' parameter with a list operation instead"
_LIST_EXCLUDED_FROM_DELETECOLLECTION = ("watch", "allowWatchBookmarks")

PRETTY = Param("pretty", "query", params.PRETTY)


def option_params(kind: str, excluded: tuple[str, ...] = ()) -> tuple[Param, ...]:
    return tuple(
        Param(name, "query", description, type_)
        for name, type_, description in params.OPTIONS[kind]
        if name not in excluded
    )


def media_types(serializers: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(media types, stream media types) of a serializer list (negotiation.MediaTypesForSerializer)."""
    return serializers, tuple(_STREAM[s] for s in serializers if s in _STREAM)


def group_version_service(installed: InstalledGroupVersion) -> WebService:
    root = f"/apis/{installed.group}/{installed.version}" if installed.group else f"/api/{installed.version}"
    serializers: list[str] = []
    for resource in installed.resources.values():
        serializers.extend(s for s in resource.scope.serializers if s not in serializers)
    mediatypes = tuple(serializers or (negotiation.JSON, negotiation.YAML, negotiation.PROTOBUF))
    routes = [
        Route(
            "GET",
            root + "/",
            "getAPIResources",
            "get available resources",
            consumes=mediatypes,
            produces=mediatypes,
            responses=(Response(200, "OK", API_RESOURCE_LIST),),
        )
    ]
    for path in sorted(installed.resources):
        routes.extend(_ResourceRoutes(root, installed, path).routes())
    return WebService(root, tuple(routes))


class _ResourceRoutes:
    """One resource path's routes; the names follow registerResourceHandlers."""

    def __init__(self, root: str, installed: InstalledGroupVersion, path: str):
        self.root = root
        self.resource: InstalledResource = installed.resources[path]
        entry = self.resource.entry
        self.rest: Any = entry.rest
        self.spec = entry.spec
        self.name, _, self.subresource = path.partition("/")
        scope = self.resource.scope
        # The storage's kind (autoscaling/v1 Scale for deployments/scale) names the produced
        # object, the name parameter and the gvk extension; the parent's kind the docs.
        self.storage_kind = scope.kind
        self.kind = self.spec.kind
        self.model = scope.definition or ""
        self.list_model = (
            definitions.name_for(installed.group, installed.version, self.storage_kind.kind + "List") or ""
        )
        self.mediatypes, streams = media_types(scope.serializers)
        self.all_mediatypes = self.mediatypes + streams
        self.verbs = self.resource.verbs
        self.sub_title = title(self.subresource)

    # -- what the REST object adds ---------------------------------------------------------

    def _produces_mime(self, verb: str) -> tuple[str, ...]:
        method = getattr(self.rest, "produces_mime_types", None)
        return tuple(method(verb) or ()) if method else ()

    def _produced(self, verb: str) -> str:
        method = getattr(self.rest, "produces_object", None)
        produced = method(verb) if method else None
        return produced or self.model

    def _options(self, attribute: str) -> tuple[str | None, bool]:
        method = getattr(self.rest, attribute, None)
        return method() if method else (None, False)

    def _capabilities(self) -> frozenset[str]:
        """Verbs a Connecter serves besides connecting (discovery lists its connect verbs instead)."""
        return frozenset(verb for verb, capability in _CAPABILITIES if isinstance(self.rest, capability))

    def _connect_methods(self) -> list[str]:
        """HTTP methods of rest.Connecter.connect_methods; discovery verbs ("get") are mapped back."""
        methods = [_HTTP_METHOD_OF_VERB.get(m, m.upper()) for m in self.rest.connect_methods]
        return list(dict.fromkeys(methods))

    # -- routes ------------------------------------------------------------------------------

    def routes(self) -> list[Route]:
        is_connecter = isinstance(self.rest, rest.Connecter)
        if not self.model and not is_connecter:
            return []  # a kind without a definition cannot be documented (upstream would fail to start)
        namespaced = self.spec.namespaced
        name_param = Param("name", "path", "name of the " + self.storage_kind.kind, required=True)
        path_param = Param("path", "path", params.PATH_TO_RESOURCE, required=True)
        scope_params: tuple[Param, ...] = ()
        prefix = ""
        if namespaced:
            scope_params = (Param("namespace", "path", params.NAME_AND_AUTH_SCOPE, required=True),)
            prefix = "namespaces/{namespace}/"
        collection, item = prefix + self.name, prefix + self.name + "/{name}"
        name_params = scope_params + (name_param,)
        collection_params = scope_params
        if self.subresource:
            item += "/" + self.subresource
            collection, collection_params = item, name_params
        proxy_params = name_params + (path_param,)
        verbs = self._capabilities() if is_connecter else self.verbs
        get_options, get_subpath = self._options("new_get_options")
        is_getter = "get" in verbs or get_options is not None
        out: list[Route] = []
        marker = "Namespaced" if namespaced else ""
        if "list" in verbs:
            out.append(self._list(collection, collection_params, marker, ""))
        if "create" in verbs:
            out.append(self._post(collection, collection_params, marker))
        if "deletecollection" in verbs:
            out.append(self._delete_collection(collection, collection_params, marker))
        if "watch" in verbs and "list" in verbs:
            out.append(self._watch_list("watch/" + collection, collection_params, marker, ""))
        if is_getter:
            out.append(self._get(item, name_params, marker, "", get_options))
            if get_subpath:
                out.append(self._get(item + "/{path:*}", proxy_params, marker, "WithPath", get_options))
        if "update" in verbs:
            out.append(self._put(item, name_params, marker))
        if "patch" in verbs:
            out.append(self._patch(item, name_params, marker))
        if "delete" in verbs:
            out.append(self._delete(item, name_params, marker))
        if "watch" in verbs:
            out.append(self._watch("watch/" + item, name_params, marker))
        if is_connecter:
            connect_options, connect_subpath = self._options("new_connect_options")
            out.extend(self._connect(item, name_params, marker, "", connect_options))
            if connect_subpath:
                out.extend(
                    self._connect(item + "/{path:*}", proxy_params, marker, "WithPath", connect_options)
                )
        if namespaced and not self.subresource:
            if "list" in verbs:
                out.append(self._list(self.name, (), "", "ForAllNamespaces"))
            if "watch" in verbs and "list" in verbs:
                out.append(self._watch_list("watch/" + self.name, (), "", "ForAllNamespaces"))
        return out

    def _route(
        self,
        method: str,
        path: str,
        operation: str,
        doc: str,
        action: str,
        route_params: tuple[Param, ...],
        **fields: Any,
    ) -> Route:
        gvk = (self.storage_kind.group, self.storage_kind.version, self.storage_kind.kind)
        return Route(
            method,
            f"{self.root}/{path}",
            operation,
            doc,
            route_params,
            action=action,
            gvk=gvk,
            consumes=fields.pop("consumes", ("*/*",)),
            **fields,
        )

    def _op(self, verb: str, marker: str, suffix: str) -> str:
        return verb + marker + self.kind + self.sub_title + suffix

    def _get(
        self, path: str, scope: tuple[Param, ...], marker: str, suffix: str, options: str | None
    ) -> Route:
        doc = (
            f"read {self.subresource} of the specified {self.kind}"
            if self.subresource
            else "read the specified " + self.kind
        )
        produced = self._produced("GET")
        extra = option_params(options) if options else ()
        return self._route(
            "GET",
            path,
            self._op("read", marker, suffix),
            doc,
            "get",
            (PRETTY, *extra, *scope),
            produces=self._produces_mime("GET") + self.mediatypes,
            responses=(Response(200, "OK", produced),),
        )

    def _list(self, path: str, scope: tuple[Param, ...], marker: str, suffix: str) -> Route:
        if "watch" in self.verbs:
            doc = (
                f"list or watch {self.subresource} of objects of kind {self.kind}"
                if self.subresource
                else "list or watch objects of kind " + self.kind
            )
        else:
            doc = (
                f"list {self.subresource} of objects of kind {self.kind}"
                if self.subresource
                else "list objects of kind " + self.kind
            )
        return self._route(
            "GET",
            path,
            self._op("list", marker, suffix),
            doc,
            "list",
            (PRETTY, *option_params("ListOptions"), *scope),
            produces=self._produces_mime("LIST") + self.all_mediatypes,
            responses=(Response(200, "OK", self.list_model),),
        )

    def _put(self, path: str, scope: tuple[Param, ...], marker: str) -> Route:
        doc = (
            f"replace {self.subresource} of the specified {self.kind}"
            if self.subresource
            else "replace the specified " + self.kind
        )
        produced = self._produced("PUT")
        body = Param("body", "body", required=True, model=self.model)
        return self._route(
            "PUT",
            path,
            self._op("replace", marker, ""),
            doc,
            "put",
            (PRETTY, body, *option_params("UpdateOptions"), *scope),
            produces=self._produces_mime("PUT") + self.mediatypes,
            responses=(Response(200, "OK", produced), Response(201, "Created", produced)),
        )

    def _patch(self, path: str, scope: tuple[Param, ...], marker: str) -> Route:
        doc = (
            f"partially update {self.subresource} of the specified {self.kind}"
            if self.subresource
            else "partially update the specified " + self.kind
        )
        produced = self._produced("PATCH")
        body = Param("body", "body", required=True, model=PATCH)
        return self._route(
            "PATCH",
            path,
            self._op("patch", marker, ""),
            doc,
            "patch",
            (PRETTY, body, *option_params("PatchOptions"), *scope),
            consumes=negotiation.PATCH_TYPES,
            produces=self._produces_mime("PATCH") + self.mediatypes,
            responses=(Response(200, "OK", produced), Response(201, "Created", produced)),
        )

    def _post(self, path: str, scope: tuple[Param, ...], marker: str) -> Route:
        article = article_for_noun(self.kind, " ")
        doc = (
            f"create {self.subresource} of{article}{self.kind}"
            if self.subresource
            else f"create{article}{self.kind}"
        )
        produced = self._produced("POST")
        body = Param("body", "body", required=True, model=self.model)
        return self._route(
            "POST",
            path,
            self._op("create", marker, ""),
            doc,
            "post",
            (PRETTY, body, *option_params("CreateOptions"), *scope),
            produces=self._produces_mime("POST") + self.mediatypes,
            responses=(
                Response(200, "OK", produced),
                Response(201, "Created", produced),
                Response(202, "Accepted", produced),
            ),
        )

    def _delete(self, path: str, scope: tuple[Param, ...], marker: str) -> Route:
        article = article_for_noun(self.kind, " ")
        doc = (
            f"delete {self.subresource} of{article}{self.kind}"
            if self.subresource
            else f"delete{article}{self.kind}"
        )
        returns_object = getattr(self.rest, "delete_returns_deleted_object", None)
        if returns_object is not None:
            returns_deleted = bool(returns_object())
        else:
            returns_deleted = (
                self.spec.return_deleted_object
                and (self.spec.group, self.spec.plural) not in _DELETE_DOCUMENTS_STATUS
            )
        returned = self._produced("DELETE") if returns_deleted else STATUS
        body = Param("body", "body", model=DELETE_OPTIONS)
        return self._route(
            "DELETE",
            path,
            self._op("delete", marker, ""),
            doc,
            "delete",
            (PRETTY, body, *option_params("DeleteOptions"), *scope),
            produces=self._produces_mime("DELETE") + self.mediatypes,
            responses=(Response(200, "OK", returned), Response(202, "Accepted", returned)),
        )

    def _delete_collection(self, path: str, scope: tuple[Param, ...], marker: str) -> Route:
        doc = (
            f"delete collection of {self.subresource} of a {self.kind}"
            if self.subresource
            else "delete collection of " + self.kind
        )
        body = Param("body", "body", model=DELETE_OPTIONS)
        listed = option_params("ListOptions", _LIST_EXCLUDED_FROM_DELETECOLLECTION)
        return self._route(
            "DELETE",
            path,
            self._op("deletecollection", marker, ""),
            doc,
            "deletecollection",
            (PRETTY, body, *option_params("DeleteOptions"), *listed, *scope),
            produces=self._produces_mime("DELETECOLLECTION") + self.mediatypes,
            responses=(Response(200, "OK", STATUS),),
        )

    def _watch(self, path: str, scope: tuple[Param, ...], marker: str) -> Route:
        doc = (
            f"watch changes to {self.subresource} of an object of kind {self.kind}"
            if self.subresource
            else "watch changes to an object of kind " + self.kind
        )
        doc += _DEPRECATED_WATCH + ", filtered to a single item with the 'fieldSelector' parameter."
        return self._route(
            "GET",
            path,
            self._op("watch", marker, ""),
            doc,
            "watch",
            (PRETTY, *option_params("ListOptions"), *scope),
            produces=self.all_mediatypes,
            responses=(Response(200, "OK", WATCH_EVENT),),
        )

    def _watch_list(self, path: str, scope: tuple[Param, ...], marker: str, suffix: str) -> Route:
        doc = (
            f"watch individual changes to a list of {self.subresource} of {self.kind}"
            if self.subresource
            else "watch individual changes to a list of " + self.kind
        )
        operation = "watch" + marker + self.kind + self.sub_title + "List" + suffix
        return self._route(
            "GET",
            path,
            operation,
            doc + _DEPRECATED_WATCH + ".",
            "watchlist",
            (PRETTY, *option_params("ListOptions"), *scope),
            produces=self.all_mediatypes,
            responses=(Response(200, "OK", WATCH_EVENT),),
        )

    def _connect(
        self, path: str, scope: tuple[Param, ...], marker: str, suffix: str, options: str | None
    ) -> list[Route]:
        out = []
        extra = option_params(options) if options else ()
        for method in self._connect_methods():
            doc = (
                f"connect {method} requests to {self.subresource} of {self.kind}"
                if self.subresource
                else f"connect {method} requests to {self.kind}"
            )
            declared = getattr(self.rest, "produces_object", None)
            produced = (declared(method) if declared else None) or STRING
            operation = "connect" + title(method) + marker + self.kind + self.sub_title + suffix
            out.append(
                self._route(
                    method,
                    path,
                    operation,
                    doc,
                    "connect",
                    (*extra, *scope),
                    produces=("*/*",),
                    responses=(Response(200, "OK", produced),),
                )
            )
        return out
