"""CEL expressions of ValidatingAdmissionPolicies and webhook match conditions are compiled on
write, with upstream's field paths, messages and declared variables (after
pkg/apis/admissionregistration/validation validation_test.go)."""

from __future__ import annotations

from typing import Any

import pytest

from kapiserver.apimachinery import field
from kapiserver.registry.admissionregistration import policies, webhooks
from kapiserver.registry.rest import RequestContext

CTX = RequestContext(api_group="admissionregistration.k8s.io", api_version="v1")
RULES = [{"apiGroups": ["apps"], "apiVersions": ["v1"], "operations": ["CREATE"], "resources": ["deployments"],
          "scope": "*"}]
PARAMS = {"apiVersion": "v1", "kind": "ConfigMap"}


def policy(**spec: Any) -> dict[str, Any]:
    base = {"failurePolicy": "Fail", "matchConstraints": {"matchPolicy": "Equivalent", "namespaceSelector": {},
                                                          "objectSelector": {}, "resourceRules": RULES}}
    return {"metadata": {"name": "p", "resourceVersion": "1"}, "spec": {**base, **spec}}


def errors(obj: dict[str, Any]) -> list[str]:
    return [str(e) for e in policies.validate_validating_policy(obj)]


def test_validation_expressions_must_compile_to_bool() -> None:
    assert errors(policy(validations=[{"expression": "foo.bar > 1"}, {"expression": "1 + 1"},
                                      {"expression": "object.spec.replicas"}])) == [
        ("spec.validations[0].expression: Invalid value: \"foo.bar > 1\": compilation failed: ERROR: <input>:1:1: "
        "undeclared reference to 'foo' (in container '')\n | foo.bar > 1\n | ^"),
        'spec.validations[1].expression: Invalid value: "1 + 1": must evaluate to bool but got int',
        'spec.validations[2].expression: Invalid value: "object.spec.replicas": must evaluate to bool but got dyn',
    ]


def test_syntax_errors_point_at_the_column() -> None:
    [err] = errors(policy(validations=[{"expression": "object.a +"}]))
    assert err.startswith('spec.validations[0].expression: Invalid value: "object.a +": compilation failed: '
                          "ERROR: <input>:1:11: Syntax error: mismatched input '<EOF>' expecting")
    assert err.endswith("\n | object.a +\n | ..........^")


def test_the_admission_variables_are_declared_and_typed() -> None:
    ok = ["object.metadata.name == oldObject.metadata.name",
          "request.userInfo.username == 'admin' && 'g' in request.userInfo.groups && request.operation == 'CREATE'",
          "namespaceObject.metadata.labels['team'] == 'a' && namespaceObject.status.phase == 'Active'",
          "authorizer.requestResource.check('get').allowed()",
          "authorizer.group('apps').resource('deployments').namespace('ns').name('n').check('list').allowed()",
          "authorizer.serviceAccount('ns', 'sa').path('/healthz').check('get').reason() == ''"]
    assert errors(policy(validations=[{"expression": e} for e in ok])) == []
    [err] = errors(policy(validations=[{"expression": "request.nope == 1"}]))
    assert "ERROR: <input>:1:8: undefined field 'nope'" in err


def test_params_only_with_a_param_kind() -> None:
    spec = {"validations": [{"expression": "params.x == 1", "messageExpression": "string(params.y)"}],
            "matchConditions": [{"name": "m", "expression": "params.a == 'b'"}]}
    assert errors(policy(paramKind=PARAMS, **spec)) == []
    found = errors(policy(**spec))
    assert [e.split(":")[0] for e in found] == ["spec.matchConditions[0].expression", "spec.validations[0].expression",
                                                "spec.validations[0].messageExpression"]
    assert all("undeclared reference to 'params' (in container '')" in e for e in found)


def test_message_expressions_are_strings_without_the_authorizer() -> None:
    found = errors(policy(validations=[{"expression": "true", "messageExpression": "1"},
                                       {"expression": "true", "messageExpression": "authorizer.path('/').check('get').reason()"}]))
    assert found[0] == 'spec.validations[0].messageExpression: Invalid value: "1": must evaluate to string but got int'
    assert "undeclared reference to 'authorizer'" in found[1]


