"""RequestScope: what a handler needs to serve one resource path (upstream handlers.RequestScope)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from kapiserver.admission.chain import EMPTY, Chain
from kapiserver.admission.interfaces import Attributes, Operation
from kapiserver.apimachinery import managedfields
from kapiserver.apimachinery.schema import GroupVersionKind, GroupVersionResource
from kapiserver.apimachinery.types import Object
from kapiserver.apimachinery.user import UserInfo
from kapiserver.registry.provider import ResourceEntry
from kapiserver.registry.rest import RequestContext

from . import negotiation
from .request_info import RequestInfo

# upstream's default --max-request-bytes for a single object body
MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024

TABLE_CONVERSIONS = frozenset({
    ("Table", "meta.k8s.io", "v1"), ("Table", "meta.k8s.io", "v1beta1"),
    ("PartialObjectMetadata", "meta.k8s.io", "v1"), ("PartialObjectMetadata", "meta.k8s.io", "v1beta1"),
    ("PartialObjectMetadataList", "meta.k8s.io", "v1"), ("PartialObjectMetadataList", "meta.k8s.io", "v1beta1"),
})

USER_KEY = "kapiserver.user"
# RequestScope.extra key of the scope's field manager; a scope built elsewhere (custom
# resources) may put its own there, or None to serve no managedFields and no apply.
FIELD_MANAGER_KEY = "field_manager"


@dataclass(slots=True)
class RequestScope:
    entry: ResourceEntry
    kind: GroupVersionKind
    resource: GroupVersionResource
    subresource: str
    namespaced: bool
    serializers: tuple[str, ...]
    admission: Chain = EMPTY
    max_request_bytes: int = MAX_REQUEST_BODY_BYTES
    # Fills scheme defaults into a decoded body (upstream decoding + defaulting).
    defaulter: Callable[[Object], None] = lambda obj: None
    # The OpenAPI definition of the kind, for strategic merge patch and field checks.
    definition: str | None = None
    # apiVersions a body may carry besides the endpoint's own.
    accepts: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def rest(self) -> Any:
        return self.entry.rest

    @property
    def input_types(self) -> tuple[str, ...]:
        return self.serializers

    @property
    def field_manager(self) -> managedfields.FieldManager | None:
        """The resource's field manager (upstream RequestScope.FieldManager), built on first use."""
        found = self.extra.get(FIELD_MANAGER_KEY, _UNSET)
        if found is _UNSET:
            found = self.extra[FIELD_MANAGER_KEY] = _builtin_field_manager(self)
        return found  # type: ignore[no-any-return]

    def context(self, request: web.Request, info: RequestInfo) -> RequestContext:
        user: UserInfo = request[USER_KEY]
        return RequestContext(
            namespace=info.namespace if self.namespaced else "", user=user, verb=info.verb, resource=info.resource,
            subresource=info.subresource, api_group=info.api_group, api_version=info.api_version, name=info.name)

    def negotiate(self, request: web.Request, stream: bool = False) -> negotiation.MediaChoice:
        return negotiation.negotiate_output(request.headers.get("Accept", ""), self.serializers,
                                            TABLE_CONVERSIONS, stream)

    def attributes(self, ctx: RequestContext, operation: Operation, obj: Object | None, old: Object | None,
                   name: str, dry_run: bool, options: Object | None = None) -> Attributes:
        return Attributes(operation, self.kind, self.resource, self.subresource, ctx.namespace, name, obj, old,
                          ctx.user, dry_run, options, add_warning=ctx.add_warning, defaulter=self.defaulter)


_UNSET = object()


def _builtin_field_manager(scope: RequestScope) -> managedfields.FieldManager | None:
    """Built-in kinds with a schema get one; subresources of another kind (Binding) track
    nothing, unless their REST maps ownership onto the parent (`maps_managed_fields`: the
    scale subresource, whose Scale carries the parent's ownership of its replicas)."""
    sub = scope.entry.subresource
    if scope.definition is None:
        return None
    if sub is not None and sub.kind is not None and not getattr(scope.entry.rest, "maps_managed_fields", False):
        return None
    kind = scope.kind
    reset = _reset_fields(scope.entry.rest if sub is not None else scope.entry.spec.strategy)
    if reset is None:
        reset = _status_split(scope)
    return managedfields.new_default_field_manager(
        managedfields.builtin(), kind.api_version, kind.kind, scope.subresource, scope.defaulter,
        managedfields.reset_field_sets({kind.api_version: reset}) if reset else None)


def _status_split(scope: RequestScope) -> list[tuple[str, ...]]:
    """Upstream's usual reset fields where a kind has a status subresource: the resource
    resets status and the status subresource resets spec."""
    spec = scope.entry.spec
    if not any(sub.name == "status" for sub in spec.subresources):
        return []
    if scope.subresource == "status":
        return [("spec",)]
    return [("status",)] if not scope.subresource else []


def _reset_fields(owner: Any) -> list[tuple[str, ...]] | None:
    """Fields the strategy resets on this path, so no manager owns them (upstream
    ResetFieldsStrategy.GetResetFields): `reset_fields() -> [path, ...]`, paths as tuples
    of field names, on the strategy (or on a subresource's REST object); None if undeclared."""
    strategy = getattr(owner, "strategy", owner)
    reset = getattr(strategy, "reset_fields", None)
    if not callable(reset):
        return None
    return list(reset())