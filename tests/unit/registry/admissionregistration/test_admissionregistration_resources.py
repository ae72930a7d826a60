"""admissionregistration.k8s.io: webhook configurations and admission policies (defaults, validation, printers)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kapiserver.registry.admissionregistration import policies, policy_specs, rules, webhooks
from kapiserver.registry.rest import RequestContext

CTX = RequestContext(api_group="admissionregistration.k8s.io", api_version="v1")
META = {"name": "c", "resourceVersion": "1"}


def hook(**fields: Any) -> dict[str, Any]:
    base = {"name": "hook.example.com", "sideEffects": "None", "admissionReviewVersions": ["v1"],
            "clientConfig": {"service": {"name": "s", "namespace": "ns", "path": "/validate", "port": 443}},
            "rules": [{"apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE"], "resources": ["pods"]}]}
    return {**base, **fields}


def config(*hooks: dict[str, Any], mutating: bool = False) -> dict[str, Any]:
    obj = {"metadata": dict(META), "webhooks": list(hooks)}
    webhooks.default_webhooks(obj, mutating)
    return obj


def test_webhook_defaults() -> None:
    obj = config(hook(), mutating=True)
    [item] = obj["webhooks"]
    assert (item["failurePolicy"], item["matchPolicy"], item["timeoutSeconds"], item["reinvocationPolicy"]) == (
        "Fail", "Equivalent", 10, "Never")
    assert item["namespaceSelector"] == item["objectSelector"] == {}
    assert item["rules"][0]["scope"] == "*" and item["clientConfig"]["service"]["port"] == 443
    assert "reinvocationPolicy" not in config(hook())["webhooks"][0]
    assert webhooks.validate_configuration(obj, True) == []


@pytest.mark.parametrize("fields,expected", [
    ({"name": "short"}, [('webhooks[0].name: Invalid value: "short": should be a domain with at least three segments '
                         'separated by dots')]),
    ({"sideEffects": None}, ["webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun"]),
    ({"sideEffects": "Unknown"},
     ['webhooks[0].sideEffects: Unsupported value: "Unknown": supported values: "None", "NoneOnDryRun"']),
    ({"admissionReviewVersions": []}, [("webhooks[0].admissionReviewVersions: Required value: must specify one of v1, "
                                       "v1beta1")]),
    ({"admissionReviewVersions": ["v1", "v1"]},
     ['webhooks[0].admissionReviewVersions[1]: Invalid value: "v1": duplicate version']),
    ({"timeoutSeconds": 0},
     ["webhooks[0].timeoutSeconds: Invalid value: 0: the timeout value must be between 1 and 30 seconds"]),
    ({"failurePolicy": "Retry"}, [('webhooks[0].failurePolicy: Unsupported value: "Retry": supported values: "Fail", '
                                  '"Ignore"')]),
    ({"clientConfig": {"url": "https://user@example.com/x#frag"}},
     ['webhooks[0].clientConfig.url: Invalid value: "user": user information is not permitted in the URL',
      'webhooks[0].clientConfig.url: Invalid value: "frag": fragments are not permitted in the URL']),
    ({"clientConfig": {"service": {"name": "s", "namespace": "ns", "port": 0, "path": "validate//x"}}},
     [('webhooks[0].clientConfig.service.port: Invalid value: 0: port is not valid: must be between 1 and 65535, '
      'inclusive'),
      "webhooks[0].clientConfig.service.path: Invalid value: \"validate//x\": must start with a '/'",
      'webhooks[0].clientConfig.service.path: Invalid value: "validate//x": segment[1] may not be empty']),
    ({"rules": [{"apiGroups": [], "apiVersions": ["v1", "*"], "operations": ["PATCH"], "resources": ["*", "pods"],
                 "scope": "Global"}]},
     [('webhooks[0].rules[0].operations[0]: Unsupported value: "PATCH": supported values: "*", "CONNECT", "CREATE", '
      '"DELETE", "UPDATE"'),
      "webhooks[0].rules[0].apiGroups: Required value",
      ('webhooks[0].rules[0].apiVersions: Invalid value: ["v1","*"]: if \'*\' is present, must not specify '
      'other API versions'),
      ('webhooks[0].rules[0].resources: Invalid value: ["*","pods"]: if \'*\' is present, must not specify '
      'other resources without subresources'),
      'webhooks[0].rules[0].scope: Unsupported value: "Global": supported values: "*", "Cluster", "Namespaced"']),
    ({"matchConditions": [{"name": "a", "expression": " "}, {"name": "a", "expression": "true"}]},
     ["webhooks[0].matchConditions[0].expression: Required value",
      'webhooks[0].matchConditions[1].name: Duplicate value: "a"']),
])
def test_webhook_validation(fields: dict[str, Any], expected: list[str]) -> None:
    obj = {"metadata": dict(META), "webhooks": [hook(**fields)]}
    assert [str(e) for e in webhooks.validate_configuration(obj, False)] == expected


def test_webhook_update_tolerates_stored_problems_and_bumps_generation() -> None:
    old = config(hook(sideEffects="Some", admissionReviewVersions=["v9"]), hook(sideEffects="Some"))
    old["metadata"]["generation"] = 1
    assert webhooks.validate_configuration_update(copy.deepcopy(old), old, False) == []
    assert webhooks.validate_configuration(old, False)
    new = copy.deepcopy(old)
    new["webhooks"][0]["timeoutSeconds"] = 5
    webhooks.WebhookConfigurationStrategy(False).prepare_for_update(CTX, new, old)
    assert new["metadata"]["generation"] == 2
    assert webhooks.VALIDATINGWEBHOOKCONFIGURATIONS.printer.row(old)[:2] == ["c", 2]
    assert webhooks.MUTATINGWEBHOOKCONFIGURATIONS.categories == ("api-extensions",)


RULE = {"apiGroups": ["apps"], "apiVersions": ["v1"], "operations": ["CREATE"], "resources": ["deployments"]}


def policy(**spec: Any) -> dict[str, Any]:
    obj = {"metadata": dict(META, name="p.example.com"),
           "spec": {"matchConstraints": {"resourceRules": [dict(RULE)]}, **spec}}
    policies.default_policy(obj, "mutations" in spec)
    return obj


def test_policy_defaults_and_valid_objects() -> None:
    obj = policy(validations=[{"expression": "object.spec.replicas <= 5"}])
    match = obj["spec"]["matchConstraints"]
    assert obj["spec"]["failurePolicy"] == "Fail" and match["matchPolicy"] == "Equivalent"
    assert match["namespaceSelector"] == match["objectSelector"] == {} and match["resourceRules"][0]["scope"] == "*"
    assert policies.validate_validating_policy(obj) == []
    mutating = policy(mutations=[{"patchType": "JSONPatch", "jsonPatch": {"expression": "[]"}}])
    assert mutating["spec"]["reinvocationPolicy"] == "Never"
    assert policies.validate_mutating_policy(mutating) == []


@pytest.mark.parametrize("spec,expected", [
    ({}, ["spec.validations: Required value: validations or auditAnnotations must contain at least one item",
          "spec.auditAnnotations: Required value: validations or auditAnnotations must contain at least one item"]),
    ({"validations": [{"expression": "", "message": "a\nb", "reason": "Teapot"}]},
     ["spec.validations[0].expression: Required value: expression is not specified",
      'spec.validations[0].message: Invalid value: "a\\nb": message must not contain line breaks',
      ('spec.validations[0].reason: Unsupported value: "Teapot": supported values: "Forbidden", "Invalid", '
      '"RequestEntityTooLarge"')]),
    ({"auditAnnotations": [{"key": "k", "valueExpression": "'v'"}, {"key": "k", "valueExpression": ""}]},
     ["spec.auditAnnotations[1].valueExpression: Required value: valueExpression is not specified",
      'spec.auditAnnotations[1].key: Duplicate value: "k"']),
    ({"validations": [{"expression": "true"}], "paramKind": {"apiVersion": "example.com/", "kind": ""}},
     ['spec.paramKind.apiVersion: Invalid value: "example.com/": version must be specified',
      "spec.paramKind.kind: Required value"]),
])
def test_validating_policy_validation(spec: dict[str, Any], expected: list[str]) -> None:
    assert [str(e) for e in policies.validate_validating_policy(policy(**spec))] == expected


def test_mutation_rules() -> None:
    obj = policy(mutations=[{"patchType": "JSONPatch", "applyConfiguration": {"expression": "x"}},
                            {"patchType": "Merge"}])
    assert [str(e) for e in policies.validate_mutating_policy(obj)] == [
        "spec.mutations[0].jsonPatch: Required value: must be specified when patchType is JSONPatch",
        ('spec.mutations[0].applyConfiguration: Invalid value: "{...}": must not be specified when patchType is '
        'JSONPatch'),
        'spec.mutations[1].patchType: Unsupported value: "Merge": supported values: "JSONPatch", "ApplyConfiguration"']
    empty = policy(mutations=[])
    empty["spec"]["reinvocationPolicy"] = "Sometimes"
    assert [str(e) for e in policies.validate_mutating_policy(empty)] == [
        "spec.mutations: Required value: mutations must contain at least one item",
        'spec.reinvocationPolicy: Unsupported value: "Sometimes": supported values: "IfNeeded", "Never"']


def test_bindings() -> None:
    binding = {"metadata": dict(META), "spec": {"policyName": "p", "validationActions": ["Deny"],
                                                "paramRef": {"name": "cfg", "parameterNotFoundAction": "Deny"}}}
    assert policies.validate_binding(binding, False) == []
    bad = {"metadata": dict(META), "spec": {"validationActions": ["Deny", "Warn"], "paramRef": {},
                                            "matchResources": {"matchPolicy": "Fuzzy"}}}
    assert [str(e) for e in policies.validate_binding(bad, False)] == [
        "spec.policyName: Required value",
        "spec.paramRef: Required value: one of name or selector must be specified",
        "spec.paramRef.parameterNotFoundAction: Required value",
        'spec.matchResouces.matchPolicy: Unsupported value: "Fuzzy": supported values: "Equivalent", "Exact"',
        "spec.matchResouces.namespaceSelector: Required value",
        "spec.matchResouces.objectSelector: Required value",
        ('spec.validationActions: Invalid value: ["Deny","Warn"]: must not '
        'contain both Deny and Warn (repeating the same validation failure information in the API response and '
        'headers serves no purpose)')]
    assert [e.field for e in policies.validate_binding(bad, True)][3] == "spec.matchResources.matchPolicy"


def test_policy_strategies_status_and_printers() -> None:
    strategy = policies.PolicyStrategy("validating")
    obj = policy(validations=[{"expression": "true"}], paramKind={"apiVersion": "v1", "kind": "ConfigMap"})
    obj["status"] = {"observedGeneration": 9}
    strategy.prepare_for_create(CTX, obj)
    assert obj["status"] == {} and obj["metadata"]["generation"] == 1
    status_update = copy.deepcopy(obj)
    status_update["spec"] = {}
    status_update["status"] = {"typeChecking": {"expressionWarnings": [{"fieldRef": "", "warning": "w"}]}}
    status_strategy = policies.ValidatingPolicyStatusStrategy()
    status_strategy.prepare_for_update(CTX, status_update, obj)
    assert status_update["spec"] == obj["spec"]
    assert [str(e) for e in status_strategy.validate_update(CTX, status_update, obj)] == [
        "status.typeChecking.expressionWarnings[0].fieldRef: Required value"]
    spec = policy_specs.VALIDATINGADMISSIONPOLICIES
    assert spec.printer.row(obj)[:3] == ["p.example.com", 1, "v1/ConfigMap"]
    binding = {"metadata": {"name": "b"}, "spec": {"policyName": "p", "paramRef": {"selector": {
        "matchLabels": {"b": "2", "a": "1"}, "matchExpressions": [{"key": "k", "operator": "In", "values": ["x", "y"]}]}}}}
    assert policy_specs.VALIDATINGADMISSIONPOLICYBINDINGS.printer.row(binding)[2] == (
        "&LabelSelector{MatchLabels:map[string]string{a: 1,b: 2,},MatchExpressions:[]LabelSelectorRequirement"
        "{LabelSelectorRequirement{Key:k,Operator:In,Values:[x y],},},}")
    namespaced = {"metadata": {"name": "b"}, "spec": {"policyName": "p", "paramRef": {"name": "n", "namespace": "ns"}}}
    assert policy_specs.MUTATINGADMISSIONPOLICYBINDINGS.printer.row(namespaced)[1:3] == ["p", "ns/n"]
    assert policy_specs.MUTATINGADMISSIONPOLICIES_V1ALPHA1.storage_version == "v1beta1"
    assert rules.is_cel_identifier("_a1") and not rules.is_cel_identifier("while")
