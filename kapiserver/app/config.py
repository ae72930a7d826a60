"""Options to configuration: the only module that reads ServerRunOptions."""

from __future__ import annotations

import ipaddress
import logging
import socket
import ssl
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec

from kapiserver.admission.chain import Chain
from kapiserver.admission.plugins.default_ingress_class import DefaultIngressClass
from kapiserver.admission.plugins.default_storage_class import DefaultStorageClass
from kapiserver.admission.plugins.default_toleration_seconds import DefaultTolerationSeconds
from kapiserver.admission.plugins.limit_ranger import LimitRanger
from kapiserver.admission.plugins.namespace_lifecycle import NamespaceLifecycle
from kapiserver.admission.plugins.persistent_volume_claim_resize import PersistentVolumeClaimResize
from kapiserver.admission.plugins.priority import Priority
from kapiserver.admission.plugins.resourcequota import ResourceQuota
from kapiserver.admission.plugins.storage_object_in_use_protection import StorageObjectInUseProtection
from kapiserver.admission.plugins.webhook.dispatch import MutatingAdmissionWebhook, ValidatingAdmissionWebhook
from kapiserver.aggregator.server import AggregatorConfig
from kapiserver.apimachinery.types import Object
from kapiserver.authentication import serviceaccount_jwt
from kapiserver.authentication.union import UnionAuthenticator
from kapiserver.controlplane.extra import Extra
from kapiserver.options import ServerRunOptions
from kapiserver.registry.authorization import decision
from kapiserver.server import certs
from kapiserver.server.config import Config
from kapiserver.server.resource_config import ResourceConfig
from kapiserver.storage import factory
from kapiserver.storage.interface import ListOptions

from . import admission_webhooks, aggregation, quota_access
from .authorization import Authorization
from .policy_access import validating_admission_policy


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
    # The address the `kubernetes` Endpoints advertise (--advertise-address, or a default).
    public_ip: str = "127.0.0.1"
    # Signs serviceaccounts/token answers (a key in the data directory).
    token_issuer: serviceaccount_jwt.JWTTokenGenerator | None = None
    service_account_public_key: ec.EllipticCurvePublicKey | None = None
    # The aggregator's flags, and what kube-system/extension-apiserver-authentication publishes.
    aggregator: AggregatorConfig = field(default_factory=AggregatorConfig)
    authentication_info: dict[str, str] = field(default_factory=dict)


log = logging.getLogger(__name__)


def default_advertise_address(advertise_address: str, bind_address: str, ipv6: bool = False) -> str:
    """upstream DefaultAdvertiseAddress: the flag, else a specific --bind-address, else the address of
    the host's default-route interface (127.0.0.1 / ::1 when the host has none)."""
    if advertise_address:
        return advertise_address
    if bind_address not in ("", "0.0.0.0", "::"):
        return bind_address
    family, probe = (socket.AF_INET6, "2001:4860:4860::8888") if ipv6 else (socket.AF_INET, "8.8.8.8")
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as sock:
            sock.connect((probe, 53))  # UDP: picks the route's source address, sends nothing
            chosen = sock.getsockname()[0]
    except OSError:
        chosen = ""
    if not chosen or ipaddress.ip_address(chosen).is_unspecified:
        log.warning("unable to find a default route: advertising the loopback address")
        return "::1" if ipv6 else "127.0.0.1"
    return str(chosen)


def control_plane_extra(completed: CompletedConfig, authorization: Authorization | None = None) -> Extra:
    """The control plane's own configuration (upstream CreateKubeAPIServerConfig's Extra). The access
    reviews decide with the server's authorizer (AlwaysAllow when --authorization-mode is that alone);
    the rbac registry checks escalation with the RBAC rule resolver when RBAC is a mode."""
    authorizer = authorization.authorizer if authorization is not None else None
    return Extra(service_cluster_ip_ranges=tuple(completed.service_cluster_ip_ranges),
                 service_node_port_range=completed.service_node_port_range, public_ip=completed.public_ip,
                 authorizer=authorizer or decision.ALWAYS_ALLOW,
                 rbac_rule_resolver=authorization.rule_resolver if authorization is not None else None,
                 token_issuer=completed.token_issuer,
                 service_account_public_key=completed.service_account_public_key)


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
    primary_v6 = ipaddress.ip_network(ranges[0], strict=False).version == 6
    public_ip = default_advertise_address(generic["advertise_address"], serving["bind_address"], primary_v6)
    config = Config(
        bind_address=serving["bind_address"],
        external_host=generic["external_hostname"] or public_ip,
        secure_port=serving["secure_port"],
        ssl_context=_ssl_context(cert_file, key_file, client_ca, serving["tls_min_version"]),
        authenticator=UnionAuthenticator(aggregation.authenticators(options, client_ca)),
        request_timeout=generic["request_timeout"],
        min_request_timeout=generic["min_request_timeout"],
        shutdown_delay=generic["shutdown_delay_duration"],
        object_count_poll_period=options.storage["etcd_count_metric_poll_period"],
    )
    aggregation.trust_front_proxy_ca(config.ssl_context, options)
    storage = factory.StorageConfig(options.storage["storage_backend"], str(data_dir),
                                    options.storage["etcd_compaction_interval"], options.storage["watch_cache"])
    signing_key = serviceaccount_jwt.load_or_create_signing_key(data_dir / serviceaccount_jwt.SIGNING_KEY_FILE)
    return CompletedConfig(
        generic=config, storage=storage, resource_config=ResourceConfig(options.api_enablement["runtime_config"]),
        data_dir=data_dir, tls=tls, client_ca_file=client_ca, service_cluster_ip_ranges=ranges,
        service_node_port_range=misc["service_node_port_range"], event_ttl_seconds=int(misc["event_ttl"]),
        public_ip=public_ip,
        token_issuer=serviceaccount_jwt.JWTTokenGenerator(serviceaccount_jwt.DEFAULT_ISSUER, signing_key),
        service_account_public_key=signing_key.public_key(),
        aggregator=aggregation.aggregator_config(options),
        authentication_info=aggregation.authentication_info(options, client_ca),
    )


