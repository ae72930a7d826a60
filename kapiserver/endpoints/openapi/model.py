"""Routes as upstream's go-restful web services describe them, before any OpenAPI form.

kube-apiserver documents what it serves by walking its go-restful web services: one per
root path ("/api/v1", "/apis/apps", "/version"), each a list of routes with a method,
a path, an operation name, a doc string, parameters, media types, responses and two
metadata entries (the group-version-kind and the action). The v2 builder merges every
web service into one Swagger document; the v3 builder turns each web service into its
own document, keyed by the root path. These frozen, hashable values are the seam
between "what is served" (paths.py, services.py) and the two encodings (v2.py, v3.py):
equal web services build equal documents, which is what lets v3.py reuse a group
version's document (and its hash) when some other group changed.

A model is a definition name ("io.k8s.api.core.v1.ConfigMap") or STRING, Go's
"string" sample type that upstream documents as `{"type": "string"}`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

STRING = "string"

ParamKind = Literal["path", "query", "body"]


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    kind: ParamKind
    description: str = ""
    # JSON type of a path or query parameter ("string", "integer", "boolean").
    type: str = "string"
    required: bool = False
    # The definition a body parameter reads.
    model: str = ""


@dataclass(frozen=True, slots=True)
class Response:
    code: int
    message: str
    model: str


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    path: str
    """Full path, go-restful style: `{path:*}` marks a catch-all segment."""
    operation: str
    """The installer's operation name ("listNamespacedConfigMap"); naming.py derives the id."""
    doc: str = ""
    params: tuple[Param, ...] = ()
    consumes: tuple[str, ...] = ()
    produces: tuple[str, ...] = ()
    responses: tuple[Response, ...] = ()
    action: str = ""
    """x-kubernetes-action; empty for routes that are not resource verbs (discovery, version)."""
    gvk: tuple[str, str, str] | None = None
    """x-kubernetes-group-version-kind as (group, version, kind)."""


@dataclass(frozen=True, slots=True)
class WebService:
    root: str
    routes: tuple[Route, ...]
    definitions: Mapping[str, Any] = field(default_factory=dict, hash=False)
    """Definitions the routes name that are not built-in (a custom resource's kind and list),
    Swagger 2.0 form, referencing others with `#/definitions/`; shared, never mutated."""
    definitions_v3: Mapping[str, Any] = field(default_factory=dict, hash=False)
    """The same definitions in their OpenAPI 3.0 form (`#/components/schemas/` references)."""

    @property
    def key(self) -> str:
        """The v3 document name: the root path without its leading slash ("apis/apps/v1")."""
        return self.root[1:]


@dataclass(frozen=True, slots=True)
class PathItem:
    """The routes of one path, with the parameters every one of them declares lifted out."""

    path: str
    common: tuple[Param, ...]
    operations: tuple[tuple[Route, tuple[Param, ...]], ...]


def _sorted(items: list[Param]) -> tuple[Param, ...]:
    return tuple(sorted(items, key=lambda p: (p.name, p.kind)))


def path_items(service: WebService) -> list[PathItem]:
    """Group routes by path (upstream buildPaths / findCommonParameters).

    A non-body parameter (by name and location) that every route of the path declares
    moves to the path item, with the last route's wording; both lists are sorted by
    name, then location. go-restful's `{path:*}` catch-all becomes `{path}`.
    """
    by_path: dict[str, list[Route]] = {}
    for route in service.routes:
        by_path.setdefault(route.path, []).append(route)
    items = []
    for path, routes in by_path.items():
        counts: dict[tuple[str, str], int] = {}
        last: dict[tuple[str, str], Param] = {}
        for route in routes:
            for param in route.params:
                key = (param.name, param.kind)
                counts[key] = counts.get(key, 0) + 1
                last[key] = param
        common = {key for key, count in counts.items() if count == len(routes) and key[1] != "body"}
        operations = tuple(
            (route, _sorted([p for p in route.params if (p.name, p.kind) not in common])) for route in routes
        )
        if path.endswith(":*}"):
            path = path[:-3] + "}"
        items.append(PathItem(path, _sorted([last[key] for key in common]), operations))
    return items
