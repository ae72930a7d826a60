"""Etcd flags (upstream EtcdOptions), plus kapiserver's embedded backends."""

from __future__ import annotations

from .base import FlagSet
from .flags import Flag

BACKENDS = ("sqlite", "etcd3", "memory")


class StorageOptions(FlagSet):
    title = "Etcd"
    flags = (
        Flag("delete-collection-workers", "int", 1, "Number of workers spawned for DeleteCollection call. These "
             "are used to speed up namespace cleanup.", support="harmless"),
        Flag("enable-garbage-collector", "bool", True, "Enables the generic garbage collector. MUST be synced with "
             "the corresponding flag of the kube-controller-manager.", support="harmless"),
        Flag("encryption-provider-config", "string", "", "The file containing configuration for encryption "
             "providers to be used for storing secrets in etcd", support="no"),
        Flag("etcd-cafile", "string", "", "SSL Certificate Authority file used to secure etcd communication.",
             support="no"),
        Flag("etcd-certfile", "string", "", "SSL certification file used to secure etcd communication.",
             support="no"),
        Flag("etcd-compaction-interval", "duration", 300.0, "The interval of compaction requests. If 0, the "
             "compaction request from apiserver is disabled."),
        Flag("etcd-count-metric-poll-period", "duration", 60.0, "Frequency of polling etcd for number of resources "
             "per type. 0 disables the metric collection."),
        Flag("etcd-keyfile", "string", "", "SSL key file used to secure etcd communication.", support="no"),
        Flag("etcd-prefix", "string", "/registry", "The prefix to prepend to all resource paths in etcd.",
             support="no"),
        Flag("etcd-servers", "strings", [], "List of etcd servers to connect with (scheme://ip:port), comma "
             "separated.", support="no"),
        Flag("etcd-servers-overrides", "strings", [], "Per-resource etcd servers overrides, comma separated.",
             support="no"),
        Flag("lease-reuse-duration-seconds", "int", 60, "The time in seconds that each lease is reused.",
             support="harmless"),
        Flag("storage-backend", "string", "sqlite", "The storage backend for persistence. Options: 'sqlite' "
             "(kapiserver's embedded default, in --data-dir), 'memory' (nothing persisted), 'etcd3'."),
        Flag("storage-media-type", "string", "application/vnd.kubernetes.protobuf", "The media type to use to "
             "store objects in storage.", support="harmless"),
        Flag("watch-cache", "bool", True, "Enable watch caching in the apiserver"),
        Flag("watch-cache-sizes", "strings", [], "Watch cache size settings for some resources (pods, nodes, "
             "etc.), comma separated.", support="harmless"),
        Flag("default-watch-cache-size", "int", 100, "Default watch cache size.", support="harmless"),
    )

    def validate(self) -> list[str]:
        problems = super().validate()
        backend = self["storage_backend"]
        if backend not in BACKENDS:
            problems.append(f"--storage-backend invalid, allowed values: {', '.join(BACKENDS)}. If not specified, "
                            "it will default to 'sqlite'")
        elif backend == "etcd3":
            problems.append("--storage-backend=etcd3 is not supported by kapiserver yet")
        if self["etcd_compaction_interval"] < 0:
            problems.append("--etcd-compaction-interval can not be negative value")
        return problems
