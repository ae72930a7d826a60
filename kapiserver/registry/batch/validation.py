"""Validation of Jobs (upstream pkg/apis/batch/validation: ValidateJob, ValidateJobSpec).

Pure functions over dicts. The pod template is validated by core's podspec; what is
batch-specific is here: counters, the completion mode, the pod failure and success
policies, the generated selector and labels, and restartPolicy.
The Job status rules live in `jobs_status`, what a Job update may change in
`jobs_update`, and the CronJob rules in `cronjobs_validation`.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field

from kapiserver.apimachinery import field, labels, metav1_validation, objectmeta, validation
from kapiserver.apimachinery.types import Object
from kapiserver.registry.core import internal_json
from kapiserver.registry.core.podspec import PodValidationOptions, validate_pod_template_spec
from kapiserver.registry.core.podspec.access import as_dict, as_int, as_str, dicts, opt_int

from . import indexes

MAX_PARALLELISM_FOR_INDEXED_JOB = 100_000
MAX_FAILED_INDEXES_FOR_INDEXED_JOB = 100_000
COMPLETIONS_SOFT_LIMIT = 100_000
PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS = 10_000
MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS = 10_000
MAX_POD_FAILURE_POLICY_RULES = 20
MAX_ON_EXIT_CODES_VALUES = 255
MAX_ON_POD_CONDITIONS_PATTERNS = 20
MAX_MANAGED_BY_LENGTH = 63
MAX_SUCCEEDED_INDEXES_LENGTH = 64 * 1024
MAX_SUCCESS_POLICY_RULES = 20

LEGACY_JOB_NAME_LABEL = "job-name"
LEGACY_CONTROLLER_UID_LABEL = "controller-uid"
JOB_NAME_LABEL = "batch.kubernetes.io/job-name"
CONTROLLER_UID_LABEL = "batch.kubernetes.io/controller-uid"

_ACTIONS = ["Count", "FailIndex", "FailJob", "Ignore"]
_EXIT_CODE_OPERATORS = ["In", "NotIn"]
_CONDITION_STATUSES = ["False", "True", "Unknown"]
_REPLACEMENT_POLICIES = ["Failed", "TerminatingOrFailed"]

_SPEC = field.new_path("spec")
_TEMPLATE_META = _SPEC.child("template", "metadata")


@dataclass(slots=True)
class JobValidationOptions:
    pod: PodValidationOptions = dc_field(default_factory=PodValidationOptions)
    allow_mutable_scheduling_directives: bool = False
    allow_elastic_indexed_jobs: bool = True
    require_prefixed_labels: bool = True


def _quoted_list(values: list[str]) -> str:
    """Go's %q of a []string: ["a" "b"]."""
    return "[" + " ".join(field.go_quote(v) for v in values) + "]"


def nonnegative(spec: Object, key: str, path: field.Path) -> field.ErrorList:
    value = opt_int(spec.get(key))
    return objectmeta.validate_nonnegative_field(value, path.child(key)) if value is not None else []


def validate_has_label(meta: Object, path: field.Path, key: str, expected: str) -> field.ErrorList:
    """upstream ValidateHasLabel."""
    labels_ = as_dict(meta.get("labels"))
    if key not in labels_:
        return [field.required(path.child("labels").key(key), expected)]
    if labels_[key] != expected:
        return [field.invalid(path.child("labels").key(key), field.sorted_map(labels_),
                              f"must be '{expected}'")]
    return []


def _string_map(value: object) -> dict[str, object] | None:
    """A map[string]string bad value: its JSON, keys sorted, null when nil."""
    return field.sorted_map(value) if isinstance(value, dict) else None


def _selector_matches(selector: object, labels_: object) -> bool | None:
    """Whether a LabelSelector matches a label set; None when the selector does not convert."""
    try:
        parsed = labels.selector_from_label_selector(selector if isinstance(selector, dict) else None)
    except labels.SelectorError:
        return None
    return parsed.matches(as_dict(labels_))


