"""Impersonation (upstream filters/impersonation): `kubectl --as`, `--as-group`, `--as-uid`.

The Impersonate-User, Impersonate-Group, Impersonate-Uid and Impersonate-Extra-<key> headers
replace the authenticated user with the one they describe, once the authenticated user is
allowed to `impersonate` each part (users, serviceaccounts, groups, uids, userextras/<key>). A
service account user name ("system:serviceaccount:<ns>:<name>") brings its groups unless groups
are given; everyone impersonated but anonymous is in system:authenticated unless the groups say
otherwise. Groups, extras or a uid without a user are a 400, as upstream.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from aiohttp import web

from kapiserver.apimachinery import errors
from kapiserver.apimachinery.user import ALL_AUTHENTICATED, ALL_UNAUTHENTICATED, ANONYMOUS, UserInfo
from kapiserver.endpoints.scope import USER_KEY
from kapiserver.registry.authorization.decision import Attributes

from . import Filter, Handler
from .forbidden import forbidden

log = logging.getLogger(__name__)

USER_HEADER = "Impersonate-User"
GROUP_HEADER = "Impersonate-Group"
UID_HEADER = "Impersonate-Uid"
EXTRA_PREFIX = "Impersonate-Extra-"
SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:"

# Decides whether `user` may impersonate: (allowed, reason). None: every user may (AlwaysAllow).
ImpersonationAuthorizer = Callable[[UserInfo, "Request"], Awaitable[tuple[bool, str]]]


@dataclass(frozen=True, slots=True)
class Request:
    """One thing to impersonate, as the authorizer sees it: verb impersonate on a resource."""

    resource: str
    name: str
    api_group: str = ""
    namespace: str = ""
    subresource: str = ""
    extra_key: str = field(default="", compare=False)

    def attributes(self, user: UserInfo) -> Attributes:
        """What the authorizer is asked: may `user` impersonate this?"""
        return Attributes(user, "impersonate", True, namespace=self.namespace, api_group=self.api_group,
                          resource=self.resource, subresource=self.subresource, name=self.name)


def _split_service_account(name: str) -> tuple[str, str] | None:
    """upstream serviceaccount.SplitUsername."""
    if not name.startswith(SERVICE_ACCOUNT_PREFIX):
        return None
    parts = name[len(SERVICE_ACCOUNT_PREFIX):].split(":")
    if len(parts) != 2 or not all(parts):
        return None
    return parts[0], parts[1]


def build_requests(headers: Mapping[str, str] | Any) -> list[Request]:
    """upstream buildImpersonationRequests, in its order: user, groups, extras, uid."""
    requests: list[Request] = []
    user = headers.get(USER_HEADER, "")
    if user:
        account = _split_service_account(user)
        requests.append(Request("serviceaccounts", account[1], namespace=account[0]) if account
                        else Request("users", user))
    groups = headers.getall(GROUP_HEADER, []) if hasattr(headers, "getall") else []
    requests += [Request("groups", group) for group in groups]
    extras = [(name, value) for name, value in headers.items() if name.lower().startswith(EXTRA_PREFIX.lower())]
    for name, value in extras:
        key = unquote(name[len(EXTRA_PREFIX):].lower())
        requests.append(Request("userextras", value, "authentication.k8s.io", subresource=key, extra_key=key))
    uid = headers.get(UID_HEADER, "")
    if uid:
        requests.append(Request("uids", uid, "authentication.k8s.io"))
    if (groups or extras or uid) and not user:
        raise errors.bad_request(f"requested {_go_references(requests)} without impersonating a user")
    return requests


def _go_references(requests: list[Request]) -> str:
    """upstream prints its []v1.ObjectReference with %v: {Kind Namespace Name UID APIVersion
    ResourceVersion FieldPath} each."""
    kinds = {"serviceaccounts": "ServiceAccount", "users": "User", "groups": "Group", "userextras": "UserExtra",
             "uids": "UID"}
    parts = []
    for r in requests:
        api_version = "authentication.k8s.io/v1" if r.api_group else ""
        fields = (kinds[r.resource], r.namespace, r.name, "", api_version, "", r.extra_key)
        parts.append("{" + " ".join(fields) + "}")
    return "[" + " ".join(parts) + "]"


def impersonated_user(requests: list[Request], groups_given: bool) -> UserInfo:
    name, uid = "", ""
    groups: list[str] = []
    extra: dict[str, tuple[str, ...]] = {}
    for r in requests:
        if r.resource == "serviceaccounts":
            name = f"{SERVICE_ACCOUNT_PREFIX}{r.namespace}:{r.name}"
            if not groups_given:
                groups = ["system:serviceaccounts", f"system:serviceaccounts:{r.namespace}"]
        elif r.resource == "users":
            name = r.name
        elif r.resource == "groups":
            groups.append(r.name)
        elif r.resource == "userextras":
            extra[r.extra_key] = (*extra.get(r.extra_key, ()), r.name)
        elif r.resource == "uids":
            uid = r.name
    if name != ANONYMOUS:
        if ALL_AUTHENTICATED not in groups and ALL_UNAUTHENTICATED not in groups:
            groups.append(ALL_AUTHENTICATED)
    elif ALL_UNAUTHENTICATED not in groups:
        groups.append(ALL_UNAUTHENTICATED)
    return UserInfo(name, uid, tuple(groups), extra)


def with_impersonation(authorize: ImpersonationAuthorizer | None) -> Filter:
    async def impersonate(request: web.Request, handler: Handler) -> web.StreamResponse:
        requests = build_requests(request.headers)
        if not requests:
            return await handler(request)
        requestor: UserInfo = request[USER_KEY]
        for r in requests:
            if authorize is not None:
                allowed, reason = await authorize(requestor, r)
                if not allowed:
                    raise forbidden(r.attributes(requestor), reason)
        user = impersonated_user(requests, bool(request.headers.getall(GROUP_HEADER, [])))
        log.debug("%s is impersonating %s", requestor.name, user.name)
        request[USER_KEY] = user
        return await handler(request)

    return impersonate
