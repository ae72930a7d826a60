"""deployments, apps/v1, with /status and /scale (upstream pkg/registry/apps/deployment,
pkg/apis/apps/v1 defaults and pkg/apis/apps/validation).

The generation moves with the spec and with the annotations (they are copied onto the
replicasets); status belongs to deployments/status, which keeps spec and labels. The
selector cannot change once created.
"""

from __future__ import annotations

from kapiserver.apimachinery import field, objectmeta
from kapiserver.apimachinery.types import Object
from kapiserver.registry import scale, subresources
from kapiserver.registry.core.podspec.access import as_dict, semantic_equal
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import (
    Strategy,
    drop_status_on_create,
    immutable,
    keep_old_status,
    start_generation,
)
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

from . import printing, templates
from .validation_common import (
    as_int,
    collision_count_decremented,
    go_struct,
    int_or_percent_value,
    json_selector,
    nonnegative,
    not_greater,
    not_more_than_100_percent,
    parse_selector,
    validate_positive_int_or_percent,
    validate_required_selector,
)

SPEC = field.new_path("spec")
STATUS = field.new_path("status")


def default_deployment(obj: Object) -> None:
    """SetObjectDefaults_Deployment: replicas 1, RollingUpdate 25%/25%, history 10, deadline 600s."""
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        spec = obj["spec"] = {}
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    strategy = spec.get("strategy")
    if not isinstance(strategy, dict):
        strategy = spec["strategy"] = {}
    if not strategy.get("type"):
        strategy["type"] = "RollingUpdate"
    if strategy["type"] == "RollingUpdate":
        rolling = strategy.get("rollingUpdate")
        if not isinstance(rolling, dict):
            rolling = strategy["rollingUpdate"] = {}
        if rolling.get("maxUnavailable") is None:
            rolling["maxUnavailable"] = "25%"
        if rolling.get("maxSurge") is None:
            rolling["maxSurge"] = "25%"
    if spec.get("revisionHistoryLimit") is None:
        spec["revisionHistoryLimit"] = 10
    if spec.get("progressDeadlineSeconds") is None:
        spec["progressDeadlineSeconds"] = 600
    templates.default_template(obj, "Deployment")


# -- validation ----------------------------------------------------------------------------


def _rolling_update_struct(rolling: object) -> object:
    if not isinstance(rolling, dict):
        return None
    return go_struct(MaxUnavailable=rolling.get("maxUnavailable", 0), MaxSurge=rolling.get("maxSurge", 0))


def validate_rolling_update(rolling: Object, path: field.Path) -> field.ErrorList:
    unavailable, surge = rolling.get("maxUnavailable", 0), rolling.get("maxSurge", 0)
    errs = validate_positive_int_or_percent(unavailable, path.child("maxUnavailable"))
    errs += validate_positive_int_or_percent(surge, path.child("maxSurge"))
    if int_or_percent_value(unavailable) == 0 and int_or_percent_value(surge) == 0:
        errs.append(field.invalid(path.child("maxUnavailable"), unavailable, "may not be 0 when `maxSurge` is 0"))
    return errs + not_more_than_100_percent(unavailable, path.child("maxUnavailable"))


def validate_strategy(strategy: Object, path: field.Path) -> field.ErrorList:
    """upstream ValidateDeploymentStrategy."""
    kind = strategy.get("type") or ""
    rolling = strategy.get("rollingUpdate")
    if kind == "Recreate":
        if rolling is not None:
            return [field.forbidden(path.child("rollingUpdate"), "may not be specified when strategy `type` is "
                                                                 "'Recreate'")]
        return []
    if kind == "RollingUpdate":
        if not isinstance(rolling, dict):
            return [field.required(path.child("rollingUpdate"), "this should be defaulted and never be nil")]
        return validate_rolling_update(rolling, path.child("rollingUpdate"))
    value = go_struct(Type=kind, RollingUpdate=_rolling_update_struct(rolling))
    return [field.not_supported(path, value, ["Recreate", "RollingUpdate"])]


def validate_deployment_spec(obj: Object, old: Object | None = None) -> field.ErrorList:
    """upstream ValidateDeploymentSpec."""
    spec = as_dict(obj.get("spec"))
    replicas = as_int(spec.get("replicas"))
    errs = nonnegative(spec.get("replicas"), SPEC.child("replicas"))
    errs += validate_required_selector(spec.get("selector"), SPEC.child("selector"), "deployment")
    selector = parse_selector(spec.get("selector"))
    if selector is None:
        errs.append(field.invalid(SPEC.child("selector"), json_selector(spec.get("selector")), "invalid label selector"))
    else:
        errs += templates.validate_for_replica_set(as_dict(spec.get("template")), selector, replicas,
                                                   SPEC.child("template"), templates.options_for(obj, old))
    errs += validate_strategy(as_dict(spec.get("strategy")), SPEC.child("strategy"))
    errs += nonnegative(spec.get("minReadySeconds"), SPEC.child("minReadySeconds"))
    if spec.get("revisionHistoryLimit") is not None:
        errs += nonnegative(spec["revisionHistoryLimit"], SPEC.child("revisionHistoryLimit"))
    deadline = spec.get("progressDeadlineSeconds")
    if deadline is not None:
        errs += nonnegative(deadline, SPEC.child("progressDeadlineSeconds"))
        if as_int(deadline) <= as_int(spec.get("minReadySeconds")):
            errs.append(field.invalid(SPEC.child("progressDeadlineSeconds"), deadline,
                                      "must be greater than minReadySeconds"))
    return errs