def _validate_generated_selector(job: Object, validate_batch_labels: bool) -> field.ErrorList:
    spec = as_dict(job.get("spec"))
    if spec.get("manualSelector") is True or spec.get("selector") is None:
        return []
    meta = as_dict(job.get("metadata"))
    uid, name = as_str(meta.get("uid")), as_str(meta.get("name"))
    errs: field.ErrorList = []
    if not uid:
        errs.append(field.required(field.new_path("metadata", "uid"), ""))
    template_meta = as_dict(as_dict(spec.get("template")).get("metadata"))
    errs += validate_has_label(template_meta, _TEMPLATE_META, LEGACY_CONTROLLER_UID_LABEL, uid)
    errs += validate_has_label(template_meta, _TEMPLATE_META, LEGACY_JOB_NAME_LABEL, name)
    expected = {LEGACY_CONTROLLER_UID_LABEL: uid, LEGACY_JOB_NAME_LABEL: name}
    if validate_batch_labels:
        errs += validate_has_label(template_meta, _TEMPLATE_META, CONTROLLER_UID_LABEL, uid)
        errs += validate_has_label(template_meta, _TEMPLATE_META, JOB_NAME_LABEL, name)
        expected.update({CONTROLLER_UID_LABEL: uid, JOB_NAME_LABEL: name})
    if _selector_matches(spec["selector"], expected) is False:
        errs.append(field.invalid(_SPEC.child("selector"), internal_json.marshal(spec["selector"], "apis.meta.v1.LabelSelector"),
                                  "`selector` not auto-generated"))
    return errs


def validate_job(job: Object, opts: JobValidationOptions) -> field.ErrorList:
    """ValidateJob: metadata (names as replication controllers'), generated selector, spec."""
    meta = as_dict(job.get("metadata"))
    errs = objectmeta.validate_object_meta(meta, True, objectmeta.name_is_dns_subdomain, field.new_path("metadata"))
    errs += _validate_generated_selector(job, opts.require_prefixed_labels)
    spec = as_dict(job.get("spec"))
    errs += validate_job_spec(spec, _SPEC, opts)
    completions = opt_int(spec.get("completions"))
    if spec.get("completionMode") == "Indexed" and completions is not None and completions > 0:
        hostname = f"{as_str(meta.get('name'))}-{completions - 1}"
        if validation.is_dns1123_label(hostname):
            errs.append(field.invalid(field.new_path("metadata", "name"), as_str(meta.get("name")),
                                      f"will not able to create pod with invalid DNS label: {hostname}"))
    return errs


def validate_job_spec(spec: Object, path: field.Path, opts: JobValidationOptions) -> field.ErrorList:
    """ValidateJobSpec: the spec, a required selector, and that it selects the template."""
    errs = validate_job_spec_fields(spec, path, opts.pod)
    selector = spec.get("selector")
    if selector is None:
        errs.append(field.required(path.child("selector"), ""))
    else:
        selector_opts = metav1_validation.LabelSelectorValidationOptions(
            allow_invalid_label_value_in_selector=opts.pod.allow_invalid_label_value_in_selector)
        errs += metav1_validation.validate_label_selector(as_dict(selector), selector_opts, path.child("selector"))
    template_labels = as_dict(as_dict(spec.get("template")).get("metadata")).get("labels")
    if _selector_matches(selector, template_labels) is False:
        errs.append(field.invalid(path.child("template", "metadata", "labels"), _string_map(template_labels),
                                  "`selector` does not match template `labels`"))
    return errs


