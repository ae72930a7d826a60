"""jobs, batch/v1 (upstream pkg/registry/batch/job and pkg/apis/batch/v1 SetDefaults_Job).

Defaults: completions and parallelism 1 when both are unset (parallelism 1 when only it
is), backoffLimit 6 (MaxInt32 with backoffLimitPerIndex), completionMode NonIndexed,
suspend false, podReplacementPolicy (Failed with a pod failure policy, else
TerminatingOrFailed), manualSelector false, the template's labels as the Job's when it
has none, and the pod template's defaults.

On create the server generates the selector (`batch.kubernetes.io/controller-uid=<uid>`)
and the template labels (`controller-uid`, `batch.kubernetes.io/controller-uid`,
`job-name`, `batch.kubernetes.io/job-name`) unless manualSelector is set, clears status
and starts the generation; updates keep status and bump the generation when the spec
changes. Deleting through batch/v1 orphans the pods by default, as upstream keeps it for
backwards compatibility.
"""

from __future__ import annotations

from kapiserver.apimachinery import errors, field, meta, quantity, timefmt, validation
from kapiserver.apimachinery.types import Object
from kapiserver.registry import subresources
from kapiserver.registry.core.pods_mutations import drop_disabled_pod_fields
from kapiserver.registry.core.pods_warnings import warnings_for_pod_spec_and_meta
from kapiserver.registry.core.podspec import set_defaults_pod_spec, validation_options
from kapiserver.registry.core.podspec.access import as_dict, as_int, as_str, dicts, semantic_equal
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

from . import printing
from .jobs_status import validate_job_update_status
from .jobs_update import validate_job_update
from .validation import (
    CONTROLLER_UID_LABEL,
    JOB_NAME_LABEL,
    LEGACY_CONTROLLER_UID_LABEL,
    LEGACY_JOB_NAME_LABEL,
    JobValidationOptions,
    validate_job,
)

MAX_INT32 = 2**31 - 1
_SPEC = field.new_path("spec")


def set_defaults_job(job: Object) -> None:
    """SetObjectDefaults_Job: SetDefaults_Job, then the pod template's defaults."""
    spec = job.get("spec")
    if not isinstance(spec, dict):
        spec = job["spec"] = {}
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1
        spec["parallelism"] = 1
    if spec.get("parallelism") is None:
        spec["parallelism"] = 1
    if spec.get("backoffLimit") is None:
        spec["backoffLimit"] = MAX_INT32 if spec.get("backoffLimitPerIndex") is not None else 6
    template = spec.get("template")
    if not isinstance(template, dict):
        template = spec["template"] = {}
    copy_template_labels(job)
    if spec.get("completionMode") is None:
        spec["completionMode"] = "NonIndexed"
    if spec.get("suspend") is None:
        spec["suspend"] = False
    for rule in dicts(as_dict(spec.get("podFailurePolicy")).get("rules")):
        for pattern in dicts(rule.get("onPodConditions")):
            if not pattern.get("status"):
                pattern["status"] = "True"
    if spec.get("podReplacementPolicy") is None:
        spec["podReplacementPolicy"] = "Failed" if spec.get("podFailurePolicy") is not None else "TerminatingOrFailed"
    if spec.get("manualSelector") is None:
        spec["manualSelector"] = False
    pod_spec = template.get("spec")
    if not isinstance(pod_spec, dict):
        pod_spec = template["spec"] = {}
    set_defaults_pod_spec(pod_spec)


def template_spec(job: Object) -> Object:
    """The Job's pod spec (created when missing, so strategies can mutate it)."""
    template = job.setdefault("spec", {}).setdefault("template", {})
    spec = template.get("spec")
    if not isinstance(spec, dict):
        spec = template["spec"] = {}
    return spec


def copy_template_labels(job: Object) -> None:
    """A Job without labels takes its template's."""
    template_labels = as_dict(as_dict(as_dict(as_dict(job.get("spec")).get("template")).get("metadata")).get("labels"))
    metadata = meta.ensure_metadata(job)
    if "labels" in as_dict(as_dict(as_dict(job.get("spec")).get("template")).get("metadata")) and \
            not metadata.get("labels"):
        metadata["labels"] = dict(template_labels)


