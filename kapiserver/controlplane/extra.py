"""What the control plane needs beyond the generic server config (upstream controlplane.Extra).

The app layer fills it from the options; the control plane hands its parts to the storage
providers and controllers that need them. Defaults are kube-apiserver's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric import ec

from kapiserver.registry.authorization.decision import ALWAYS_ALLOW, Authorizer
from kapiserver.registry.core.serviceaccounts_token import TokenIssuer
from kapiserver.registry.rbac.authorizer import RuleResolver


@dataclass(frozen=True, slots=True)
class Extra:
    # --service-cluster-ip-range, one range or one per family (the first is primary).
    service_cluster_ip_ranges: tuple[str, ...] = ("10.0.0.0/24",)
    # --service-node-port-range.
    service_node_port_range: str = "30000-32767"
    # The address this server advertises in the `kubernetes` Endpoints (--advertise-address).
    public_ip: str = "127.0.0.1"
    # Decides access reviews; the app layer passes the configured authorizer chain.
    authorizer: Authorizer = field(default=ALWAYS_ALLOW)
    # RBAC's rule resolver when RBAC is a mode: the rbac registry then refuses escalation.
    rbac_rule_resolver: RuleResolver | None = None
    # Signs serviceaccounts/token answers; None serves the upstream error for no signer.
    token_issuer: TokenIssuer | None = None
    # Verifies the issuer's tokens; published by the issuer discovery endpoints.
    service_account_public_key: ec.EllipticCurvePublicKey | None = None
