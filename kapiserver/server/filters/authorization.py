"""Authorizes every request after authentication (upstream WithAuthorization,
GetAuthorizerAttributes, responsewriters.Forbidden).

Built only when the chain can refuse (a mode other than AlwaysAllow): the attributes come
from the request info and the authenticated user; anything but Allow is a 403 whose message
names the user, the verb and the resource or path, then the authorizer's reason. An
authorizer error on a request it did not allow is a 500, as upstream.
"""

from __future__ import annotations

import logging

from aiohttp import web

from kapiserver.apimachinery import errors
from kapiserver.apimachinery.user import UserInfo
from kapiserver.endpoints.request_info import RequestInfo
from kapiserver.endpoints.scope import USER_KEY
from kapiserver.registry.authorization.decision import Attributes, Authorizer, Decision

from . import Filter, Handler, impersonation
from .forbidden import forbidden
from .request_info import INFO_KEY

log = logging.getLogger(__name__)


def authorizer_attributes(user: UserInfo, info: RequestInfo) -> Attributes:
    return Attributes(user, info.verb, info.is_resource_request, namespace=info.namespace,
                      api_group=info.api_group, api_version=info.api_version, resource=info.resource,
                      subresource=info.subresource, name=info.name, path=info.path)


def with_authorization(authorizer: Authorizer) -> Filter:
    async def authorize(request: web.Request, handler: Handler) -> web.StreamResponse:
        attrs = authorizer_attributes(request[USER_KEY], request[INFO_KEY])
        decision, reason, error = await authorizer.authorize(attrs)
        if decision == Decision.ALLOW:
            return await handler(request)
        if error:
            raise errors.internal_error(error)
        log.debug("Forbidden %s: %s", request.path_qs, reason)
        raise forbidden(attrs, reason)

    return authorize


def impersonation_authorizer(authorizer: Authorizer) -> impersonation.ImpersonationAuthorizer:
    """Asks the authorizer whether a user may `impersonate` one thing (upstream's impersonation
    filter builds the same attributes: verb impersonate, the thing as a resource)."""

    async def authorize(user: UserInfo, r: impersonation.Request) -> tuple[bool, str]:
        decision, reason, _ = await authorizer.authorize(r.attributes(user))
        return decision == Decision.ALLOW, reason

    return authorize
