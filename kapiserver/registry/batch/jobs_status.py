"""Job status updates (upstream ValidateJobUpdateStatus and jobStatusStrategy's
getStatusValidationOptions, with JobManagedBy on as in v1.35).

External controllers may own a Job's status (spec.managedBy), so upstream checks that
status moves as the job controller would move it: terminal conditions stay, counters
only grow, a finished Job has no active pods, ... Each rule runs only when the fields it
reads changed, so an update unrelated to an already-broken field still goes through.
"""

from __future__ import annotations

from dataclasses import dataclass

from kapiserver.apimachinery import field, objectmeta, timefmt
from kapiserver.apimachinery.types import Object
from kapiserver.registry.core import internal_json
from kapiserver.registry.core.podspec.access import as_dict, as_int, as_str, dicts, opt_int, semantic_equal

from . import indexes

_STATUS = field.new_path("status")


@dataclass(slots=True)
class JobStatusValidationOptions:
    reject_decreasing_succeeded_counter: bool = False
    reject_decreasing_failed_counter: bool = False
    reject_disabling_terminal_condition: bool = False
    reject_invalid_completed_indexes: bool = False
    reject_invalid_failed_indexes: bool = False
    reject_failed_indexes_overlapping_completed: bool = False
    reject_completed_indexes_for_non_indexed_job: bool = False
    reject_failed_indexes_for_no_backoff_limit_per_index: bool = False
    reject_failed_job_without_failure_target: bool = False
    reject_complete_job_without_success_criteria_met: bool = False
    reject_finished_job_with_active_pods: bool = False
    reject_finished_job_without_start_time: bool = False
    reject_finished_job_with_uncounted_terminated_pods: bool = False
    reject_start_time_update_for_unsuspended_job: bool = False
    reject_completion_time_before_start_time: bool = False
    reject_mutating_completion_time: bool = False
    reject_complete_job_without_completion_time: bool = False
    reject_not_complete_job_with_completion_time: bool = False
    reject_complete_job_with_failed_condition: bool = False
    reject_complete_job_with_failure_target_condition: bool = False
    allow_for_success_criteria_met_in_extended_scope: bool = False
    reject_more_ready_than_active_pods: bool = False
    reject_finished_job_with_terminating_pods: bool = False


def is_condition_true(job: Object, kind: str) -> bool:
    return any(c.get("type") == kind and c.get("status") == "True"
               for c in dicts(as_dict(job.get("status")).get("conditions")))


def is_job_finished(job: Object) -> bool:
    return is_condition_true(job, "Complete") or is_condition_true(job, "Failed")


def status_validation_options(job: Object, old: Object) -> JobStatusValidationOptions:
    spec, status, old_status = as_dict(job.get("spec")), as_dict(job.get("status")), as_dict(old.get("status"))

    def changed(key: str) -> bool:
        return not semantic_equal(status.get(key), old_status.get(key)) or (
            (status.get(key) is None) != (old_status.get(key) is None) and key in ("failedIndexes", "ready",
                                                                                    "terminating"))

    def flipped(kind: str) -> bool:
        return is_condition_true(job, kind) != is_condition_true(old, kind)

    indexed = spec.get("completionMode") == "Indexed"
    finished = is_job_finished(job) != is_job_finished(old)
    completed, failed = changed("completedIndexes"), changed("failedIndexes")
    start, completion = changed("startTime"), changed("completionTime")
    suspended_without_completions = spec.get("suspend") is True and spec.get("completions") == 0
    return JobStatusValidationOptions(
        reject_decreasing_succeeded_counter=not indexed or opt_int(spec.get("completions")) != opt_int(
            spec.get("parallelism")),
        reject_decreasing_failed_counter=True,
        reject_disabling_terminal_condition=True,
        reject_invalid_completed_indexes=completed,
        reject_invalid_failed_indexes=failed,
        reject_completed_indexes_for_non_indexed_job=completed,
        reject_failed_indexes_for_no_backoff_limit_per_index=failed,
        reject_failed_indexes_overlapping_completed=failed or completed,
        reject_failed_job_without_failure_target=flipped("Failed") or failed,
        reject_complete_job_without_success_criteria_met=flipped("Complete") or flipped("SuccessCriteriaMet"),
        reject_finished_job_with_active_pods=finished or changed("active"),
        reject_finished_job_without_start_time=(finished or start) and not suspended_without_completions,
        reject_finished_job_with_uncounted_terminated_pods=finished or changed("uncountedTerminatedPods"),
        reject_start_time_update_for_unsuspended_job=start,
        reject_completion_time_before_start_time=start or completion,
        reject_mutating_completion_time=True,
        reject_not_complete_job_with_completion_time=flipped("Complete") or completion,
        reject_complete_job_without_completion_time=flipped("Complete") or completion,
        reject_complete_job_with_failed_condition=flipped("Complete") or flipped("Failed"),
        reject_complete_job_with_failure_target_condition=flipped("Complete") or flipped("FailureTarget"),
        allow_for_success_criteria_met_in_extended_scope=True,
        reject_more_ready_than_active_pods=changed("ready") or changed("active"),
        reject_finished_job_with_terminating_pods=finished or changed("terminating"),
    )


