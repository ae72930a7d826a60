"""batch/v1 Job and CronJob: defaults, generated selector, validation messages, status rules, printers."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kapiserver.registry.batch import cron, cronjobs, indexes, jobs, jobs_status
from kapiserver.registry.rest import RequestContext

CTX = RequestContext(namespace="default", api_group="batch", api_version="v1")
UID = "11111111-2222-3333-4444-555555555555"


def job(spec: dict[str, Any] | None = None, **meta: Any) -> dict[str, Any]:
    body = {"apiVersion": "batch/v1", "kind": "Job",
            "metadata": {"name": "pi", "namespace": "default", "uid": UID, **meta},
            "spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "i"}]}},
                     **(spec or {})}}
    return body


def created(spec: dict[str, Any] | None = None) -> dict[str, Any]:
    obj = job(spec)
    jobs.JOBS.strategy.default(obj)
    jobs.JOBS.strategy.prepare_for_create(CTX, obj)
    obj["metadata"]["resourceVersion"] = "5"
    return obj


def messages(errs: list[Any]) -> list[str]:
    return [str(e) for e in errs]


def test_job_defaults() -> None:
    obj = job()
    jobs.set_defaults_job(obj)
    spec = obj["spec"]
    assert (spec["completions"], spec["parallelism"], spec["backoffLimit"]) == (1, 1, 6)
    assert spec["completionMode"] == "NonIndexed" and spec["suspend"] is False and spec["manualSelector"] is False
    assert spec["podReplacementPolicy"] == "TerminatingOrFailed"
    assert spec["template"]["spec"]["dnsPolicy"] == "ClusterFirst"
    only_parallel = job({"parallelism": 3})
    jobs.set_defaults_job(only_parallel)
    assert "completions" not in only_parallel["spec"] and only_parallel["spec"]["parallelism"] == 3
    per_index = job({"backoffLimitPerIndex": 1, "podFailurePolicy": {"rules": [
        {"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget"}]}]}})
    jobs.set_defaults_job(per_index)
    assert per_index["spec"]["backoffLimit"] == 2**31 - 1
    assert per_index["spec"]["podReplacementPolicy"] == "Failed"
    assert per_index["spec"]["podFailurePolicy"]["rules"][0]["onPodConditions"][0]["status"] == "True"


def test_generated_selector_and_labels() -> None:
    obj = created()
    assert obj["spec"]["selector"] == {"matchLabels": {"batch.kubernetes.io/controller-uid": UID}}
    assert obj["spec"]["template"]["metadata"]["labels"] == {
        "job-name": "pi", "batch.kubernetes.io/job-name": "pi", "controller-uid": UID,
        "batch.kubernetes.io/controller-uid": UID}
    assert obj["metadata"]["labels"] == obj["spec"]["template"]["metadata"]["labels"]
    assert obj["metadata"]["generation"] == 1 and "status" not in obj
    assert jobs.JOBS.strategy.validate(CTX, obj) == []


def test_job_validation_messages() -> None:
    obj = created({"completions": -1})
    obj["spec"]["template"]["spec"]["restartPolicy"] = "Always"
    assert messages(jobs.JOBS.strategy.validate(CTX, obj)) == [
        "spec.completions: Invalid value: -1: must be greater than or equal to 0",
        'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    ]
    wrong = created()
    wrong["spec"]["template"]["metadata"]["labels"]["job-name"] = "other"
    assert messages(jobs.JOBS.strategy.validate(CTX, wrong)) == [
        ("spec.template.metadata.labels[job-name]: Invalid value: {"
        f'"batch.kubernetes.io/controller-uid":"{UID}","batch.kubernetes.io/job-name":"pi",'
        f'"controller-uid":"{UID}","job-name":"other"}}: must be \'pi\'')]
    manual = job({"manualSelector": True, "selector": {"matchLabels": {"a": "b"}}})
    jobs.JOBS.strategy.default(manual)
    jobs.JOBS.strategy.prepare_for_create(CTX, manual)
    assert messages(jobs.JOBS.strategy.validate(CTX, manual)) == [
        ('spec.template.metadata.labels: Invalid value: null: `selector` does not match template '
        '`labels`')]


def test_indexed_and_policies() -> None:
    obj = created({"completionMode": "Indexed", "completions": 3, "maxFailedIndexes": 5, "backoffLimitPerIndex": 1,
                   "podFailurePolicy": {"rules": [{"action": "FailIndex", "onExitCodes": {
                       "operator": "In", "values": [3, 0, 3]}}]}})
    obj["spec"]["template"]["spec"]["restartPolicy"] = "OnFailure"
    assert messages(jobs.JOBS.strategy.validate(CTX, obj)) == [
        "spec.maxFailedIndexes: Invalid value: 5: must be less than or equal to completions",
        "spec.podFailurePolicy.rules[0].onExitCodes.values[1]: Invalid value: 0: must not be 0 for the In operator",
        "spec.podFailurePolicy.rules[0].onExitCodes.values[2]: Duplicate value: 3",
        "spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: [3,0,3]: must be ordered",
        ('spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when '
        "podFailurePolicy is specified"),
    ]
    nonindexed = created({"backoffLimitPerIndex": 1})
    assert messages(jobs.JOBS.strategy.validate(CTX, nonindexed)) == [
        "spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode"]


def test_job_update_rules() -> None:
    old = created()
    new = copy.deepcopy(old)
    new["spec"]["parallelism"] = 4
    jobs.JOBS.strategy.prepare_for_update(CTX, new, old)
    assert new["metadata"]["generation"] == 2
    assert jobs.JOBS.strategy.validate_update(CTX, new, old) == []
    changed = copy.deepcopy(old)
    changed["spec"]["completions"] = 2
    changed["spec"]["template"]["spec"]["containers"][0]["image"] = "other"
    errs = messages(jobs.JOBS.strategy.validate_update(CTX, changed, old))
    assert errs[0] == "spec.completions: Invalid value: 2: field is immutable"
    # json.Marshal of the internal core.PodTemplateSpec: ObjectMeta inlined with its json tags, Go names below
    assert errs[1].startswith('spec.template: Invalid value: {"labels":{"batch.kubernetes.io/controller-uid":')
    assert ',"Spec":{"Volumes":null,"InitContainers":null,"Containers":[{"Name":"c","Image":"other",' in errs[1]
    assert errs[1].endswith(": field is immutable")
    suspended = created({"suspend": True})
    moved = copy.deepcopy(suspended)
    moved["spec"]["template"]["spec"]["nodeSelector"] = {"disk": "ssd"}
    assert jobs.JOBS.strategy.validate_update(CTX, moved, suspended) == []


def test_job_status_rules() -> None:
    old = created()
    old["status"] = {"startTime": "2024-01-01T00:00:00Z", "succeeded": 1, "failed": 2}
    new = copy.deepcopy(old)
    new["status"].update(failed=1, conditions=[{"type": "Complete", "status": "True"}], active=2)
    assert messages(jobs_status.validate_job_update_status(new, old)) == [
        "status.completionTime: Required value: completionTime is required for Complete jobs",
        ("status.conditions: Invalid value: cannot set Complete=True condition without the SuccessCriteriaMet=true "
        "condition"),
        "status.active: Invalid value: 2: active>0 is invalid for finished job",
        "status.failed: Invalid value: 1: cannot decrease the failed counter",
    ]
    running = copy.deepcopy(old)
    running["status"].update(active=1, ready=1)
    assert jobs_status.validate_job_update_status(running, old) == []


def test_indexes() -> None:
    assert indexes.validate_indexes_format("1,3-5", 6) == 4
    with pytest.raises(ValueError, match='too large index: "7"'):
        indexes.validate_indexes_format("7", 6)
    with pytest.raises(ValueError, match="non-increasing order, previous: 3, current: 2"):
        indexes.validate_indexes_format("1-3,2", 6)
    assert indexes.failed_overlapping_completed("0-2", "2", 5) == "failedIndexes and completedIndexes overlap at index: 2"
    assert indexes.failed_overlapping_completed("0-1", "3", 5) is None


@pytest.mark.parametrize("schedule,message", [
    ("*/5 * * * *", None),
    ("@hourly", None),
    ("@every 1h30m", None),
    ("0 0 * JAN-MAR MON", None),
    ("", "empty spec string"),
    ("* * *", "expected exactly 5 fields, found 3: [* * *]"),
    ("61 * * * *", "end of range (61) above maximum (59): 61"),
    ("* * 0 * *", "beginning of range (0) below minimum (1): 0"),
    ("5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"),
    ("a * * * *", 'failed to parse int from a: strconv.Atoi: parsing "a": invalid syntax'),
    ("*/0 * * * *", "step of range should be a positive number: */0"),
    ("@often", "unrecognized descriptor: @often"),
    ("@every 5x", 'failed to parse duration @every 5x: time: unknown unit "x" in duration "5x"'),
])
def test_cron_schedules(schedule: str, message: str | None) -> None:
    if message is None:
        cron.parse_standard(schedule)
        return
    with pytest.raises(cron.CronError) as info:
        cron.parse_standard(schedule)
    assert str(info.value) == message


def cron_job(**spec: Any) -> dict[str, Any]:
    body = {"metadata": {"name": "hello", "namespace": "default"},
            "spec": {"schedule": "*/1 * * * *", "jobTemplate": {"spec": {"template": {"spec": {
                "restartPolicy": "OnFailure", "containers": [{"name": "c", "image": "i"}]}}}}, **spec}}
    cronjobs.CRONJOBS.strategy.default(body)
    return body


def test_cron_job_defaults_and_validation() -> None:
    obj = cron_job()
    spec = obj["spec"]
    assert (spec["concurrencyPolicy"], spec["suspend"], spec["successfulJobsHistoryLimit"],
            spec["failedJobsHistoryLimit"]) == ("Allow", False, 3, 1)
    assert "backoffLimit" not in spec["jobTemplate"]["spec"]
    assert cronjobs.CRONJOBS.strategy.validate(CTX, obj) == []
    bad = cron_job(timeZone="Local", concurrencyPolicy="Sometimes", schedule="TZ=UTC 0 * * * *")
    bad["spec"]["jobTemplate"]["spec"]["selector"] = {"matchLabels": {"a": "b"}}
    assert messages(cronjobs.CRONJOBS.strategy.validate(CTX, bad)) == [
        ('spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone '
        "field instead"),
        ('spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as defined in '
        "https://www.iana.org/time-zones"),
        'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"',
        'spec.jobTemplate.spec.selector: Invalid value: {"matchLabels":{"a":"b"}}: `selector` will be auto-generated',
    ]
    long_name = cron_job()
    long_name["metadata"]["name"] = "x" * 53
    assert messages(cronjobs.CRONJOBS.strategy.validate(CTX, long_name)) == [
        f'metadata.name: Invalid value: "{"x" * 53}": must be no more than 52 characters']
    assert cronjobs.CRONJOBS.strategy.warnings_on_create(CTX, bad)[-1] == cronjobs.TZ_WARNING


def test_printers() -> None:
    obj = created()
    obj["metadata"]["creationTimestamp"] = "2024-01-01T00:00:00Z"
    obj["status"] = {"succeeded": 1, "startTime": "2024-01-01T00:00:00Z", "completionTime": "2024-01-01T00:01:05Z",
                     "conditions": [{"type": "Complete", "status": "True"}]}
    row = jobs.JOB_PRINTER.row(obj)
    assert row[:4] == ["pi", "Complete", "1/1", "65s"]
    assert row[5:] == ["c", "i", f"batch.kubernetes.io/controller-uid={UID}"]
    del obj["spec"]["completions"]
    obj["spec"]["parallelism"] = 2
    assert jobs.completions_cell(obj) == "1/1 of 2"
    cj = cron_job(timeZone="Europe/Paris")
    assert cronjobs.CRONJOB_PRINTER.row(cj)[:6] == ["hello", "*/1 * * * *", "Europe/Paris", "False", 0, "<none>"]
    assert cronjobs.CRONJOB_PRINTER.row(cj)[-1] == "<none>"
