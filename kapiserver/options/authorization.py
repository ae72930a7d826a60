"""Authorization flags (upstream BuiltInAuthorizationOptions)."""

from __future__ import annotations

from .base import FlagSet
from .flags import Flag

MODES = ("AlwaysAllow", "AlwaysDeny", "ABAC", "Webhook", "RBAC", "Node")
# Node is accepted and has no opinion (kapiserver has no node authorizer graph).


class AuthorizationOptions(FlagSet):
    title = "Authorization"
    flags = (
        Flag("authorization-config", "string", "", "File with Authorization Configuration to configure the "
             "authorizer chain.", support="no"),
        Flag("authorization-mode", "strings", ["AlwaysAllow"], "Ordered list of plug-ins to do authorization on "
             "secure port. Defaults to AlwaysAllow if --authorization-config is not used. Comma-delimited list of: "
             "AlwaysAllow,AlwaysDeny,ABAC,Webhook,RBAC,Node."),
        Flag("authorization-policy-file", "string", "", "File with authorization policy in json line by line "
             "format, used with --authorization-mode=ABAC, on the secure port.", support="no"),
        Flag("authorization-webhook-config-file", "string", "", "File with webhook configuration in kubeconfig "
             "format, used with --authorization-mode=Webhook.", support="no"),
    )

    def validate(self) -> list[str]:
        problems = super().validate()
        modes = self["authorization_mode"]
        for mode in modes:
            if mode not in MODES:
                problems.append(f"authorization-mode {mode!r} is not a valid mode")
            elif mode in ("ABAC", "Webhook"):
                problems.append(f"--authorization-mode={mode} is not supported by kapiserver yet")
        if len(set(modes)) != len(modes):
            problems.append(f"authorization-mode {modes} has mode specified more than once")
        return problems