def _time(value: object) -> float | None:
    try:
        return timefmt.parse_time(as_str(value)).timestamp() if value else None
    except ValueError:
        return None


def _uid_list_errors(status: Object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    seen: set[str] = set()
    uncounted = as_dict(status.get("uncountedTerminatedPods"))
    for key in ("succeeded", "failed"):
        for i, uid in enumerate(uncounted.get(key) or []):
            item = path.child(key).index(i)
            if not uid:
                errs.append(field.invalid(item, as_str(uid), "must not be empty"))
            elif uid in seen:
                errs.append(field.duplicate(item, uid))
            else:
                seen.add(uid)
    return errs


def _counter_errors(status: Object) -> field.ErrorList:
    errs: field.ErrorList = []
    for key in ("active", "succeeded", "failed"):
        errs += objectmeta.validate_nonnegative_field(as_int(status.get(key)), _STATUS.child(key))
    for key in ("ready", "terminating"):
        if status.get(key) is not None:
            errs += objectmeta.validate_nonnegative_field(as_int(status[key]), _STATUS.child(key))
    if status.get("uncountedTerminatedPods") is not None:
        errs += _uid_list_errors(status, _STATUS.child("uncountedTerminatedPods"))
    return errs


def _condition_errors(job: Object, opts: JobStatusValidationOptions, late: bool) -> field.ErrorList:
    """The condition pairs checked before (late=False) and after (late=True) the times."""
    conditions = _STATUS.child("conditions")
    complete, failed = is_condition_true(job, "Complete"), is_condition_true(job, "Failed")
    target, met = is_condition_true(job, "FailureTarget"), is_condition_true(job, "SuccessCriteriaMet")
    rules = [
        (opts.reject_failed_job_without_failure_target and failed and not target,
         "cannot set Failed=True condition without the FailureTarget=true condition"),
        (opts.reject_complete_job_without_success_criteria_met and complete and not met,
         "cannot set Complete=True condition without the SuccessCriteriaMet=true condition"),
    ] if late else [
        (opts.reject_complete_job_with_failed_condition and complete and failed,
         "cannot set Complete=True and Failed=true conditions"),
        (opts.reject_complete_job_with_failure_target_condition and complete and target,
         "cannot set Complete=True and FailureTarget=true conditions"),
    ]
    return [field.invalid(conditions, field.OMIT, message) for broken, message in rules if broken]


def _late_condition_errors(job: Object, opts: JobStatusValidationOptions) -> field.ErrorList:
    conditions = _STATUS.child("conditions")
    complete, failed = is_condition_true(job, "Complete"), is_condition_true(job, "Failed")
    target, met = is_condition_true(job, "FailureTarget"), is_condition_true(job, "SuccessCriteriaMet")
    spec = as_dict(job.get("spec"))
    extended = opts.allow_for_success_criteria_met_in_extended_scope
    rules = [
        (not extended and spec.get("completionMode") != "Indexed" and met,
         "cannot set SuccessCriteriaMet to NonIndexed Job"),
        (met and failed, "cannot set SuccessCriteriaMet=True and Failed=true conditions"),
        (met and target, "cannot set SuccessCriteriaMet=True and FailureTarget=true conditions"),
        (not extended and spec.get("successPolicy") is None and met,
         "cannot set SuccessCriteriaMet=True for Job without SuccessPolicy"),
        (spec.get("successPolicy") is not None and not met and complete,
         "cannot set Complete=True for Job with SuccessPolicy unless SuccessCriteriaMet=True"),
    ]
    return [field.invalid(conditions, field.OMIT, message) for broken, message in rules if broken]


def _time_errors(job: Object, opts: JobStatusValidationOptions) -> field.ErrorList:
    status = as_dict(job.get("status"))
    complete = is_condition_true(job, "Complete")
    start, completion = status.get("startTime"), status.get("completionTime")
    errs: field.ErrorList = []
    if opts.reject_not_complete_job_with_completion_time and completion is not None and not complete:
        errs.append(field.invalid(_STATUS.child("completionTime"), completion,
                                  "cannot set completionTime when there is no Complete=True condition"))
    if opts.reject_complete_job_without_completion_time and completion is None and complete:
        errs.append(field.required(_STATUS.child("completionTime"), "completionTime is required for Complete jobs"))
    start_at, completion_at = _time(start), _time(completion)
    if opts.reject_completion_time_before_start_time and start_at is not None and completion_at is not None \
            and completion_at < start_at:
        errs.append(field.invalid(_STATUS.child("completionTime"), completion,
                                  "completionTime cannot be set before startTime"))
    return errs


def _finished_errors(job: Object, opts: JobStatusValidationOptions) -> field.ErrorList:
    status = as_dict(job.get("status"))
    finished = is_job_finished(job)
    errs: field.ErrorList = []
    active = as_int(status.get("active"))
    if opts.reject_finished_job_with_active_pods and active > 0 and finished:
        errs.append(field.invalid(_STATUS.child("active"), active, "active>0 is invalid for finished job"))
    if opts.reject_finished_job_without_start_time and status.get("startTime") is None and finished:
        errs.append(field.required(_STATUS.child("startTime"), "startTime is required for finished job"))
    uncounted = status.get("uncountedTerminatedPods")
    if opts.reject_finished_job_with_uncounted_terminated_pods and finished and isinstance(uncounted, dict) and (
            uncounted.get("failed") or uncounted.get("succeeded")):
        errs.append(field.invalid(_STATUS.child("uncountedTerminatedPods"),
                                  internal_json.marshal(uncounted, "batch.v1.UncountedTerminatedPods"),
                                  "uncountedTerminatedPods needs to be empty for finished job"))
    return errs


def _pod_count_errors(job: Object, opts: JobStatusValidationOptions) -> field.ErrorList:
    status = as_dict(job.get("status"))
    errs: field.ErrorList = []
    terminating = opt_int(status.get("terminating"))
    if opts.reject_finished_job_with_terminating_pods and is_job_finished(job) and terminating is not None and terminating > 0:
        errs.append(field.invalid(_STATUS.child("terminating"), terminating, "terminating>0 is invalid for finished job"))
    ready = opt_int(status.get("ready"))
    if opts.reject_more_ready_than_active_pods and ready is not None and ready > as_int(status.get("active")):
        errs.append(field.invalid(_STATUS.child("ready"), ready, "cannot set more ready pods than active"))
    return errs


def _index_errors(job: Object, opts: JobStatusValidationOptions) -> field.ErrorList:
    spec, status = as_dict(job.get("spec")), as_dict(job.get("status"))
    completions = opt_int(spec.get("completions"))
    completed, failed = as_str(status.get("completedIndexes")), status.get("failedIndexes")
    errs: field.ErrorList = []
    if opts.reject_invalid_completed_indexes and completions is not None:
        try:
            indexes.validate_indexes_format(completed, completions)
        except ValueError as exc:
            errs.append(field.invalid(_STATUS.child("completedIndexes"), completed,
                                      f"error parsing completedIndexes: {exc}"))
    if opts.reject_invalid_failed_indexes and completions is not None and spec.get("backoffLimitPerIndex") is not None \
            and failed is not None:
        try:
            indexes.validate_indexes_format(as_str(failed), completions)
        except ValueError as exc:
            errs.append(field.invalid(_STATUS.child("failedIndexes"), as_str(failed),
                                      f"error parsing failedIndexes: {exc}"))
    if opts.reject_completed_indexes_for_non_indexed_job and completed and spec.get("completionMode") != "Indexed":
        errs.append(field.invalid(_STATUS.child("completedIndexes"), completed,
                                  "cannot set non-empty completedIndexes when non-indexed completion mode"))
    if opts.reject_failed_indexes_for_no_backoff_limit_per_index and spec.get("backoffLimitPerIndex") is None \
            and failed is not None:
        errs.append(field.invalid(_STATUS.child("failedIndexes"), as_str(failed),
                                  "cannot set non-null failedIndexes when backoffLimitPerIndex is null"))
    if opts.reject_failed_indexes_overlapping_completed and completions is not None and failed is not None:
        problem = indexes.failed_overlapping_completed(completed, as_str(failed), completions)
        if problem:
            errs.append(field.invalid(_STATUS.child("failedIndexes"), as_str(failed), problem))
    return errs


def validate_job_status(job: Object, opts: JobStatusValidationOptions) -> field.ErrorList:
    """validateJobStatus, in upstream's order of checks."""
    errs = _counter_errors(as_dict(job.get("status")))
    errs += _condition_errors(job, opts, late=False)
    errs += _time_errors(job, opts)
    errs += _condition_errors(job, opts, late=True)
    errs += _finished_errors(job, opts)
    errs += _index_errors(job, opts)
    errs += _pod_count_errors(job, opts)
    return errs + _late_condition_errors(job, opts)


def _transition_errors(job: Object, old: Object, opts: JobStatusValidationOptions) -> field.ErrorList:
    status, old_status = as_dict(job.get("status")), as_dict(old.get("status"))
    errs: field.ErrorList = []
    if opts.reject_disabling_terminal_condition:
        for kind in ("Failed", "Complete", "FailureTarget"):
            if is_condition_true(old, kind) and not is_condition_true(job, kind):
                errs.append(field.invalid(_STATUS.child("conditions"), field.OMIT,
                                          f"cannot disable the terminal {kind}=True condition"))
    for key, flag in (("failed", opts.reject_decreasing_failed_counter),
                      ("succeeded", opts.reject_decreasing_succeeded_counter)):
        if flag and as_int(status.get(key)) < as_int(old_status.get(key)):
            errs.append(field.invalid(_STATUS.child(key), as_int(status.get(key)), f"cannot decrease the {key} counter"))
    completion, old_completion = status.get("completionTime"), old_status.get("completionTime")
    if opts.reject_mutating_completion_time and completion is not None and old_completion is not None and \
            _time(completion) != _time(old_completion):
        errs.append(field.invalid(_STATUS.child("completionTime"), completion, "completionTime cannot be mutated"))
    start, old_start = status.get("startTime"), old_status.get("startTime")
    if opts.reject_start_time_update_for_unsuspended_job and old_start is not None and \
            _time(old_start) != _time(start) and as_dict(job.get("spec")).get("suspend") is not True:
        errs.append(field.required(_STATUS.child("startTime"), "startTime cannot be removed for unsuspended job"))
    met, old_met = is_condition_true(job, "SuccessCriteriaMet"), is_condition_true(old, "SuccessCriteriaMet")
    if old_met and not met:
        errs.append(field.invalid(_STATUS.child("conditions"), field.OMIT,
                                  "cannot disable the SuccessCriteriaMet=True condition"))
    if is_condition_true(old, "Complete") and not old_met and met:
        errs.append(field.invalid(_STATUS.child("conditions"), field.OMIT,
                                  "cannot set SuccessCriteriaMet=True for Job already has Complete=true conditions"))
    return errs


def validate_job_update_status(job: Object, old: Object) -> field.ErrorList:
    """ValidateJobUpdateStatus: metadata, then the status rules for this transition."""
    opts = status_validation_options(job, old)
    errs = objectmeta.validate_object_meta_update(as_dict(job.get("metadata")), as_dict(old.get("metadata")),
                                                  field.new_path("metadata"))
    errs += validate_job_status(job, opts)
    return errs + _transition_errors(job, old, opts)
