"""StatefulSet validation (upstream ValidateStatefulSet, ValidateStatefulSetUpdate and
ValidateStatefulSetStatusUpdate, v1.35).

Upstream validates only the labels and annotations of a statefulset's pod template, not
its pod spec; so does this. On update, only replicas, ordinals, template, updateStrategy,
revisionHistoryLimit, persistentVolumeClaimRetentionPolicy and minReadySeconds may change.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import field, objectmeta
from kapiserver.apimachinery.types import Object
from kapiserver.registry.core.podspec.access import as_dict, semantic_equal

from . import templates
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
MUTABLE_SPEC_FIELDS = ("replicas", "ordinals", "template", "updateStrategy", "revisionHistoryLimit",
                       "persistentVolumeClaimRetentionPolicy", "minReadySeconds")
FORBIDDEN_UPDATE = ("updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
                    "'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and "
                    "'minReadySeconds' are forbidden")
RETENTION_POLICIES = ["Retain", "Delete"]


def _rolling_update_struct(rolling: Any) -> Any:
    """The internal RollingUpdateStatefulSetStrategy as json.Marshal prints it."""
    if not isinstance(rolling, dict):
        return None
    return go_struct(Partition=as_int(rolling.get("partition")), MaxUnavailable=rolling.get("maxUnavailable"))


def validate_rolling_update(rolling: Object, path: field.Path) -> field.ErrorList:
    errs = nonnegative(rolling.get("partition"), path.child("partition"))
    unavailable = rolling.get("maxUnavailable")
    if unavailable is not None:
        errs += validate_positive_int_or_percent(unavailable, path.child("maxUnavailable"))
        if int_or_percent_value(unavailable) == 0:
            errs.append(field.invalid(path.child("maxUnavailable"), unavailable, "cannot be 0"))
        errs += not_more_than_100_percent(unavailable, path.child("maxUnavailable"))
    return errs


def validate_update_strategy(strategy: Object, path: field.Path) -> field.ErrorList:
    kind = strategy.get("type") or ""
    rolling = strategy.get("rollingUpdate")
    if kind == "":
        return [field.required(path, "")]
    if kind == "OnDelete":
        if rolling is not None:
            return [field.invalid(path.child("rollingUpdate"), _rolling_update_struct(rolling),
                                  "only allowed for updateStrategy 'RollingUpdate'")]
        return []
    if kind == "RollingUpdate":
        return validate_rolling_update(rolling, path.child("rollingUpdate")) if isinstance(rolling, dict) else []
    value = go_struct(Type=kind, RollingUpdate=_rolling_update_struct(rolling))
    return [field.invalid(path, value, "must be 'RollingUpdate' or 'OnDelete'")]


def validate_retention_policy(policy: Any, path: field.Path) -> field.ErrorList:
    if not isinstance(policy, dict):
        return []
    errs: field.ErrorList = []
    for name in ("whenDeleted", "whenScaled"):
        value = policy.get(name) or ""
        if value not in RETENTION_POLICIES:
            errs.append(field.not_supported(path.child(name), value, RETENTION_POLICIES))
    return errs


def validate_stateful_set_spec(obj: Object, old: Object | None) -> field.ErrorList:
    """upstream ValidateStatefulSetSpec."""
    spec = as_dict(obj.get("spec"))
    errs: field.ErrorList = []
    policy = spec.get("podManagementPolicy") or ""
    if policy == "":
        errs.append(field.required(SPEC.child("podManagementPolicy"), ""))
    elif policy not in ("OrderedReady", "Parallel"):
        errs.append(field.invalid(SPEC.child("podManagementPolicy"), policy, "must be 'OrderedReady' or 'Parallel'"))
    errs += validate_update_strategy(as_dict(spec.get("updateStrategy")), SPEC.child("updateStrategy"))
    errs += validate_retention_policy(spec.get("persistentVolumeClaimRetentionPolicy"),
                                      SPEC.child("persistentVolumeClaimRetentionPolicy"))
    errs += nonnegative(spec.get("replicas"), SPEC.child("replicas"))
    errs += nonnegative(spec.get("minReadySeconds"), SPEC.child("minReadySeconds"))
    if isinstance(spec.get("ordinals"), dict):
        errs += nonnegative(spec["ordinals"].get("start"), SPEC.child("ordinals.start"))
    errs += validate_required_selector(spec.get("selector"), SPEC.child("selector"), "statefulset")
    selector = parse_selector(spec.get("selector"))
    template = as_dict(spec.get("template"))
    if selector is None:
        errs.append(field.invalid(SPEC.child("selector"), json_selector(spec.get("selector")), ""))
    else:
        errs += templates.validate_for_stateful_set(template, selector, SPEC.child("template"),
                                                    templates.options_for(obj, old))
    return errs + templates.restart_and_deadline(as_dict(template.get("spec")), SPEC.child("template", "spec"),
                                                 "StatefulSet")


def validate_stateful_set(obj: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(as_dict(obj.get("metadata")), True, objectmeta.name_is_dns_label,
                                           field.new_path("metadata"))
    return errs + validate_stateful_set_spec(obj, None)


def _immutable_part(spec: Object) -> Object:
    """The spec without what an update may change; claim templates compared as upstream's
    internal objects, which carry no apiVersion/kind."""
    rest = {key: value for key, value in spec.items() if key not in MUTABLE_SPEC_FIELDS}
    claims = rest.get("volumeClaimTemplates")
    if isinstance(claims, list):
        rest["volumeClaimTemplates"] = [{k: v for k, v in c.items() if k not in ("apiVersion", "kind")}
                                        if isinstance(c, dict) else c for c in claims]
    return rest


def validate_stateful_set_update(obj: Object, old: Object) -> field.ErrorList:
    """upstream ValidateStatefulSetUpdate: the name is not validated again."""
    errs = objectmeta.validate_object_meta_update(as_dict(obj.get("metadata")), as_dict(old.get("metadata")),
                                                  field.new_path("metadata"))
    errs += validate_stateful_set_spec(obj, old)
    if not semantic_equal(_immutable_part(as_dict(obj.get("spec"))), _immutable_part(as_dict(old.get("spec")))):
        errs.append(field.forbidden(SPEC, FORBIDDEN_UPDATE))
    return errs


def validate_stateful_set_status_update(obj: Object, old: Object) -> field.ErrorList:
    status = as_dict(obj.get("status"))
    errs: field.ErrorList = []
    for name in ("replicas", "readyReplicas", "currentReplicas", "updatedReplicas", "availableReplicas"):
        errs += nonnegative(status.get(name), STATUS.child(name))
    for name in ("observedGeneration", "collisionCount"):
        if status.get(name) is not None:
            errs += nonnegative(status[name], STATUS.child(name))
    errs += not_greater(status, ("readyReplicas", "currentReplicas", "updatedReplicas", "availableReplicas"),
                        "replicas", STATUS)
    errs += not_greater(status, ("availableReplicas",), "readyReplicas", STATUS,
                        "cannot be greater than status.readyReplicas")
    errs += objectmeta.validate_object_meta_update(as_dict(obj.get("metadata")), as_dict(old.get("metadata")),
                                                   field.new_path("metadata"))
    return errs + collision_count_decremented(status, as_dict(old.get("status")), STATUS)

