"""Options to configuration for the aggregation layer and front-proxy authentication.

- --requestheader-* : a RequestHeaderAuthenticator ahead of the client-certificate one (upstream
  builds the union in that order), and the front-proxy authority trusted by TLS. When that
  authority differs from --client-ca-file, the client-certificate authenticator only accepts
  certificates the client CA issued, as upstream's x509 verifier would.
- --proxy-client-cert-file / --proxy-client-key-file, --enable-aggregator-routing,
  --aggregator-reject-forwarding-redirect : the aggregator's AggregatorConfig.
- the kube-system/extension-apiserver-authentication ConfigMap (upstream's
  start-cluster-authentication-info-controller hook), from which extension API servers learn
  which client CA and which front-proxy headers to trust.
"""

from __future__ import annotations

import logging
import ssl
from pathlib import Path

import orjson

from kapiserver.aggregator.server import AggregatorConfig
from kapiserver.aggregator.transport import ProxyClientCert
from kapiserver.apimachinery import errors
from kapiserver.authentication import requestheader
from kapiserver.authentication.interfaces import Authenticator
from kapiserver.authentication.x509 import X509Authenticator
from kapiserver.options import ServerRunOptions
from kapiserver.registry.core.configmaps import CONFIGMAPS
from kapiserver.registry.loopback import Client
from kapiserver.registry.store import Store
from kapiserver.server.genericapiserver import GenericAPIServer
from kapiserver.storage.factory import StorageFactory

log = logging.getLogger(__name__)

AUTHENTICATION_CONFIGMAP = "extension-apiserver-authentication"
AUTHENTICATION_NAMESPACE = "kube-system"
AUTHENTICATION_HOOK = "start-cluster-authentication-info-controller"


def _read(path: str) -> bytes:
    return Path(path).read_bytes()


def request_header_config(options: ServerRunOptions) -> requestheader.RequestHeaderConfig | None:
    auth = options.authentication
    ca_file = auth["requestheader_client_ca_file"]
    if not ca_file:
        return None
    return requestheader.RequestHeaderConfig(
        authorities=tuple(requestheader.load_ca_bundle(_read(ca_file))),
        username_headers=tuple(auth["requestheader_username_headers"]),
        uid_headers=tuple(auth["requestheader_uid_headers"]),
        group_headers=tuple(auth["requestheader_group_headers"]),
        extra_header_prefixes=tuple(auth["requestheader_extra_headers_prefix"]),
        allowed_names=tuple(auth["requestheader_allowed_names"]),
    )


def authenticators(options: ServerRunOptions, client_ca_file: str) -> list[Authenticator]:
    """The request-header authenticator first, then client certificates (upstream's union order)."""
    front_proxy = request_header_config(options)
    if front_proxy is None:
        return [X509Authenticator()]
    x509: Authenticator = X509Authenticator()
    if client_ca_file and Path(client_ca_file).resolve() != Path(options.authentication[
            "requestheader_client_ca_file"]).resolve():
        x509 = requestheader.IssuedBy(requestheader.load_ca_bundle(_read(client_ca_file)), x509)
    return [requestheader.RequestHeaderAuthenticator(front_proxy), x509]


def trust_front_proxy_ca(context: ssl.SSLContext | None, options: ServerRunOptions) -> None:
    """Let TLS accept client certificates of the --requestheader-client-ca-file authority too."""
    ca_file = options.authentication["requestheader_client_ca_file"]
    if context is not None and ca_file:
        context.load_verify_locations(ca_file)
        context.verify_mode = ssl.CERT_OPTIONAL


def aggregator_config(options: ServerRunOptions) -> AggregatorConfig:
    misc = options.misc
    cert_file, key_file = misc["proxy_client_cert_file"], misc["proxy_client_key_file"]
    client_cert = None
    if cert_file and key_file:
        ssl.create_default_context().load_cert_chain(cert_file, key_file)  # fail at start, as upstream does
        client_cert = ProxyClientCert(cert_file, key_file)
    return AggregatorConfig(proxy_client_cert=client_cert,
                            enable_aggregator_routing=bool(misc["enable_aggregator_routing"]),
                            reject_forwarding_redirects=bool(misc["aggregator_reject_forwarding_redirect"]))


def authentication_info(options: ServerRunOptions, client_ca_file: str) -> dict[str, str]:
    """The data of extension-apiserver-authentication (upstream ClusterAuthenticationInfo)."""
    data: dict[str, str] = {}
    if client_ca_file:
        data["client-ca-file"] = _read(client_ca_file).decode()
    auth = options.authentication
    ca_file = auth["requestheader_client_ca_file"]
    if not ca_file:
        return data

    def json_list(values: list[str]) -> str:
        return orjson.dumps(list(values)).decode() if values else "null"

    data["requestheader-username-headers"] = json_list(auth["requestheader_username_headers"])
    data["requestheader-uid-headers"] = json_list(auth["requestheader_uid_headers"])
    data["requestheader-group-headers"] = json_list(auth["requestheader_group_headers"])
    data["requestheader-extra-headers-prefix"] = json_list(auth["requestheader_extra_headers_prefix"])
    data["requestheader-client-ca-file"] = _read(ca_file).decode()
    data["requestheader-allowed-names"] = json_list(auth["requestheader_allowed_names"])
    return data


def add_authentication_info_hook(server: GenericAPIServer, storage: StorageFactory, data: dict[str, str]) -> None:
    """Write the ConfigMap once the server runs (the kube-system namespace exists by then)."""
    client = Client(CONFIGMAPS, Store(CONFIGMAPS, storage.storage_for(CONFIGMAPS.key_root)))

    async def publish() -> None:
        current = await client.get(AUTHENTICATION_CONFIGMAP, AUTHENTICATION_NAMESPACE)
        if current is None:
            try:
                await client.create({"apiVersion": "v1", "kind": "ConfigMap", "data": data, "metadata": {
                    "name": AUTHENTICATION_CONFIGMAP, "namespace": AUTHENTICATION_NAMESPACE}})
            except errors.StatusError as err:
                if err.reason != "AlreadyExists":
                    raise
            return
        if current.get("data") != data:
            updated = dict(current)
            updated["data"] = data
            await client.update(updated)
            log.info("updated %s/%s", AUTHENTICATION_NAMESPACE, AUTHENTICATION_CONFIGMAP)

    server.add_post_start_hook(AUTHENTICATION_HOOK, publish)
