"""The 403 of a refused request (upstream responsewriters.ForbiddenStatusError), shared by the
authorization and impersonation filters."""

from __future__ import annotations

from kapiserver.apimachinery import errors
from kapiserver.apimachinery.schema import GroupResource
from kapiserver.registry.authorization.decision import Attributes


def _q(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def forbidden_message(attrs: Attributes) -> str:
    """upstream forbiddenMessage."""
    user = _q(attrs.user.name)
    if not attrs.resource_request:
        return f"User {user} cannot {attrs.verb} path {_q(attrs.path)}"
    resource = f"{attrs.resource}/{attrs.subresource}" if attrs.subresource else attrs.resource
    head = f"User {user} cannot {attrs.verb} resource {_q(resource)} in API group {_q(attrs.api_group)}"
    if attrs.namespace:
        return f"{head} in the namespace {_q(attrs.namespace)}"
    return f"{head} at the cluster scope"


def forbidden(attrs: Attributes, reason: str) -> errors.StatusError:
    """responsewriters.Forbidden: NewForbidden(group/resource, name, message[: reason])."""
    message = forbidden_message(attrs)
    if reason:
        message = f"{message}: {reason}"
    return errors.forbidden(GroupResource(attrs.api_group, attrs.resource), attrs.name, message)
