"""namespaces (upstream pkg/registry/core/namespace)."""

from __future__ import annotations

from kapiserver.apimachinery import field, objectmeta
from kapiserver.apimachinery.types import Object
from kapiserver.registry import subresources
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

FINALIZER_KUBERNETES = "kubernetes"
NAME_LABEL = "kubernetes.io/metadata.name"


def _validate(obj: Object) -> field.ErrorList:
    return objectmeta.validate_object_meta(obj.get("metadata", {}), False, objectmeta.validate_namespace_name,
                                           field.new_path("metadata"))


class NamespaceStrategy(Strategy):
    default_garbage_collection_policy = "OrphanDependents"

    def default(self, obj: Object) -> None:
        obj.setdefault("status", {}).setdefault("phase", "Active")

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        obj["status"] = {"phase": "Active"}
        finalizers = obj.setdefault("spec", {}).setdefault("finalizers", [])
        if FINALIZER_KUBERNETES not in finalizers:
            finalizers.append(FINALIZER_KUBERNETES)
        self.canonicalize(obj)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        obj["spec"] = old.get("spec", {})
        obj["status"] = old.get("status", {})

    def canonicalize(self, obj: Object) -> None:
        meta = obj.setdefault("metadata", {})
        labels = meta.setdefault("labels", {})
        labels[NAME_LABEL] = meta.get("name", "")

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return _validate(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return _validate(obj)


class NamespaceStatusStrategy(NamespaceStrategy):
    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        obj["spec"] = old.get("spec", {})


def _row(obj: Object) -> list[object]:
    return [name_of(obj), obj.get("status", {}).get("phase", ""), age(obj)]


NAMESPACES = ResourceSpec(
    group="", version="v1", kind="Namespace", plural="namespaces", singular="namespace", namespaced=False,
    strategy=NamespaceStrategy(), short_names=("ns",), return_deleted_object=True,
    printer=Printer((NAME_COLUMN, Column("Status", "string", "", "The status of the namespace"), AGE_COLUMN), _row),
    subresources=(subresources.status(NamespaceStatusStrategy()),),
    fields=lambda obj: {"status.phase": obj.get("status", {}).get("phase", "")},
)