def generate_selector(job: Object) -> None:
    """upstream generateSelector: labels naming the Job and its uid, and a selector on the uid.
    Labels the user already set stay; validation refuses them when they conflict."""
    metadata = meta.metadata(job)
    name, uid = as_str(metadata.get("name")), as_str(metadata.get("uid"))
    spec = job.setdefault("spec", {})
    template = spec.setdefault("template", {})
    template_meta = template.get("metadata")
    if not isinstance(template_meta, dict):
        template_meta = template["metadata"] = {}
    labels = template_meta.get("labels")
    if not isinstance(labels, dict):
        labels = template_meta["labels"] = {}
    for key in (LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL):
        labels.setdefault(key, name)
    for key in (LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL):
        labels.setdefault(key, uid)
    selector = spec.get("selector")
    if not isinstance(selector, dict):
        selector = spec["selector"] = {}
    match_labels = selector.get("matchLabels")
    if not isinstance(match_labels, dict):
        match_labels = selector["matchLabels"] = {}
    match_labels.setdefault(CONTROLLER_UID_LABEL, uid)


def validation_options_for_job(job: Object, old: Object | None) -> JobValidationOptions:
    template = as_dict(as_dict(job.get("spec")).get("template"))
    old_template = as_dict(as_dict(old.get("spec")).get("template")) if old is not None else None
    pod_opts = validation_options(as_dict(template.get("spec")),
                                  as_dict(old_template.get("spec")) if old_template is not None else None,
                                  as_dict(template.get("metadata")),
                                  as_dict(old_template.get("metadata")) if old_template is not None else None)
    opts = JobValidationOptions(pod=pod_opts)
    if old is not None and old_template is not None:
        from kapiserver.apimachinery import metav1_validation

        old_spec = as_dict(old.get("spec"))
        selector = old_spec.get("selector")
        pod_opts.allow_invalid_label_value_in_selector = pod_opts.allow_invalid_label_value_in_selector or \
            metav1_validation.label_selector_has_invalid_label_value(selector if isinstance(selector, dict) else None)
        opts.allow_mutable_scheduling_directives = old_spec.get("suspend") is True and \
            as_dict(old.get("status")).get("startTime") is None
        old_labels = as_dict(as_dict(old_template.get("metadata")).get("labels"))
        opts.require_prefixed_labels = JOB_NAME_LABEL in old_labels and CONTROLLER_UID_LABEL in old_labels
    return opts


def warnings_for_job_spec(path: field.Path, spec: Object, old_spec: Object | None) -> list[str]:
    """pkg/api/job WarningsForJobSpec."""
    warnings: list[str] = []
    completions, parallelism = spec.get("completions"), spec.get("parallelism")
    if spec.get("completionMode") == "Indexed" and isinstance(completions, int) and completions > 100_000 and \
            isinstance(parallelism, int) and parallelism > 10_000:
        warnings.append("In Indexed Jobs with a number of completions higher than 10^5 and a parallelism higher than "
                        "10^4, Kubernetes might not be able to track completedIndexes when a big number of indexes "
                        "fail")
    template = as_dict(spec.get("template"))
    old_template = as_dict(old_spec.get("template")) if old_spec is not None else None
    if old_template is None or not semantic_equal(template, old_template):
        warnings += warnings_for_pod_spec_and_meta(path.child("template"), as_dict(template.get("spec")),
                                                   as_dict(template.get("metadata")))
    return warnings


def name_warnings(obj: Object) -> list[str]:
    problems = validation.is_dns1123_label(meta.name(obj))
    if not problems:
        return []
    return [("metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; "
            f"a DNS label is recommended: [{' '.join(problems)}]")]


