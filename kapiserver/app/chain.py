"""create_server_chain: aggregator -> kube-apiserver -> apiextensions -> not found
(upstream cmd/kube-apiserver/app.CreateServerChain)."""

from __future__ import annotations

from kapiserver.aggregator.server import AggregatorConfig, APIAggregator, new_aggregator
from kapiserver.apiextensions.conversion import DEFAULT_FACTORIES
from kapiserver.apiextensions.server import new_apiextensions_server
from kapiserver.apiextensions.webhook_conversion import WebhookConverter
from kapiserver.controlplane.extra import Extra
from kapiserver.controlplane.instance import KubeAPIServer
from kapiserver.server.config import Config
from kapiserver.server.genericapiserver import GenericAPIServer, NotFound
from kapiserver.server.resource_config import ResourceConfig
from kapiserver.server.webhook_client import WebhookClient
from kapiserver.storage.factory import StorageFactory

from . import aggregation


def create_server_chain(config: Config, storage: StorageFactory, resources: ResourceConfig,
                        event_ttl_seconds: int, extra: Extra | None = None,
                        aggregator: AggregatorConfig | None = None,
                        authentication_info: dict[str, str] | None = None) -> GenericAPIServer:
    head: APIAggregator | None = None

    def resolve_service(namespace: str, name: str, port: int) -> tuple[str, int]:
        """Webhooks reach Services the way the aggregator reaches extension servers."""
        assert head is not None, "webhooks are called only once the chain is built"
        return head.resolve_service(namespace, name, port)

    webhooks = WebhookClient(resolve_service)
    converters = {**DEFAULT_FACTORIES, "Webhook": lambda crd: WebhookConverter(crd, webhooks)}
    apiextensions = new_apiextensions_server(config, NotFound(), storage.storage_for, resources.resource_enabled,
                                             converters)
    kube = KubeAPIServer.new(config, apiextensions, storage, resources.resource_enabled, event_ttl_seconds, extra)
    if authentication_info:
        aggregation.add_authentication_info_hook(kube.server, storage, authentication_info)
    head = new_aggregator(config, kube.server, storage, resources.resource_enabled, aggregator)
    head.add_pre_shutdown_hook("close-webhook-clients", webhooks.close)
    return head
