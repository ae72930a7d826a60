"""flowschemas, flowcontrol.apiserver.k8s.io/v1 (upstream pkg/registry/flowcontrol/flowschema).

Status belongs to the APF configuration controller (the `Dangling` condition); spec changes
bump metadata.generation.
"""

from __future__ import annotations

from kapiserver.apimachinery import field, meta, objectmeta
from kapiserver.apimachinery.types import Object
from kapiserver.registry import subresources
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import (
    Strategy,
    bump_generation_on_change,
    keep_old_status,
    start_generation,
)
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

from . import validation
from .defaults import default_flow_schema

GROUP = "flowcontrol.apiserver.k8s.io"


class FlowSchemaStrategy(Strategy):
    def default(self, obj: Object) -> None:
        default_flow_schema(obj)

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        obj["status"] = {}
        start_generation(obj)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old_status(obj, old)
        bump_generation_on_change(obj, old, "spec")

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validation.validate_flow_schema(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validation.validate_flow_schema(obj)


class FlowSchemaStatusStrategy(FlowSchemaStrategy):
    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        managed = obj.get("metadata", {}).get("managedFields")
        obj["metadata"] = meta.deep_copy(old.get("metadata", {}))
        if managed is not None:
            obj["metadata"]["managedFields"] = managed
        else:
            obj["metadata"].pop("managedFields", None)
        obj["spec"] = old.get("spec", {})

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validation.validate_conditions(obj.get("status") or {}, field.new_path("status")) + \
            objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                   field.new_path("metadata"))


DESCRIPTIONS = {
    "priorityLevel": "`name` is the name of the priority level configuration being referenced Required.",
    "matchingPrecedence": "`matchingPrecedence` is used to choose among the FlowSchemas that match a given request. "
                          "The chosen FlowSchema is among those with the numerically lowest (which we take to be "
                          "logically highest) MatchingPrecedence.  Each MatchingPrecedence value must be ranged in "
                          "[1,10000]. Note that if the precedence is not specified, it will be set to 1000 as "
                          "default.",
    "distinguisherMethod": "`distinguisherMethod` defines how to compute the flow distinguisher for requests that "
                           "match this schema. `nil` specifies that the distinguisher is disabled and thus will "
                           "always be the empty string.",
}


def _row(fs: Object) -> list[object]:
    spec = fs.get("spec") or {}
    method = (spec.get("distinguisherMethod") or {}).get("type") if spec.get("distinguisherMethod") else None
    missing = "?"
    for condition in (fs.get("status") or {}).get("conditions") or []:
        if condition.get("type") == "Dangling":
            missing = condition.get("status") or ""
            break
    return [name_of(fs), (spec.get("priorityLevelConfiguration") or {}).get("name") or "",
            int(spec.get("matchingPrecedence") or 0), method if method is not None else "<none>", age(fs), missing]


FLOWSCHEMAS = ResourceSpec(
    group=GROUP, version="v1", kind="FlowSchema", plural="flowschemas", singular="flowschema", namespaced=False,
    strategy=FlowSchemaStrategy(),
    subresources=(subresources.status(FlowSchemaStatusStrategy()),),
    printer=Printer((
        NAME_COLUMN,
        Column("PriorityLevel", "string", "", DESCRIPTIONS["priorityLevel"]),
        Column("MatchingPrecedence", "string", "", DESCRIPTIONS["matchingPrecedence"]),
        Column("DistinguisherMethod", "string", "", DESCRIPTIONS["distinguisherMethod"]),
        AGE_COLUMN,
        Column("MissingPL", "string", "", "references a broken or non-existent PriorityLevelConfiguration"),
    ), _row),
)
