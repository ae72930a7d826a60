"""poddisruptionbudgets, policy/v1 (upstream pkg/registry/policy/poddisruptionbudget and
pkg/apis/policy/validation).

No defaults in v1 (a null selector matches no pods; unhealthyPodEvictionPolicy stays unset,
which the eviction API reads as IfHealthyBudget). minAvailable and maxUnavailable are
exclusive ints or percentages up to 100%. Create clears status and starts the generation;
updates keep status and bump the generation on spec changes; the disruption controller (and
the eviction API) write `poddisruptionbudgets/status`.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import field, meta, metav1_validation, objectmeta, validation
from kapiserver.apimachinery.types import Object
from kapiserver.registry import subresources
from kapiserver.registry.core.podspec.access import as_dict, as_int, semantic_equal
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import (
    Strategy,
    drop_status_on_create,
    keep_old_spec,
    keep_old_status,
    start_generation,
)
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

UNHEALTHY_POD_EVICTION_POLICIES = ["AlwaysAllow", "IfHealthyBudget"]
_SPEC = field.new_path("spec")
_STATUS = field.new_path("status")


def _percent(value: Any) -> int | None:
    if isinstance(value, str) and not validation.is_valid_percent(value):
        return int(value[:-1])
    return None


def validate_positive_int_or_percent(value: Any, path: field.Path) -> field.ErrorList:
    """upstream appsvalidation.ValidatePositiveIntOrPercent (the bad IntOrString prints as its JSON)."""
    if isinstance(value, str):
        return [field.invalid(path, value, msg) for msg in validation.is_valid_percent(value)]
    return objectmeta.validate_nonnegative_field(as_int(value), path)


def is_not_more_than_100_percent(value: Any, path: field.Path) -> field.ErrorList:
    percent = _percent(value)
    if percent is None or percent <= 100:
        return []
    return [field.invalid(path, value, "must not be greater than 100%")]


def _selector_json(selector: Any) -> Any:
    """A *metav1.LabelSelector as json.Marshal writes it (omitempty fields, map keys sorted)."""
    if not isinstance(selector, dict):
        return None
    out: Object = {}
    match_labels = selector.get("matchLabels")
    if isinstance(match_labels, dict) and match_labels:
        out["matchLabels"] = {key: match_labels[key] for key in sorted(match_labels)}
    expressions = []
    for expr in selector.get("matchExpressions") or []:
        expr = as_dict(expr)
        item: Object = {"key": expr.get("key") or "", "operator": expr.get("operator") or ""}
        if expr.get("values"):
            item["values"] = list(expr["values"])
        expressions.append(item)
    if expressions:
        out["matchExpressions"] = expressions
    return out


def _spec_json(spec: Object) -> Object:
    """The internal PodDisruptionBudgetSpec as json.Marshal writes it: Go field names (the
    internal type has no json tags), nil pointers as null. Upstream renders bad struct
    values as JSON since apimachinery 1.34."""
    return {"MinAvailable": spec.get("minAvailable"), "Selector": _selector_json(spec.get("selector")),
            "MaxUnavailable": spec.get("maxUnavailable"),
            "UnhealthyPodEvictionPolicy": spec.get("unhealthyPodEvictionPolicy")}


def validate_pod_disruption_budget_spec(spec: Object, allow_invalid_label_value: bool,
                                        path: field.Path = _SPEC) -> field.ErrorList:
    errs: field.ErrorList = []
    min_available, max_unavailable = spec.get("minAvailable"), spec.get("maxUnavailable")
    if min_available is not None and max_unavailable is not None:
        errs.append(field.invalid(path, _spec_json(spec), "minAvailable and maxUnavailable cannot be both set"))
    for key, value in (("minAvailable", min_available), ("maxUnavailable", max_unavailable)):
        if value is not None:
            errs += validate_positive_int_or_percent(value, path.child(key))
            errs += is_not_more_than_100_percent(value, path.child(key))
    selector = spec.get("selector")
    opts = metav1_validation.LabelSelectorValidationOptions(allow_invalid_label_value_in_selector=allow_invalid_label_value)
    errs += metav1_validation.validate_label_selector(selector if isinstance(selector, dict) else None, opts,
                                                      path.child("selector"))
    policy = spec.get("unhealthyPodEvictionPolicy")
    if policy is not None and policy not in UNHEALTHY_POD_EVICTION_POLICIES:
        errs.append(field.not_supported(path.child("unhealthyPodEvictionPolicy"), policy,
                                        UNHEALTHY_POD_EVICTION_POLICIES))
    return errs


def validate_pod_disruption_budget_status_update(status: Object, old_status: Object,
                                                 path: field.Path = _STATUS) -> field.ErrorList:
    conditions = status.get("conditions")
    errs = metav1_validation.validate_conditions(conditions if isinstance(conditions, list) else None,
                                                 path.child("conditions"))
    for key in ("disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods"):
        errs += objectmeta.validate_nonnegative_field(as_int(status.get(key)), path.child(key))
    return errs


def _selector_has_invalid_value(obj: Object) -> bool:
    selector = as_dict(obj.get("spec")).get("selector")
    return metav1_validation.label_selector_has_invalid_label_value(selector if isinstance(selector, dict) else None)


class PodDisruptionBudgetStrategy(Strategy):
    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        drop_status_on_create(obj)
        start_generation(obj)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old_status(obj, old)
        if not semantic_equal(obj.get("spec"), old.get("spec")):
            meta.ensure_metadata(obj)["generation"] = int(meta.metadata(old).get("generation") or 0) + 1

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_pod_disruption_budget_spec(as_dict(obj.get("spec")), False)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_pod_disruption_budget_spec(as_dict(obj.get("spec")), _selector_has_invalid_value(old))


class PodDisruptionBudgetStatusStrategy(PodDisruptionBudgetStrategy):
    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old_spec(obj, old)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_pod_disruption_budget_status_update(as_dict(obj.get("status")), as_dict(old.get("status")))


def _int_or_percent_cell(value: Any) -> str:
    if value is None:
        return "N/A"
    return value if isinstance(value, str) else str(as_int(value))


def _row(obj: Object) -> list[object]:
    spec = as_dict(obj.get("spec"))
    return [name_of(obj), _int_or_percent_cell(spec.get("minAvailable")),
            _int_or_percent_cell(spec.get("maxUnavailable")),
            as_int(as_dict(obj.get("status")).get("disruptionsAllowed")), age(obj)]


PDB_PRINTER = Printer((
    NAME_COLUMN,
    Column("Min Available", "string", "", "The minimum number of pods that must be available."),
    Column("Max Unavailable", "string", "", "The maximum number of pods that may be unavailable."),
    Column("Allowed Disruptions", "integer", "", "Calculated number of pods that may be disrupted at this time."),
    AGE_COLUMN,
), _row)

PODDISRUPTIONBUDGETS = ResourceSpec(
    group="policy", version="v1", kind="PodDisruptionBudget", plural="poddisruptionbudgets",
    singular="poddisruptionbudget", namespaced=True, strategy=PodDisruptionBudgetStrategy(), short_names=("pdb",),
    printer=PDB_PRINTER, subresources=(subresources.status(PodDisruptionBudgetStatusStrategy()),),
)
