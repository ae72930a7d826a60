"""ValidatingAdmissionPolicy through kubectl v1.35 and the `kubernetes` Python client.

Policies are cluster-wide, so every binding here selects only its test's namespace (by the
kubernetes.io/metadata.name label, or a label the test puts on its namespace), and the
`policies` fixture deletes what a test created.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from harness import Server, refused
from kubernetes import client
from kubernetes.client.rest import ApiException

DEPLOYMENT_RULES = {"resourceRules": [{"apiGroups": ["apps"], "apiVersions": ["v1"],
                                       "operations": ["CREATE", "UPDATE"], "resources": ["deployments"]}]}


def deployment(name: str, replicas: int, labels: dict[str, str] | None = None) -> str:
    return json.dumps({"apiVersion": "apps/v1", "kind": "Deployment",
                       "metadata": {"name": name, "labels": labels or {"app": name}},
                       "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                                "template": {"metadata": {"labels": {"app": name}},
                                             "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}})


Apply = Callable[..., None]


@pytest.fixture
def policies(server: Server, ns: str) -> Iterator[Apply]:
    """apply(policy_name, policy_spec, binding_spec): creates both (binding named <policy>-binding)
    with the binding limited to the test namespace unless it says otherwise."""
    created: list[tuple[str, str]] = []

    def apply(name: str, spec: dict[str, Any], binding: dict[str, Any] | None = None) -> None:
        body = {"failurePolicy": "Fail", "matchConstraints": DEPLOYMENT_RULES, **spec}
        binding_spec = {"policyName": name, "validationActions": ["Deny"],
                        "matchResources": {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": ns}}},
                        **(binding or {})}
        manifest = [
            {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicy",
             "metadata": {"name": name}, "spec": body},
            {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicyBinding",
             "metadata": {"name": f"{name}-binding"}, "spec": binding_spec}]
        server.kubectl("apply", "-f", "-", input=json.dumps({"apiVersion": "v1", "kind": "List", "items": manifest}))
        created.append(("validatingadmissionpolicybinding", f"{name}-binding"))
        created.append(("validatingadmissionpolicy", name))

    yield apply
    for kind, name in created:
        server.kubectl("delete", kind, name, "--ignore-not-found", check=False)


def eventually_refused(server: Server, *args: str, input: str | None = None) -> str:
    """Policies reach the plugin through its watch: allow it a moment."""
    deadline = time.monotonic() + 5
    while True:
        result = server.kubectl(*args, input=input, check=False)
        if result.returncode == 1 or time.monotonic() > deadline:
            assert result.returncode == 1, result
            return result.stderr
        server.kubectl("delete", "-f", "-", "--ignore-not-found", input=input, check=False)
        time.sleep(0.2)


def test_the_documented_replicas_limit(server: Server, ns: str, policies: Apply) -> None:
    server.kubectl("label", "namespace", ns, "environment=test")
    policies(f"demo-policy.{ns}.example.com", {"validations": [{"expression": "object.spec.replicas <= 5"}]},
             {"matchResources": {"namespaceSelector": {"matchLabels": {"environment": "test"}}}})
    policy, binding = f"demo-policy.{ns}.example.com", f"demo-policy.{ns}.example.com-binding"
    stderr = eventually_refused(server, "-n", ns, "create", "-f", "-", input=deployment("nginx", 7))
    assert stderr == (f"The deployments \"nginx\" is invalid: : ValidatingAdmissionPolicy '{policy}' with binding "
                      f"'{binding}' denied request: failed expression: object.spec.replicas <= 5\n")
    server.kubectl("-n", ns, "create", "-f", "-", input=deployment("nginx", 3))

    apps = client.AppsV1Api(server.api)
    with pytest.raises(ApiException) as caught:
        apps.patch_namespaced_deployment("nginx", ns, {"spec": {"replicas": 6}})
    assert caught.value.status == 422
    status = json.loads(caught.value.body)
    assert status["reason"] == "Invalid"
    assert status["message"] == (f"deployments.apps \"nginx\" is forbidden: ValidatingAdmissionPolicy '{policy}' "
                                 f"with binding '{binding}' denied request: failed expression: "
                                 "object.spec.replicas <= 5")
    assert status["details"]["causes"] == [{"message": status["message"].split("is forbidden: ", 1)[1]}]


def test_warn_shows_a_kubectl_warning(server: Server, ns: str, policies: Apply) -> None:
    policies(f"warn-{ns}", {"validations": [{"expression": "object.spec.replicas <= 5"}]},
             {"validationActions": ["Warn"]})
    time.sleep(1)
    result = server.kubectl("-n", ns, "create", "-f", "-", input=deployment("web", 7))
    assert f"Warning: Validation failed for ValidatingAdmissionPolicy 'warn-{ns}' with binding 'warn-{ns}-binding': " \
           "failed expression: object.spec.replicas <= 5" in result.stderr
    assert result.stdout == "deployment.apps/web created\n"


def test_params_from_a_configmap(server: Server, ns: str, policies: Apply) -> None:
    server.kubectl("-n", ns, "create", "configmap", "limits", "--from-literal=max=2")
    policies(f"params-{ns}", {"paramKind": {"apiVersion": "v1", "kind": "ConfigMap"},
                              "validations": [{"expression": "object.spec.replicas <= int(params.data.max)",
                                               "messageExpression": "'at most ' + params.data.max + ' replicas'"}]},
             {"paramRef": {"name": "limits", "parameterNotFoundAction": "Deny"}})
    stderr = eventually_refused(server, "-n", ns, "create", "-f", "-", input=deployment("web", 3))
    assert stderr.endswith(f"with binding 'params-{ns}-binding' denied request: at most 2 replicas\n")
    server.kubectl("-n", ns, "create", "-f", "-", input=deployment("web", 2))
    server.kubectl("-n", ns, "delete", "configmap", "limits")
    time.sleep(0.5)
    assert refused(server, "-n", ns, "create", "-f", "-", input=deployment("other", 1)).endswith(
        "denied request: failed to configure binding: no params found for policy binding with `Deny` "
        "parameterNotFoundAction\n")


def test_namespace_selector_limits_the_binding(server: Server, ns: str, policies: Apply) -> None:
    policies(f"nssel-{ns}", {"validations": [{"expression": "false", "reason": "Forbidden"}]},
             {"matchResources": {"namespaceSelector": {"matchLabels": {"policy": f"on-{ns}"}}}})
    time.sleep(1)
    server.kubectl("-n", ns, "create", "-f", "-", input=deployment("before", 1))
    server.kubectl("label", "namespace", ns, f"policy=on-{ns}")
    stderr = refused(server, "-n", ns, "create", "-f", "-", input=deployment("after", 1))
    assert stderr == (f"Error from server (Forbidden): error when creating \"STDIN\": deployments.apps \"after\" is "
                      f"forbidden: ValidatingAdmissionPolicy 'nssel-{ns}' with binding 'nssel-{ns}-binding' denied "
                      "request: failed expression: false\n")


def test_reason_invalid_answers_422_and_message_expression(server: Server, ns: str, policies: Apply) -> None:
    policies(f"reason-{ns}", {"validations": [{
        "expression": "object.metadata.name.startsWith('ok-')", "reason": "Invalid",
        "messageExpression": "'name ' + object.metadata.name + ' must start with ok-'"}]})
    time.sleep(1)
    answer = server.request("POST", f"/apis/apps/v1/namespaces/{ns}/deployments", json.loads(deployment("bad", 1)))
    assert answer.status == 422, answer.body
    assert answer.json()["message"].endswith("denied request: name bad must start with ok-")
    server.kubectl("-n", ns, "create", "-f", "-", input=deployment("ok-web", 1))


def test_failure_policy_on_a_runtime_error(server: Server, ns: str, policies: Apply) -> None:
    validation = [{"expression": "object.spec.template.metadata.annotations['missing'] == 'x'"}]
    policies(f"fail-{ns}", {"validations": validation})
    stderr = eventually_refused(server, "-n", ns, "create", "-f", "-", input=deployment("web", 1))
    assert "denied request: expression 'object.spec.template.metadata.annotations['missing'] == 'x'' resulted in " \
           "error: no such key: annotations" in stderr
    policies(f"fail-{ns}", {"validations": validation, "failurePolicy": "Ignore"})
    deadline = time.monotonic() + 5
    while server.kubectl("-n", ns, "create", "-f", "-", input=deployment("web", 1), check=False).returncode:
        assert time.monotonic() < deadline
        time.sleep(0.2)


def test_match_conditions_exclude_a_request(server: Server, ns: str, policies: Apply) -> None:
    policies(f"cond-{ns}", {"validations": [{"expression": "false"}], "matchConditions": [
        {"name": "not-exempt", "expression": "!('exempt' in object.metadata.labels)"}]})
    eventually_refused(server, "-n", ns, "create", "-f", "-", input=deployment("web", 1))
    server.kubectl("-n", ns, "create", "-f", "-", input=deployment("web", 1, {"app": "web", "exempt": "yes"}))


def test_policy_updates_take_effect_quickly(server: Server, ns: str, policies: Apply) -> None:
    policies(f"upd-{ns}", {"validations": [{"expression": "object.spec.replicas <= 5"}]})
    eventually_refused(server, "-n", ns, "create", "-f", "-", input=deployment("web", 4 + 3))
    policies(f"upd-{ns}", {"validations": [{"expression": "object.spec.replicas <= 10"}]})
    started = time.monotonic()
    while server.kubectl("-n", ns, "create", "-f", "-", input=deployment("web", 7), check=False).returncode:
        assert time.monotonic() - started < 2.5
        time.sleep(0.1)
