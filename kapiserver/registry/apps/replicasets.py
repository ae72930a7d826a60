"""replicasets, apps/v1, with /status and /scale (upstream pkg/registry/apps/replicaset).

The generation moves with the spec; status belongs to replicasets/status; the selector
cannot change once created. Field selectors: only metadata.name and metadata.namespace,
as v1.35 serves them (apps/v1 registers no field label conversion, so upstream refuses
`status.replicas` although its registry lists it).
"""

from __future__ import annotations

from kapiserver.apimachinery import field, objectmeta
from kapiserver.apimachinery.types import Object
from kapiserver.registry import scale, subresources
from kapiserver.registry.core.podspec.access import as_dict
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import (
    Strategy,
    drop_status_on_create,
    immutable,
    keep_old_spec,
    keep_old_status,
    start_generation,
)
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

from . import printing, templates
from .validation_common import (
    as_int,
    bump_generation_if_changed,
    json_selector,
    nonnegative,
    not_greater,
    parse_selector,
    validate_required_selector,
)

SPEC = field.new_path("spec")
STATUS = field.new_path("status")


def default_replica_set(obj: Object) -> None:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        spec = obj["spec"] = {}
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    templates.default_template(obj, "ReplicaSet")


def validate_replica_set_spec(obj: Object, old: Object | None) -> field.ErrorList:
    """upstream ValidateReplicaSetSpec (its empty-selector message names deployments, as upstream's does)."""
    spec = as_dict(obj.get("spec"))
    errs = nonnegative(spec.get("replicas"), SPEC.child("replicas"))
    errs += nonnegative(spec.get("minReadySeconds"), SPEC.child("minReadySeconds"))
    errs += validate_required_selector(spec.get("selector"), SPEC.child("selector"), "deployment")
    selector = parse_selector(spec.get("selector"))
    if selector is None:
        errs.append(field.invalid(SPEC.child("selector"), json_selector(spec.get("selector")), "invalid label selector"))
    else:
        errs += templates.validate_for_replica_set(as_dict(spec.get("template")), selector,
                                                   as_int(spec.get("replicas")), SPEC.child("template"),
                                                   templates.options_for(obj, old))
    return errs


def validate_replica_set(obj: Object, old: Object | None = None) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(as_dict(obj.get("metadata")), True, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))
    return errs + validate_replica_set_spec(obj, old)


def validate_replica_set_update(obj: Object, old: Object) -> field.ErrorList:
    """The strategy's ValidateUpdate: the whole object again, then the update rules, then the selector."""
    errs = validate_replica_set(obj, old)
    errs += objectmeta.validate_object_meta_update(as_dict(obj.get("metadata")), as_dict(old.get("metadata")),
                                                   field.new_path("metadata"))
    errs += validate_replica_set_spec(obj, old)
    return errs + immutable(SPEC.child("selector"), json_selector(as_dict(obj.get("spec")).get("selector")),
                            json_selector(as_dict(old.get("spec")).get("selector")))


def validate_replica_set_status_update(obj: Object, old: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta_update(as_dict(obj.get("metadata")), as_dict(old.get("metadata")),
                                                  field.new_path("metadata"))
    status = as_dict(obj.get("status"))
    for name in ("replicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas", "observedGeneration"):
        errs += nonnegative(status.get(name), STATUS.child(name))
    if status.get("terminatingReplicas") is not None:
        errs += nonnegative(status["terminatingReplicas"], STATUS.child("terminatingReplicas"))
    errs += not_greater(status, ("fullyLabeledReplicas", "readyReplicas", "availableReplicas"), "replicas", STATUS)
    return errs + not_greater(status, ("availableReplicas",), "readyReplicas", STATUS,
                              "cannot be greater than readyReplicas")


class ReplicaSetStrategy(Strategy):
    def default(self, obj: Object) -> None:
        default_replica_set(obj)

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        drop_status_on_create(obj)
        start_generation(obj)
        templates.drop_disabled_template_fields(obj, None)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old_status(obj, old)
        templates.drop_disabled_template_fields(obj, old)
        bump_generation_if_changed(obj, old, "spec")

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_replica_set(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_replica_set_update(obj, old)

    def warnings_on_create(self, ctx: RequestContext, obj: Object) -> list[str]:
        return templates.name_warnings(obj) + templates.template_warnings(obj)

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        if as_dict(obj.get("metadata")).get("generation") != as_dict(old.get("metadata")).get("generation"):
            return templates.template_warnings(obj)
        return []


class ReplicaSetStatusStrategy(ReplicaSetStrategy):
    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old_spec(obj, old)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_replica_set_status_update(obj, old)

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        return []


def _row(obj: Object) -> list[object]:
    names, images = printing.layout_container_cells(obj)
    return [name_of(obj), printing.spec_int(obj, "replicas"), printing.status_int(obj, "replicas"),
            printing.status_int(obj, "readyReplicas"), age(obj), names, images,
            printing.format_label_selector(as_dict(obj.get("spec")).get("selector"))]


REPLICA_SET_PRINTER = Printer((
    NAME_COLUMN,
    Column("Desired", "integer", "", "Replicas is the number of desired pods. This is a pointer to distinguish "
                                     "between explicit zero and unspecified. Defaults to 1. More info: "
                                     "https://kubernetes.io/docs/concepts/workloads/controllers/replicaset"),
    Column("Current", "integer", "", "Replicas is the most recently observed number of non-terminating pods. More "
                                     "info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset"),
    Column("Ready", "integer", "", "The number of non-terminating pods targeted by this ReplicaSet with a Ready "
                                   "Condition."),
    AGE_COLUMN,
    printing.CONTAINERS_COLUMN,
    printing.IMAGES_COLUMN,
    Column("Selector", "string", "", "Selector is a label query over pods that should match the replica count. If "
                                     "the selector is empty, it is defaulted to the labels present on the pod "
                                     "template. Label keys and values that must match in order to be controlled by "
                                     "this replica set. More info: https://kubernetes.io/docs/concepts/overview/"
                                     "working-with-objects/labels/#label-selectors", 1),
), _row)

REPLICASETS = ResourceSpec(
    group="apps", version="v1", kind="ReplicaSet", plural="replicasets", singular="replicaset", namespaced=True,
    strategy=ReplicaSetStrategy(), short_names=("rs",), categories=("all",), printer=REPLICA_SET_PRINTER,
    subresources=(subresources.status(ReplicaSetStatusStrategy()),
                  scale.scale_subresource(scale.label_selector_mapping(("apps/v1",)))),
)
