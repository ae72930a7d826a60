"""KubeAPIServer: THE ordered list of storage providers (upstream pkg/controlplane/instance.go).

"The order here is preserved in discovery."
"""

from __future__ import annotations

from collections.abc import Callable

from kapiserver.registry import coordination, core, discovery, networking
from kapiserver.registry.provider import StorageProvider
from kapiserver.server.config import Config
from kapiserver.server.genericapiserver import Delegate, GenericAPIServer
from kapiserver.storage.factory import StorageFactory

from . import bootstrap

ResourceEnabled = Callable[[str, str, str], bool]


def storage_providers(event_ttl_seconds: int = core.DEFAULT_EVENT_TTL_SECONDS) -> list[StorageProvider]:
    return [
        core.provider(event_ttl_seconds),
        coordination.provider(),
        discovery.provider(),
        networking.provider(),
    ]


class KubeAPIServer:
    def __init__(self, server: GenericAPIServer):
        self.server = server

    @classmethod
    def new(cls, config: Config, delegate: Delegate, storage: StorageFactory,
            enabled: ResourceEnabled) -> "KubeAPIServer":
        server = GenericAPIServer("kube-apiserver", config, delegate)
        instance = cls(server)
        instance.install_apis(storage, enabled)
        bootstrap.add_hooks(server, storage)
        return instance

    def install_apis(self, storage: StorageFactory, enabled: ResourceEnabled) -> None:
        for provider in storage_providers():
            info = provider.new_rest_storage(lambda spec: storage.storage_for(spec.key_root), enabled)
            if info is not None:
                self.server.install_api_groups(info)
