"""DefaultIngressClass (upstream plugin/pkg/admission/network/defaultingressclass).

A new Ingress that names no class, neither in `spec.ingressClassName` nor in the legacy
`kubernetes.io/ingress.class` annotation, gets the class marked with
`ingressclass.kubernetes.io/is-default-class: "true"`. When several claim to be the default
(a cluster being migrated from one controller to another), the newest one wins, and of
those created in the same second the one with the lowest name, so the choice is stable.
Only creation is defaulted: an update never gains a class it did not ask for.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from kapiserver.apimachinery import timefmt
from kapiserver.apimachinery.types import Object

from ..interfaces import Attributes, Operation

PLUGIN_NAME = "DefaultIngressClass"
ANNOTATION_IS_DEFAULT_INGRESS_CLASS = "ingressclass.kubernetes.io/is-default-class"
ANNOTATION_INGRESS_CLASS = "kubernetes.io/ingress.class"

# Lists every IngressClass (upstream reads its informer's lister).
IngressClassLister = Callable[[], Awaitable[list[Object]]]


def _created_at(obj: Object) -> float:
    """Seconds since the epoch (a missing or unreadable timestamp is Go's zero time, oldest)."""
    value = (obj.get("metadata") or {}).get("creationTimestamp")
    if not value:
        return float("-inf")
    try:
        return timefmt.parse_time(str(value)).timestamp()
    except ValueError:
        return float("-inf")


def default_ingress_class(classes: list[Object]) -> Object | None:
    """The default class: newest first, then the lowest name; None when none is marked."""
    marked = [c for c in classes
              if ((c.get("metadata") or {}).get("annotations") or {}).get(ANNOTATION_IS_DEFAULT_INGRESS_CLASS) == "true"]
    if not marked:
        return None
    return min(marked, key=lambda c: (-_created_at(c), str((c.get("metadata") or {}).get("name") or "")))


class DefaultIngressClass:
    def __init__(self, list_classes: IngressClassLister):
        self._list = list_classes

    def handles(self, operation: Operation) -> bool:
        return operation == Operation.CREATE

    async def admit(self, attrs: Attributes) -> None:
        if (attrs.resource.group, attrs.resource.resource) != ("networking.k8s.io", "ingresses") or attrs.subresource:
            return
        ingress = attrs.obj
        if not isinstance(ingress, dict):
            return
        spec = ingress.get("spec")
        if isinstance(spec, dict) and spec.get("ingressClassName") is not None:
            return
        if ANNOTATION_INGRESS_CLASS in ((ingress.get("metadata") or {}).get("annotations") or {}):
            return
        chosen = default_ingress_class(await self._list())
        if chosen is None:
            return
        if not isinstance(spec, dict):
            spec = ingress["spec"] = {}
        spec["ingressClassName"] = (chosen.get("metadata") or {}).get("name")
