"""Server configuration (upstream server.Config).

Options fill a Config (`options.*.apply_to`); `complete()` derives what depends on other
fields. A GenericAPIServer reads it once, when it is built, never in the request path.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field

from kapiserver.admission.chain import EMPTY, Chain
from kapiserver.authentication.interfaces import Authenticator
from kapiserver.endpoints.discovery import DiscoveryRegistry
from kapiserver.endpoints.metrics import RequestMetrics
from kapiserver.registry.authorization.decision import Authorizer


@dataclass(slots=True)
class Config:
    bind_address: str = "0.0.0.0"
    secure_port: int = 6443
    ssl_context: ssl.SSLContext | None = None
    authenticator: Authenticator | None = None
    # The request authorizer; None (--authorization-mode=AlwaysAllow) leaves the filter out.
    authorizer: Authorizer | None = None
    admission: Chain = EMPTY
    request_timeout: float = 60.0
    min_request_timeout: int = 1800
    max_request_body_bytes: int = 3 * 1024 * 1024
    shutdown_delay: float = 0.0
    shutdown_timeout: float = 60.0
    # The host clients use to reach this server (--external-hostname, else the advertise
    # address), and with the port the address discovery's serverAddressByClientCIDRs names.
    external_host: str = ""
    external_address: str = ""
    discovery: DiscoveryRegistry = field(default_factory=DiscoveryRegistry)
    # The server's request metrics and the registry /metrics renders (shared by the chain).
    metrics: RequestMetrics = field(default_factory=RequestMetrics)
    # --etcd-count-metric-poll-period: how stale /metrics' stored object counts may be (0: none).
    object_count_poll_period: float = 60.0

    def complete(self) -> Config:
        if not self.external_address:
            host = self.external_host or ("127.0.0.1" if self.bind_address in ("0.0.0.0", "::", "")
                                          else self.bind_address)
            self.external_address = f"[{host}]:{self.secure_port}" if ":" in host else f"{host}:{self.secure_port}"
        return self
