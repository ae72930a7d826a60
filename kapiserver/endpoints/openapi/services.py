"""Every web service the server chain documents, in one list (the routes kube-apiserver walks).

Upstream's aggregated document merges the go-restful web services of each server of the
chain: the discovery roots (/api, /apis, /apis/<group>), one per served group version,
and the non-resource endpoints registered with go-restful (/version, the service account
issuer's OIDC documents, /logs). Only what this server actually serves is listed: the
group versions come from the DiscoveryRegistry, and a non-resource endpoint is listed
when a handler is installed at its path (`serves`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from kapiserver.endpoints import negotiation
from kapiserver.endpoints.installer import InstalledGroupVersion

from .model import STRING, Param, Response, Route, WebService
from .paths import META, group_version_service

_DISCOVERY_MEDIA = (negotiation.JSON, negotiation.YAML, negotiation.PROTOBUF)
_VERSIONS_DOC = "get available API versions"


def _core_root() -> WebService:
    return WebService(
        "/api",
        (
            Route(
                "GET",
                "/api/",
                "getAPIVersions",
                _VERSIONS_DOC,
                consumes=_DISCOVERY_MEDIA,
                produces=_DISCOVERY_MEDIA,
                responses=(Response(200, "OK", META + "APIVersions"),),
            ),
        ),
    )


def _groups_root() -> WebService:
    return WebService(
        "/apis",
        (
            Route(
                "GET",
                "/apis/",
                "getAPIVersions",
                _VERSIONS_DOC,
                consumes=_DISCOVERY_MEDIA,
                produces=_DISCOVERY_MEDIA,
                responses=(Response(200, "OK", META + "APIGroupList"),),
            ),
        ),
    )


def _group(name: str) -> WebService:
    root = "/apis/" + name
    return WebService(
        root,
        (
            Route(
                "GET",
                root + "/",
                "getAPIGroup",
                "get information of a group",
                consumes=_DISCOVERY_MEDIA,
                produces=_DISCOVERY_MEDIA,
                responses=(Response(200, "OK", META + "APIGroup"),),
            ),
        ),
    )


# path -> the web service upstream documents for it, when a handler is installed there.
_NON_RESOURCE: dict[str, WebService] = {
    "/version": WebService(
        "/version",
        (
            Route(
                "GET",
                "/version/",
                "getCodeVersion",
                "get the version information for this server",
                consumes=(negotiation.JSON,),
                produces=(negotiation.JSON,),
                responses=(Response(200, "OK", "io.k8s.apimachinery.pkg.version.Info"),),
            ),
        ),
    ),
    "/.well-known/openid-configuration": WebService(
        "/.well-known/openid-configuration",
        (
            Route(
                "GET",
                "/.well-known/openid-configuration/",
                "getServiceAccountIssuerOpenIDConfiguration",
                "get service account issuer OpenID configuration, also known as the 'OIDC discovery doc'",
                produces=(negotiation.JSON,),
                responses=(Response(200, "OK", STRING),),
            ),
        ),
    ),
    "/openid/v1/jwks": WebService(
        "/openid/v1/jwks",
        (
            Route(
                "GET",
                "/openid/v1/jwks/",
                "getServiceAccountIssuerOpenIDKeyset",
                "get service account issuer OpenID JSON Web Key Set (contains public token verification keys)",
                produces=("application/jwk-set+json",),
                responses=(Response(200, "OK", STRING),),
            ),
        ),
    ),
    "/logs": WebService(
        "/logs",
        (
            Route("GET", "/logs/", "logFileListHandler"),
            Route(
                "GET",
                "/logs/{logpath:*}",
                "logFileHandler",
                params=(Param("logpath", "path", "path to the log", required=True),),
            ),
        ),
    ),
}


def web_services(
    versions: Iterable[InstalledGroupVersion], serves: Callable[[str], bool]
) -> list[WebService]:
    """The documented web services; `serves(path)` says whether a non-resource path has a handler.

    A group version that documents itself (custom resources: `openapi_service()` answers
    its WebService, or None while there is nothing to document) replaces the built one, and
    a group all of whose versions do so has no group root service, as upstream documents
    only the go-restful routes of built-in groups."""
    versions = list(versions)
    out: list[WebService] = []
    if any(not v.group for v in versions):
        out.append(_core_root())
    out.append(_groups_root())
    custom = {id(v) for v in versions if callable(getattr(v, "openapi_service", None))}
    groups = list(dict.fromkeys(v.group for v in versions if v.group))
    out.extend(_group(group) for group in groups
               if any(v.group == group and id(v) not in custom for v in versions))
    for version in versions:
        service = version.openapi_service() if id(version) in custom else group_version_service(version)  # type: ignore[attr-defined]
        if service is not None:
            out.append(service)
    out.extend(service for path, service in _NON_RESOURCE.items() if serves(path))
    return out
