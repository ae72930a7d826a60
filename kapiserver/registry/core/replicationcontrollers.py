"""replicationcontrollers (upstream pkg/registry/core/replicationcontroller and
pkg/apis/core/validation ValidateReplicationController*).

Defaults (SetDefaults_ReplicationController): the template's labels become the selector
and the controller's labels when those are empty; replicas 1. Create clears status and
starts the generation; updates keep status and bump the generation on spec changes;
replicationcontrollers/status changes status only; replicationcontrollers/scale is the
autoscaling/v1 Scale over spec.replicas and the selector map.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import errors, field, labels, meta, objectmeta, quantity, validation
from kapiserver.apimachinery.types import Object
from kapiserver.registry import scale, subresources
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

from .pods_mutations import drop_disabled_pod_fields
from .pods_warnings import warnings_for_pod_spec_and_meta
from .podspec import set_defaults_pod_spec, validate_pod_template_spec, validation_options
from .podspec.access import as_dict, as_int, as_str, dicts, semantic_equal

_SPEC = field.new_path("spec")
_STATUS = field.new_path("status")
GREATER_THAN_REPLICAS = "cannot be greater than status.replicas"


def set_defaults_replication_controller(rc: Object) -> None:
    spec = rc.get("spec")
    if not isinstance(spec, dict):
        spec = rc["spec"] = {}
    template = spec.get("template")
    if isinstance(template, dict):
        template_labels = as_dict(template.get("metadata")).get("labels")
        if isinstance(template_labels, dict):
            if not spec.get("selector"):
                spec["selector"] = dict(template_labels)
            metadata = meta.ensure_metadata(rc)
            if not metadata.get("labels"):
                metadata["labels"] = dict(template_labels)
        pod_spec = template.get("spec")
        if not isinstance(pod_spec, dict):
            pod_spec = template["spec"] = {}
        set_defaults_pod_spec(pod_spec)
    if spec.get("replicas") is None:
        spec["replicas"] = 1


def _string_map(value: Any) -> dict[str, str] | None:
    """A map[string]string bad value as field errors print it: its JSON, keys sorted (null when nil)."""
    if value is None:
        return None
    return {str(k): str(v) for k, v in sorted(as_dict(value).items())}


def _validate_read_only_persistent_disks(volumes: object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    for i, volume in enumerate(dicts(volumes)):
        disk = volume.get("gcePersistentDisk")
        if isinstance(disk, dict) and disk.get("readOnly") is not True:
            errs.append(field.invalid(path.index(i).child("gcePersistentDisk", "readOnly"), False,
                                      "must be true for replicated pods > 1; GCE PD can only be mounted on multiple "
                                      "machines if it is read-only"))
    return errs


def validate_pod_template_spec_for_rc(template: Any, selector: Any, replicas: int, path: field.Path,
                                      opts: Any) -> field.ErrorList:
    if not isinstance(template, dict):
        return [field.required(path, "")]
    errs: field.ErrorList = []
    template_labels = as_dict(template.get("metadata")).get("labels")
    if as_dict(selector) and not labels.selector_from_set(as_dict(selector)).matches(as_dict(template_labels)):
        errs.append(field.invalid(path.child("metadata", "labels"), _string_map(template_labels),
                                  "`selector` does not match template `labels`"))
    errs += validate_pod_template_spec(template, path, opts)
    pod_spec = as_dict(template.get("spec"))
    if replicas > 1:
        errs += _validate_read_only_persistent_disks(pod_spec.get("volumes"), path.child("spec", "volumes"))
    if pod_spec.get("restartPolicy") != "Always":
        errs.append(field.not_supported(path.child("spec", "restartPolicy"), as_str(pod_spec.get("restartPolicy")),
                                        ["Always"]))
    if pod_spec.get("activeDeadlineSeconds") is not None:
        errs.append(field.forbidden(path.child("spec", "activeDeadlineSeconds"),
                                    "activeDeadlineSeconds in ReplicationController is not Supported"))
    return errs


def validate_replication_controller_spec(spec: Object, path: field.Path, opts: Any) -> field.ErrorList:
    errs = objectmeta.validate_nonnegative_field(as_int(spec.get("minReadySeconds")), path.child("minReadySeconds"))
    if not as_dict(spec.get("selector")):
        errs.append(field.required(path.child("selector"), ""))
    errs += objectmeta.validate_nonnegative_field(as_int(spec.get("replicas")), path.child("replicas"))
    return errs + validate_pod_template_spec_for_rc(spec.get("template"), spec.get("selector"),
                                                    as_int(spec.get("replicas")), path.child("template"), opts)


def validate_replication_controller_status(status: Object, path: field.Path = _STATUS) -> field.ErrorList:
    errs: field.ErrorList = []
    for key in ("replicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas", "observedGeneration"):
        errs += objectmeta.validate_nonnegative_field(as_int(status.get(key)), path.child(key))
    replicas = as_int(status.get("replicas"))
    for key in ("fullyLabeledReplicas", "readyReplicas", "availableReplicas"):
        if as_int(status.get(key)) > replicas:
            errs.append(field.invalid(path.child(key), as_int(status.get(key)), GREATER_THAN_REPLICAS))
    if as_int(status.get("availableReplicas")) > as_int(status.get("readyReplicas")):
        errs.append(field.invalid(path.child("availableReplicas"), as_int(status.get("availableReplicas")),
                                  "cannot be greater than readyReplicas"))
    return errs


def _options(obj: Object, old: Object | None):  # type: ignore[no-untyped-def]
    template = as_dict(as_dict(obj.get("spec")).get("template"))
    old_template = as_dict(as_dict(old.get("spec")).get("template")) if old is not None else None
    return validation_options(as_dict(template.get("spec")),
                              as_dict(old_template.get("spec")) if old_template is not None else None,
                              as_dict(template.get("metadata")),
                              as_dict(old_template.get("metadata")) if old_template is not None else None)


def _warnings(obj: Object, old: Object | None) -> list[str]:
    template = as_dict(obj.get("spec")).get("template")
    if not isinstance(template, dict):
        return []
    if old is not None and semantic_equal(template, as_dict(old.get("spec")).get("template")):
        return []
    return warnings_for_pod_spec_and_meta(field.new_path("template"), as_dict(template.get("spec")),
                                          as_dict(template.get("metadata")))


def _drop_disabled(obj: Object, old: Object | None) -> None:
    """pod.DropDisabledTemplateFields on the template, when there is one."""
    template = as_dict(obj.get("spec")).get("template")
    if isinstance(template, dict) and isinstance(template.get("spec"), dict):
        old_spec = as_dict(as_dict(as_dict(old.get("spec")).get("template")).get("spec")) if old is not None else None
        drop_disabled_pod_fields(template["spec"], old_spec)


class ReplicationControllerStrategy(Strategy):
    def default(self, obj: Object) -> None:
        try:
            set_defaults_replication_controller(obj)
        except quantity.QuantityError as exc:
            raise errors.bad_request("ReplicationController in version \"v1\" cannot be handled as a "
                                     f"ReplicationController: {exc}") from None

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        drop_status_on_create(obj)
        start_generation(obj)
        _drop_disabled(obj, None)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old_status(obj, old)
        _drop_disabled(obj, old)
        if not semantic_equal(obj.get("spec"), old.get("spec")):
            meta.ensure_metadata(obj)["generation"] = int(meta.metadata(old).get("generation") or 0) + 1

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        errs = objectmeta.validate_object_meta(meta.metadata(obj), True, objectmeta.name_is_dns_subdomain,
                                               field.new_path("metadata"))
        return errs + validate_replication_controller_spec(as_dict(obj.get("spec")), _SPEC, _options(obj, None))

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        errs = objectmeta.validate_object_meta_update(meta.metadata(obj), meta.metadata(old),
                                                      field.new_path("metadata"))
        return errs + validate_replication_controller_spec(as_dict(obj.get("spec")), _SPEC, _options(obj, old))

    def warnings_on_create(self, ctx: RequestContext, obj: Object) -> list[str]:
        warnings = []
        problems = validation.is_dns1123_label(meta.name(obj))
        if problems:
            warnings.append("metadata.name: this is used in Pod names and hostnames, which can result in surprising "
                            f"behavior; a DNS label is recommended: [{' '.join(problems)}]")
        return warnings + _warnings(obj, None)

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        return _warnings(obj, old)


class ReplicationControllerStatusStrategy(ReplicationControllerStrategy):
    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old_spec(obj, old)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        errs = objectmeta.validate_object_meta_update(meta.metadata(obj), meta.metadata(old),
                                                      field.new_path("metadata"))
        return errs + validate_replication_controller_status(as_dict(obj.get("status")))

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        return []


# -- printing ---------------------------------------------------------------------------------

_REPLICAS_DOC = ("Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero "
                 "and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/"
                 "replicationcontroller#what-is-a-replicationcontroller")
_CURRENT_DOC = ("Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/"
                "concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller")
_SELECTOR_DOC = ("Selector is a label query over pods that should match the Replicas count. If Selector is empty, it "
                 "is defaulted to the labels present on the Pod template. Label keys and values that must match in "
                 "order to be controlled by this replication controller, if empty defaulted to labels on Pod "
                 "template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/"
                 "#label-selectors")


def layout_container_cells(pod_spec: Object) -> tuple[str, str]:
    """upstream layoutContainerCells: names and images, comma-separated."""
    containers = dicts(pod_spec.get("containers"))
    return (",".join(as_str(c.get("name")) for c in containers), ",".join(as_str(c.get("image")) for c in containers))


def _row(obj: Object) -> list[object]:
    spec, status = as_dict(obj.get("spec")), as_dict(obj.get("status"))
    names, images = layout_container_cells(as_dict(as_dict(spec.get("template")).get("spec")))
    return [name_of(obj), as_int(spec.get("replicas")), as_int(status.get("replicas")),
            as_int(status.get("readyReplicas")), age(obj), names, images, labels.format_labels(
                as_dict(spec.get("selector")) if spec.get("selector") is not None else None)]


RC_PRINTER = Printer((
    NAME_COLUMN,
    Column("Desired", "integer", "", _REPLICAS_DOC),
    Column("Current", "integer", "", _CURRENT_DOC),
    Column("Ready", "integer", "", "The number of ready replicas for this replication controller."),
    AGE_COLUMN,
    Column("Containers", "string", "", "Names of each container in the template.", 1),
    Column("Images", "string", "", "Images referenced by each container in the template.", 1),
    Column("Selector", "string", "", _SELECTOR_DOC, 1),
), _row)


def _fields(rc: Object) -> dict[str, str]:
    return {"status.replicas": str(as_int(as_dict(rc.get("status")).get("replicas")))}


REPLICATIONCONTROLLERS = ResourceSpec(
    group="", version="v1", kind="ReplicationController", plural="replicationcontrollers",
    singular="replicationcontroller", namespaced=True, strategy=ReplicationControllerStrategy(),
    short_names=("rc",), categories=("all",), printer=RC_PRINTER, fields=_fields,
    subresources=(scale.scale_subresource(scale.set_selector_mapping(("v1",))),
                  subresources.status(ReplicationControllerStatusStrategy())),
)
