"""Validation of CronJobs (upstream pkg/apis/batch/validation: ValidateCronJobCreate,
ValidateCronJobUpdate, validateScheduleFormat, validateTimeZone, ValidateJobTemplateSpec)."""

from __future__ import annotations

import re

from kapiserver.apimachinery import field, objectmeta
from kapiserver.apimachinery.types import Object
from kapiserver.registry.core import internal_json
from kapiserver.registry.core.podspec import PodValidationOptions
from kapiserver.registry.core.podspec.access import as_dict, as_str

from . import cron
from .validation import nonnegative, validate_job_spec_fields

_CONCURRENCY_POLICIES = ["Allow", "Forbid", "Replace"]
_SPEC = field.new_path("spec")


# --- CronJobs ------------------------------------------------------------------------------------


def validate_cron_job_create(cron_job: Object, pod_opts: PodValidationOptions) -> field.ErrorList:
    meta = as_dict(cron_job.get("metadata"))
    errs = objectmeta.validate_object_meta(meta, True, objectmeta.name_is_dns_subdomain, field.new_path("metadata"))
    errs += _validate_cron_job_spec(as_dict(cron_job.get("spec")), None, _SPEC, pod_opts)
    name = as_str(meta.get("name"))
    if len(name) > 63 - 11:
        errs.append(field.invalid(field.new_path("metadata", "name"), name, "must be no more than 52 characters"))
    return errs


def validate_cron_job_update(cron_job: Object, old: Object, pod_opts: PodValidationOptions) -> field.ErrorList:
    errs = objectmeta.validate_object_meta_update(as_dict(cron_job.get("metadata")), as_dict(old.get("metadata")),
                                                  field.new_path("metadata"))
    return errs + _validate_cron_job_spec(as_dict(cron_job.get("spec")), as_dict(old.get("spec")), _SPEC, pod_opts)


def _validate_cron_job_spec(spec: Object, old_spec: Object | None, path: field.Path,
                            pod_opts: PodValidationOptions) -> field.ErrorList:
    errs: field.ErrorList = []
    schedule = as_str(spec.get("schedule"))
    if not schedule:
        errs.append(field.required(path.child("schedule"), ""))
    else:
        allow_tz = old_spec is not None and "TZ" in as_str(old_spec.get("schedule"))
        errs += validate_schedule_format(schedule, allow_tz, spec.get("timeZone"), path.child("schedule"))
    errs += nonnegative(spec, "startingDeadlineSeconds", path)
    if old_spec is None or old_spec.get("timeZone") != spec.get("timeZone"):
        errs += validate_time_zone(spec.get("timeZone"), path.child("timeZone"))
    policy = as_str(spec.get("concurrencyPolicy"))
    if not policy:
        errs.append(field.required(path.child("concurrencyPolicy"), ""))
    elif policy not in _CONCURRENCY_POLICIES:
        errs.append(field.not_supported(path.child("concurrencyPolicy"), policy, _CONCURRENCY_POLICIES))
    errs += validate_job_template_spec(as_dict(spec.get("jobTemplate")), path.child("jobTemplate"), pod_opts)
    errs += nonnegative(spec, "successfulJobsHistoryLimit", path)
    return errs + nonnegative(spec, "failedJobsHistoryLimit", path)


def validate_schedule_format(schedule: str, allow_tz: bool, time_zone: object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    try:
        cron.parse_standard(schedule)
    except cron.CronError as exc:
        errs.append(field.invalid(path, schedule, str(exc)))
    if allow_tz and "TZ" in schedule and time_zone is not None:
        errs.append(field.invalid(path, schedule, "cannot use both timeZone field and TZ or CRON_TZ in schedule"))
    elif not allow_tz and "TZ" in schedule:
        errs.append(field.invalid(path, schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"))
    return errs


_TZ_PART = r"[A-Za-z.\-_0-9+]{1,14}"


def validate_time_zone(time_zone: object, path: field.Path) -> field.ErrorList:
    if time_zone is None:
        return []
    zone = as_str(time_zone)
    if not zone:
        return [field.invalid(path, zone, "timeZone must be nil or non-empty string")]
    for part in zone.split("/"):
        if part in (".", "..") or part.startswith("-") or re.fullmatch(_TZ_PART, part) is None:
            return [field.invalid(path, zone, f"unknown time zone {zone}")]
    errs: field.ErrorList = []
    if zone.lower() == "local":
        errs.append(field.invalid(path, zone, "timeZone must be an explicit time zone as defined in "
                                              "https://www.iana.org/time-zones"))
    problem = cron.load_location_error(zone)
    if problem is not None:
        errs.append(field.invalid(path, zone, problem))
    return errs


def validate_job_template_spec(template: Object, path: field.Path, pod_opts: PodValidationOptions) -> field.ErrorList:
    spec = as_dict(template.get("spec"))
    errs = validate_job_spec_fields(spec, path.child("spec"), pod_opts)
    if spec.get("selector") is not None:
        errs.append(field.invalid(path.child("spec", "selector"), internal_json.marshal(spec["selector"], "apis.meta.v1.LabelSelector"),
                                  "`selector` will be auto-generated"))
    if spec.get("manualSelector") is True:
        errs.append(field.not_supported(path.child("spec", "manualSelector"), True, ["nil", "false"]))
    return errs
