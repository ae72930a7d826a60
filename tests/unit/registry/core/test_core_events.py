"""core/v1 Events: legacy and strict validation, field selection, printing, TTL (upstream events.go)."""

from __future__ import annotations

import datetime

import pytest

from kapiserver.apimachinery import field, timefmt
from kapiserver.registry.core import events
from kapiserver.registry.rest import RequestContext

CORE = RequestContext(namespace="default", api_group="", api_version="v1")
EVENTS_V1 = RequestContext(namespace="default", api_group="events.k8s.io", api_version="v1")


def messages(errs: field.ErrorList) -> list[str]:
    return [str(e) for e in errs]


def event(namespace: str = "default", involved: str = "", **extra: object) -> dict[str, object]:
    obj: dict[str, object] = {"metadata": {"name": "e", "namespace": namespace},
                              "involvedObject": {"kind": "Pod", "name": "p", "namespace": involved}}
    obj.update(extra)
    return obj


@pytest.mark.parametrize("obj,expected", [
    (event("default", ""), []),
    (event("default", "default"), []),
    (event("team", "team"), []),
    (event("team", ""), ['involvedObject.namespace: Invalid value: "": does not match event.namespace']),
    (event("team", "other"), ['involvedObject.namespace: Invalid value: "other": does not match event.namespace']),
])
def test_legacy_namespace_rules(obj: dict[str, object], expected: list[str]) -> None:
    assert messages(events.validate_event_create(CORE, obj)) == expected


def test_new_style_event_in_core_v1() -> None:
    obj = event("team", "", eventTime="2024-01-01T00:00:00.000000Z", reportingInstance="x" * 129)
    assert messages(events.validate_event_create(CORE, obj)) == [
        'involvedObject.namespace: Invalid value: "": does not match event.namespace',
        "reportingController: Required value",
        'reportingController: Invalid value: "": name part must be non-empty',
        ("reportingController: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or "
        "'.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
        "'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"),
        'reportingInstance: Invalid value: "": can have at most 128 characters',
        "action: Required value",
        "reason: Required value",
    ]


def test_new_style_event_accepted_in_kube_system() -> None:
    obj = event("kube-system", "", eventTime="2024-01-01T00:00:00.000000Z", reportingComponent="k8s.io/x",
                reportingInstance="i", action="A", reason="R")
    assert events.validate_event_create(CORE, obj) == []


def test_strict_rules_apply_to_newer_versions_only() -> None:
    obj = event("default", "default", type="Bad", count=2, source={"component": "c"},
                firstTimestamp="2024-01-01T00:00:00Z")
    assert events.validate_event_create(CORE, obj) == []
    assert messages(events.validate_event_create(EVENTS_V1, obj)) == [
        "eventTime: Required value",
        'type: Invalid value: "": has invalid value: Bad',
        'firstTimestamp: Invalid value: "": needs to be unset',
        'count: Invalid value: "": needs to be unset',
        'source: Invalid value: "": needs to be unset',
    ]


def test_strategy_facts() -> None:
    strategy = events.EventStrategy()
    assert strategy.allow_create_on_update
    assert strategy.default_garbage_collection_policy == "Unsupported"
    spec = events.EVENTS
    assert spec.short_names == ("ev",) and spec.categories == () and not spec.return_deleted_object


def test_selectable_fields() -> None:
    obj = event("default", "default", reason="Started", reportingComponent="kubelet", type="Normal")
    fields = events.EVENTS.field_set(obj)
    assert fields["source"] == "kubelet" and fields["reportingComponent"] == "kubelet"
    assert fields["involvedObject.kind"] == "Pod" and fields["involvedObject.uid"] == ""
    assert set(events.EVENTS.field_set({})) == {
        "metadata.name", "metadata.namespace", "involvedObject.kind", "involvedObject.namespace",
        "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
        "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"}


def _ago(seconds: int) -> str:
    return timefmt.format_time(timefmt.now() - datetime.timedelta(seconds=seconds))


def test_printer_cells() -> None:
    obj = event("default", "default", reason="Pulled", type="Normal", message="  done \n", count=0,
                firstTimestamp=_ago(600), lastTimestamp=_ago(300), source={"component": "kubelet", "host": "n1"})
    obj["involvedObject"] = {"kind": "Pod", "name": "web", "fieldPath": "spec.containers{c}"}
    assert events.EVENTS.printer.row(obj) == ["5m", "Normal", "Pulled", "pod/web", "spec.containers{c}",
                                              "kubelet, n1", "done", "10m", 1, "e"]


def test_printer_series_and_event_time() -> None:
    micro = timefmt.format_micro_time(timefmt.now() - datetime.timedelta(seconds=120))
    obj = event(eventTime=micro, series={"count": 4, "lastObservedTime": micro}, reportingComponent="ctrl",
                reportingInstance="ctrl-1")
    obj["involvedObject"] = {"kind": "Node"}
    row = events.EVENTS.printer.row(obj)
    assert row[0] == "2m" and row[3] == "node" and row[5] == "ctrl, ctrl-1" and row[7] == "2m" and row[8] == 4


def test_printer_columns() -> None:
    columns = [(c.name, c.format, c.priority) for c in events.EVENTS.printer.columns]
    assert columns == [("Last Seen", "", 0), ("Type", "", 0), ("Reason", "", 0), ("Object", "", 0),
                       ("Subobject", "", 1), ("Source", "", 1), ("Message", "", 0), ("First Seen", "", 1),
                       ("Count", "", 1), ("Name", "name", 1)]


def test_ttl_follows_configuration() -> None:
    assert events.events_spec().ttl_seconds == 3600
    assert events.events_spec(60).ttl_seconds == 60
    assert events.events_spec(60).kind == "Event"


def test_defaults_write_the_fields_go_always_writes() -> None:
    obj: dict[str, object] = {"metadata": {"name": "e"}, "reason": "R"}
    events.EventStrategy().default(obj)
    assert obj == {"metadata": {"name": "e"}, "reason": "R", "involvedObject": {}, "source": {},
                   "firstTimestamp": None, "lastTimestamp": None, "eventTime": None, "reportingComponent": "",
                   "reportingInstance": ""}
