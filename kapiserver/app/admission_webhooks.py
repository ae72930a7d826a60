"""What the admission webhook plugins need from the rest of the server: their configurations
from storage and an HTTPS caller (the server's WebhookClient, which admission may not import).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable

from kapiserver.admission.plugins.webhook.dispatch import CallFailed
from kapiserver.apimachinery.types import Object
from kapiserver.server.webhook_client import ClientConfig, ServiceReference, WebhookClient, WebhookError
from kapiserver.storage import factory
from kapiserver.storage.interface import ListOptions, Storage

MUTATING_KEY = "/registry/mutatingwebhookconfigurations"
VALIDATING_KEY = "/registry/validatingwebhookconfigurations"


def configuration_lister(storage: factory.StorageFactory, key: str) -> Callable[[], Awaitable[list[Object]]]:
    """List the configurations through the watch cache (resourceVersion "0"), as upstream's
    configuration managers read their informers."""
    store: Storage = storage.storage_for(key)

    async def list_configurations() -> list[Object]:
        return (await store.get_list(key, ListOptions("0"))).items

    return list_configurations


def client_config(config: Object) -> ClientConfig:
    try:
        ca = base64.b64decode(config["caBundle"]) if config.get("caBundle") else b""
    except (binascii.Error, ValueError, TypeError):
        ca = b""
    service = config.get("service")
    if isinstance(service, dict):
        reference = ServiceReference(str(service.get("namespace", "")), str(service.get("name", "")),
                                     str(service.get("path") or ""), int(service.get("port") or 443))
        return ClientConfig(service=reference, ca_bundle=ca)
    return ClientConfig(url=str(config.get("url") or ""), ca_bundle=ca)


class AdmissionWebhookCaller:
    """Posts AdmissionReviews with the server's webhook client; failures in client-go's words."""

    def __init__(self, client: WebhookClient):
        self._client = client

    async def call_webhook(self, config: Object, body: Object, timeout: float) -> Object:
        try:
            return await self._client.post_json(client_config(config), body, timeout)
        except WebhookError as err:
            raise CallFailed(str(err)) from None


class LateResolver:
    """The Service resolver of the aggregator at the head of the chain, which is built after
    the admission chain it serves (webhooks are called only once it is)."""

    def __init__(self) -> None:
        self.head: object | None = None

    def __call__(self, namespace: str, name: str, port: int) -> tuple[str, int]:
        resolve = getattr(self.head, "resolve_service", None)
        if resolve is None:
            raise RuntimeError("no service resolver yet")
        host, dial_port = resolve(namespace, name, port)
        return str(host), int(dial_port)


def new_caller() -> tuple[AdmissionWebhookCaller, WebhookClient, LateResolver]:
    resolver = LateResolver()
    client = WebhookClient(resolver)
    return AdmissionWebhookCaller(client), client, resolver
