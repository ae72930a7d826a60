"""statefulsets, apps/v1, with /status and /scale (upstream pkg/registry/apps/statefulset).

Defaults as v1.35 sets them with its default feature gates (MaxUnavailableStatefulSet is
beta and on: a rolling update gets maxUnavailable 1). The claim templates are defaulted as
PersistentVolumeClaims and, as upstream's conversion writes them, always carry
`apiVersion: v1` and `kind: PersistentVolumeClaim`: the store puts those back after its
Go-struct shaping, which has no room for them.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import errors, field, quantity
from kapiserver.apimachinery.types import Object
from kapiserver.registry import scale, subresources
from kapiserver.registry.core.podspec import helpers
from kapiserver.registry.core.podspec.access import as_dict
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.store import Store
from kapiserver.registry.strategy import (
    Strategy,
    drop_status_on_create,
    keep_old_spec,
    keep_old_status,
    start_generation,
)
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

from . import printing, templates
from .statefulsets_validation import (
    validate_stateful_set,
    validate_stateful_set_status_update,
    validate_stateful_set_update,
)
from .validation_common import bump_generation_if_changed

CLAIM_TYPE_META = {"apiVersion": "v1", "kind": "PersistentVolumeClaim"}


def _dict(parent: Object, key: str) -> Object:
    value = parent.get(key)
    if not isinstance(value, dict):
        value = parent[key] = {}
    return value


def _default_claim(claim: Object) -> None:
    """SetDefaults_PersistentVolumeClaim(+Spec) and the resource lists of a claim template."""
    spec = _dict(claim, "spec")
    if spec.get("volumeMode") is None:
        spec["volumeMode"] = "Filesystem"
    resources = spec.get("resources")
    if isinstance(resources, dict):
        for key in ("limits", "requests"):
            if key in resources:
                resources[key] = helpers.normalize_resource_list(resources[key])
    status = _dict(claim, "status")
    if not status.get("phase"):
        status["phase"] = "Pending"
    if "capacity" in status:
        status["capacity"] = helpers.normalize_resource_list(status["capacity"])


def default_stateful_set(obj: Object) -> None:
    """SetObjectDefaults_StatefulSet."""
    spec = _dict(obj, "spec")
    if not spec.get("podManagementPolicy"):
        spec["podManagementPolicy"] = "OrderedReady"
    strategy = _dict(spec, "updateStrategy")
    if not strategy.get("type"):
        strategy["type"] = "RollingUpdate"
        if not isinstance(strategy.get("rollingUpdate"), dict):
            strategy["rollingUpdate"] = {}
    rolling = strategy.get("rollingUpdate")
    if strategy["type"] == "RollingUpdate" and isinstance(rolling, dict):
        if rolling.get("partition") is None:
            rolling["partition"] = 0
        if rolling.get("maxUnavailable") is None:
            rolling["maxUnavailable"] = 1
    retention = _dict(spec, "persistentVolumeClaimRetentionPolicy")
    for key in ("whenDeleted", "whenScaled"):
        if not retention.get(key):
            retention[key] = "Retain"
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    if spec.get("revisionHistoryLimit") is None:
        spec["revisionHistoryLimit"] = 10
    templates.default_template(obj, "StatefulSet")
    try:
        for claim in spec.get("volumeClaimTemplates") or []:
            if isinstance(claim, dict):
                _default_claim(claim)
    except quantity.QuantityError as exc:
        raise errors.bad_request(f'StatefulSet in version "v1" cannot be handled as a StatefulSet: {exc}') from None


def with_claim_type_meta(obj: Object) -> Object:
    """Each claim template led by apiVersion v1 / kind PersistentVolumeClaim (upstream's
    Convert_apps_StatefulSetSpec_To_v1_StatefulSetSpec)."""
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return obj
    claims = spec.get("volumeClaimTemplates")
    if isinstance(claims, list):
        spec["volumeClaimTemplates"] = [
            {**CLAIM_TYPE_META, **{k: v for k, v in claim.items() if k not in CLAIM_TYPE_META}}
            if isinstance(claim, dict) else claim for claim in claims]
    return obj


class StatefulSetStore(Store):
    """The generic store; stored statefulsets keep their claim templates' type meta."""

    def go_shape(self, obj: Object) -> Object:
        return with_claim_type_meta(super().go_shape(obj))

    def with_strategy(self, strategy: Strategy) -> Store:
        return StatefulSetStore(self.spec, self.storage, strategy)


class StatefulSetStrategy(Strategy):
    def default(self, obj: Object) -> None:
        default_stateful_set(obj)

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        drop_status_on_create(obj)
        start_generation(obj)
        templates.drop_disabled_template_fields(obj, None)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old_status(obj, old)
        templates.drop_disabled_template_fields(obj, old)
        bump_generation_if_changed(obj, old, "spec")

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_stateful_set(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_stateful_set_update(obj, old)

    def warnings_on_create(self, ctx: RequestContext, obj: Object) -> list[str]:
        return templates.template_warnings(obj)

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        if as_dict(obj.get("metadata")).get("generation") != as_dict(old.get("metadata")).get("generation"):
            return templates.template_warnings(obj)
        return []


class StatefulSetStatusStrategy(StatefulSetStrategy):
    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old_spec(obj, old)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_stateful_set_status_update(obj, old)

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        return []


def _row(obj: Object) -> list[Any]:
    names, images = printing.layout_container_cells(obj)
    ready = f"{printing.status_int(obj, 'readyReplicas')}/{printing.spec_int(obj, 'replicas')}"
    return [name_of(obj), ready, age(obj), names, images]


STATEFUL_SET_PRINTER = Printer((
    NAME_COLUMN,
    Column("Ready", "string", "", printing.READY_DESCRIPTION),
    AGE_COLUMN,
    printing.CONTAINERS_COLUMN,
    printing.IMAGES_COLUMN,
), _row)

STATEFULSETS = ResourceSpec(
    group="apps", version="v1", kind="StatefulSet", plural="statefulsets", singular="statefulset", namespaced=True,
    strategy=StatefulSetStrategy(), short_names=("sts",), categories=("all",), printer=STATEFUL_SET_PRINTER,
    subresources=(subresources.status(StatefulSetStatusStrategy()),
                  scale.scale_subresource(scale.label_selector_mapping(("apps/v1",)))),
    rest_factory=lambda spec, storage: StatefulSetStore(spec, storage),
)
