"""Options to configuration: the only module that reads ServerRunOptions."""

from __future__ import annotations

import ipaddress
import ssl
from dataclasses import dataclass
from pathlib import Path

from kapiserver.admission.chain import Chain
from kapiserver.admission.plugins.namespace_lifecycle import NamespaceLifecycle
from kapiserver.apimachinery.types import Object
from kapiserver.authentication.union import UnionAuthenticator
from kapiserver.authentication.x509 import X509Authenticator
from kapiserver.options import ServerRunOptions
from kapiserver.server import certs
from kapiserver.server.config import Config
from kapiserver.server.resource_config import ResourceConfig
from kapiserver.storage import factory


@dataclass(slots=True)
class CompletedConfig:
    generic: Config
    storage: factory.StorageConfig
    resource_config: ResourceConfig
    data_dir: Path
    tls: certs.TLSFiles | None
    client_ca_file: str
    service_cluster_ip_ranges: list[str]
    service_node_port_range: str
    event_ttl_seconds: int


def first_service_ip(ranges: list[str]) -> str:
    network = ipaddress.ip_network(ranges[0], strict=False)
    return str(network.network_address + 1)


def _ssl_context(cert_file: str, key_file: str, client_ca_file: str, min_version: str) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = {"VersionTLS10": ssl.TLSVersion.TLSv1, "VersionTLS11": ssl.TLSVersion.TLSv1_1,
                               "VersionTLS13": ssl.TLSVersion.TLSv1_3}.get(min_version, ssl.TLSVersion.TLSv1_2)
    context.load_cert_chain(cert_file, key_file)
    if client_ca_file:
        context.load_verify_locations(client_ca_file)
        context.verify_mode = ssl.CERT_OPTIONAL
    context.set_alpn_protocols(["http/1.1"])
    return context


def build(options: ServerRunOptions) -> CompletedConfig:
    generic, serving, misc = options.generic, options.serving, options.misc
    data_dir = Path(generic["data_dir"]).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    ranges = [r.strip() for r in misc["service_cluster_ip_range"].split(",") if r.strip()]
    tls: certs.TLSFiles | None = None
    cert_file, key_file = serving["tls_cert_file"], serving["tls_private_key_file"]
    client_ca = options.authentication["client_ca_file"]
    if not cert_file or not client_ca:
        extra = [generic["advertise_address"], generic["external_hostname"]]
        tls = certs.ensure_tls_files(data_dir, first_service_ip(ranges), [e for e in extra if e])
        cert_file = cert_file or str(tls.serving_cert)
        key_file = key_file or str(tls.serving_key)
        client_ca = client_ca or str(tls.ca_cert)
    config = Config(
        bind_address=serving["bind_address"],
        secure_port=serving["secure_port"],
        ssl_context=_ssl_context(cert_file, key_file, client_ca, serving["tls_min_version"]),
        authenticator=UnionAuthenticator([X509Authenticator()]),
        request_timeout=generic["request_timeout"],
        min_request_timeout=generic["min_request_timeout"],
        shutdown_delay=generic["shutdown_delay_duration"],
    )
    storage = factory.StorageConfig(options.storage["storage_backend"], str(data_dir),
                                    options.storage["etcd_compaction_interval"], options.storage["watch_cache"])
    return CompletedConfig(
        generic=config, storage=storage, resource_config=ResourceConfig(options.api_enablement["runtime_config"]),
        data_dir=data_dir, tls=tls, client_ca_file=client_ca, service_cluster_ip_ranges=ranges,
        service_node_port_range=misc["service_node_port_range"], event_ttl_seconds=int(misc["event_ttl"]),
    )


def admission_chain(enabled_plugins: list[str], storage: factory.StorageFactory) -> Chain:
    """The plugins kapiserver runs, in upstream's order."""
    namespaces = storage.storage_for("/registry/namespaces")

    async def get_namespace(name: str) -> Object | None:
        # Read through the watch cache, as upstream's plugin reads its informer.
        return await namespaces.get(f"/registry/namespaces/{name}", "0", ignore_not_found=True)

    plugins: list[object] = []
    for name in enabled_plugins:
        if name == "NamespaceLifecycle":
            plugins.append(NamespaceLifecycle(get_namespace))
    return Chain(plugins)