def admission_chain(enabled_plugins: list[str], storage: factory.StorageFactory,
                    webhooks: admission_webhooks.AdmissionWebhookCaller | None = None) -> Chain:
    """The plugins kapiserver runs, in upstream's order; `webhooks` calls admission webhooks."""
    namespaces = storage.storage_for("/registry/namespaces")

    async def get_namespace(name: str) -> Object | None:
        # Read through the watch cache, as upstream's plugin reads its informer.
        return await namespaces.get(f"/registry/namespaces/{name}", "0", ignore_not_found=True)

    priority_classes = storage.storage_for("/registry/priorityclasses")

    async def get_priority_class(name: str) -> Object | None:
        return await priority_classes.get(f"/registry/priorityclasses/{name}", "0", ignore_not_found=True)

    async def list_priority_classes() -> list[Object]:
        return (await priority_classes.get_list("/registry/priorityclasses", ListOptions("0"))).items

    limit_ranges = storage.storage_for("/registry/limitranges")

    async def list_limit_ranges(namespace: str) -> list[Object]:
        return (await limit_ranges.get_list(f"/registry/limitranges/{namespace}", ListOptions("0"))).items

    ingress_classes = storage.storage_for("/registry/ingressclasses")

    async def list_ingress_classes() -> list[Object]:
        return (await ingress_classes.get_list("/registry/ingressclasses", ListOptions("0"))).items

    storage_classes = storage.storage_for("/registry/storageclasses")

    async def get_storage_class(name: str) -> Object | None:
        return await storage_classes.get(f"/registry/storageclasses/{name}", "0", ignore_not_found=True)

    async def list_storage_classes() -> list[Object]:
        return (await storage_classes.get_list("/registry/storageclasses", ListOptions("0"))).items

    plugins: list[object] = []
    for name in enabled_plugins:
        if name == "NamespaceLifecycle":
            plugins.append(NamespaceLifecycle(get_namespace))
        elif name == "LimitRanger":
            plugins.append(LimitRanger(list_limit_ranges))
        elif name == "Priority":
            plugins.append(Priority(get_priority_class, list_priority_classes))
        elif name == "DefaultTolerationSeconds":
            plugins.append(DefaultTolerationSeconds())
        elif name == "DefaultIngressClass":
            plugins.append(DefaultIngressClass(list_ingress_classes))
        elif name == "DefaultStorageClass":
            plugins.append(DefaultStorageClass(list_storage_classes))
        elif name == "StorageObjectInUseProtection":
            plugins.append(StorageObjectInUseProtection())
        elif name == "PersistentVolumeClaimResize":
            plugins.append(PersistentVolumeClaimResize(get_storage_class))
        elif name == "MutatingAdmissionWebhook":
            plugins.append(MutatingAdmissionWebhook(
                admission_webhooks.configuration_lister(storage, admission_webhooks.MUTATING_KEY), get_namespace,
                webhooks))
        elif name == "ValidatingAdmissionWebhook":
            plugins.append(ValidatingAdmissionWebhook(
                admission_webhooks.configuration_lister(storage, admission_webhooks.VALIDATING_KEY), get_namespace,
                webhooks))
        elif name == "ValidatingAdmissionPolicy":
            plugins.append(validating_admission_policy(storage))
        elif name == "ResourceQuota":
            plugins.append(ResourceQuota(quota_access.quota_lister(storage), quota_access.quota_status_writer(storage)))
    return Chain(plugins)
