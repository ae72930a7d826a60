"""PriorityClass defaults, validation and printer (upstream pkg/apis/scheduling/validation)."""

from kapiserver.registry.rest import RequestContext
from kapiserver.registry.scheduling.priorityclasses import PRIORITYCLASSES, _row, system_priority_classes

CTX = RequestContext()
S = PRIORITYCLASSES.strategy


def msgs(errs):
    return [str(e) for e in errs]


def pc(name, value, **extra):
    obj = {"metadata": {"name": name}, "value": value, **extra}
    S.default(obj)
    return obj


def test_defaults_preemption_policy():
    assert pc("a", 1)["preemptionPolicy"] == "PreemptLowerPriority"


def test_system_classes_are_valid_and_reserved():
    for spc in system_priority_classes():
        obj = dict(spc)
        S.default(obj)
        assert S.validate(CTX, obj) == []
    assert msgs(S.validate(CTX, pc("system-node-critical", 5))) == [
        ("metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. "
        "error: value of system-node-critical PriorityClass must be 2000001000")]
    assert msgs(S.validate(CTX, pc("system-mine", 5))) == [
        ("metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. "
        "error: system-mine is not a known system priority class")]


def test_value_limit_and_policy():
    assert msgs(S.validate(CTX, pc("big", 1_000_000_001))) == [
        "value: Forbidden: maximum allowed value of a user defined priority is 1000000000"]
    assert msgs(S.validate(CTX, pc("p", 1, preemptionPolicy="Sometimes"))) == [
        'preemptionPolicy: Unsupported value: "Sometimes": supported values: "PreemptLowerPriority", "Never"']


def test_update_keeps_value_and_policy():
    old = pc("a", 1)
    new = pc("a", 2, preemptionPolicy="Never")
    old["metadata"]["resourceVersion"] = new["metadata"]["resourceVersion"] = "1"
    assert msgs(S.validate_update(CTX, new, old)) == [
        "value: Forbidden: may not be changed in an update.",
        'preemptionPolicy: Invalid value: "Never": field is immutable']


def test_printer():
    assert [c.name for c in PRIORITYCLASSES.printer.columns] == [
        "Name", "Value", "Global-Default", "Age", "PreemptionPolicy"]
    row = _row(pc("a", 7, globalDefault=True, preemptionPolicy="Never"))
    assert row[:3] + row[4:] == ["a", 7, True, "Never"]
    assert _row({"metadata": {"name": "b"}, "value": 1})[4] == ""
