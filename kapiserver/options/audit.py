"""Auditing flags (upstream AuditOptions)."""

from __future__ import annotations

from .base import FlagSet
from .flags import Flag


class AuditOptions(FlagSet):
    title = "Auditing"
    flags = (
        Flag("audit-log-batch-buffer-size", "int", 10000, "The size of the buffer to store events before "
             "batching and writing. Only used in batch mode.", support="harmless"),
        Flag("audit-log-compress", "bool", False, "If set, the rotated log files will be compressed using gzip.",
             support="harmless"),
        Flag("audit-log-format", "string", "json", "Format of saved audits. \"legacy\" indicates 1-line text "
             "format for each event. \"json\" indicates structured json format.", support="harmless"),
        Flag("audit-log-maxage", "int", 0, "The maximum number of days to retain old audit log files based on the "
             "timestamp encoded in their filename.", support="harmless"),
        Flag("audit-log-maxbackup", "int", 0, "The maximum number of old audit log files to retain.",
             support="harmless"),
        Flag("audit-log-maxsize", "int", 0, "The maximum size in megabytes of the audit log file before it gets "
             "rotated.", support="harmless"),
        Flag("audit-log-mode", "string", "blocking", "Strategy for sending audit events.", support="harmless"),
        Flag("audit-log-path", "string", "", "If set, all requests coming to the apiserver will be logged to this "
             "file.  '-' means standard out.", support="no"),
        Flag("audit-policy-file", "string", "", "Path to the file that defines the audit policy configuration.",
             support="no"),
        Flag("audit-webhook-config-file", "string", "", "Path to a kubeconfig formatted file that defines the "
             "audit webhook configuration.", support="no"),
        Flag("audit-webhook-mode", "string", "batch", "Strategy for sending audit events.", support="harmless"),
    )
