"""flowschemas, flowcontrol.apiserver.k8s.io/v1 (upstream pkg/registry/flowcontrol/flowschema).

Status belongs to the APF configuration controller (the `Dangling` condition); spec changes
bump metadata.generation.
"""

from __future__ import annotations

from kapiserver.apimachinery.types import Object
from kapiserver.registry import subresources
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

from . import validation
from .defaults import default_flow_schema
from .strategies import ConfigurationStatusStrategy, ConfigurationStrategy

GROUP = "flowcontrol.apiserver.k8s.io"


FLOW_SCHEMA_STRATEGY = ConfigurationStrategy(default_flow_schema, validation.validate_flow_schema)
FLOW_SCHEMA_STATUS_STRATEGY = ConfigurationStatusStrategy(default_flow_schema, validation.validate_flow_schema)


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
    strategy=FLOW_SCHEMA_STRATEGY,
    subresources=(subresources.status(FLOW_SCHEMA_STATUS_STRATEGY),),
    printer=Printer((
        NAME_COLUMN,
        Column("PriorityLevel", "string", "", DESCRIPTIONS["priorityLevel"]),
        Column("MatchingPrecedence", "string", "", DESCRIPTIONS["matchingPrecedence"]),
        Column("DistinguisherMethod", "string", "", DESCRIPTIONS["distinguisherMethod"]),
        AGE_COLUMN,
        Column("MissingPL", "string", "", "references a broken or non-existent PriorityLevelConfiguration"),
    ), _row),
)
