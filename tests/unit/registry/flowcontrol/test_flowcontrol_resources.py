"""FlowSchema and PriorityLevelConfiguration defaults, validation, printers, bootstrap data and ensurer."""

from kapiserver.apimachinery import meta
from kapiserver.registry.flowcontrol import bootstrap, ensurer, flowschemas, prioritylevelconfigurations
from kapiserver.registry.flowcontrol.flowschemas import FLOWSCHEMAS
from kapiserver.registry.flowcontrol.prioritylevelconfigurations import PRIORITYLEVELCONFIGURATIONS
from kapiserver.registry.rest import RequestContext

CTX = RequestContext()
FS = FLOWSCHEMAS.strategy
PL = PRIORITYLEVELCONFIGURATIONS.strategy


def msgs(errs):
    return [str(e) for e in errs]


def test_bootstrap_objects_are_valid_and_unchanged_by_defaults():
    for obj in bootstrap.mandatory_flow_schema_list() + bootstrap.suggested_flow_schema_list():
        copy = meta.deep_copy(obj)
        FS.default(copy)
        assert copy == obj
        assert FS.validate(CTX, copy) == []
    for obj in bootstrap.mandatory_priority_level_list() + bootstrap.suggested_priority_level_list():
        copy = meta.deep_copy(obj)
        PL.default(copy)
        assert copy == obj
        assert PL.validate(CTX, copy) == []
    assert len(bootstrap.suggested_flow_schema_list()) == 9
    assert len(bootstrap.suggested_priority_level_list()) == 6


def test_defaults():
    fs = {"metadata": {"name": "f"}, "spec": {}}
    FS.default(fs)
    assert fs["spec"]["matchingPrecedence"] == 1000
    pl = {"metadata": {"name": "p"}, "spec": {"type": "Limited", "limited": {
        "limitResponse": {"type": "Queue", "queuing": {}}}}}
    PL.default(pl)
    assert pl["spec"]["limited"] == {"limitResponse": {"type": "Queue", "queuing": {
        "handSize": 8, "queues": 64, "queueLengthLimit": 50}}, "nominalConcurrencyShares": 30, "lendablePercent": 0}


def test_flow_schema_errors():
    fs = {"metadata": {"name": "f"}, "spec": {"matchingPrecedence": 1, "priorityLevelConfiguration": {},
                                              "distinguisherMethod": {"type": "ByColor"},
                                              "rules": [{"subjects": [{"kind": "User"}]}]}}
    assert msgs(FS.validate(CTX, fs)) == [
        "spec.matchingPrecedence: Invalid value: 1: only the schema named 'exempt' may have matchingPrecedence 1",
        ('spec.distinguisherMethod.type: Unsupported value: {"Type":"ByColor"}: supported values: "ByNamespace", '
        '"ByUser"'),
        "spec.priorityLevelConfiguration.name: Required value: must reference a priority level",
        "spec.rules[0].subjects[0].user: Required value: user is required when subject kind is 'User'",
        "spec.rules[0]: Required value: at least one of resourceRules and nonResourceRules has to be non-empty",
    ]


def test_mandatory_spec_is_fixed():
    fs = bootstrap.mandatory_flow_schemas()["exempt"]
    fs["spec"]["matchingPrecedence"] = 2
    assert msgs(FS.validate(CTX, fs))[-1].endswith("spec of 'exempt' must equal the fixed value")
    # the internal FlowSchemaSpec, as json.Marshal writes it
    assert msgs(FS.validate(CTX, fs))[-1].startswith(
        'spec: Invalid value: {"PriorityLevelConfiguration":{"Name":"exempt"},"MatchingPrecedence":2,'
        '"DistinguisherMethod":null,"Rules":[{"Subjects":[{"Kind":"Group","User":null,"Group":{"Name":"system:masters"},')
    pl = bootstrap.mandatory_priority_levels()["exempt"]
    pl["spec"]["exempt"]["nominalConcurrencyShares"] = 12
    assert PL.validate(CTX, pl) == []


def test_priority_level_errors():
    pl = {"metadata": {"name": "p"}, "spec": {"type": "Limited", "limited": {
        "nominalConcurrencyShares": -1, "lendablePercent": 101,
        "limitResponse": {"type": "Queue", "queuing": {"queues": 4, "handSize": 5, "queueLengthLimit": 1}}}}}
    assert msgs(PL.validate(CTX, pl)) == [
        "spec.limited.nominalConcurrencyShares: Invalid value: -1: must be a non-negative integer",
        "spec.limited.limitResponse.queuing.handSize: Invalid value: 5: should not be greater than queues (4)",
        "spec.limited.lendablePercent: Invalid value: 101: must be between 0 and 100, inclusive",
    ]
    assert msgs(PL.validate(CTX, {"metadata": {"name": "exempt"}, "spec": {"type": "Limited", "limited": {
        "nominalConcurrencyShares": 1, "limitResponse": {"type": "Reject"}}}}))[0] == (
        "spec.type: Invalid value: \"Limited\": type must be 'Exempt' if and only if name is 'exempt'")


def test_printers():
    rows = {meta.name(o): prioritylevelconfigurations._row(o) for o in bootstrap.mandatory_priority_level_list()
            + bootstrap.suggested_priority_level_list()}
    assert rows["exempt"][:6] == ["exempt", "Exempt", "<none>", "<none>", "<none>", "<none>"]
    assert rows["catch-all"][:6] == ["catch-all", "Limited", 5, "<none>", "<none>", "<none>"]
    assert rows["workload-low"][:6] == ["workload-low", "Limited", 100, 128, 6, 50]
    fs = bootstrap.mandatory_flow_schemas()["exempt"]
    assert flowschemas._row(fs)[:4] + flowschemas._row(fs)[5:] == ["exempt", "exempt", 1, "<none>", "?"]
    fs["status"] = {"conditions": [ensurer.dangling_condition(fs, {"exempt"})]}
    assert flowschemas._row(fs)[5] == "False"


def test_ensurer_respects_autoupdate():
    wanted = bootstrap.suggested_priority_level_list()[0]
    current = meta.deep_copy(wanted)
    current["metadata"]["generation"] = 2
    current["spec"]["limited"]["nominalConcurrencyShares"] = 1
    revised = ensurer.revise_if_needed(current, wanted, False, ensurer._pl_spec_equal)
    assert revised is not None and revised["spec"] == wanted["spec"]
    current["metadata"]["annotations"][bootstrap.AUTOUPDATE_ANNOTATION] = "false"
    assert ensurer.revise_if_needed(current, wanted, False, ensurer._pl_spec_equal) is None
    del current["metadata"]["annotations"][bootstrap.AUTOUPDATE_ANNOTATION]
    revised = ensurer.revise_if_needed(current, wanted, False, ensurer._pl_spec_equal)
    assert revised["metadata"]["annotations"][bootstrap.AUTOUPDATE_ANNOTATION] == "false"
    assert revised["spec"] == current["spec"]
