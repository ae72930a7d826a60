"""PodDisruptionBudgets as pods/eviction reads and spends them (upstream EvictionREST's
checkAndDecrement and getPodDisruptionBudgets, and pdbhelper.UpdateDisruptionAllowedCondition).

Upstream's eviction talks to the policy group through a loopback client; here `Budgets`
is that client, over the budgets' own Store and their status subresource, so a spent
disruption goes through the status strategy and its resourceVersion check exactly like a
client's UpdateStatus. The core group does not import the policy group: the control plane
hands the budgets' ResourceSpec to core's provider (see `provider()` in __init__.py).
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import errors, labels, meta, timefmt
from kapiserver.apimachinery.schema import GroupResource
from kapiserver.apimachinery.types import Object
from kapiserver.apimachinery.user import API_SERVER_USER, SYSTEM_PRIVILEGED_GROUP, UserInfo

from ..provider import APIGroupInfo, ResourceEnabled, StorageFor, StorageProvider
from ..rest import GetOptions, ListOptions, RequestContext, UpdateOptions
from ..spec import ResourceSpec
from ..store import Store
from .podspec.access import as_dict, as_int, as_str, dicts

MAX_DISRUPTED_POD_SIZE = 2000
DISRUPTION_BUDGET_CAUSE = "DisruptionBudget"
VIOLATION_MESSAGE = "Cannot evict pod as it would violate the pod's disruption budget."
MORE_THAN_ONE_MESSAGE = "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."
_PDB_RESOURCE = GroupResource("policy", "poddisruptionbudget")
_SYSTEM = UserInfo(API_SERVER_USER, groups=(SYSTEM_PRIVILEGED_GROUP,))


def too_many_requests(message: str, retry_after: int, cause: str) -> errors.StatusError:
    err = errors.too_many_requests(VIOLATION_MESSAGE, retry_after)
    details = err.status.setdefault("details", {})
    details["causes"] = [{"reason": DISRUPTION_BUDGET_CAUSE, "message": cause}]
    return err


def still_processing(name: str) -> errors.StatusError:
    """upstream createTooManyRequestsError."""
    return too_many_requests(VIOLATION_MESSAGE, 10, f"The disruption budget {name} is still being processed by the "
                                                    "server.")


def more_than_one_budget() -> errors.StatusError:
    return errors.from_status({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                               "message": MORE_THAN_ONE_MESSAGE, "code": 500})


def set_disruption_allowed_condition(status: Object, now: str) -> None:
    """pdbhelper.UpdateDisruptionAllowedCondition with meta.SetStatusCondition's rules."""
    allowed = as_int(status.get("disruptionsAllowed")) > 0
    wanted = {"type": "DisruptionAllowed", "status": "True" if allowed else "False",
              "observedGeneration": as_int(status.get("observedGeneration")),
              "reason": "SufficientPods" if allowed else "InsufficientPods"}
    conditions = status.get("conditions")
    if not isinstance(conditions, list):
        conditions = status["conditions"] = []
    for condition in dicts(conditions):
        if condition.get("type") == "DisruptionAllowed":
            if condition.get("status") != wanted["status"]:
                condition["status"] = wanted["status"]
                condition["lastTransitionTime"] = now
            condition["reason"] = wanted["reason"]
            condition["message"] = ""
            condition["observedGeneration"] = wanted["observedGeneration"]
            return
    conditions.append({**wanted, "lastTransitionTime": now, "message": ""})


