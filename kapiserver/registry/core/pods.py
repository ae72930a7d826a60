"""pods (upstream pkg/registry/core/pod: strategy.go and storage/storage.go).

Create resets status to {phase: Pending, qosClass} and sets generation 1; an update keeps
status and bumps the generation when the spec changes; pods/status changes status only.
Deletion is graceful: a scheduled pod that has not finished gets a grace period (the
request's, else spec.terminationGracePeriodSeconds); unscheduled and finished pods go at
once (upstream still records the deletion first, as the generic store does here).

Subresources: status, binding, eviction, ephemeralcontainers, resize, and the
kubelet-backed log, exec, attach, portforward and proxy (see pods_connect).
"""

from __future__ import annotations

from kapiserver.apimachinery import errors, field, meta, quantity, validation_ip
from kapiserver.apimachinery.schema import GroupVersionKind
from kapiserver.apimachinery.types import Object
from kapiserver.registry import subresources
from kapiserver.registry.rest import DeleteOptions, RequestContext
from kapiserver.registry.spec import ResourceSpec, Subresource
from kapiserver.registry.store import Store
from kapiserver.registry.strategy import Strategy, keep_old_status
from kapiserver.storage.interface import Storage

from . import pods_mutations, pods_resize, pods_warnings
from .pods_binding import BindingREST
from .pods_connect import connect_subresources
from .pods_eviction import EvictionREST
from .pods_printer import POD_PRINTER
from .pods_store import PodStore
from .podspec import get_pod_qos, set_defaults_pod, validate_pod_create, validation_options
from .podspec.access import as_dict, semantic_equal
from .podspec.validation_update import (
    validate_pod_ephemeral_containers_update,
    validate_pod_status_update,
    validate_pod_update,
)


def _options(obj: Object, old: Object | None):  # type: ignore[no-untyped-def]
    return validation_options(as_dict(obj.get("spec")), as_dict(old.get("spec")) if old is not None else None,
                              as_dict(obj.get("metadata")),
                              as_dict(old.get("metadata")) if old is not None else None, resource_is_pod=True)


def _bump_generation(obj: Object, old: Object) -> None:
    """upstream updatePodGeneration: any spec change is a new generation."""
    if not semantic_equal(obj.get("spec"), old.get("spec")):
        metadata = meta.ensure_metadata(obj)
        metadata["generation"] = int(metadata.get("generation") or 0) + 1


class PodStrategy(Strategy):
    supports_graceful_delete = True

    def default(self, obj: Object) -> None:
        try:
            set_defaults_pod(obj)
        except quantity.QuantityError as exc:
            raise errors.bad_request(f'Pod in version "v1" cannot be handled as a Pod: {exc}') from None

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        meta.ensure_metadata(obj)["generation"] = 1
        obj["status"] = {"phase": "Pending", "qosClass": get_pod_qos(obj)}
        pods_mutations.drop_disabled_pod_fields(obj.setdefault("spec", {}), None)
        pods_mutations.apply_scheduling_gated_condition(obj)
        pods_mutations.mutate_pod_affinity(obj)
        pods_mutations.mutate_topology_spread_constraints(obj)
        for warning in pods_mutations.apply_app_armor_version_skew(obj):
            ctx.add_warning(warning)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old_status(obj, old)
        pods_mutations.drop_disabled_pod_fields(obj.setdefault("spec", {}), as_dict(old.get("spec")))
        _bump_generation(obj, old)

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_pod_create(obj, _options(obj, None))

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_pod_update(obj, old, _options(obj, old))

    def warnings_on_create(self, ctx: RequestContext, obj: Object) -> list[str]:
        return pods_warnings.warnings_on_create(obj)

    def check_graceful_delete(self, ctx: RequestContext, obj: Object, options: DeleteOptions) -> int | None:
        spec, status = as_dict(obj.get("spec")), as_dict(obj.get("status"))
        if options.grace_period_seconds is not None:
            period = options.grace_period_seconds
        else:
            grace = spec.get("terminationGracePeriodSeconds")
            period = grace if isinstance(grace, int) and not isinstance(grace, bool) else 0
        if not spec.get("nodeName"):
            period = 0
        if status.get("phase") in ("Failed", "Succeeded"):
            period = 0
        return 1 if period < 0 else period


class PodStatusStrategy(PodStrategy):
    """upstream podStatusStrategy: status only; owner references and deletion stay as stored."""

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        obj["spec"] = old.get("spec", {})
        metadata, old_meta = meta.ensure_metadata(obj), meta.metadata(old)
        metadata.pop("deletionTimestamp", None)
        if "ownerReferences" in old_meta:
            metadata["ownerReferences"] = old_meta["ownerReferences"]
        else:
            metadata.pop("ownerReferences", None)
        status, old_status = obj.setdefault("status", {}), as_dict(old.get("status"))
        if not status.get("qosClass") and old_status.get("qosClass"):
            status["qosClass"] = old_status["qosClass"]
        _preserve_observed_generation(status, old_status)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_pod_status_update(obj, old, _options(obj, old))

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        warnings: list[str] = []
        status = as_dict(obj.get("status"))
        for key in ("podIPs", "hostIPs"):
            for i, entry in enumerate(status.get(key) or []):
                path = field.new_path("status", key).index(i).child("ip")
                warnings += validation_ip.get_warnings_for_ip(path, str(as_dict(entry).get("ip", "")))
        return warnings


