"""RequestScope: what a handler needs to serve one resource path (upstream handlers.RequestScope)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from kapiserver.admission.chain import EMPTY, Chain
from kapiserver.admission.interfaces import Attributes, Operation
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
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def rest(self) -> Any:
        return self.entry.rest

    @property
    def input_types(self) -> tuple[str, ...]:
        return self.serializers

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
                          ctx.user, dry_run, options)
