"""daemonsets, apps/v1, with /status (upstream pkg/registry/apps/daemonset).

Upstream's internal DaemonSetSpec has a templateGeneration that apps/v1 carries as the
annotation `deprecated.daemonset.template.generation`: the server owns it. A create keeps
a value of at least 1 (else 1); an update keeps the stored value and adds one when the
template changes; a status update keeps it. Every answer carries it, as upstream's
conversion always writes it.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import field, labels, metav1_validation, objectmeta
from kapiserver.apimachinery.types import Object
from kapiserver.registry import subresources
from kapiserver.registry.core.podspec.access import as_dict, semantic_equal
from kapiserver.registry.core.podspec.validation import validate_pod_template_spec
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
    collision_count_decremented,
    go_struct,
    int_or_percent_value,
    json_selector,
    nonnegative,
    not_more_than_100_percent,
    parse_selector,
    validate_positive_int_or_percent,
)

TEMPLATE_GENERATION = "deprecated.daemonset.template.generation"
SPEC = field.new_path("spec")
STATUS = field.new_path("status")


def default_daemon_set(obj: Object) -> None:
    """SetObjectDefaults_DaemonSet: RollingUpdate maxUnavailable 1 / maxSurge 0, history 10."""
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        spec = obj["spec"] = {}
    strategy = spec.get("updateStrategy")
    if not isinstance(strategy, dict):
        strategy = spec["updateStrategy"] = {}
    if not strategy.get("type"):
        strategy["type"] = "RollingUpdate"
    if strategy["type"] == "RollingUpdate":
        rolling = strategy.get("rollingUpdate")
        if not isinstance(rolling, dict):
            rolling = strategy["rollingUpdate"] = {}
        if rolling.get("maxUnavailable") is None:
            rolling["maxUnavailable"] = 1
        if rolling.get("maxSurge") is None:
            rolling["maxSurge"] = 0
    if spec.get("revisionHistoryLimit") is None:
        spec["revisionHistoryLimit"] = 10
    templates.default_template(obj, "DaemonSet")


# -- the template generation ---------------------------------------------------------------


def template_generation(obj: Object) -> int:
    value = as_dict(as_dict(obj.get("metadata")).get("annotations")).get(TEMPLATE_GENERATION)
    try:
        return int(str(value), 10)
    except ValueError:
        return 0


def set_template_generation(obj: Object, generation: int) -> None:
    metadata = obj.setdefault("metadata", {})
    annotations = metadata.get("annotations")
    if not isinstance(annotations, dict):
        annotations = metadata["annotations"] = {}
    annotations[TEMPLATE_GENERATION] = str(generation)


# -- validation ----------------------------------------------------------------------------


def _rolling_struct(rolling: Any) -> Any:
    if not isinstance(rolling, dict):
        return None
    return go_struct(MaxUnavailable=rolling.get("maxUnavailable", 0), MaxSurge=rolling.get("maxSurge", 0))


def validate_update_strategy(strategy: Object, path: field.Path) -> field.ErrorList:
    """upstream ValidateDaemonSetUpdateStrategy and ValidateRollingUpdateDaemonSet."""
    kind = strategy.get("type") or ""
    rolling = strategy.get("rollingUpdate")
    if kind == "OnDelete":
        return []
    if kind != "RollingUpdate":
        value = go_struct(Type=kind, RollingUpdate=_rolling_struct(rolling))
        return [field.not_supported(path, value, ["RollingUpdate", "OnDelete"])]
    if not isinstance(rolling, dict):
        return [field.required(path.child("rollingUpdate"), "")]
    path = path.child("rollingUpdate")
    unavailable, surge = rolling.get("maxUnavailable", 0), rolling.get("maxSurge", 0)
    errs = validate_positive_int_or_percent(unavailable, path.child("maxUnavailable"))
    errs += validate_positive_int_or_percent(surge, path.child("maxSurge"))
    errs += not_more_than_100_percent(unavailable, path.child("maxUnavailable"))
    errs += not_more_than_100_percent(surge, path.child("maxSurge"))
    has_unavailable, has_surge = int_or_percent_value(unavailable) != 0, int_or_percent_value(surge) != 0
    if has_unavailable and has_surge:
        errs.append(field.invalid(path.child("maxSurge"), surge, "may not be set when maxUnavailable is non-zero"))
    elif not has_unavailable and not has_surge:
        errs.append(field.required(path.child("maxUnavailable"), "cannot be 0 when maxSurge is 0"))
    return errs


def validate_daemon_set_spec(obj: Object, old: Object | None) -> field.ErrorList:
    """upstream ValidateDaemonSetSpec."""
    spec = as_dict(obj.get("spec"))
    opts = templates.options_for(obj, old)
    selector_value = spec.get("selector")
    selector_opts = metav1_validation.LabelSelectorValidationOptions(
        allow_invalid_label_value_in_selector=opts.allow_invalid_label_value_in_selector)
    errs = metav1_validation.validate_label_selector(selector_value if isinstance(selector_value, dict) else None,
                                                     selector_opts, SPEC.child("selector"))
    template = as_dict(spec.get("template"))
    errs += templates.selector_mismatch(parse_selector(selector_value), template,
                                        SPEC.child("template", "metadata", "labels"), skip_empty=False)
    if isinstance(selector_value, dict) and not selector_value.get("matchLabels") and \
            not selector_value.get("matchExpressions"):
        errs.append(field.invalid(SPEC.child("selector"), json_selector(selector_value),
                                  "empty selector is invalid for daemonset"))
    errs += validate_pod_template_spec(template, SPEC.child("template"), opts)
    template_spec = as_dict(template.get("spec"))
    errs += templates.read_only_persistent_disks(template_spec, SPEC.child("template", "spec", "volumes"))
    errs += templates.restart_and_deadline(template_spec, SPEC.child("template", "spec"), "DaemonSet")
    errs += nonnegative(spec.get("minReadySeconds"), SPEC.child("minReadySeconds"))
    errs += nonnegative(template_generation(obj), SPEC.child("templateGeneration"))
    errs += validate_update_strategy(as_dict(spec.get("updateStrategy")), SPEC.child("updateStrategy"))
    if spec.get("revisionHistoryLimit") is not None:
        errs += nonnegative(spec["revisionHistoryLimit"], SPEC.child("revisionHistoryLimit"))
    return errs


def validate_daemon_set(obj: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(as_dict(obj.get("metadata")), True, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))
    return errs + validate_daemon_set_spec(obj, None)


def validate_daemon_set_update(obj: Object, old: Object) -> field.ErrorList:
    """The strategy's ValidateUpdate: the object, the update rules, then the selector."""
    errs = validate_daemon_set(obj)
    errs += objectmeta.validate_object_meta_update(as_dict(obj.get("metadata")), as_dict(old.get("metadata")),
                                                   field.new_path("metadata"))
    errs += validate_daemon_set_spec(obj, old)
    return errs + immutable(SPEC.child("selector"), json_selector(as_dict(obj.get("spec")).get("selector")),
                            json_selector(as_dict(old.get("spec")).get("selector")))


