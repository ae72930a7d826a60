"""The ResourceQuota admission plugin's reads and writes of quotas (upstream quotaAccessor: a shared
informer's lister and the loopback client's UpdateStatus).

Reads come from the watch cache, as upstream's come from its informer, or straight from
storage when the plugin retries after a conflict. Writes go through resourcequotas/status as
the loopback client's PUT does: the status strategy, a resourceVersion precondition (a stale
quota answers 409 Conflict), and managedFields recording the `kube-apiserver` manager, as the
loopback client's user agent names it.
"""

from __future__ import annotations

from kapiserver.admission.plugins.resourcequota.admission import QuotaLister, QuotaStatusWriter
from kapiserver.apimachinery import managedfields, meta
from kapiserver.apimachinery.types import Object
from kapiserver.registry.core.resourcequotas import RESOURCEQUOTAS, ResourceQuotaStatusStrategy
from kapiserver.registry.loopback import SYSTEM_USER
from kapiserver.registry.rest import RequestContext, UpdateOptions
from kapiserver.registry.store import Store
from kapiserver.storage.factory import StorageFactory
from kapiserver.storage.interface import ListOptions

LOOPBACK_MANAGER = "kube-apiserver"


class _StatusUpdate:
    """UpdatedObjectInfo of a PUT to resourcequotas/status carrying the quota's resourceVersion."""

    def __init__(self, quota: Object, field_manager: managedfields.FieldManager):
        self._quota = quota
        self._field_manager = field_manager

    def preconditions(self) -> tuple[str | None, str | None]:
        return None, None

    async def updated_object(self, ctx: RequestContext, old: Object | None) -> Object:
        obj = meta.deep_copy(self._quota)
        obj.setdefault("apiVersion", RESOURCEQUOTAS.api_version)
        obj.setdefault("kind", RESOURCEQUOTAS.kind)
        RESOURCEQUOTAS.strategy.default(obj)
        obj = self._field_manager.update_no_errors(old, obj, LOOPBACK_MANAGER)
        managedfields.ignore_managed_fields_timestamps(obj, old)
        return obj


def quota_lister(storage: StorageFactory) -> QuotaLister:
    quotas = storage.storage_for(RESOURCEQUOTAS.key_root)

    async def list_quotas(namespace: str, consistent: bool) -> list[Object]:
        options = ListOptions("" if consistent else "0")
        return (await quotas.get_list(f"{RESOURCEQUOTAS.key_root}/{namespace}", options)).items

    return list_quotas


def quota_status_writer(storage: StorageFactory) -> QuotaStatusWriter:
    store = Store(RESOURCEQUOTAS, storage.storage_for(RESOURCEQUOTAS.key_root), ResourceQuotaStatusStrategy())
    field_manager = managedfields.new_default_field_manager(
        managedfields.builtin(), RESOURCEQUOTAS.api_version, RESOURCEQUOTAS.kind, "status",
        RESOURCEQUOTAS.strategy.default, managedfields.reset_field_sets({RESOURCEQUOTAS.api_version: [("spec",)]}))

    async def update_status(quota: Object) -> Object:
        ctx = RequestContext(namespace=meta.namespace(quota), user=SYSTEM_USER, verb="update",
                             resource="resourcequotas", subresource="status", api_version="v1",
                             name=meta.name(quota))
        out, _ = await store.update(ctx, meta.name(quota), _StatusUpdate(quota, field_manager), None, None, False,
                                    UpdateOptions())
        return out

    return update_status
