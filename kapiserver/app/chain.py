"""create_server_chain: aggregator -> kube-apiserver -> apiextensions -> not found
(upstream cmd/kube-apiserver/app.CreateServerChain)."""

from __future__ import annotations

from kapiserver.aggregator.server import AggregatorConfig, new_aggregator
from kapiserver.apiextensions.server import new_apiextensions_server
from kapiserver.controlplane.extra import Extra
from kapiserver.controlplane.instance import KubeAPIServer
from kapiserver.server.config import Config
from kapiserver.server.genericapiserver import GenericAPIServer, NotFound
from kapiserver.server.resource_config import ResourceConfig
from kapiserver.storage.factory import StorageFactory

from . import aggregation


def create_server_chain(config: Config, storage: StorageFactory, resources: ResourceConfig,
                        event_ttl_seconds: int, extra: Extra | None = None,
                        aggregator: AggregatorConfig | None = None,
                        authentication_info: dict[str, str] | None = None) -> GenericAPIServer:
    apiextensions = new_apiextensions_server(config, NotFound(), storage.storage_for, resources.resource_enabled)
    kube = KubeAPIServer.new(config, apiextensions, storage, resources.resource_enabled, event_ttl_seconds, extra)
    if authentication_info:
        aggregation.add_authentication_info_hook(kube.server, storage, authentication_info)
    return new_aggregator(config, kube.server, storage, resources.resource_enabled, aggregator)
