"""events.k8s.io/v1: the field mapping to and from core/v1, the shared storage's discovery hash, strict
validation by request version with the internal field names, and the core printer."""

from __future__ import annotations

from kapiserver.registry.core.events import events_spec
from kapiserver.registry.events.events import events_v1_spec, from_core, to_core
from kapiserver.registry.rest import RequestContext

NEW = {"apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": {"name": "e", "namespace": "ns"},
       "eventTime": "2024-01-01T00:00:00.000000Z", "reportingController": "example.com/ctl",
       "reportingInstance": "i-1", "action": "Create", "reason": "Created", "note": "hello",
       "type": "Normal", "regarding": {"kind": "Pod", "name": "p", "namespace": "ns"},
       "deprecatedCount": 2, "deprecatedSource": {"component": "c"}}


def test_round_trip_through_core() -> None:
    core = to_core(NEW)
    assert core["apiVersion"] == "v1" and core["message"] == "hello" and core["count"] == 2
    assert core["involvedObject"] == {"kind": "Pod", "name": "p", "namespace": "ns"}
    assert core["reportingComponent"] == "example.com/ctl" and core["source"] == {"component": "c"}
    assert core["firstTimestamp"] is None and core["lastTimestamp"] is None  # Go writes the zero times
    assert from_core(core) == {**NEW, "deprecatedFirstTimestamp": None, "deprecatedLastTimestamp": None}


def test_spec_shares_core_storage() -> None:
    spec = events_v1_spec(events_spec(600))
    assert (spec.group, spec.version, spec.key_root, spec.ttl_seconds) == ("events.k8s.io", "v1", "/registry/events",
                                                                           600)
    assert spec.storage_version_hash == "r2yiGXH7wu8=" and spec.short_names == ("ev",) and spec.categories == ()


def test_strict_rules_name_internal_fields() -> None:
    spec = events_v1_spec(events_spec())
    ctx = RequestContext(namespace="ns", api_group="events.k8s.io", api_version="v1")
    bad = {"apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": {"name": "e", "namespace": "ns"},
           "eventTime": "2024-01-01T00:00:00.000000Z", "note": "x" * 1025, "type": "Normal",
           "regarding": {"kind": "Pod", "name": "p", "namespace": "ns"}}
    spec.strategy.default(bad)
    found = [str(e) for e in spec.strategy.validate(ctx, bad)]
    assert found[0] == "reportingController: Required value"
    assert found[3:] == ["reportingInstance: Required value", "action: Required value", "reason: Required value",
                         'message: Invalid value: "": can have at most 1024 characters']

    good = {k: v for k, v in NEW.items() if not k.startswith("deprecated")}
    spec.strategy.default(good)
    assert spec.strategy.validate(ctx, good) == []
    assert [str(e) for e in spec.strategy.validate(ctx, {**NEW})] == [  # deprecated fields are for old writers
        'count: Invalid value: "": needs to be unset', 'source: Invalid value: "": needs to be unset']


def test_rows_print_with_core_columns() -> None:
    spec = events_v1_spec(events_spec())
    row = spec.printer.row(NEW)
    assert row[1:7] == ["Normal", "Created", "pod/p", "", "c, i-1", "hello"]
    assert [c.name for c in spec.printer.columns][:4] == ["Last Seen", "Type", "Reason", "Object"]
