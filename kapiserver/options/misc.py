"""Misc flags (upstream kube-apiserver's own options), plus metrics, logs and traces."""

from __future__ import annotations

import ipaddress

from .base import FlagSet
from .flags import Flag


def parse_port_range(text: str) -> tuple[int, int]:
    """upstream utilnet.ParsePortRange: "30000-32767" or a single port."""
    low, sep, high = text.partition("-")
    try:
        base = int(low)
        top = int(high) if sep else base
    except ValueError:
        raise ValueError(f"unable to parse port range: {text}") from None
    if base < 0 or top > 65535 or top < base:
        raise ValueError(f"invalid port range: {text}")
    return base, top


class MiscOptions(FlagSet):
    title = "Misc"
    flags = (
        Flag("aggregator-reject-forwarding-redirect", "bool", True, "Aggregator reject forwarding redirect "
             "response back to client."),
        Flag("allow-privileged", "bool", False, "If true, allow privileged containers.", support="harmless"),
        Flag("enable-aggregator-routing", "bool", False, "Turns on aggregator routing requests to endpoints IP "
             "rather than cluster IP."),
        Flag("endpoint-reconciler-type", "string", "lease", "Use an endpoint reconciler (master-count, lease, "
             "none)", support="harmless"),
        Flag("event-ttl", "duration", 3600.0, "Amount of time to retain events."),
        Flag("kubelet-certificate-authority", "string", "", "Path to a cert file for the certificate authority.",
             support="harmless"),
        Flag("kubelet-client-certificate", "string", "", "Path to a client cert file for TLS.", support="harmless"),
        Flag("kubelet-client-key", "string", "", "Path to a client key file for TLS.", support="harmless"),
        Flag("kubelet-preferred-address-types", "strings",
             ["Hostname", "InternalDNS", "InternalIP", "ExternalDNS", "ExternalIP"],
             "List of the preferred NodeAddressTypes to use for kubelet connections.", support="harmless"),
        Flag("kubelet-timeout", "duration", 5.0, "Timeout for kubelet operations.", support="harmless"),
        Flag("max-connection-bytes-per-sec", "int", 0, "If non-zero, throttle each user connection to this number "
             "of bytes/sec. Currently only applies to long-running requests.", support="harmless"),
        Flag("proxy-client-cert-file", "string", "", "Client certificate used to prove the identity of the "
             "aggregator or kube-apiserver when it must call out during a request."),
        Flag("proxy-client-key-file", "string", "", "Private key for the client certificate used to prove the "
             "identity of the aggregator or kube-apiserver when it must call out during a request."),
        Flag("service-account-signing-key-file", "string", "", "Path to the file that contains the current "
             "private key of the service account token issuer.", support="no"),
        Flag("service-cluster-ip-range", "string", "", "A CIDR notation IP range from which to assign service "
             "cluster IPs. This must not overlap with any IP ranges assigned to nodes or pods. Max of two dual-stack "
             "CIDRs is allowed. (kapiserver defaults it to 10.0.0.0/24, as kube-apiserver did.)"),
        Flag("service-node-port-range", "string", "30000-32767", "A port range to reserve for services with "
             "NodePort visibility. Example: '30000-32767'. Inclusive at both ends of the range.",
             type_name="portRange"),
        Flag("allow-metric-labels", "map", {}, "The map from metric-label to value allow-list of this label.",
             support="harmless"),
        Flag("disabled-metrics", "strings", [], "This flag provides an escape hatch for misbehaving metrics.",
             support="harmless"),
        Flag("show-hidden-metrics-for-version", "string", "", "The previous version for which you want to show "
             "hidden metrics.", support="harmless"),
        Flag("log-flush-frequency", "duration", 5.0, "Maximum number of seconds between log flushes",
             support="harmless"),
        Flag("logging-format", "string", "text", "Sets the log format. Permitted formats: \"json\", \"text\".",
             support="harmless"),
        Flag("v", "int", 0, "number for the log level verbosity", shorthand="v", type_name="Level"),
        Flag("vmodule", "string", "", "comma-separated list of pattern=N settings for file-filtered logging",
             support="harmless", type_name="pattern=N,..."),
        Flag("tracing-config-file", "string", "", "File with apiserver tracing configuration.", support="harmless"),
    )

    def complete(self) -> None:
        if not self["service_cluster_ip_range"]:
            self["service_cluster_ip_range"] = "10.0.0.0/24"

    def validate(self) -> list[str]:
        problems = super().validate()
        ranges = [r.strip() for r in self["service_cluster_ip_range"].split(",") if r.strip()]
        if len(ranges) > 2:
            problems.append("--service-cluster-ip-range must not contain more than two entries")
        families = []
        for cidr in ranges:
            try:
                network = ipaddress.ip_network(cidr, strict=True)
                families.append(network.version)
            except ValueError:
                problems.append(f"service-cluster-ip-range[{ranges.index(cidr)}] is not a valid cidr")
        if len(families) == 2 and families[0] == families[1]:
            problems.append("--service-cluster-ip-range[0] and --service-cluster-ip-range[1] must be of different "
                            "IP family")
        try:
            parse_port_range(self["service_node_port_range"])
        except ValueError as exc:
            problems.append(f'invalid argument "{self["service_node_port_range"]}" for "--service-node-port-range" '
                            f"flag: {exc}")
        if self["event_ttl"] < 0:
            problems.append("--event-ttl must be greater than 0")
        return problems
