"""The pod template inside apps workloads: defaults, dropped fields, validation, warnings.

Everything about the pod itself comes from registry/core/podspec; this module adds what
the workloads ask of their template (upstream ValidatePodTemplateSpecForReplicaSet and
ValidatePodTemplateSpecForStatefulSet): the selector must match the template's labels,
pods restart Always, no activeDeadlineSeconds, and read-only GCE disks when replicated.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import (
    errors,
    field,
    labels,
    meta,
    metav1_validation,
    objectmeta,
    quantity,
    validation,
)
from kapiserver.apimachinery.types import Object
from kapiserver.registry.core import pods_mutations, pods_warnings
from kapiserver.registry.core.podspec import PodValidationOptions, set_defaults_pod_spec, validation_options
from kapiserver.registry.core.podspec.access import as_dict, dicts
from kapiserver.registry.core.podspec.validation import validate_pod_template_spec
from kapiserver.registry.core.podspec.validation_annotations import validate_pod_specific_annotations

from .validation_common import json_labels

SELECTOR_MISMATCH = "`selector` does not match template `labels`"
TEMPLATE_PATH = field.new_path("spec", "template")


def _dict(parent: Object, key: str) -> Object:
    value = parent.get(key)
    if not isinstance(value, dict):
        value = parent[key] = {}
    return value


def template_of(obj: Object) -> Object:
    return as_dict(as_dict(obj.get("spec")).get("template"))


def default_template(obj: Object, kind: str) -> None:
    """The v1 defaults of spec.template.spec; an unparsable quantity is the kind's 400 decode error."""
    template = _dict(_dict(obj, "spec"), "template")
    try:
        set_defaults_pod_spec(_dict(template, "spec"))
    except quantity.QuantityError as exc:
        raise errors.bad_request(f'{kind} in version "v1" cannot be handled as a {kind}: {exc}') from None


def drop_disabled_template_fields(obj: Object, old: Object | None) -> None:
    """upstream pod.DropDisabledTemplateFields."""
    spec = template_of(obj).get("spec")
    if isinstance(spec, dict):
        old_spec = as_dict(template_of(old).get("spec")) if old is not None else None
        pods_mutations.drop_disabled_pod_fields(spec, old_spec)


def options_for(obj: Object, old: Object | None) -> PodValidationOptions:
    """upstream GetValidationOptionsFromPodTemplate."""
    template = template_of(obj)
    old_template = template_of(old) if old is not None else None
    return validation_options(as_dict(template.get("spec")),
                              as_dict(old_template.get("spec")) if old_template is not None else None,
                              as_dict(template.get("metadata")),
                              as_dict(old_template.get("metadata")) if old_template is not None else None)


def template_warnings(obj: Object) -> list[str]:
    """upstream GetWarningsForPodTemplate at spec.template."""
    template = template_of(obj)
    return pods_warnings.warnings_for_pod_spec_and_meta(TEMPLATE_PATH, as_dict(template.get("spec")),
                                                         as_dict(template.get("metadata")))


def name_warnings(obj: Object) -> list[str]:
    """Deployments and replicasets name their pods after themselves: a DNS label is recommended."""
    problems = validation.is_dns1123_label(meta.name(obj))
    if not problems:
        return []
    return [("metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; "
            f"a DNS label is recommended: [{' '.join(problems)}]")]


def _template_labels(template: Object) -> Any:
    return as_dict(template.get("metadata")).get("labels")


def selector_mismatch(selector: labels.Selector | None, template: Object, path: field.Path,
                      skip_empty: bool = True) -> field.ErrorList:
    """The template's labels must match the selector (an empty selector is not checked when
    skip_empty, as the replicaset and statefulset rules say)."""
    if selector is None or (skip_empty and selector.empty()):
        return []
    template_labels = _template_labels(template)
    if selector.matches(template_labels if isinstance(template_labels, dict) else {}):
        return []
    return [field.invalid(path, json_labels(template_labels), SELECTOR_MISMATCH)]


def restart_and_deadline(spec: Object, path: field.Path, kind: str) -> field.ErrorList:
    """Workload pods restart Always and never carry activeDeadlineSeconds."""
    errs: field.ErrorList = []
    policy = spec.get("restartPolicy") or ""
    if policy != "Always":
        errs.append(field.not_supported(path.child("restartPolicy"), policy, ["Always"]))
    if spec.get("activeDeadlineSeconds") is not None:
        errs.append(field.forbidden(path.child("activeDeadlineSeconds"), f"activeDeadlineSeconds in {kind} is not "
                                                                         "Supported"))
    return errs


def read_only_persistent_disks(spec: Object, path: field.Path) -> field.ErrorList:
    """upstream ValidateReadOnlyPersistentDisks: several pods can share a GCE PD only read-only."""
    errs: field.ErrorList = []
    for i, volume in enumerate(dicts(spec.get("volumes"))):
        disk = volume.get("gcePersistentDisk")
        if isinstance(disk, dict) and not disk.get("readOnly"):
            errs.append(field.invalid(path.index(i).child("gcePersistentDisk", "readOnly"), False,
                                      "must be true for replicated pods > 1; GCE PD can only be mounted on multiple "
                                      "machines if it is read-only"))
    return errs


def validate_for_replica_set(template: Object, selector: labels.Selector, replicas: int, path: field.Path,
                             opts: PodValidationOptions) -> field.ErrorList:
    """upstream ValidatePodTemplateSpecForReplicaSet (deployments and replicasets)."""
    errs = selector_mismatch(selector, template, path.child("metadata", "labels"))
    errs += validate_pod_template_spec(template, path, opts)
    spec = as_dict(template.get("spec"))
    if replicas > 1:
        errs += read_only_persistent_disks(spec, path.child("spec", "volumes"))
    return errs + restart_and_deadline(spec, path.child("spec"), "ReplicaSet")


def validate_for_stateful_set(template: Object, selector: labels.Selector, path: field.Path,
                              opts: PodValidationOptions) -> field.ErrorList:
    """upstream ValidatePodTemplateSpecForStatefulSet: labels and annotations only; the pod spec
    itself is not validated for statefulsets."""
    errs = selector_mismatch(selector, template, path.child("metadata", "labels"))
    template_meta = as_dict(template.get("metadata"))
    annotations = as_dict(template_meta.get("annotations"))
    errs += metav1_validation.validate_labels(as_dict(template_meta.get("labels")), path.child("labels"))
    errs += objectmeta.validate_annotations(annotations, path.child("annotations"))
    errs += validate_pod_specific_annotations(annotations, as_dict(template.get("spec")), path.child("annotations"),
                                              opts)
    return errs