def check_and_decrement(pdb: Object, pod_name: str, dry_run: bool, now: str) -> Object:
    """The budget after one disruption for `pod_name`; raises when it allows none."""
    metadata, status = meta.metadata(pdb), as_dict(pdb.get("status"))
    name = as_str(metadata.get("name"))
    if as_int(status.get("observedGeneration")) < as_int(metadata.get("generation")):
        raise still_processing(name)
    allowed = as_int(status.get("disruptionsAllowed"))
    if allowed < 0:
        raise errors.forbidden(_PDB_RESOURCE, name, "pdb disruptions allowed is negative")
    if len(as_dict(status.get("disruptedPods"))) > MAX_DISRUPTED_POD_SIZE:
        raise errors.forbidden(_PDB_RESOURCE, name, "DisruptedPods map too big - too many evictions not confirmed "
                                                    "by PDB controller")
    if allowed == 0:
        raise too_many_requests(VIOLATION_MESSAGE, 0, f"The disruption budget {name} needs "
                                                      f"{as_int(status.get('desiredHealthy'))} healthy pods and has "
                                                      f"{as_int(status.get('currentHealthy'))} currently")
    updated: Object = meta.deep_copy(pdb)
    new_status = updated.setdefault("status", {})
    new_status["disruptionsAllowed"] = allowed - 1
    if allowed - 1 == 0:
        set_disruption_allowed_condition(new_status, now)
    if not dry_run:
        disrupted = new_status.get("disruptedPods")
        if not isinstance(disrupted, dict):
            disrupted = new_status["disruptedPods"] = {}
        disrupted[pod_name] = now
    return updated


def selects(pdb: Object, pod: Object) -> bool:
    """Whether the budget's selector matches the pod's labels (a null or bad selector matches nothing)."""
    selector = as_dict(pdb.get("spec")).get("selector")
    if not isinstance(selector, dict):
        return False
    try:
        return labels.selector_from_label_selector(selector).matches(meta.labels(pod))
    except labels.SelectorError:
        return False


class _Replace:
    """UpdatedObjectInfo for an UpdateStatus of `obj`, conditional on its resourceVersion."""

    def __init__(self, obj: Object):
        self._obj = obj

    def preconditions(self) -> tuple[str | None, str | None]:
        return None, None

    async def updated_object(self, ctx: RequestContext, old: Object | None) -> Object:
        return meta.deep_copy(self._obj)


class Budgets:
    """The loopback client of PodDisruptionBudgets the eviction uses: list, get, UpdateStatus."""

    def __init__(self, store: Store, status: Any):
        self._store = store
        self._status = status

    @classmethod
    def for_spec(cls, spec: ResourceSpec, storage_for: StorageFor) -> Budgets:
        store = Store(spec, storage_for(spec))
        status_sub = next(sub for sub in spec.subresources if sub.name == "status")
        return cls(store, status_sub.make(store))

    @staticmethod
    def _ctx(namespace: str) -> RequestContext:
        return RequestContext(namespace=namespace, user=_SYSTEM, api_group="policy", api_version="v1")

    async def matching(self, pod: Object) -> list[Object]:
        listed = await self._store.list(self._ctx(meta.namespace(pod)), ListOptions())
        return [pdb for pdb in listed["items"] if meta.namespace(pdb) == meta.namespace(pod) and selects(pdb, pod)]

    async def get(self, namespace: str, name: str) -> Object:
        obj: Object = await self._store.get(self._ctx(namespace), name, GetOptions())
        return obj

    async def update_status(self, pdb: Object) -> None:
        await self._status.update(self._ctx(meta.namespace(pdb)), meta.name(pdb), _Replace(pdb), None, None, False,
                                  UpdateOptions())


class LegacyStorageProvider(StorageProvider):
    """The core provider; when given the budgets' spec, pods/eviction spends their disruptions."""

    def __init__(self, specs: Any, budgets_spec: ResourceSpec | None = None):
        super().__init__("", specs)
        self._budgets_spec = budgets_spec

    def new_rest_storage(self, storage_for: StorageFor, enabled: ResourceEnabled) -> APIGroupInfo | None:
        info = super().new_rest_storage(storage_for, enabled)
        if info is None or self._budgets_spec is None:
            return info
        budgets = Budgets.for_spec(self._budgets_spec, storage_for)
        for entries in info.versions.values():
            for entry in entries:
                if entry.path == "pods/eviction" and hasattr(entry.rest, "set_budgets"):
                    entry.rest.set_budgets(budgets)
        return info


def now() -> str:
    return timefmt.now_rfc3339()
