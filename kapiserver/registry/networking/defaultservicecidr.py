"""The `kubernetes` ServiceCIDR (upstream pkg/controlplane/controller/defaultservicecidr).

With MultiCIDRServiceAllocator GA, kube-apiserver keeps a ServiceCIDR named `kubernetes`
holding its --service-cluster-ip-range (one range, or one per family) and marks it Ready,
so `kubectl get servicecidrs` shows the ranges ClusterIPs come from. The object is created
when missing and never rewritten: a range that differs from the flags is left for the
operator to reconcile, as upstream's controller only reports it.

`ensure_default_service_cidr` is what the control plane's post-start hook calls with the
configured ranges.
"""

from __future__ import annotations

import logging
from typing import Any

from kapiserver.apimachinery import errors, timefmt
from kapiserver.apimachinery.types import Object
from kapiserver.apimachinery.user import API_SERVER_USER, SYSTEM_PRIVILEGED_GROUP, UserInfo
from kapiserver.registry.rest import CreateOptions, GetOptions, RequestContext, UpdateOptions
from kapiserver.registry.store import Store
from kapiserver.storage.interface import Storage

from .servicecidrs import SERVICECIDRS, ServiceCIDRStatusStrategy

log = logging.getLogger(__name__)

DEFAULT_SERVICE_CIDR_NAME = "kubernetes"
READY_MESSAGE = "Kubernetes default Service CIDR is ready"
_CTX = RequestContext(user=UserInfo(API_SERVER_USER, groups=(SYSTEM_PRIVILEGED_GROUP,)))


class _Replace:
    """An UpdatedObjectInfo that writes a prepared object at the current resourceVersion."""

    def __init__(self, obj: Object):
        self.obj = obj

    def preconditions(self) -> tuple[str | None, str | None]:
        return None, None

    async def updated_object(self, ctx: RequestContext, old: Object | None) -> Object:
        return self.obj


def _ready(obj: Object) -> bool:
    conditions = (obj.get("status") or {}).get("conditions") or []
    return any(isinstance(c, dict) and c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


async def ensure_default_service_cidr(storage: Storage, cidrs: list[str]) -> Object:
    """Create the `kubernetes` ServiceCIDR if it is missing, and mark it Ready."""
    store = Store(SERVICECIDRS, storage)
    body: dict[str, Any] = {"apiVersion": SERVICECIDRS.api_version, "kind": SERVICECIDRS.kind,
                            "metadata": {"name": DEFAULT_SERVICE_CIDR_NAME}, "spec": {"cidrs": list(cidrs)}}
    try:
        current = await store.create(_CTX, body, None, CreateOptions())
    except errors.StatusError as err:
        if err.reason != "AlreadyExists":
            raise
        current = await store.get(_CTX, DEFAULT_SERVICE_CIDR_NAME, GetOptions())
        if (current.get("spec") or {}).get("cidrs") != list(cidrs):
            log.warning("the default ServiceCIDR %s has ranges %s, the flags say %s", DEFAULT_SERVICE_CIDR_NAME,
                        (current.get("spec") or {}).get("cidrs"), cidrs)
    if _ready(current):
        return current
    updated = dict(current)
    updated["status"] = {"conditions": [{"type": "Ready", "status": "True", "reason": "",
                                         "message": READY_MESSAGE, "lastTransitionTime": timefmt.now_rfc3339()}]}
    status_store = store.with_strategy(ServiceCIDRStatusStrategy())
    out, _ = await status_store.update(_CTX, DEFAULT_SERVICE_CIDR_NAME, _Replace(updated), None, None, False,
                                       UpdateOptions())
    return out
