"""priorityclasses, scheduling.k8s.io/v1 (upstream pkg/registry/scheduling/priorityclass,
pkg/apis/scheduling/validation, pkg/apis/scheduling/v1/defaults.go).

Names starting with `system-` are reserved for the two system classes, which cannot be
deleted. `globalDefault` uniqueness is the Priority admission plugin's job, not the store's.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import errors, field, objectmeta
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import DeleteOptions, RequestContext, ValidateObjectFunc
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.store import Store
from kapiserver.registry.strategy import Strategy
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of
from kapiserver.storage.interface import Storage

GROUP = "scheduling.k8s.io"
SYSTEM_PRIORITY_CLASS_PREFIX = "system-"
HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000
SYSTEM_CRITICAL_PRIORITY = 2 * HIGHEST_USER_DEFINABLE_PRIORITY
PREEMPTION_POLICIES = ("PreemptLowerPriority", "Never")


def system_priority_classes() -> list[Object]:
    """upstream schedulingapiv1.SystemPriorityClasses(), in its order."""
    return [
        {"apiVersion": f"{GROUP}/v1", "kind": "PriorityClass", "metadata": {"name": "system-node-critical"},
         "value": SYSTEM_CRITICAL_PRIORITY + 1000,
         "description": "Used for system critical pods that must not be moved from their current node."},
        {"apiVersion": f"{GROUP}/v1", "kind": "PriorityClass", "metadata": {"name": "system-cluster-critical"},
         "value": SYSTEM_CRITICAL_PRIORITY,
         "description": "Used for system critical pods that must run in the cluster, but can be moved to another "
                        "node if necessary."},
    ]


def is_known_system_priority_class(name: str, value: int, global_default: bool) -> str | None:
    """None when (name, value, globalDefault) is a system class, else upstream's error text."""
    for spc in system_priority_classes():
        if spc["metadata"]["name"] == name:
            if spc["value"] != value:
                return f"value of {name} PriorityClass must be {spc['value']}"
            if global_default:
                return f"globalDefault of {name} PriorityClass must be false"
            return None
    return f"{name} is not a known system priority class"


def validate_preemption_policy(policy: Any, path: field.Path) -> field.ErrorList:
    if policy in PREEMPTION_POLICIES:
        return []
    if policy == "":
        return [field.required(path, "")]
    return [field.not_supported(path, policy, PREEMPTION_POLICIES)]


def validate_priority_class(pc: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(pc.get("metadata", {}), False, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))
    name = pc.get("metadata", {}).get("name") or ""
    value = pc.get("value") or 0
    if name.startswith(SYSTEM_PRIORITY_CLASS_PREFIX):
        problem = is_known_system_priority_class(name, value, bool(pc.get("globalDefault")))
        if problem is not None:
            errs.append(field.forbidden(field.new_path("metadata", "name"),
                                        f"priority class names with '{SYSTEM_PRIORITY_CLASS_PREFIX}' prefix are "
                                        f"reserved for system use only. error: {problem}"))
    elif value > HIGHEST_USER_DEFINABLE_PRIORITY:
        errs.append(field.forbidden(field.new_path("value"), "maximum allowed value of a user defined priority is "
                                                             f"{HIGHEST_USER_DEFINABLE_PRIORITY}"))
    if pc.get("preemptionPolicy") is not None:
        errs += validate_preemption_policy(pc["preemptionPolicy"], field.new_path("preemptionPolicy"))
    return errs


def validate_priority_class_update(pc: Object, old: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta_update(pc.get("metadata", {}), old.get("metadata", {}),
                                                  field.new_path("metadata"))
    if (pc.get("value") or 0) != (old.get("value") or 0):
        errs.append(field.forbidden(field.new_path("value"), "may not be changed in an update."))
    return errs + objectmeta.validate_immutable_field(pc.get("preemptionPolicy"), old.get("preemptionPolicy"),
                                                      field.new_path("preemptionPolicy"))


class PriorityClassStrategy(Strategy):
    def default(self, obj: Object) -> None:
        if obj.get("preemptionPolicy") is None:
            obj["preemptionPolicy"] = "PreemptLowerPriority"

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_priority_class(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_priority_class_update(obj, old)


class PriorityClassStore(Store):
    """The system classes are refused deletion (upstream priorityclass/storage REST.Delete)."""

    async def delete(self, ctx: RequestContext, name: str, delete_validation: ValidateObjectFunc | None,
                     options: DeleteOptions) -> tuple[Object, bool]:
        if any(spc["metadata"]["name"] == name for spc in system_priority_classes()):
            raise errors.forbidden(self.gr, name, "this is a system priority class and cannot be deleted")
        return await super().delete(ctx, name, delete_validation, options)


DESCRIPTIONS = {
    "value": "value represents the integer value of this priority class. This is the actual priority that pods "
             "receive when they have the name of this class in their pod spec.",
    "globalDefault": "globalDefault specifies whether this PriorityClass should be considered as the default "
                     "priority for pods that do not have any priority class. Only one PriorityClass can be marked "
                     "as `globalDefault`. However, if more than one PriorityClasses exists with their "
                     "`globalDefault` field set to true, the smallest value of such global default PriorityClasses "
                     "will be used as the default priority.",
    "preemptionPolicy": "preemptionPolicy is the Policy for preempting pods with lower priority. One of Never, "
                        "PreemptLowerPriority. Defaults to PreemptLowerPriority if unset.",
}


def _row(pc: Object) -> list[object]:
    """upstream printPriorityClass: the policy comes after the age (it was added later), empty when unset."""
    return [name_of(pc), int(pc.get("value") or 0), bool(pc.get("globalDefault")), age(pc),
            pc.get("preemptionPolicy") or ""]


def _rest(spec: ResourceSpec, storage: Storage) -> PriorityClassStore:
    return PriorityClassStore(spec, storage)


PRIORITYCLASSES = ResourceSpec(
    group=GROUP, version="v1", kind="PriorityClass", plural="priorityclasses", singular="priorityclass",
    namespaced=False, strategy=PriorityClassStrategy(), short_names=("pc",), rest_factory=_rest,
    printer=Printer((NAME_COLUMN, Column("Value", "integer", "", DESCRIPTIONS["value"]),
                     Column("Global-Default", "boolean", "", DESCRIPTIONS["globalDefault"]), AGE_COLUMN,
                     Column("PreemptionPolicy", "string", "", DESCRIPTIONS["preemptionPolicy"])), _row),
)
