"""Authenticates every request (upstream WithAuthentication): the user goes on the request,
credentials that fail or are missing are a 401.

Anonymous requests may read only the public health and version paths, which is what
upstream's anonymous user ends up allowed by the system:public-info-viewer role.
"""

from __future__ import annotations

import logging

from aiohttp import web

from kapiserver.apimachinery import errors
from kapiserver.apimachinery.user import ALL_UNAUTHENTICATED, ANONYMOUS, UserInfo
from kapiserver.authentication.interfaces import AuthenticationError, Authenticator, AuthRequest
from kapiserver.endpoints.scope import USER_KEY

from . import Filter, Handler

log = logging.getLogger(__name__)

PUBLIC_INFO_PATHS = frozenset({"/healthz", "/livez", "/readyz", "/version", "/version/"})
ANONYMOUS_USER = UserInfo(ANONYMOUS, groups=(ALL_UNAUTHENTICATED,))


def with_authentication(authenticator: Authenticator) -> Filter:
    async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
        peer = request.transport.get_extra_info("peercert") if request.transport is not None else None
        der = _peer_der(request) if peer else None
        try:
            user = await authenticator.authenticate(AuthRequest(request.headers, peer, der))
        except AuthenticationError as exc:
            log.debug("unable to authenticate the request: %s", exc)
            user = None
        if user is None:
            if request.path not in PUBLIC_INFO_PATHS or request.method not in ("GET", "HEAD"):
                raise errors.unauthorized("Unauthorized")
            user = ANONYMOUS_USER
        request[USER_KEY] = user
        return await handler(request)

    return authenticate


def _peer_der(request: web.Request) -> bytes | None:
    ssl_object = request.transport.get_extra_info("ssl_object") if request.transport is not None else None
    return ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