def _preserve_observed_generation(status: Object, old_status: Object) -> None:
    """A status write that leaves out observedGeneration keeps the stored one."""
    if not status.get("observedGeneration") and old_status.get("observedGeneration"):
        status["observedGeneration"] = old_status["observedGeneration"]
    remembered: dict[str, list[int]] = {}
    for condition in old_status.get("conditions") or []:
        condition = as_dict(condition)
        remembered.setdefault(str(condition.get("type")), []).append(int(condition.get("observedGeneration") or 0))
    for condition in status.get("conditions") or []:
        if not isinstance(condition, dict):
            continue
        generations = remembered.get(str(condition.get("type"))) or []
        previous = generations.pop(0) if generations else 0
        if not condition.get("observedGeneration") and previous:
            condition["observedGeneration"] = previous


class PodResizeStrategy(PodStrategy):
    """upstream podResizeStrategy: only container resources and resize policies change."""

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        pods_resize.prepare_resize(ctx, obj, old)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return pods_resize.validate_pod_resize(obj, old, _options(obj, old))


class PodSubresourceREST(subresources.StatusREST):
    """pods/status, pods/resize and pods/ephemeralcontainers: get and update through their
    own strategy, printed as tables like the pod itself (upstream's ConvertToTable on each)."""

    def __init__(self, store: Store, main: Store):
        super().__init__(store)
        self._main = main

    def convert_to_table(self, ctx: RequestContext, obj: Object, include_object: str) -> Object:
        return self._main.convert_to_table(ctx, obj, include_object)


class PodEphemeralContainersStrategy(PodStrategy):
    """upstream podEphemeralContainersStrategy: only spec.ephemeralContainers may change."""

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        ephemeral = as_dict(obj.get("spec")).get("ephemeralContainers")
        obj["spec"] = meta.deep_copy(old.get("spec", {}))
        if ephemeral is not None:
            obj["spec"]["ephemeralContainers"] = ephemeral
        else:
            obj["spec"].pop("ephemeralContainers", None)
        _reset_meta_for_status(obj, old)
        if "status" in old:
            obj["status"] = old["status"]
        pods_mutations.drop_disabled_pod_fields(obj["spec"], as_dict(old.get("spec")))
        _bump_generation(obj, old)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_pod_ephemeral_containers_update(obj, old, _options(obj, old))


def _reset_meta_for_status(obj: Object, old: Object) -> None:
    """metav1.ResetObjectMetaForStatus: a subresource write keeps the stored metadata fields."""
    metadata, old_meta = meta.ensure_metadata(obj), meta.metadata(old)
    for key in ("deletionTimestamp", "generation", "selfLink", "labels", "annotations", "finalizers",
                "ownerReferences"):
        if key in old_meta:
            metadata[key] = old_meta[key]
        else:
            metadata.pop(key, None)


def selectable_fields(pod: Object) -> dict[str, str]:
    """upstream ToSelectableFields, plus the names its field-label conversion accepts:
    "spec.host" (old clients' spelling of spec.nodeName) and "status.podIPs" (accepted,
    never set, so it matches like an empty field)."""
    spec, status = as_dict(pod.get("spec")), as_dict(pod.get("status"))
    pod_ips = status.get("podIPs") or []
    first_ip = as_dict(pod_ips[0]).get("ip", "") if pod_ips else ""
    node_name = str(spec.get("nodeName") or "")
    return {
        "spec.nodeName": node_name,
        "spec.restartPolicy": str(spec.get("restartPolicy") or ""),
        "spec.schedulerName": str(spec.get("schedulerName") or ""),
        "spec.serviceAccountName": str(spec.get("serviceAccountName") or ""),
        "spec.hostNetwork": "true" if spec.get("hostNetwork") is True else "false",
        "status.phase": str(status.get("phase") or ""),
        "status.podIP": str(first_ip or ""),
        "status.podIPs": "",
        "status.nominatedNodeName": str(status.get("nominatedNodeName") or ""),
        "spec.host": node_name,
    }


def _pod_store(spec: ResourceSpec, storage: Storage) -> PodStore:
    return PodStore(spec, storage)


_V1 = ("", "v1")

PODS = ResourceSpec(
    group="", version="v1", kind="Pod", plural="pods", singular="pod", namespaced=True,
    strategy=PodStrategy(), short_names=("po",), categories=("all",), printer=POD_PRINTER,
    fields=selectable_fields, return_deleted_object=True, rest_factory=_pod_store,
    subresources=(
        Subresource("attach", lambda store: connect_subresources(store)["attach"],
                    GroupVersionKind(*_V1, "PodAttachOptions")),
        Subresource("binding", lambda store: BindingREST(store), GroupVersionKind(*_V1, "Binding")),
        Subresource("ephemeralcontainers", lambda store: PodSubresourceREST(
            store.with_strategy(PodEphemeralContainersStrategy()), store)),
        Subresource("eviction", lambda store: EvictionREST(store, store.with_strategy(PodStatusStrategy())),
                    GroupVersionKind("policy", "v1", "Eviction"), accepts=("policy/v1beta1",)),
        Subresource("exec", lambda store: connect_subresources(store)["exec"],
                    GroupVersionKind(*_V1, "PodExecOptions")),
        Subresource("log", lambda store: connect_subresources(store)["log"]),
        Subresource("portforward", lambda store: connect_subresources(store)["portforward"],
                    GroupVersionKind(*_V1, "PodPortForwardOptions")),
        Subresource("proxy", lambda store: connect_subresources(store)["proxy"],
                    GroupVersionKind(*_V1, "PodProxyOptions")),
        Subresource("resize", lambda store: PodSubresourceREST(store.with_strategy(PodResizeStrategy()), store)),
        Subresource("status", lambda store: PodSubresourceREST(store.with_strategy(PodStatusStrategy()), store)),
    ),
)
