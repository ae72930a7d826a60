"""ValidatingAdmissionPolicy evaluation: validations, messages, reasons, variables, match
conditions, params, validationActions and failurePolicy, through the plugin with an in-memory
store."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from kapiserver.admission.interfaces import Attributes, Operation
from kapiserver.admission.plugins.policy.params import ParamStore
from kapiserver.admission.plugins.policy.source import PolicySource
from kapiserver.admission.plugins.policy.validating import ValidatingAdmissionPolicy
from kapiserver.apimachinery import errors
from kapiserver.apimachinery.schema import GroupVersionKind, GroupVersionResource
from kapiserver.apimachinery.user import UserInfo
from kapiserver.storage.memory import new_memory_store

POLICIES, BINDINGS = "/registry/validatingadmissionpolicies", "/registry/validatingadmissionpolicybindings"
DEPLOYMENTS = GroupVersionResource("apps", "v1", "deployments")
DEPLOYMENT = GroupVersionKind("apps", "v1", "Deployment")
NAMESPACES = {"default": {"metadata": {"name": "default", "labels": {"environment": "test"}}},
              "prod": {"metadata": {"name": "prod", "labels": {"environment": "prod"}}}}


def policy(name: str, validations: list[dict[str, Any]], **spec: Any) -> dict[str, Any]:
    body = {"failurePolicy": "Fail", "validations": validations, "matchConstraints": {
        "resourceRules": [{"apiGroups": ["apps"], "apiVersions": ["v1"], "operations": ["CREATE", "UPDATE"],
                           "resources": ["deployments"]}],
        "namespaceSelector": {}, "objectSelector": {}, "matchPolicy": "Equivalent"}}
    body.update(spec)
    return {"metadata": {"name": name, "generation": 1}, "spec": body}


def binding(name: str, policy_name: str, actions: list[str] | None = None, **spec: Any) -> dict[str, Any]:
    return {"metadata": {"name": name}, "spec": {"policyName": policy_name,
                                                 "validationActions": actions or ["Deny"], **spec}}


def deployment(replicas: int, name: str = "nginx", labels: dict[str, str] | None = None) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": "default", "labels": labels or {}},
            "spec": {"replicas": replicas}}


def attrs(obj: dict[str, Any] | None, namespace: str = "default", operation: Operation = Operation.CREATE,
          old: dict[str, Any] | None = None) -> Attributes:
    name = ((obj or old or {}).get("metadata") or {}).get("name", "")
    return Attributes(operation, DEPLOYMENT, DEPLOYMENTS, "", namespace, name, obj, old, UserInfo("alice"))


async def _get_namespace(name: str) -> dict[str, Any] | None:
    return NAMESPACES.get(name)


CONFIGMAPS = {("default", "limits"): {"apiVersion": "v1", "kind": "ConfigMap",
                                      "metadata": {"name": "limits", "namespace": "default", "labels": {"a": "b"}},
                                      "data": {"max": "3"}}}


async def _resolve(api_version: str, kind: str) -> ParamStore | None:
    if (api_version, kind) != ("v1", "ConfigMap"):
        return None

    async def get(namespace: str, name: str) -> dict[str, Any] | None:
        return CONFIGMAPS.get((namespace, name))

    async def list_(namespace: str) -> list[dict[str, Any]]:
        return [v for (ns, _), v in CONFIGMAPS.items() if not namespace or ns == namespace]

    return ParamStore(True, get, list_)


def run(objects: list[dict[str, Any]], check: Callable[[ValidatingAdmissionPolicy], Awaitable[None]]) -> None:
    async def main() -> None:
        store = new_memory_store()
        for obj in objects:
            prefix = BINDINGS if "policyName" in obj["spec"] else POLICIES
            await store.create(f"{prefix}/{obj['metadata']['name']}", obj)
        source = PolicySource(store, POLICIES, store, BINDINGS)
        plugin = ValidatingAdmissionPolicy(source, _get_namespace, _resolve)
        try:
            await check(plugin)
        finally:
            await source.stop()
            await store.close()

    asyncio.run(main())


def refusal(objects: list[dict[str, Any]], request: Attributes) -> errors.StatusError | None:
    found: list[errors.StatusError | None] = [None]

    async def check(plugin: ValidatingAdmissionPolicy) -> None:
        try:
            await plugin.validate(request)
        except errors.StatusError as err:
            found[0] = err

    run(objects, check)
    return found[0]


REPLICAS = [{"expression": "object.spec.replicas <= 5"}]


def test_denial_message_reason_and_code_as_upstream() -> None:
    err = refusal([policy("demo", REPLICAS), binding("demo-binding", "demo")], attrs(deployment(7)))
    assert err is not None
    text = ("ValidatingAdmissionPolicy 'demo' with binding 'demo-binding' denied request: "
            "failed expression: object.spec.replicas <= 5")
    assert err.message == f'deployments.apps "nginx" is forbidden: {text}'
    assert err.code == 422 and err.reason == "Invalid"
    assert err.status["details"]["causes"] == [{"message": text}]
    assert refusal([policy("demo", REPLICAS), binding("demo-binding", "demo")], attrs(deployment(3))) is None


def test_no_binding_no_evaluation() -> None:
    assert refusal([policy("demo", REPLICAS)], attrs(deployment(7))) is None


@pytest.mark.parametrize(("reason", "code"), [("Forbidden", 403), ("Invalid", 422), ("Unauthorized", 401),
                                               ("RequestEntityTooLarge", 413)])
def test_reason_sets_the_code(reason: str, code: int) -> None:
    validations = [{"expression": "object.spec.replicas <= 5", "reason": reason}]
    err = refusal([policy("p", validations), binding("b", "p")], attrs(deployment(7)))
    assert err is not None and err.code == code and err.reason == reason


def test_message_and_message_expression() -> None:
    validations = [{"expression": "object.spec.replicas <= 5", "message": "too many",
                    "messageExpression": "'replicas ' + string(object.spec.replicas) + ' > 5'"}]
    err = refusal([policy("p", validations), binding("b", "p")], attrs(deployment(7)))
    assert err is not None and err.message.endswith("denied request: replicas 7 > 5")
    validations = [{"expression": "object.spec.replicas <= 5", "message": "too many",
                    "messageExpression": "object.spec.missing"}]
    err = refusal([policy("p", validations), binding("b", "p")], attrs(deployment(7)))
    assert err is not None and err.message.endswith("denied request: too many")


def test_runtime_error_and_failure_policy() -> None:
    validations = [{"expression": "object.spec.missing > 1"}]
    err = refusal([policy("p", validations), binding("b", "p")], attrs(deployment(7)))
    assert err is not None
    assert err.message.endswith("denied request: expression 'object.spec.missing > 1' resulted in error: "
                                "no such key: missing")
    assert refusal([policy("p", validations, failurePolicy="Ignore"), binding("b", "p")], attrs(deployment(7))) is None


def test_variables_are_lazy_and_composited() -> None:
    variables = [{"name": "broken", "expression": "object.spec.missing"},
                 {"name": "replicas", "expression": "object.spec.replicas"},
                 {"name": "big", "expression": "variables.replicas > 5"}]
    validations = [{"expression": "!variables.big"}]
    err = refusal([policy("p", validations, variables=variables), binding("b", "p")], attrs(deployment(7)))
    assert err is not None and err.message.endswith("failed expression: !variables.big")
    assert refusal([policy("p", validations, variables=variables), binding("b", "p")], attrs(deployment(2))) is None
    err = refusal([policy("p", [{"expression": "variables.broken == 1"}], variables=variables), binding("b", "p")],
                  attrs(deployment(2)))
    assert err is not None and err.message.endswith(
        "expression 'variables.broken == 1' resulted in error: composited variable \"broken\" fails to evaluate: "
        "no such key: missing")


def test_match_conditions() -> None:
    conditions = [{"name": "not-nginx", "expression": "object.metadata.name != 'nginx'"}]
    assert refusal([policy("p", REPLICAS, matchConditions=conditions), binding("b", "p")],
                   attrs(deployment(7))) is None
    assert refusal([policy("p", REPLICAS, matchConditions=conditions), binding("b", "p")],
                   attrs(deployment(7, "web"))) is not None
    broken = [{"name": "err", "expression": "object.spec.missing == 1"}]
    err = refusal([policy("p", REPLICAS, matchConditions=broken), binding("b", "p")], attrs(deployment(7)))
    assert err is not None and "resulted in error: no such key: missing" in err.message
    assert refusal([policy("p", REPLICAS, matchConditions=broken, failurePolicy="Ignore"), binding("b", "p")],
                   attrs(deployment(7))) is None


def test_params_from_configmap_and_not_found_actions() -> None:
    validations = [{"expression": "object.spec.replicas <= int(params.data.max)"}]
    with_params = policy("p", validations, paramKind={"apiVersion": "v1", "kind": "ConfigMap"})
    ref = {"name": "limits", "parameterNotFoundAction": "Deny"}
    assert refusal([with_params, binding("b", "p", paramRef=ref)], attrs(deployment(3))) is None
    assert refusal([with_params, binding("b", "p", paramRef=ref)], attrs(deployment(4))) is not None
    selected = {"selector": {"matchLabels": {"a": "b"}}, "parameterNotFoundAction": "Allow"}
    assert refusal([with_params, binding("b", "p", paramRef=selected)], attrs(deployment(4))) is not None
    missing = {"name": "nope", "parameterNotFoundAction": "Deny"}
    err = refusal([with_params, binding("b", "p", paramRef=missing)], attrs(deployment(1)))
    assert err is not None and err.message.endswith(
        "ValidatingAdmissionPolicy 'p' with binding 'b' denied request: failed to configure binding: no params "
        "found for policy binding with `Deny` parameterNotFoundAction")
    allowed = {"name": "nope", "parameterNotFoundAction": "Allow"}
    assert refusal([with_params, binding("b", "p", paramRef=allowed)], attrs(deployment(9))) is None


def test_warn_and_audit_actions() -> None:
    warnings: list[str] = []
    request = attrs(deployment(7))
    request.add_warning = warnings.append
    assert refusal([policy("p", REPLICAS), binding("b", "p", ["Warn", "Audit"])], request) is None
    assert warnings == [("Validation failed for ValidatingAdmissionPolicy 'p' with binding 'b': "
                         "failed expression: object.spec.replicas <= 5")]
    assert '"expressionIndex":0' in request.annotations["validation.policy.admission.k8s.io/validation_failure"]


def test_request_object_and_authorizer() -> None:
    validations = [{"expression": "oldObject == null && request.operation == 'CREATE' && "
                                  "request.userInfo.username == 'alice' && request.name == 'nginx' && "
                                  "namespaceObject.metadata.name == 'default' && "
                                  "authorizer.group('apps').resource('deployments').check('create').allowed() && "
                                  "authorizer.requestResource.check('update').allowed()"}]
    assert refusal([policy("p", validations), binding("b", "p")], attrs(deployment(7))) is None
