"""Secure serving flags (upstream SecureServingOptions). There is no insecure port."""

from __future__ import annotations

import ipaddress

from .base import FlagSet
from .flags import Flag


class SecureServingOptions(FlagSet):
    title = "Secure serving"
    flags = (
        Flag("bind-address", "string", "0.0.0.0", "The IP address on which to listen for the --secure-port port. "
             "The associated interface(s) must be reachable by the rest of the cluster, and by CLI/web clients.",
             type_name="ip"),
        Flag("cert-dir", "string", "/var/run/kubernetes", "The directory where the TLS certs are located. If "
             "--tls-cert-file and --tls-private-key-file are provided, this flag will be ignored. (kapiserver "
             "generates its certificates in --data-dir.)", support="harmless"),
        Flag("http2-max-streams-per-connection", "int", 0, "The limit that the server gives to clients for the "
             "maximum number of streams in an HTTP/2 connection.", support="harmless"),
        Flag("permit-address-sharing", "bool", False, "If true, SO_REUSEADDR will be used when binding the port.",
             support="harmless"),
        Flag("permit-port-sharing", "bool", False, "If true, SO_REUSEPORT will be used when binding the port.",
             support="harmless"),
        Flag("secure-port", "int", 6443, "The port on which to serve HTTPS with authentication and authorization. "
             "It cannot be switched off with 0. (kapiserver: 0 picks a free port, written to admin.kubeconfig.)"),
        Flag("tls-cert-file", "string", "", "File containing the default x509 Certificate for HTTPS. (CA cert, if "
             "any, concatenated after server cert)."),
        Flag("tls-cipher-suites", "strings", [], "Comma-separated list of cipher suites for the server.",
             support="harmless"),
        Flag("tls-min-version", "string", "", "Minimum TLS version supported. Possible values: VersionTLS10, "
             "VersionTLS11, VersionTLS12, VersionTLS13"),
        Flag("tls-private-key-file", "string", "", "File containing the default x509 private key matching "
             "--tls-cert-file."),
        Flag("tls-sni-cert-key", "strings", [], "A pair of x509 certificate and private key file paths.",
             support="no", repeatable=True),
    )

    def validate(self) -> list[str]:
        problems = super().validate()
        port = self["secure_port"]
        if port < 0 or port > 65535:
            problems.append(f"--secure-port {port} must be between 1 and 65535, inclusive. It cannot be turned "
                            "off with 0")
        try:
            ipaddress.ip_address(self["bind_address"])
        except ValueError:
            problems.append(f'--bind-address "{self["bind_address"]}" is not a valid IP address')
        if bool(self["tls_cert_file"]) != bool(self["tls_private_key_file"]):
            problems.append("--tls-cert-file and --tls-private-key-file must be set together")
        if self["tls_min_version"] not in ("", "VersionTLS10", "VersionTLS11", "VersionTLS12", "VersionTLS13"):
            problems.append(f"unknown tls version {self['tls_min_version']!r}")
        return problems
