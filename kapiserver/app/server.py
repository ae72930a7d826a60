"""Run: the ~20-line heart of the process (upstream cmd/kube-apiserver/app.Run)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from kapiserver import KUBERNETES_VERSION, __version__
from kapiserver.options import ServerRunOptions
from kapiserver.server import certs
from kapiserver.server.genericapiserver import GenericAPIServer
from kapiserver.server.healthz import HealthCheck
from kapiserver.server.lifecycle import prepare_run
from kapiserver.storage import factory

from . import admission_webhooks, service_accounts
from . import config as app_config
from .authorization import new_authorization
from .chain import create_server_chain

log = logging.getLogger("kapiserver")


async def run(options: ServerRunOptions, stop: asyncio.Event | None = None,
              on_ready: Callable[[int], None] | None = None) -> None:
    log.info("Version: %s (kapiserver %s)", KUBERNETES_VERSION, __version__)
    completed = app_config.build(options)
    storage = factory.StorageFactory(completed.storage)
    await storage.start()
    service_accounts.add_token_authenticator(completed, storage)
    webhook_caller, webhook_client, resolver = admission_webhooks.new_caller()
    completed.generic.admission = app_config.admission_chain(options.admission.enabled_plugins(), storage,
                                                             webhook_caller)
    authorization = new_authorization(options.authorization["authorization_mode"], storage)
    completed.generic.authorizer = authorization.authorizer
    completed.generic.complete()
    server = create_server_chain(completed.generic, storage, completed.resource_config,
                                 completed.event_ttl_seconds, app_config.control_plane_extra(completed, authorization),
                                 aggregator=completed.aggregator, authentication_info=completed.authentication_info)
    resolver.head = server
    add_storage_checks(server, storage)
    prepared = prepare_run(server, closers=[storage.close, webhook_client.close])

    def ready(port: int) -> None:
        completed.generic.secure_port = port
        completed.generic.external_address = ""
        completed.generic.complete()
        _write_admin_kubeconfig(completed, port)
        if on_ready is not None:
            on_ready(port)

    await prepared.run(stop, ready)


def add_storage_checks(server: GenericAPIServer, storage: factory.StorageFactory) -> None:
    """The storage checks upstream shows as etcd, etcd-readiness and informer-sync."""

    async def reachable() -> None:
        await storage.backend.current_revision()

    async def synced() -> None:
        return None

    server.health_checks.append(HealthCheck("etcd", reachable))
    server.readiness_checks.append(HealthCheck("etcd-readiness", reachable))
    server.readiness_checks.append(HealthCheck("informer-sync", synced))


def _write_admin_kubeconfig(completed: app_config.CompletedConfig, port: int) -> None:
    tls = completed.tls
    if tls is None:
        return
    host = completed.generic.bind_address
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    url = f"https://{host}:{port}"
    certs.write_kubeconfig(tls.kubeconfig, url, tls.ca_cert.read_bytes(), tls.admin_cert.read_bytes(),
                           tls.admin_key.read_bytes())
    log.info("Wrote %s for %s", tls.kubeconfig, url)
