"""From a Service reference to an address to dial (upstream aggregator resolvers.go and
apiserver util/proxy ResolveEndpoint / ResolveCluster).

Upstream routes to the Service's cluster IP unless --enable-aggregator-routing is set, and
then to one of its endpoints. A cluster IP is a virtual address that only a service proxy
(kube-proxy) makes reachable, and kapiserver runs without one; so with cluster routing it
does what the service proxy would do and dials a ready endpoint of the Service. Both modes
check the Service the same way and fail with upstream's messages; ExternalName Services
resolve to their external name under cluster routing, as upstream. `default/kubernetes:443`
is this server itself (upstream's loopback resolver).

Endpoints are read from EndpointSlices labelled with the Service's name. Without a
controller manager nothing mirrors hand-written v1 Endpoints into slices, so when a Service
has no slices at all its Endpoints object is read instead, which is what the endpoint-slice
mirroring controller would have produced.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kapiserver.apimachinery.types import Object

from .informer import Informer

SERVICE_NAME_LABEL = "kubernetes.io/service-name"
_ROUTABLE_TYPES = ("ClusterIP", "LoadBalancer", "NodePort")


class ResolveError(Exception):
    """Why a Service cannot be dialled; the text is upstream's."""

    def __init__(self, message: str, unavailable: bool = False):
        super().__init__(message)
        # upstream answers these with errors.NewServiceUnavailable
        self.unavailable = unavailable


@dataclass(frozen=True, slots=True)
class Location:
    host: str
    port: int

    @property
    def host_port(self) -> str:
        """net.JoinHostPort."""
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


Resolve = Callable[[str, str, int], Location]


def _service_type(service: Object) -> str:
    return str((service.get("spec") or {}).get("type") or "ClusterIP")


def find_service_port(service: Object, port: int) -> dict[str, Any]:
    for candidate in (service.get("spec") or {}).get("ports") or []:
        if isinstance(candidate, dict) and candidate.get("port") == port:
            return candidate
    name = (service.get("metadata") or {}).get("name", "")
    raise ResolveError(f'no service port {port} found for service "{name}"', unavailable=True)


def _ready(conditions: Any) -> bool:
    ready = (conditions or {}).get("ready") if isinstance(conditions, dict) else None
    return ready is None or ready is True


def endpoint_from_slices(service: Object, slices: list[Object], port_name: str) -> Location | None:
    """A ready endpoint of a slice whose port is named `port_name` (upstream ResolveEndpoint's walk)."""
    families = (service.get("spec") or {}).get("ipFamilies") or []
    ordered = list(slices)
    random.shuffle(ordered)
    if len(ordered) > 1 and families:
        ordered.sort(key=lambda s: s.get("addressType") != families[0])
    for slice_ in ordered:
        endpoints = [e for e in slice_.get("endpoints") or [] if isinstance(e, dict)]
        for slice_port in slice_.get("ports") or []:
            if not isinstance(slice_port, dict) or slice_port.get("name") is None:
                continue
            if slice_port.get("name") != port_name or slice_port.get("port") is None or not endpoints:
                continue
            offset = random.randrange(len(endpoints))
            for index in range(len(endpoints)):
                endpoint = endpoints[(index + offset) % len(endpoints)]
                addresses = endpoint.get("addresses") or []
                if _ready(endpoint.get("conditions")) and addresses:
                    return Location(str(addresses[0]), int(slice_port["port"]))
    return None


def endpoint_from_endpoints(endpoints: Object, port_name: str) -> Location | None:
    for subset in endpoints.get("subsets") or []:
        addresses = [a for a in subset.get("addresses") or [] if isinstance(a, dict) and a.get("ip")]
        for port in subset.get("ports") or []:
            if (port.get("name") or "") == port_name and port.get("port") and addresses:
                return Location(str(random.choice(addresses)["ip"]), int(port["port"]))
    return None


class ServiceResolver:
    """Resolves Services from the informers' caches; never blocks."""

    def __init__(self, services: Informer, slices: Informer, endpoints: Informer | None = None,
                 endpoint_routing: bool = False, loopback: Callable[[], Location | None] | None = None):
        self._services = services
        self._slices = slices
        self._endpoints = endpoints
        self._endpoint_routing = endpoint_routing
        self._loopback = loopback

    def service(self, namespace: str, name: str) -> Object:
        found = self._services.get(name, namespace)
        if found is None:
            raise ResolveError(f'service "{name}" not found')
        return found

    def slices_for(self, namespace: str, name: str) -> list[Object]:
        return [s for s in self._slices.list()
                if (s.get("metadata") or {}).get("namespace") == namespace
                and ((s.get("metadata") or {}).get("labels") or {}).get(SERVICE_NAME_LABEL) == name]

    def endpoints_for(self, namespace: str, name: str) -> Object | None:
        return self._endpoints.get(name, namespace) if self._endpoints is not None else None

    def resolve(self, namespace: str, name: str, port: int) -> Location:
        if namespace == "default" and name == "kubernetes" and port == 443 and self._loopback is not None:
            local = self._loopback()
            if local is not None:
                return local
        service = self.service(namespace, name)
        kind = _service_type(service)
        if not self._endpoint_routing:
            if kind == "ExternalName":
                return Location(str((service.get("spec") or {}).get("externalName") or ""), port)
            if kind == "ClusterIP" and (service.get("spec") or {}).get("clusterIP") == "None":
                raise ResolveError('cannot route to service with ClusterIP "None"')
        if kind not in _ROUTABLE_TYPES:
            raise ResolveError(f'unsupported service type "{kind}"')
        service_port = find_service_port(service, port)
        port_name = str(service_port.get("name") or "")
        slices = self.slices_for(namespace, name)
        found: Location | None = None
        if slices:
            found = endpoint_from_slices(service, slices, port_name)
        else:
            endpoints = self.endpoints_for(namespace, name)
            found = endpoint_from_endpoints(endpoints, port_name) if endpoints is not None else None
        if found is None:
            raise ResolveError(f'no endpoints available for service "{name}"', unavailable=True)
        return found
