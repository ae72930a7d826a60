"""runtimeclasses, node.k8s.io/v1 (upstream pkg/registry/node/runtimeclass, pkg/apis/node/validation).

`handler` names a CRI runtime handler: a DNS label, immutable. `overhead.podFixed` is
validated as container limits are; `scheduling` as a pod's nodeSelector and tolerations.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import field, metav1_validation, objectmeta
from kapiserver.apimachinery.types import Object
from kapiserver.registry.core.podspec.options import PodValidationOptions
from kapiserver.registry.core.podspec.validation_resources import validate_overhead
from kapiserver.registry.core.podspec.validation_scheduling import validate_tolerations
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

HANDLER_DESCRIPTION = (
    "handler specifies the underlying runtime and configuration that the CRI implementation will use to handle pods "
    "of this class. The possible values are specific to the node & CRI configuration.  It is assumed that all "
    "handlers are available on every node, and handlers of the same name are equivalent on every node. For "
    "example, a handler called \"runc\" might specify that the runc OCI runtime (using native Linux containers) "
    "will be used to run the containers in a pod. The Handler must be lowercase, conform to the DNS Label (RFC "
    "1123) requirements, and is immutable.")


def _toleration_key(t: Object) -> tuple[Any, ...]:
    return (t.get("key") or "", t.get("operator") or "", t.get("value") or "", t.get("effect") or "")


def duplicate_toleration_value(toleration: Object) -> dict[str, Any]:
    """A duplicate toleration as upstream's error prints it: json.Marshal of the internal
    core.Toleration (Go field names, a nil TolerationSeconds as null)."""
    return {"Key": toleration.get("key") or "", "Operator": toleration.get("operator") or "",
            "Value": toleration.get("value") or "", "Effect": toleration.get("effect") or "",
            "TolerationSeconds": toleration.get("tolerationSeconds")}


def validate_scheduling(scheduling: Object, path: field.Path) -> field.ErrorList:
    errs = metav1_validation.validate_labels(scheduling.get("nodeSelector"), path.child("nodeSelector"))
    tolerations = scheduling.get("tolerations") or []
    errs += validate_tolerations(tolerations, path.child("tolerations"))
    seen: set[tuple[Any, ...]] = set()
    for i, toleration in enumerate(tolerations):
        key = _toleration_key(toleration)
        if key in seen:
            errs.append(field.duplicate(path.child("tolerations").index(i), duplicate_toleration_value(toleration)))
        seen.add(key)
    return errs


def validate_runtime_class(rc: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(rc.get("metadata", {}), False, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))
    handler = rc.get("handler") or ""
    errs += [field.invalid(field.new_path("handler"), handler, msg)
             for msg in objectmeta.name_is_dns_label(handler, False)]
    overhead = rc.get("overhead")
    if isinstance(overhead, dict):
        errs += validate_overhead(overhead.get("podFixed") or {}, field.new_path("overhead"), PodValidationOptions())
    scheduling = rc.get("scheduling")
    if isinstance(scheduling, dict):
        errs += validate_scheduling(scheduling, field.new_path("scheduling"))
    return errs


def validate_runtime_class_update(rc: Object, old: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta_update(rc.get("metadata", {}), old.get("metadata", {}),
                                                  field.new_path("metadata"))
    return errs + objectmeta.validate_immutable_field(rc.get("handler") or "", old.get("handler") or "",
                                                      field.new_path("handler"))


class RuntimeClassStrategy(Strategy):
    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_runtime_class(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_runtime_class(obj) + validate_runtime_class_update(obj, old)


def _row(rc: Object) -> list[object]:
    return [name_of(rc), rc.get("handler") or "", age(rc)]


RUNTIMECLASSES = ResourceSpec(
    group="node.k8s.io", version="v1", kind="RuntimeClass", plural="runtimeclasses", singular="runtimeclass",
    namespaced=False, strategy=RuntimeClassStrategy(),
    printer=Printer((NAME_COLUMN, Column("Handler", "string", "", HANDLER_DESCRIPTION), AGE_COLUMN), _row),
)