def validate_deployment(obj: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(as_dict(obj.get("metadata")), True, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))
    return errs + validate_deployment_spec(obj)


def validate_deployment_update(obj: Object, old: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta_update(as_dict(obj.get("metadata")), as_dict(old.get("metadata")),
                                                  field.new_path("metadata"))
    errs += validate_deployment_spec(obj, old)
    return errs + immutable(SPEC.child("selector"), json_selector(as_dict(obj.get("spec")).get("selector")),
                            json_selector(as_dict(old.get("spec")).get("selector")))


def validate_deployment_status(status: Object) -> field.ErrorList:
    errs: field.ErrorList = []
    for name in ("observedGeneration", "replicas", "updatedReplicas", "readyReplicas", "availableReplicas",
                 "unavailableReplicas"):
        errs += nonnegative(status.get(name), STATUS.child(name))
    for name in ("terminatingReplicas", "collisionCount"):
        if status.get(name) is not None:
            errs += nonnegative(status[name], STATUS.child(name))
    errs += not_greater(status, ("updatedReplicas", "readyReplicas", "availableReplicas"), "replicas", STATUS)
    return errs + not_greater(status, ("availableReplicas",), "readyReplicas", STATUS,
                              "cannot be greater than readyReplicas")


def validate_deployment_status_update(obj: Object, old: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta_update(as_dict(obj.get("metadata")), as_dict(old.get("metadata")),
                                                  field.new_path("metadata"))
    status = as_dict(obj.get("status"))
    errs += validate_deployment_status(status)
    return errs + collision_count_decremented(status, as_dict(old.get("status")), STATUS)


# -- strategies ----------------------------------------------------------------------------


class DeploymentStrategy(Strategy):
    def default(self, obj: Object) -> None:
        default_deployment(obj)

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        drop_status_on_create(obj)
        start_generation(obj)
        templates.drop_disabled_template_fields(obj, None)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old_status(obj, old)
        templates.drop_disabled_template_fields(obj, old)
        metadata, old_meta = as_dict(obj.get("metadata")), as_dict(old.get("metadata"))
        if not semantic_equal(obj.get("spec"), old.get("spec")) or \
                not semantic_equal(metadata.get("annotations"), old_meta.get("annotations")):
            obj.setdefault("metadata", {})["generation"] = as_int(old_meta.get("generation")) + 1

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_deployment(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_deployment_update(obj, old)

    def warnings_on_create(self, ctx: RequestContext, obj: Object) -> list[str]:
        return templates.name_warnings(obj) + templates.template_warnings(obj)

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        if as_dict(obj.get("metadata")).get("generation") != as_dict(old.get("metadata")).get("generation"):
            return templates.template_warnings(obj)
        return []


class DeploymentStatusStrategy(DeploymentStrategy):
    def reset_fields(self) -> list[tuple[str, ...]]:
        return [("spec",), ("metadata", "labels")]

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        for key in ("spec",):
            if key in old:
                obj[key] = old[key]
            else:
                obj.pop(key, None)
        metadata, old_meta = obj.setdefault("metadata", {}), as_dict(old.get("metadata"))
        if "labels" in old_meta:
            metadata["labels"] = old_meta["labels"]
        else:
            metadata.pop("labels", None)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_deployment_status_update(obj, old)

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        return []


# -- printing ------------------------------------------------------------------------------


def _row(obj: Object) -> list[object]:
    selector = parse_selector(as_dict(obj.get("spec")).get("selector"))
    names, images = printing.layout_container_cells(obj)
    ready = f"{printing.status_int(obj, 'readyReplicas')}/{printing.spec_int(obj, 'replicas')}"
    return [name_of(obj), ready, printing.status_int(obj, "updatedReplicas"),
            printing.status_int(obj, "availableReplicas"), age(obj), names, images,
            "<invalid>" if selector is None else str(selector)]


DEPLOYMENT_PRINTER = Printer((
    NAME_COLUMN,
    Column("Ready", "string", "", printing.READY_DESCRIPTION),
    Column("Up-to-date", "string", "", "Total number of non-terminating pods targeted by this deployment that have "
                                       "the desired template spec."),
    Column("Available", "string", "", "Total number of available non-terminating pods (ready for at least "
                                      "minReadySeconds) targeted by this deployment."),
    AGE_COLUMN,
    printing.CONTAINERS_COLUMN,
    printing.IMAGES_COLUMN,
    Column("Selector", "string", "", "Label selector for pods. Existing ReplicaSets whose pods are selected by this "
                                     "will be the ones affected by this deployment.", 1),
), _row)

DEPLOYMENTS = ResourceSpec(
    group="apps", version="v1", kind="Deployment", plural="deployments", singular="deployment", namespaced=True,
    strategy=DeploymentStrategy(), short_names=("deploy",), categories=("all",), printer=DEPLOYMENT_PRINTER,
    subresources=(subresources.status(DeploymentStatusStrategy()),
                  scale.scale_subresource(scale.label_selector_mapping(("apps/v1",)))),
)
