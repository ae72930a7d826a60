"""Authentication flags (upstream BuiltInAuthenticationOptions)."""

from __future__ import annotations

from .base import FlagSet
from .flags import Flag


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
             "provide usernames in headers specified by --requestheader-username-headers.", support="no"),
        Flag("requestheader-client-ca-file", "string", "", "Root certificate bundle to use to verify client "
             "certificates on incoming requests before trusting usernames in headers.", support="no"),
        Flag("requestheader-extra-headers-prefix", "strings", [], "List of request header prefixes to inspect. "
             "X-Remote-Extra- is suggested.", support="no"),
        Flag("requestheader-group-headers", "strings", [], "List of request headers to inspect for groups. "
             "X-Remote-Group is suggested.", support="no"),
        Flag("requestheader-username-headers", "strings", [], "List of request headers to inspect for usernames. "
             "X-Remote-User is common.", support="no"),
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
