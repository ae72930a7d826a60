"""What a Job update may change (upstream pkg/apis/batch/validation: ValidateJobUpdate,
ValidateJobSpecUpdate, validatePodTemplateUpdate)."""

from __future__ import annotations

from kapiserver.apimachinery import field, objectmeta
from kapiserver.apimachinery.types import Object
from kapiserver.registry.core import internal_json
from kapiserver.registry.core.podspec.access import as_dict, opt_int, semantic_equal

from .validation import JobValidationOptions, validate_job_spec

_SPEC = field.new_path("spec")


# --- updates -----------------------------------------------------------------------------------


def _template_for_comparison(template: Object, old_template: Object, opts: JobValidationOptions) -> Object:
    """The old template with the scheduling directives a suspended, never-started Job may change
    taken from the new one (upstream validatePodTemplateUpdate)."""
    if not opts.allow_mutable_scheduling_directives:
        return old_template
    old = {**old_template, "metadata": dict(as_dict(old_template.get("metadata"))),
           "spec": dict(as_dict(old_template.get("spec")))}
    new_meta, new_spec = as_dict(template.get("metadata")), as_dict(template.get("spec"))
    affinity, old_affinity = new_spec.get("affinity"), old["spec"].get("affinity")
    if affinity is None and old_affinity is not None:
        rest = {k: v for k, v in as_dict(old_affinity).items() if k != "nodeAffinity"}
        if any(v is not None for v in rest.values()):
            old["spec"]["affinity"] = rest
        else:
            old["spec"].pop("affinity", None)
    elif affinity is not None:
        merged = {k: v for k, v in as_dict(old_affinity).items() if k != "nodeAffinity"}
        if as_dict(affinity).get("nodeAffinity") is not None:
            merged["nodeAffinity"] = as_dict(affinity)["nodeAffinity"]
        old["spec"]["affinity"] = merged
    for key in ("nodeSelector", "tolerations", "schedulingGates"):
        _copy_key(new_spec, old["spec"], key)
    for key in ("annotations", "labels"):
        _copy_key(new_meta, old["metadata"], key)
    return old


def _copy_key(source: Object, target: Object, key: str) -> None:
    if key in source:
        target[key] = source[key]
    else:
        target.pop(key, None)


def validate_job_spec_update(spec: Object, old_spec: Object, path: field.Path,
                             opts: JobValidationOptions) -> field.ErrorList:
    """ValidateJobSpecUpdate: the spec again, then what may not change."""
    errs = validate_job_spec(spec, path, opts)
    errs += _validate_completions_update(spec, old_spec, path.child("completions"), opts)
    if not semantic_equal(spec.get("selector"), old_spec.get("selector")):
        errs.append(field.invalid(path.child("selector"), internal_json.marshal(spec.get("selector"),
                                                                                  "apis.meta.v1.LabelSelector"),
                                  objectmeta.FIELD_IMMUTABLE_ERROR_MSG))
    template, old_template = as_dict(spec.get("template")), as_dict(old_spec.get("template"))
    if not semantic_equal(template, _template_for_comparison(template, old_template, opts)):
        errs.append(field.invalid(path.child("template"), internal_json.marshal(template, "core.v1.PodTemplateSpec"),
                                  objectmeta.FIELD_IMMUTABLE_ERROR_MSG))
    for key, message in (("completionMode", None), ("podFailurePolicy", "batch.v1.PodFailurePolicy"),
                         ("backoffLimitPerIndex", None), ("managedBy", None),
                         ("successPolicy", "batch.v1.SuccessPolicy")):
        new, old = spec.get(key), old_spec.get(key)
        if not semantic_equal(new, old) or (new is None) != (old is None):
            shown = internal_json.marshal(new, message) if message else new
            errs.append(field.invalid(path.child(key), shown, objectmeta.FIELD_IMMUTABLE_ERROR_MSG))
    return errs


def _validate_completions_update(spec: Object, old_spec: Object, path: field.Path,
                                 opts: JobValidationOptions) -> field.ErrorList:
    new, old = opt_int(spec.get("completions")), opt_int(old_spec.get("completions"))
    indexed = spec.get("completionMode") == "Indexed"
    if not opts.allow_elastic_indexed_jobs or not indexed:
        return [] if new == old else [field.invalid(path, new, objectmeta.FIELD_IMMUTABLE_ERROR_MSG)]
    if new == old or new is None:
        return []
    if new != opt_int(spec.get("parallelism")):
        return [field.invalid(path, new, "can only be modified in tandem with spec.parallelism")]
    return []


def validate_job_update(job: Object, old: Object, opts: JobValidationOptions) -> field.ErrorList:
    """ValidateJobUpdate (metadata and spec)."""
    errs = objectmeta.validate_object_meta_update(as_dict(job.get("metadata")), as_dict(old.get("metadata")),
                                                  field.new_path("metadata"))
    return errs + validate_job_spec_update(as_dict(job.get("spec")), as_dict(old.get("spec")), _SPEC, opts)
