"""namespaces (upstream pkg/registry/core/namespace, ValidateNamespace*, SetDefaults_Namespace).

Deleting a namespace (phase Terminating until its finalizers are gone) and the
`namespaces/finalize` subresource are in namespaces_lifecycle.
"""

from __future__ import annotations

from kapiserver.apimachinery import field, meta, objectmeta
from kapiserver.apimachinery.types import Object
from kapiserver.registry import subresources
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec, Subresource
from kapiserver.registry.strategy import Strategy
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

from .namespaces_lifecycle import PHASE_TERMINATING, FinalizeREST, NamespaceREST

FINALIZER_KUBERNETES = "kubernetes"
NAME_LABEL = "kubernetes.io/metadata.name"
PHASE_ACTIVE = "Active"
STANDARD_FINALIZERS = frozenset({FINALIZER_KUBERNETES, objectmeta.FINALIZER_ORPHAN_DEPENDENTS,
                                 objectmeta.FINALIZER_DELETE_DEPENDENTS})


def validate_finalizer_name(name: str, path: field.Path) -> field.ErrorList:
    """validateFinalizerName: a qualified name, and a bare name must be a standard one."""
    errs = objectmeta.validate_finalizer_name(name, path)
    if "/" not in name and name not in STANDARD_FINALIZERS:
        errs.append(field.invalid(path, name, "name is neither a standard finalizer name nor is it fully qualified"))
    return errs


def validate_namespace(obj: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(obj.get("metadata", {}), False, objectmeta.validate_namespace_name,
                                           field.new_path("metadata"))
    for name in (obj.get("spec") or {}).get("finalizers") or []:
        errs += validate_finalizer_name(name, field.new_path("spec", "finalizers"))
    return errs


def validate_namespace_status_update(obj: Object, old: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                  field.new_path("metadata"))
    phase = (obj.get("status") or {}).get("phase", "")
    if not meta.deletion_timestamp(obj):
        if phase != PHASE_ACTIVE:
            errs.append(field.invalid(field.new_path("status", "Phase"), phase,
                                      "may only be 'Active' if `deletionTimestamp` is empty"))
    elif phase != PHASE_TERMINATING:
        errs.append(field.invalid(field.new_path("status", "Phase"), phase,
                                  "may only be 'Terminating' if `deletionTimestamp` is not empty"))
    return errs


def set_name_label(obj: Object) -> None:
    metadata = meta.ensure_metadata(obj)
    labels = metadata.get("labels")
    if not isinstance(labels, dict):
        labels = metadata["labels"] = {}
    labels[NAME_LABEL] = metadata.get("name", "")


class NamespaceStrategy(Strategy):
    default_garbage_collection_policy = "OrphanDependents"

    def default(self, obj: Object) -> None:
        """SetDefaults_Namespace (the name label, once there is a name) and SetDefaults_NamespaceStatus."""
        if meta.name(obj):
            set_name_label(obj)
        status = obj.get("status")
        if not isinstance(status, dict):
            status = obj["status"] = {}
        if not status.get("phase"):
            status["phase"] = PHASE_ACTIVE

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        obj["status"] = {"phase": PHASE_ACTIVE}
        spec = obj.get("spec")
        if not isinstance(spec, dict):
            spec = obj["spec"] = {}
        finalizers = spec.get("finalizers") or []
        if FINALIZER_KUBERNETES not in finalizers:
            spec["finalizers"] = [*finalizers, FINALIZER_KUBERNETES]

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        spec = obj.get("spec")
        if not isinstance(spec, dict):
            spec = obj["spec"] = {}
        old_finalizers = (old.get("spec") or {}).get("finalizers")
        if old_finalizers is None:
            spec.pop("finalizers", None)
        else:
            spec["finalizers"] = list(old_finalizers)
        obj["status"] = meta.deep_copy(old.get("status") or {})

    def canonicalize(self, obj: Object) -> None:
        """The name label follows the name, also for names generated after defaulting."""
        set_name_label(obj)

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_namespace(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_namespace(obj) + objectmeta.validate_object_meta_update(
            obj.get("metadata", {}), old.get("metadata", {}), field.new_path("metadata"))

    def should_delete_during_update(self, obj: Object, old: Object) -> bool:
        """A namespace also waits for spec.finalizers (upstream ShouldDeleteNamespaceDuringUpdate)."""
        return not (obj.get("spec") or {}).get("finalizers")


class NamespaceStatusStrategy(NamespaceStrategy):
    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        obj["spec"] = meta.deep_copy(old.get("spec") or {})

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_namespace_status_update(obj, old)


class NamespaceFinalizeStrategy(NamespaceStrategy):
    """Only spec.finalizers may change (upstream namespaceFinalizeStrategy)."""

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        obj["status"] = meta.deep_copy(old.get("status") or {})

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        errs = objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                      field.new_path("metadata"))
        for index, name in enumerate((obj.get("spec") or {}).get("finalizers") or []):
            errs += validate_finalizer_name(name, field.new_path("spec", "finalizers").index(index))
        return errs


def _row(obj: Object) -> list[object]:
    return [name_of(obj), (obj.get("status") or {}).get("phase", ""), age(obj)]


NAMESPACES = ResourceSpec(
    group="", version="v1", kind="Namespace", plural="namespaces", singular="namespace", namespaced=False,
    strategy=NamespaceStrategy(), short_names=("ns",), return_deleted_object=True,
    excluded_verbs=("deletecollection",),
    printer=Printer((NAME_COLUMN, Column("Status", "string", "", "The status of the namespace"), AGE_COLUMN), _row),
    subresources=(
        Subresource("finalize", lambda store: FinalizeREST(store.with_strategy(NamespaceFinalizeStrategy()))),
        subresources.status(NamespaceStatusStrategy()),
    ),
    fields=lambda obj: {"status.phase": (obj.get("status") or {}).get("phase", "")},
    rest_factory=NamespaceREST,
)