def test_audit_annotation_values_are_strings_or_null() -> None:
    found = errors(policy(auditAnnotations=[{"key": "a", "valueExpression": " 1 "}, {"key": "b", "valueExpression": "null"},
                                            {"key": "c", "valueExpression": "'by ' + request.userInfo.username"}]))
    assert found == [('spec.auditAnnotations[0].valueExpression: Invalid value: " 1 ": '
                     "must evaluate to one of [string null_type] but got int")]


def test_variables_compose_in_order() -> None:
    found = errors(policy(
        variables=[{"name": "replicas", "expression": "object.spec.replicas"},
                   {"name": "early", "expression": "variables.big"},
                   {"name": "big", "expression": "variables.replicas > 3"},
                   {"name": "xs", "expression": "[1, 2]"}],
        validations=[{"expression": "!variables.big && variables.xs.all(x, x > 0)"},
                     {"expression": "variables.xs"}, {"expression": "variables.missing"}],
        matchConditions=[{"name": "m", "expression": "variables.big"}]))
    assert [e.split(": Invalid value")[0] for e in found] == [
        "spec.matchConditions[0].expression", "spec.variables[1].expression", "spec.validations[1].expression",
        "spec.validations[2].expression"]
    assert "undeclared reference to 'variables'" in found[0]  # match conditions do not see variables
    assert "ERROR: <input>:1:10: undefined field 'big'" in found[1]
    assert found[2].endswith("must evaluate to bool but got list(int)")
    assert "undefined field 'missing'" in found[3]


def test_unchanged_match_conditions_are_not_compiled_again_on_update() -> None:
    old = policy(matchConditions=[{"name": "m", "expression": "params.x"}], validations=[{"expression": "true"}])
    new = policy(matchConditions=[{"name": "m", "expression": "params.x"}], validations=[{"expression": "false"}])
    strategy = policies.PolicyStrategy("validating")
    assert strategy.validate_update(CTX, new, old) == []
    new["spec"]["paramKind"] = PARAMS  # a new paramKind compiles them again: params is now declared, as dyn
    assert [str(e) for e in strategy.validate_update(CTX, new, old)] == [
        'spec.matchConditions[0].expression: Invalid value: "params.x": must evaluate to bool but got dyn']
    del new["spec"]["paramKind"]
    new["spec"]["matchConditions"][0]["expression"] = "params.y"
    assert [e.field for e in strategy.validate_update(CTX, new, old)] == ["spec.matchConditions[0].expression"]


def webhook_config(*conditions: dict[str, str]) -> dict[str, Any]:
    hook = {"name": "hook.example.com", "sideEffects": "None", "admissionReviewVersions": ["v1"],
            "clientConfig": {"url": "https://example.com/hook"}, "matchConditions": list(conditions)}
    return {"metadata": {"name": "c", "resourceVersion": "1"}, "webhooks": [hook]}


@pytest.mark.parametrize("mutating", [False, True])
def test_webhook_match_conditions_are_compiled_without_params(mutating: bool) -> None:
    obj = webhook_config({"name": "a", "expression": "params.x"}, {"name": "b", "expression": " object.x "},
                         {"name": "c", "expression": "authorizer.requestResource.check('get').allowed()"},
                         {"name": "d", "expression": "request.userInfo.username != 'x'"})
    found = [str(e) for e in webhooks.validate_configuration(obj, mutating)]
    assert found == [
        ("webhooks[0].matchConditions[0].expression: Invalid value: \"params.x\": compilation failed: ERROR: "
        "<input>:1:1: undeclared reference to 'params' (in container '')\n | params.x\n | ^"),
        'webhooks[0].matchConditions[1].expression: Invalid value: "object.x": must evaluate to bool but got dyn',
    ]
    assert webhooks.validate_configuration_update(obj, obj, mutating) == []


def test_field_errors_render_as_a_status_message() -> None:
    errs = policies.validate_validating_policy(policy(validations=[{"expression": "1"}]))
    assert field.aggregate_message(errs) == 'spec.validations[0].expression: Invalid value: "1": must evaluate to bool but got int'
