"""Authentication flags (upstream BuiltInAuthenticationOptions)."""

from __future__ import annotations

import logging

from .base import FlagSet
from .flags import Flag

log = logging.getLogger(__name__)

# upstream RequestHeaderAuthenticationOptions.Validate: the names the aggregator sends.
_STANDARD_HEADERS = (("requestheader_username_headers", "requestheader-username-headers", "X-Remote-User", "header"),
                     ("requestheader_group_headers", "requestheader-group-headers", "X-Remote-Group", "header"),
                     ("requestheader_extra_headers_prefix", "requestheader-extra-headers-prefix", "X-Remote-Extra-",
                      "header prefix"))


class AuthenticationOptions(FlagSet):
    title = "Authentication"
    flags = (
        Flag("anonymous-auth", "bool", True, "Enables anonymous requests to the secure port of the API server. "
             "(kapiserver: until authorization lands, anonymous requests reach only /healthz, /livez, /readyz and "
             "/version.)", support="harmless"),
        Flag("api-audiences", "strings", [], "Identifiers of the API.", support="no"),
        Flag("authentication-config", "string", "", "File with Authentication Configuration.", support="no"),
        Flag("authentication-token-webhook-config-file", "string", "", "File with webhook configuration for token "
             "authentication in kubeconfig format.", support="no"),
        Flag("client-ca-file", "string", "", "If set, any request presenting a client certificate signed by one of "
             "the authorities in the client-ca-file is authenticated with an identity corresponding to the "
             "CommonName of the client certificate."),
        Flag("enable-bootstrap-token-auth", "bool", False, "Enable to allow secrets of type "
             "'bootstrap.kubernetes.io/token' in the 'kube-system' namespace to be used for TLS bootstrapping "
             "authentication.", support="no"),
        Flag("oidc-ca-file", "string", "", "If set, the OpenID server's certificate will be verified by one of the "
             "authorities in the oidc-ca-file.", support="no"),
        Flag("oidc-client-id", "string", "", "The client ID for the OpenID Connect client.", support="no"),
        Flag("oidc-groups-claim", "string", "", "If provided, the name of a custom OpenID Connect claim for "
             "specifying user groups.", support="no"),
        Flag("oidc-issuer-url", "string", "", "The URL of the OpenID issuer, only HTTPS scheme will be accepted.",
             support="no"),
        Flag("oidc-username-claim", "string", "sub", "The OpenID claim to use as the user name.", support="no"),
        Flag("requestheader-allowed-names", "strings", [], "List of client certificate common names to allow to "
             "provide usernames in headers specified by --requestheader-username-headers. If empty, any client "
             "certificate validated by the authorities in --requestheader-client-ca-file is allowed."),
        Flag("requestheader-client-ca-file", "string", "", "Root certificate bundle to use to verify client "
             "certificates on incoming requests before trusting usernames in headers specified by "
             "--requestheader-username-headers. WARNING: generally do not depend on authorization being already "
             "done for incoming requests."),
        Flag("requestheader-extra-headers-prefix", "strings", [], "List of request header prefixes to inspect. "
             "X-Remote-Extra- is suggested."),
        Flag("requestheader-group-headers", "strings", [], "List of request headers to inspect for groups. "
             "X-Remote-Group is suggested."),
        Flag("requestheader-uid-headers", "strings", [], "List of request headers to inspect for UIDs. "
             "X-Remote-Uid is suggested. Requires the RemoteRequestHeaderUID feature to be enabled."),
        Flag("requestheader-username-headers", "strings", [], "List of request headers to inspect for usernames. "
             "X-Remote-User is common."),
        Flag("service-account-issuer", "strings", [], "Identifier of the service account token issuer.",
             support="no", repeatable=True),
        Flag("service-account-key-file", "strings", [], "File containing PEM-encoded x509 RSA or ECDSA private or "
             "public keys, used to verify ServiceAccount tokens.", support="no", repeatable=True),
        Flag("service-account-lookup", "bool", True, "If true, validate ServiceAccount tokens exist in etcd as "
             "part of authentication.", support="harmless"),
        Flag("service-account-max-token-expiration", "duration", 0.0, "The maximum validity duration of a token "
             "created by the service account token issuer.", support="harmless"),
        Flag("token-auth-file", "string", "", "If set, the file that will be used to secure the secure port of the "
             "API server via token authentication.", support="no"),
    )

    def validate(self) -> list[str]:
        problems = super().validate()
        for dest, flag, standard, what in _STANDARD_HEADERS:
            values = self[dest]
            if values and standard.lower() not in (v.lower() for v in values):
                log.warning("--%s is set without specifying the standard %s %s - API aggregation will not work",
                            flag, standard, what)
        uid_headers = self["requestheader_uid_headers"]
        if uid_headers and "x-remote-uid" not in (v.lower() for v in uid_headers):
            problems.append("--requestheader-uid-headers is set without specifying the standard X-Remote-Uid "
                            "header - API aggregation will not work")
        return problems
