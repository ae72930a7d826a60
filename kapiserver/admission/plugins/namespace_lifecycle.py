"""NamespaceLifecycle (upstream plugin/pkg/admission/namespace/lifecycle).

Refuses to create objects in namespaces that do not exist or are being terminated, and
protects the namespaces the system needs (default, kube-system, kube-public) from deletion.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from kapiserver.apimachinery import errors
from kapiserver.apimachinery.schema import GroupResource
from kapiserver.apimachinery.types import Object

from ..interfaces import Attributes, Operation

PLUGIN_NAME = "NamespaceLifecycle"
IMMORTAL_NAMESPACES = frozenset({"default", "kube-system", "kube-public"})
_NAMESPACES = GroupResource("", "namespaces")
# Creating these must not reveal whether a namespace exists.
_ACCESS_REVIEWS = frozenset({("authorization.k8s.io", "localsubjectaccessreviews")})

# Looks a namespace up by name; None when it does not exist.
NamespaceGetter = Callable[[str], Awaitable[Object | None]]


class NamespaceLifecycle:
    """A mutating-phase plugin, as upstream: it runs before anything validates the object."""

    def __init__(self, get_namespace: NamespaceGetter, immortal: frozenset[str] = IMMORTAL_NAMESPACES):
        self._get_namespace = get_namespace
        self._immortal = immortal

    def handles(self, operation: Operation) -> bool:
        return operation in (Operation.CREATE, Operation.UPDATE, Operation.DELETE)

    async def admit(self, attrs: Attributes) -> None:
        is_namespace = attrs.kind.group == "" and attrs.kind.kind == "Namespace"
        if attrs.operation == Operation.DELETE and is_namespace and attrs.name in self._immortal:
            gr = GroupResource(attrs.resource.group, attrs.resource.resource)
            raise errors.forbidden(gr, attrs.name, "this namespace may not be deleted")
        if is_namespace or not attrs.namespace or attrs.operation == Operation.DELETE:
            return
        if (attrs.resource.group, attrs.resource.resource) in _ACCESS_REVIEWS:
            return
        namespace = await self._get_namespace(attrs.namespace)
        if namespace is None:
            raise errors.not_found(_NAMESPACES, attrs.namespace)
        if attrs.operation != Operation.CREATE or namespace.get("status", {}).get("phase") != "Terminating":
            return
        name = attrs.name or (attrs.obj or {}).get("metadata", {}).get("name", "")
        err = errors.forbidden(GroupResource(attrs.resource.group, attrs.resource.resource), name,
                               f"unable to create new content in namespace {attrs.namespace} because it is being "
                               "terminated")
        err.status.setdefault("details", {}).setdefault("causes", []).append({
            "reason": "NamespaceTerminating", "message": f"namespace {attrs.namespace} is being terminated",
            "field": "metadata.namespace"})
        raise err