def _validate_counts(spec: Object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    for key in ("parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished",
                "backoffLimitPerIndex"):
        errs += nonnegative(spec, key, path)
    if spec.get("maxFailedIndexes") is not None:
        errs += nonnegative(spec, "maxFailedIndexes", path)
        if spec.get("backoffLimitPerIndex") is None:
            errs.append(field.required(path.child("backoffLimitPerIndex"), "when maxFailedIndexes is specified"))
    managed_by = spec.get("managedBy")
    if managed_by is not None:
        errs += validation.is_domain_prefixed_path(path.child("managedBy"), as_str(managed_by))
        if len(as_str(managed_by)) > MAX_MANAGED_BY_LENGTH:
            errs.append(field.too_long(path.child("managedBy"), MAX_MANAGED_BY_LENGTH))
    return errs


def _validate_indexed(spec: Object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    completions, parallelism = opt_int(spec.get("completions")), opt_int(spec.get("parallelism"))
    max_failed, per_index = opt_int(spec.get("maxFailedIndexes")), spec.get("backoffLimitPerIndex")
    if completions is None:
        errs.append(field.required(path.child("completions"), "when completion mode is Indexed"))
    if parallelism is not None and parallelism > MAX_PARALLELISM_FOR_INDEXED_JOB:
        errs.append(field.invalid(path.child("parallelism"), parallelism, "must be less than or equal to "
                                  f"{MAX_PARALLELISM_FOR_INDEXED_JOB} when completion mode is Indexed"))
    if completions is not None and max_failed is not None and max_failed > completions:
        errs.append(field.invalid(path.child("maxFailedIndexes"), max_failed,
                                  "must be less than or equal to completions"))
    if max_failed is not None and max_failed > MAX_FAILED_INDEXES_FOR_INDEXED_JOB:
        errs.append(field.invalid(path.child("maxFailedIndexes"), max_failed,
                                  f"must be less than or equal to {MAX_FAILED_INDEXES_FOR_INDEXED_JOB}"))
    if completions is not None and completions > COMPLETIONS_SOFT_LIMIT and per_index is not None:
        suffix = f"when completions are above {COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index"
        if max_failed is None:
            errs.append(field.required(path.child("maxFailedIndexes"),
                                       f"must be specified when completions is above {COMPLETIONS_SOFT_LIMIT}"))
        if parallelism is not None and parallelism > PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS:
            errs.append(field.invalid(path.child("parallelism"), parallelism, "must be less than or equal to "
                                      f"{PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS} {suffix}"))
        if max_failed is not None and max_failed > MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS:
            errs.append(field.invalid(path.child("maxFailedIndexes"), max_failed, "must be less than or equal to "
                                      f"{MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS} {suffix}"))
    return errs


def _validate_completion_mode(spec: Object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    mode = spec.get("completionMode")
    if mode is not None:
        if mode not in ("NonIndexed", "Indexed"):
            errs.append(field.not_supported(path.child("completionMode"), mode, ["NonIndexed", "Indexed"]))
        if mode == "Indexed":
            errs += _validate_indexed(spec, path)
    if mode is None or mode == "NonIndexed":
        for key in ("backoffLimitPerIndex", "maxFailedIndexes"):
            if spec.get(key) is not None:
                errs.append(field.invalid(path.child(key), as_int(spec[key]), "requires indexed completion mode"))
    return errs


def validate_job_spec_fields(spec: Object, path: field.Path, pod_opts: PodValidationOptions) -> field.ErrorList:
    errs = _validate_counts(spec, path)
    errs += _validate_completion_mode(spec, path)
    if spec.get("podFailurePolicy") is not None:
        errs += _validate_pod_failure_policy(spec, path.child("podFailurePolicy"))
    if spec.get("successPolicy") is not None:
        if spec.get("completionMode") != "Indexed":
            errs.append(field.invalid(path.child("successPolicy"),
                                      internal_json.marshal(spec["successPolicy"], "batch.v1.SuccessPolicy"),
                                      "requires indexed completion mode"))
        else:
            errs += _validate_success_policy(spec, path.child("successPolicy"))
    errs += _validate_pod_replacement_policy(spec, path.child("podReplacementPolicy"))
    template = as_dict(spec.get("template"))
    errs += validate_pod_template_spec(template, path.child("template"), pod_opts)
    return errs + _validate_restart_policy(spec, path)


def _validate_restart_policy(spec: Object, path: field.Path) -> field.ErrorList:
    policy = as_str(as_dict(as_dict(spec.get("template")).get("spec")).get("restartPolicy"))
    policy_path = path.child("template", "spec", "restartPolicy")
    if policy in ("Always", ""):
        return [field.required(policy_path, 'valid values: "OnFailure", "Never"')]
    if policy not in ("OnFailure", "Never"):
        return [field.not_supported(policy_path, policy, ["OnFailure", "Never"])]
    if spec.get("podFailurePolicy") is not None and policy != "Never":
        return [field.invalid(policy_path, policy, 'only "Never" is supported when podFailurePolicy is specified')]
    return []


def _validate_pod_replacement_policy(spec: Object, path: field.Path) -> field.ErrorList:
    policy = spec.get("podReplacementPolicy")
    if policy is None:
        return []
    if spec.get("podFailurePolicy") is not None:
        return [] if policy == "Failed" else [field.not_supported(path, policy, ["Failed"])]
    return [] if policy in _REPLACEMENT_POLICIES else [field.not_supported(path, policy, _REPLACEMENT_POLICIES)]


def _validate_pod_failure_policy(spec: Object, path: field.Path) -> field.ErrorList:
    rules = dicts(as_dict(spec.get("podFailurePolicy")).get("rules"))
    errs: field.ErrorList = []
    if len(rules) > MAX_POD_FAILURE_POLICY_RULES:
        errs.append(field.too_many(path.child("rules"), len(rules), MAX_POD_FAILURE_POLICY_RULES))
    pod_spec = as_dict(as_dict(spec.get("template")).get("spec"))
    names = {as_str(c.get("name")) for key in ("containers", "initContainers") for c in dicts(pod_spec.get(key))}
    for i, rule in enumerate(rules):
        errs += _validate_rule(spec, rule, path.child("rules").index(i), names)
    return errs


def _validate_rule(spec: Object, rule: Object, path: field.Path, names: set[str]) -> field.ErrorList:
    errs: field.ErrorList = []
    action = as_str(rule.get("action"))
    if not action:
        errs.append(field.required(path.child("action"), f"valid values: {_quoted_list(_ACTIONS)}"))
    elif action == "FailIndex":
        if spec.get("backoffLimitPerIndex") is None:
            errs.append(field.invalid(path.child("action"), action, "requires the backoffLimitPerIndex to be set"))
    elif action not in _ACTIONS:
        errs.append(field.not_supported(path.child("action"), action, _ACTIONS))
    on_exit = rule.get("onExitCodes")
    patterns = dicts(rule.get("onPodConditions"))
    if on_exit is not None:
        errs += _validate_on_exit_codes(as_dict(on_exit), path.child("onExitCodes"), names)
    if patterns:
        errs += _validate_on_pod_conditions(patterns, path.child("onPodConditions"))
    if on_exit is not None and patterns:
        errs.append(field.invalid(path, field.OMIT, "specifying both OnExitCodes and OnPodConditions is not supported"))
    if on_exit is None and not patterns:
        errs.append(field.invalid(path, field.OMIT, "specifying one of OnExitCodes and OnPodConditions is required"))
    return errs


def _validate_on_pod_conditions(patterns: list[Object], path: field.Path) -> field.ErrorList:
    from kapiserver.registry.core.validation_common import validate_qualified_name

    errs: field.ErrorList = []
    if len(patterns) > MAX_ON_POD_CONDITIONS_PATTERNS:
        errs.append(field.too_many(path, len(patterns), MAX_ON_POD_CONDITIONS_PATTERNS))
    for j, pattern in enumerate(patterns):
        item = path.index(j)
        errs += validate_qualified_name(as_str(pattern.get("type")), item.child("type"))
        status = as_str(pattern.get("status"))
        if not status:
            errs.append(field.required(item.child("status"), f"valid values: {_quoted_list(_CONDITION_STATUSES)}"))
        elif status not in _CONDITION_STATUSES:
            errs.append(field.not_supported(item.child("status"), status, _CONDITION_STATUSES))
    return errs


def _validate_on_exit_codes(requirement: Object, path: field.Path, names: set[str]) -> field.ErrorList:
    errs: field.ErrorList = []
    operator = as_str(requirement.get("operator"))
    if not operator:
        errs.append(field.required(path.child("operator"), f"valid values: {_quoted_list(_EXIT_CODE_OPERATORS)}"))
    elif operator not in _EXIT_CODE_OPERATORS:
        errs.append(field.not_supported(path.child("operator"), operator, _EXIT_CODE_OPERATORS))
    container = requirement.get("containerName")
    if container is not None and as_str(container) not in names:
        errs.append(field.invalid(path.child("containerName"), as_str(container),
                                  "must be one of the container or initContainer names in the pod template"))
    values = [as_int(v) for v in requirement.get("values") or []]
    values_path = path.child("values")
    if not values:
        errs.append(field.invalid(values_path, None if requirement.get("values") is None else [],
                                  "at least one value is required"))
    elif len(values) > MAX_ON_EXIT_CODES_VALUES:
        errs.append(field.too_many(values_path, len(values), MAX_ON_EXIT_CODES_VALUES))
    seen: set[int] = set()
    for j, value in enumerate(values):
        if operator == "In" and value == 0:
            errs.append(field.invalid(values_path.index(j), value, "must not be 0 for the In operator"))
        if value in seen:
            errs.append(field.duplicate(values_path.index(j), value))
        seen.add(value)
    if any(values[j - 1] > values[j] for j in range(1, len(values))):
        errs.append(field.invalid(values_path, values,
                                  "must be ordered"))
    return errs


def _validate_success_policy(spec: Object, path: field.Path) -> field.ErrorList:
    rules = dicts(as_dict(spec.get("successPolicy")).get("rules"))
    errs: field.ErrorList = []
    if not rules:
        errs.append(field.required(path.child("rules"),
                                   "at least one rules must be specified when the successPolicy is specified"))
    if len(rules) > MAX_SUCCESS_POLICY_RULES:
        errs.append(field.too_many(path.child("rules"), len(rules), MAX_SUCCESS_POLICY_RULES))
    completions = as_int(spec.get("completions"))
    for i, rule in enumerate(rules):
        rule_path = path.child("rules").index(i)
        count, chosen = opt_int(rule.get("succeededCount")), rule.get("succeededIndexes")
        if count is None and chosen is None:
            errs.append(field.required(rule_path, "at least one of succeededCount or succeededIndexes must be specified"))
        total = 0
        if chosen is not None:
            chosen_path = rule_path.child("succeededIndexes")
            if len(as_str(chosen)) > MAX_SUCCEEDED_INDEXES_LENGTH:
                errs.append(field.too_long(chosen_path, MAX_SUCCEEDED_INDEXES_LENGTH))
            try:
                total = indexes.validate_indexes_format(as_str(chosen), completions)
            except ValueError as exc:
                errs.append(field.invalid(chosen_path, as_str(chosen), f"error parsing succeededIndexes: {exc}"))
        if count is not None:
            count_path = rule_path.child("succeededCount")
            errs += objectmeta.validate_nonnegative_field(count, count_path)
            if count > completions:
                errs.append(field.invalid(count_path, count, f"must be less than or equal to {completions} "
                                                             "(the number of specified completions)"))
            if chosen is not None and count > total:
                errs.append(field.invalid(count_path, count, f"must be less than or equal to {total} (the number of "
                                                             "indexes in the specified succeededIndexes field)"))
    return errs
