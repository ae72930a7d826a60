"""`<resource>/proxy` subresources (upstream ProxyREST for nodes, services and pods).

Listed in discovery with upstream's verbs so clients and RBAC see the same API; proxying
the connection itself (to the kubelet or a service endpoint) is not served yet, and a
request answers 503 rather than pretending to succeed.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import errors
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import RequestContext

# upstream's proxyMethods: discovery shows them as create, delete, get, patch, update.
PROXY_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


class ProxyREST:
    connect_methods = PROXY_METHODS

    def __init__(self, kind: str):
        self.kind = kind

    async def connect(self, ctx: RequestContext, name: str, options: dict[str, Any]) -> Object:
        raise self._unavailable(name)

    async def serve(self, request: Any, scope: Any, info: Any) -> Any:
        raise self._unavailable(getattr(info, "name", ""))

    def _unavailable(self, name: str) -> errors.StatusError:
        return errors.service_unavailable(f"proxying to {self.kind.lower()} {name!r} is not supported by this server")
