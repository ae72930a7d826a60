"""cronjobs, batch/v1 (upstream pkg/registry/batch/cronjob and SetDefaults_CronJob).

Defaults: concurrencyPolicy Allow, suspend false, successfulJobsHistoryLimit 3,
failedJobsHistoryLimit 1, and the pod template's defaults inside jobTemplate (the Job
defaults are not applied to a template: the controller's Job gets them when created).
Create clears status and starts the generation; updates keep status and bump the
generation on spec changes; cronjobs/status changes status only.
"""

from __future__ import annotations

from kapiserver.apimachinery import errors, field, meta, quantity
from kapiserver.apimachinery.types import Object
from kapiserver.registry import subresources
from kapiserver.registry.core.pods_mutations import drop_disabled_pod_fields
from kapiserver.registry.core.podspec import set_defaults_pod_spec, validation_options
from kapiserver.registry.core.podspec.access import as_dict, as_str, semantic_equal
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import (
    Strategy,
    drop_status_on_create,
    keep_old_spec,
    keep_old_status,
    start_generation,
)
from kapiserver.registry.table import (
    AGE_COLUMN,
    NAME_COLUMN,
    Column,
    Printer,
    age,
    name_of,
    translate_timestamp_since,
)

from . import printing
from .cronjobs_validation import validate_cron_job_create, validate_cron_job_update
from .jobs import name_warnings, warnings_for_job_spec

_JOB_TEMPLATE_SPEC = field.new_path("spec", "jobTemplate", "spec")
TZ_WARNING = "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"


def _dict(parent: Object, key: str) -> Object:
    value = parent.get(key)
    if not isinstance(value, dict):
        value = parent[key] = {}
    return value


def set_defaults_cron_job(cron_job: Object) -> None:
    spec = _dict(cron_job, "spec")
    if not spec.get("concurrencyPolicy"):
        spec["concurrencyPolicy"] = "Allow"
    if spec.get("suspend") is None:
        spec["suspend"] = False
    if spec.get("successfulJobsHistoryLimit") is None:
        spec["successfulJobsHistoryLimit"] = 3
    if spec.get("failedJobsHistoryLimit") is None:
        spec["failedJobsHistoryLimit"] = 1
    template = _dict(_dict(_dict(spec, "jobTemplate"), "spec"), "template")
    set_defaults_pod_spec(_dict(template, "spec"))


def _pod_options(obj: Object, old: Object | None):  # type: ignore[no-untyped-def]
    def template(o: Object) -> Object:
        return as_dict(as_dict(as_dict(as_dict(o.get("spec")).get("jobTemplate")).get("spec")).get("template"))

    new = template(obj)
    prior = template(old) if old is not None else None
    return validation_options(as_dict(new.get("spec")), as_dict(prior.get("spec")) if prior is not None else None,
                              as_dict(new.get("metadata")),
                              as_dict(prior.get("metadata")) if prior is not None else None)


def _pod_spec(obj: Object) -> Object:
    """The pod spec inside jobTemplate (created when missing; only for the object being written)."""
    return _dict(_dict(_dict(_dict(obj, "spec"), "jobTemplate"), "spec"), "template").setdefault("spec", {})


def _job_template_spec(obj: Object) -> Object:
    return as_dict(as_dict(as_dict(obj.get("spec")).get("jobTemplate")).get("spec"))


class CronJobStrategy(Strategy):
    def default(self, obj: Object) -> None:
        try:
            set_defaults_cron_job(obj)
        except quantity.QuantityError as exc:
            raise errors.bad_request(f'CronJob in version "v1" cannot be handled as a CronJob: {exc}') from None

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        drop_status_on_create(obj)
        start_generation(obj)
        drop_disabled_pod_fields(_pod_spec(obj), None)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old_status(obj, old)
        drop_disabled_pod_fields(_pod_spec(obj), as_dict(as_dict(_job_template_spec(old).get("template")).get("spec")))
        if not semantic_equal(obj.get("spec"), old.get("spec")):
            meta.ensure_metadata(obj)["generation"] = int(meta.metadata(old).get("generation") or 0) + 1

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_cron_job_create(obj, _pod_options(obj, None))

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_cron_job_update(obj, old, _pod_options(obj, old))

    def warnings_on_create(self, ctx: RequestContext, obj: Object) -> list[str]:
        warnings = name_warnings(obj) + warnings_for_job_spec(_JOB_TEMPLATE_SPEC, _job_template_spec(obj), None)
        if "TZ" in as_str(as_dict(obj.get("spec")).get("schedule")):
            warnings.append(TZ_WARNING)
        return warnings

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        warnings: list[str] = []
        if meta.generation(obj) != meta.generation(old):
            warnings = warnings_for_job_spec(_JOB_TEMPLATE_SPEC, _job_template_spec(obj), _job_template_spec(old))
        if "TZ" in as_str(as_dict(obj.get("spec")).get("schedule")):
            warnings.append(TZ_WARNING)
        return warnings


class CronJobStatusStrategy(CronJobStrategy):
    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old_spec(obj, old)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return []

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        return []


# -- printing ---------------------------------------------------------------------------------

_TIME_ZONE_DOC = (
    "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. "
    "If not specified, this will default to the time zone of the kube-controller-manager process. The set of valid "
    "time zone names and the time zone offset is loaded from the system-wide time zone database by the API server "
    "during CronJob validation and the controller manager during execution. If no system-wide time zone database "
    "can be found a bundled version of the database is used instead. If the time zone name becomes invalid during "
    "the lifetime of a CronJob or due to a change in host configuration, the controller will stop creating new new "
    "Jobs and will create a system event with the reason UnknownTimeZone. More information can be found in "
    "https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones")


def _row(obj: Object) -> list[object]:
    spec, status = as_dict(obj.get("spec")), as_dict(obj.get("status"))
    last = status.get("lastScheduleTime")
    last_cell = translate_timestamp_since(as_str(last)) if last is not None else "<none>"
    time_zone = as_str(spec["timeZone"]) if spec.get("timeZone") is not None else "<none>"
    job_spec = _job_template_spec(obj)
    names, images = printing.layout_container_cells(as_dict(as_dict(job_spec.get("template")).get("spec")))
    active = status.get("active")
    return [name_of(obj), as_str(spec.get("schedule")), time_zone, printing.bool_ptr(spec.get("suspend")),
            len(active) if isinstance(active, list) else 0, last_cell, age(obj), names, images,
            printing.format_label_selector(job_spec.get("selector"))]


CRONJOB_PRINTER = Printer((
    NAME_COLUMN,
    Column("Schedule", "string", "", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
    Column("Timezone", "string", "", _TIME_ZONE_DOC),
    Column("Suspend", "boolean", "", "This flag tells the controller to suspend subsequent executions, it does not "
                                     "apply to already started executions.  Defaults to false."),
    Column("Active", "integer", "", "A list of pointers to currently running jobs."),
    Column("Last Schedule", "string", "", "Information when was the last time the job was successfully scheduled."),
    AGE_COLUMN,
    printing.CONTAINERS_COLUMN,
    printing.IMAGES_COLUMN,
    Column("Selector", "string", "", printing.JOB_SELECTOR_DOC, 1),
), _row)

CRONJOBS = ResourceSpec(
    group="batch", version="v1", kind="CronJob", plural="cronjobs", singular="cronjob", namespaced=True,
    strategy=CronJobStrategy(), short_names=("cj",), categories=("all",), printer=CRONJOB_PRINTER,
    subresources=(subresources.status(CronJobStatusStrategy()),),
)
