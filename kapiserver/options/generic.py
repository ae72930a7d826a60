"""Generic flags (upstream ServerRunOptions + feature gates)."""

from __future__ import annotations

from .base import FlagSet
from .flags import Flag


class GenericOptions(FlagSet):
    title = "Generic"
    flags = (
        Flag("advertise-address", "string", "", "The IP address on which to advertise the apiserver to members of "
             "the cluster. This address must be reachable by the rest of the cluster. If blank, the --bind-address "
             "will be used. If --bind-address is unspecified, the host's default interface will be used.",
             type_name="ip"),
        Flag("cors-allowed-origins", "strings", [], "List of allowed origins for CORS, comma separated.",
             support="no"),
        Flag("data-dir", "string", ".kapiserver", "kapiserver: the directory of the embedded store, the "
             "generated certificates and admin.kubeconfig."),
        Flag("emulated-version", "strings", [], "The versions different components emulate their capabilities "
             "(APIs, features, ...) of.", support="no"),
        Flag("external-hostname", "string", "", "The hostname to use when generating externalized URLs for this "
             "master (e.g. Swagger API Docs or OpenID Discovery)."),
        Flag("feature-gates", "map", {}, "A set of key=value pairs that describe feature gates for "
             "alpha/experimental features.", repeatable=True),
        Flag("goaway-chance", "float", 0.0, "To prevent HTTP/2 clients from getting stuck on a single apiserver, "
             "randomly close a connection (GOAWAY).", support="harmless"),
        Flag("livez-grace-period", "duration", 0.0, "This option represents the maximum amount of time it should "
             "take for apiserver to complete its startup sequence and become live.", support="harmless"),
        Flag("max-mutating-requests-inflight", "int", 200, "This and --max-requests-inflight are summed to "
             "determine the server's total concurrency limit.", support="harmless"),
        Flag("max-requests-inflight", "int", 400, "This and --max-mutating-requests-inflight are summed to "
             "determine the server's total concurrency limit.", support="harmless"),
        Flag("min-request-timeout", "int", 1800, "An optional field indicating the minimum number of seconds a "
             "handler must keep a request open before timing it out. Currently only honored by the watch request "
             "handler, which picks a randomized value above this number as the connection timeout, to spread out "
             "load."),
        Flag("request-timeout", "duration", 60.0, "An optional field indicating the duration a handler must keep "
             "a request open before timing it out."),
        Flag("shutdown-delay-duration", "duration", 0.0, "Time to delay the termination. During that time the "
             "server keeps serving requests normally."),
        Flag("shutdown-send-retry-after", "bool", False, "If true the HTTP Server will continue listening until "
             "all non long running request(s) in flight have been drained.", support="harmless"),
        Flag("shutdown-watch-termination-grace-period", "duration", 0.0, "This option, if set, represents the "
             "maximum amount of grace period the apiserver will wait for active watch request(s) to drain during "
             "the graceful server shutdown window.", support="harmless"),
        Flag("storage-initialization-timeout", "duration", 60.0, "Maximum amount of time to wait for storage "
             "initialization before declaring apiserver ready.", support="harmless"),
        Flag("strict-transport-security-directives", "strings", [], "List of directives for HSTS, comma "
             "separated.", support="harmless"),
    )

    def validate(self) -> list[str]:
        problems = super().validate()
        if self["request_timeout"] <= 0:
            problems.append("--request-timeout can not be negative value")
        if self["min_request_timeout"] < 0:
            problems.append("--min-request-timeout can not be negative value")
        if self["max_requests_inflight"] < 0:
            problems.append("--max-requests-inflight can not be negative value")
        if self["max_mutating_requests_inflight"] < 0:
            problems.append("--max-mutating-requests-inflight can not be negative value")
        if self["shutdown_delay_duration"] < 0:
            problems.append("--shutdown-delay-duration can not be negative value")
        return problems
