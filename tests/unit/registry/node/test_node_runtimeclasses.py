"""RuntimeClass validation and printer (upstream pkg/apis/node/validation)."""

from kapiserver.registry.node.runtimeclasses import RUNTIMECLASSES, _row
from kapiserver.registry.rest import RequestContext

CTX = RequestContext()
S = RUNTIMECLASSES.strategy


def msgs(errs):
    return [str(e) for e in errs]


def test_valid_and_handler_label():
    assert S.validate(CTX, {"metadata": {"name": "gvisor"}, "handler": "runsc"}) == []
    assert msgs(S.validate(CTX, {"metadata": {"name": "x"}, "handler": ""}))[0].startswith(
        'handler: Invalid value: "": a lowercase RFC 1123 label must consist of')


def test_handler_is_immutable():
    old = {"metadata": {"name": "x", "resourceVersion": "1"}, "handler": "a"}
    new = {"metadata": {"name": "x", "resourceVersion": "1"}, "handler": "b"}
    assert msgs(S.validate_update(CTX, new, old)) == ['handler: Invalid value: "b": field is immutable']


def test_overhead_and_duplicate_tolerations():
    obj = {"metadata": {"name": "x"}, "handler": "a", "overhead": {"podFixed": {"cpu": "-1"}},
           "scheduling": {"tolerations": [{"key": "k", "operator": "Exists"}, {"key": "k", "operator": "Exists"}]}}
    assert msgs(S.validate(CTX, obj)) == [
        'overhead.limits[cpu]: Invalid value: "-1": must be greater than or equal to 0',
        ('scheduling.tolerations[1]: Duplicate value: {"Key":"k","Operator":"Exists","Value":"","Effect":"",'
         '"TolerationSeconds":null}')]


def test_printer():
    assert [c.name for c in RUNTIMECLASSES.printer.columns] == ["Name", "Handler", "Age"]
    assert _row({"metadata": {"name": "x"}, "handler": "runc"})[:2] == ["x", "runc"]