def validate_daemon_set_status_update(obj: Object, old: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta_update(as_dict(obj.get("metadata")), as_dict(old.get("metadata")),
                                                  field.new_path("metadata"))
    status = as_dict(obj.get("status"))
    for name in ("currentNumberScheduled", "numberMisscheduled", "desiredNumberScheduled", "numberReady",
                 "observedGeneration", "updatedNumberScheduled", "numberAvailable", "numberUnavailable"):
        errs += nonnegative(status.get(name), STATUS.child(name))
    if status.get("collisionCount") is not None:
        errs += nonnegative(status["collisionCount"], STATUS.child("collisionCount"))
    return errs + collision_count_decremented(status, as_dict(old.get("status")), STATUS)


# -- strategies ----------------------------------------------------------------------------


class DaemonSetStrategy(Strategy):
    def default(self, obj: Object) -> None:
        default_daemon_set(obj)

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        drop_status_on_create(obj)
        start_generation(obj)
        set_template_generation(obj, max(template_generation(obj), 1))
        templates.drop_disabled_template_fields(obj, None)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        templates.drop_disabled_template_fields(obj, old)
        keep_old_status(obj, old)
        generation = template_generation(old)
        old_generation = as_int(as_dict(old.get("metadata")).get("generation"))
        if not semantic_equal(templates.template_of(obj), templates.template_of(old)):
            set_template_generation(obj, generation + 1)
            obj.setdefault("metadata", {})["generation"] = old_generation + 1
            return
        set_template_generation(obj, generation)
        if not semantic_equal(obj.get("spec"), old.get("spec")):
            obj.setdefault("metadata", {})["generation"] = old_generation + 1

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_daemon_set(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_daemon_set_update(obj, old)

    def warnings_on_create(self, ctx: RequestContext, obj: Object) -> list[str]:
        return templates.template_warnings(obj)

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        if template_generation(obj) != template_generation(old):
            return templates.template_warnings(obj)
        return []


class DaemonSetStatusStrategy(DaemonSetStrategy):
    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old_spec(obj, old)
        set_template_generation(obj, template_generation(old))

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_daemon_set_status_update(obj, old)

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        return []


# -- printing ------------------------------------------------------------------------------


def _row(obj: Object) -> list[Any]:
    names, images = printing.layout_container_cells(obj)
    node_selector = as_dict(templates.template_of(obj).get("spec")).get("nodeSelector")
    return [name_of(obj), printing.status_int(obj, "desiredNumberScheduled"),
            printing.status_int(obj, "currentNumberScheduled"), printing.status_int(obj, "numberReady"),
            printing.status_int(obj, "updatedNumberScheduled"), printing.status_int(obj, "numberAvailable"),
            labels.format_labels(node_selector if isinstance(node_selector, dict) else None), age(obj), names, images,
            printing.format_label_selector(as_dict(obj.get("spec")).get("selector"))]


DAEMON_SET_PRINTER = Printer((
    NAME_COLUMN,
    Column("Desired", "integer", "", "The total number of nodes that should be running the daemon pod (including "
                                     "nodes correctly running the daemon pod). More info: https://kubernetes.io/docs/"
                                     "concepts/workloads/controllers/daemonset/"),
    Column("Current", "integer", "", "The number of nodes that are running at least 1 daemon pod and are supposed "
                                     "to run the daemon pod. More info: https://kubernetes.io/docs/concepts/"
                                     "workloads/controllers/daemonset/"),
    Column("Ready", "integer", "", "The number of nodes that should be running the daemon pod and have one or more "
                                   "of the daemon pod running and ready."),
    Column("Up-to-date", "integer", "", "The total number of nodes that are running updated daemon pod"),
    Column("Available", "integer", "", "The number of nodes that should be running the daemon pod and have one or "
                                       "more of the daemon pod running and available (ready for at least "
                                       "spec.minReadySeconds)"),
    Column("Node Selector", "string", "", "NodeSelector is a selector which must be true for the pod to fit on a "
                                          "node. Selector which must match a node's labels for the pod to be "
                                          "scheduled on that node. More info: https://kubernetes.io/docs/concepts/"
                                          "configuration/assign-pod-node/"),
    AGE_COLUMN,
    printing.CONTAINERS_COLUMN,
    printing.IMAGES_COLUMN,
    Column("Selector", "string", "", "A label query over pods that are managed by the daemon set. Must match in "
                                     "order to be controlled. If empty, defaulted to labels on Pod template. More "
                                     "info: https://kubernetes.io/docs/concepts/overview/working-with-objects/"
                                     "labels/#label-selectors", 1),
), _row)

DAEMONSETS = ResourceSpec(
    group="apps", version="v1", kind="DaemonSet", plural="daemonsets", singular="daemonset", namespaced=True,
    strategy=DaemonSetStrategy(), short_names=("ds",), categories=("all",), printer=DAEMON_SET_PRINTER,
    subresources=(subresources.status(DaemonSetStatusStrategy()),),
)
