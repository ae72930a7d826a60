"""Features flags (upstream FeatureOptions): profiling endpoints."""

from __future__ import annotations

from .base import FlagSet
from .flags import Flag


class FeatureOptions(FlagSet):
    title = "Features"
    flags = (
        Flag("contention-profiling", "bool", False, "Enable block profiling, if profiling is enabled",
             support="harmless"),
        Flag("debug-socket-path", "string", "", "Use an unprotected (no authn/authz) unix-domain socket for "
             "profiling with the given path", support="harmless"),
        Flag("profiling", "bool", True, "Enable profiling via web interface host:port/debug/pprof/",
             support="harmless"),
    )