class JobStrategy(Strategy):
    default_garbage_collection_policy = "OrphanDependents"

    def default(self, obj: Object) -> None:
        try:
            set_defaults_job(obj)
        except quantity.QuantityError as exc:
            raise errors.bad_request(f'Job in version "v1" cannot be handled as a Job: {exc}') from None

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        spec = obj.setdefault("spec", {})
        if spec.get("manualSelector") is not True:
            generate_selector(obj)
            # Upstream defaults every Job it reads back from storage, so the generated template
            # labels reach metadata.labels on the first read; storing them does the same.
            copy_template_labels(obj)
        drop_status_on_create(obj)
        start_generation(obj)
        drop_disabled_pod_fields(template_spec(obj), None)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old_status(obj, old)
        drop_disabled_pod_fields(template_spec(obj), as_dict(as_dict(as_dict(old.get("spec")).get("template")).get(
            "spec")))
        if not semantic_equal(obj.get("spec"), old.get("spec")):
            meta.ensure_metadata(obj)["generation"] = int(meta.metadata(old).get("generation") or 0) + 1

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_job(obj, validation_options_for_job(obj, None))

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        opts = validation_options_for_job(obj, old)
        return validate_job(obj, opts) + validate_job_update(obj, old, opts)

    def warnings_on_create(self, ctx: RequestContext, obj: Object) -> list[str]:
        return name_warnings(obj) + warnings_for_job_spec(_SPEC, as_dict(obj.get("spec")), None)

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        if meta.generation(obj) == meta.generation(old):
            return []
        return warnings_for_job_spec(_SPEC, as_dict(obj.get("spec")), as_dict(old.get("spec")))


class JobStatusStrategy(JobStrategy):
    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old_spec(obj, old)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_job_update_status(obj, old)

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        return []


# -- printing ---------------------------------------------------------------------------------


def _has_condition(status: Object, kind: str) -> bool:
    """upstream hasJobCondition: the first condition of the type decides."""
    for condition in dicts(status.get("conditions")):
        if condition.get("type") == kind:
            return condition.get("status") == "True"
    return False


def job_status_cell(job: Object) -> str:
    status = as_dict(job.get("status"))
    if _has_condition(status, "Complete"):
        return "Complete"
    if _has_condition(status, "Failed"):
        return "Failed"
    if meta.deletion_timestamp(job):
        return "Terminating"
    if _has_condition(status, "Suspended"):
        return "Suspended"
    if _has_condition(status, "FailureTarget"):
        return "FailureTarget"
    return "Running"


def completions_cell(job: Object) -> str:
    spec, status = as_dict(job.get("spec")), as_dict(job.get("status"))
    succeeded = as_int(status.get("succeeded"))
    if spec.get("completions") is not None:
        return f"{succeeded}/{as_int(spec['completions'])}"
    parallelism = as_int(spec.get("parallelism"))
    return f"{succeeded}/1 of {parallelism}" if parallelism > 1 else f"{succeeded}/1"


def duration_cell(job: Object) -> str:
    status = as_dict(job.get("status"))
    start = status.get("startTime")
    if not start:
        return ""
    try:
        started = timefmt.parse_time(as_str(start)).timestamp()
        completion = status.get("completionTime")
        if not completion:
            import time

            return timefmt.human_duration(time.time() - started)
        return timefmt.human_duration(timefmt.parse_time(as_str(completion)).timestamp() - started)
    except ValueError:
        return ""


def _row(job: Object) -> list[object]:
    spec = as_dict(job.get("spec"))
    names, images = printing.layout_container_cells(as_dict(as_dict(spec.get("template")).get("spec")))
    return [name_of(job), job_status_cell(job), completions_cell(job), duration_cell(job), age(job), names, images,
            printing.format_label_selector(spec.get("selector"))]


JOB_PRINTER = Printer((
    NAME_COLUMN,
    Column("Status", "string", "", "Status of the job."),
    Column("Completions", "string", "", printing.JOB_SUCCEEDED_DOC),
    Column("Duration", "string", "", "Time required to complete the job."),
    AGE_COLUMN,
    printing.CONTAINERS_COLUMN,
    printing.IMAGES_COLUMN,
    Column("Selector", "string", "", printing.JOB_SELECTOR_DOC, 1),
), _row)


def _fields(job: Object) -> dict[str, str]:
    return {"status.successful": str(as_int(as_dict(job.get("status")).get("succeeded")))}


JOBS = ResourceSpec(
    group="batch", version="v1", kind="Job", plural="jobs", singular="job", namespaced=True,
    strategy=JobStrategy(), categories=("all",), printer=JOB_PRINTER, fields=_fields,
    subresources=(subresources.status(JobStatusStrategy()),),
)
