"""KubeAPIServer: THE ordered list of storage providers (upstream pkg/controlplane/instance.go).

"The order here is preserved in discovery."
"""

from __future__ import annotations

from collections.abc import Callable

from kapiserver.registry import (
    admissionregistration,
    apiserverinternal,
    apps,
    authentication,
    authorization,
    autoscaling,
    batch,
    certificates,
    coordination,
    core,
    discovery,
    events,
    flowcontrol,
    networking,
    node,
    policy,
    rbac,
    resource,
    scheduling,
    storage_k8s,
)
from kapiserver.registry.core.namespaces import NAMESPACES
from kapiserver.registry.hooks import HookedStorageProvider
from kapiserver.registry.provider import StorageProvider
from kapiserver.registry.spec import ResourceSpec
from kapiserver.server.config import Config
from kapiserver.server.genericapiserver import Delegate, GenericAPIServer
from kapiserver.storage.factory import StorageFactory
from kapiserver.storage.interface import Storage

from . import bootstrap, identity_lease, openid_metadata
from .extra import Extra
from .namespace_controller import NamespaceController
from .services import ServiceNetworking
from .wiring import Wired, serviceaccounts_with_tokens

ResourceEnabled = Callable[[str, str, str], bool]


def storage_providers(event_ttl_seconds: int = core.DEFAULT_EVENT_TTL_SECONDS, extra: Extra | None = None,
                      wired: Wired | None = None) -> list[StorageProvider]:
    extra, wired = extra or Extra(), wired or Wired()
    return [
        core.provider(event_ttl_seconds, policy.PODDISRUPTIONBUDGETS, wired.services, wired.serviceaccounts),
        apiserverinternal.provider(),
        authentication.provider(wired.authenticator),
        authorization.provider(extra.authorizer),
        autoscaling.provider(),
        batch.provider(),
        certificates.provider(),
        coordination.provider(),
        discovery.provider(),
        networking.provider(),
        node.provider(),
        policy.provider(),
        rbac.provider(extra.authorizer, extra.rbac_rule_resolver),
        scheduling.provider(),
        storage_k8s.provider(),
        flowcontrol.provider(),
        apps.provider(),
        admissionregistration.provider(),
        events.provider(event_ttl_seconds),
        resource.provider(),
    ]


class KubeAPIServer:
    def __init__(self, server: GenericAPIServer):
        self.server = server

    @classmethod
    def new(cls, config: Config, delegate: Delegate, storage: StorageFactory, enabled: ResourceEnabled,
            event_ttl_seconds: int = core.DEFAULT_EVENT_TTL_SECONDS, extra: Extra | None = None) -> KubeAPIServer:
        server = GenericAPIServer("kube-apiserver", config, delegate)
        instance = cls(server)
        extra = extra or Extra()
        service_networking = ServiceNetworking(storage, extra)
        wired = Wired(service_networking.spec, serviceaccounts_with_tokens(storage, extra.token_issuer),
                      config.authenticator)
        instance.install_apis(storage, enabled, event_ttl_seconds, extra, wired)
        if extra.token_issuer is not None and extra.service_account_public_key is not None:
            openid_metadata.install(server, extra.token_issuer.issuer, extra.service_account_public_key)
        bootstrap.add_hooks(server, storage)
        identity_lease.add_hooks(server, storage)
        service_networking.add_hooks(server, lambda: server.config.secure_port)
        controller = NamespaceController(storage.storage_for(NAMESPACES.key_root), server.discovery)
        server.add_post_start_hook("kapiserver/start-namespace-controller", controller.start)
        server.add_pre_shutdown_hook("kapiserver/start-namespace-controller", controller.stop)
        return instance

    def install_apis(self, storage: StorageFactory, enabled: ResourceEnabled, event_ttl_seconds: int,
                     extra: Extra | None = None, wired: Wired | None = None) -> None:
        def storage_for(spec: ResourceSpec) -> Storage:
            return storage.storage_for(spec.key_root)

        for provider in storage_providers(event_ttl_seconds, extra, wired):
            info = provider.new_rest_storage(storage_for, enabled)
            if info is not None:
                self.server.install_api_groups(info)
                if isinstance(provider, HookedStorageProvider):
                    # upstream InstallAPIs: a served group's PostStartHookProvider adds its hook
                    hook = provider.post_start_hook(storage_for)
                    self.server.add_post_start_hook(hook.name, hook.run)
                    if hook.stop is not None:
                        self.server.add_pre_shutdown_hook(hook.name, hook.stop)
