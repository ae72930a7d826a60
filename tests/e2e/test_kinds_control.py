"""The control-plane kinds through kubectl v1.35 and the `kubernetes` Python client: RBAC (Roles,
ClusterRoles with aggregation, their bindings and kubectl's generators), admission configuration
(webhook configurations, ValidatingAdmissionPolicies and their bindings), API priority and fairness
(FlowSchemas, PriorityLevelConfigurations), the review APIs behind `kubectl auth`, events.k8s.io/v1
Events and the batch/v1 behaviours kubectl drives (`create job --from`, suspend, immutability).

Each kind: a manifest as the docs or a chart write it, read back with v1.35's defaults
(pkg/apis/<group>/v1/defaults.go), printed with upstream's columns
(pkg/printers/internalversion/printers.go), and refused variants with upstream's field paths and
messages (pkg/apis/<group>/validation; composite bad values render as JSON since apimachinery
0.34). Cluster-scoped objects carry the test's namespace in their names and are deleted at the end.

One module for the whole area (longer than our usual modules): one test per kind or behaviour,
each reading top to bottom as a user's session. The controllers some kinds rely on run
asynchronously (ClusterRole aggregation, the APF Dangling condition): those reads are polled.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import time
from collections.abc import Callable
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from harness import Server, get_json, parse_table, refused
from kubernetes import client
from kubernetes.client.rest import ApiException

RBAC = "rbac.authorization.k8s.io"


def rows_of(text: str) -> list[list[str]]:
    """kubectl's table as whitespace-split lines (for headers of several words and empty cells at the end)."""
    return [line.split() for line in text.splitlines() if line.strip()]


def wait_for(read: Callable[[], Any], want: Callable[[Any], bool], what: str, timeout: float = 10.0) -> Any:
    """Poll a read until `want` holds (for the work of in-process controllers)."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if want(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: still {value!r}")
        time.sleep(0.1)


# -- rbac.authorization.k8s.io/v1 -------------------------------------------------------------------------


def test_roles_and_bindings_from_kubectl_generators(server: Server, ns: str) -> None:
    k = server.kubectl
    k("-n", ns, "create", "role", "pod-reader", "--verb=get,list,watch", "--resource=pods,pods/log")
    k("-n", ns, "create", "rolebinding", "read-pods", "--role=pod-reader", "--user=jane", "--group=devs",
      f"--serviceaccount={ns}:ci")
    k("create", "clusterrole", f"metrics-{ns}", "--verb=get", "--non-resource-url=/metrics,/healthz/*")
    k("create", "clusterrolebinding", f"metrics-{ns}", f"--clusterrole=metrics-{ns}", "--group=monitoring",
      f"--serviceaccount={ns}:prometheus")
    try:
        role = get_json(server, "-n", ns, "role", "pod-reader")
        assert role["rules"] == [{"apiGroups": [""], "resources": ["pods", "pods/log"],
                                  "verbs": ["get", "list", "watch"]}]
        assert "generation" not in role["metadata"]  # the RBAC strategies keep no generation
        lines = rows_of(k("-n", ns, "get", "roles").stdout)
        assert lines == [["NAME", "CREATED", "AT"], ["pod-reader", role["metadata"]["creationTimestamp"]]]

        binding = get_json(server, "-n", ns, "rolebinding", "read-pods")
        assert binding["roleRef"] == {"apiGroup": RBAC, "kind": "Role", "name": "pod-reader"}
        assert binding["subjects"] == [{"apiGroup": RBAC, "kind": "User", "name": "jane"},
                                       {"apiGroup": RBAC, "kind": "Group", "name": "devs"},
                                       {"kind": "ServiceAccount", "name": "ci", "namespace": ns}]
        header, rows = parse_table(k("-n", ns, "get", "rolebindings").stdout)
        assert header == ["NAME", "ROLE", "AGE"] and [r["ROLE"] for r in rows] == ["Role/pod-reader"]
        header, rows = parse_table(k("-n", ns, "get", "rolebindings", "-o", "wide").stdout)
        assert header == ["NAME", "ROLE", "AGE", "USERS", "GROUPS", "SERVICEACCOUNTS"]
        assert [rows[0][c] for c in ("NAME", "ROLE", "USERS", "GROUPS", "SERVICEACCOUNTS")] == [
            "read-pods", "Role/pod-reader", "jane", "devs", f"{ns}/ci"]

        cluster_role = get_json(server, "clusterrole", f"metrics-{ns}")
        assert cluster_role["rules"] == [{"nonResourceURLs": ["/metrics", "/healthz/*"], "verbs": ["get"]}]
        assert "aggregationRule" not in cluster_role
        lines = rows_of(k("get", "clusterrole", f"metrics-{ns}", "-o", "wide").stdout)
        assert lines == [["NAME", "CREATED", "AT"], [f"metrics-{ns}", cluster_role["metadata"]["creationTimestamp"]]]
        header, rows = parse_table(k("get", "clusterrolebinding", f"metrics-{ns}", "-o", "wide").stdout)
        assert header == ["NAME", "ROLE", "AGE", "USERS", "GROUPS", "SERVICEACCOUNTS"]
        assert [rows[0][c] for c in ("ROLE", "USERS", "GROUPS", "SERVICEACCOUNTS")] == [
            f"ClusterRole/metrics-{ns}", "", "monitoring", f"{ns}/prometheus"]
    finally:
        k("delete", "clusterrolebinding", f"metrics-{ns}")
        k("delete", "clusterrole", f"metrics-{ns}")


def test_binding_manifest_defaults_and_python_client(server: Server, ns: str) -> None:
    # charts often leave apiGroup out: SetDefaults_RoleBinding / SetDefaults_Subject fill it in
    server.kubectl("-n", ns, "apply", "-f", "-", input=f"""
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: operator}}
roleRef: {{kind: ClusterRole, name: edit}}
subjects:
- {{kind: ServiceAccount, name: operator, namespace: {ns}}}
- {{kind: User, name: ops@example.com}}
- {{kind: Group, name: system:serviceaccounts:{ns}}}
""")
    binding = get_json(server, "-n", ns, "rolebinding", "operator")
    assert binding["roleRef"] == {"apiGroup": RBAC, "kind": "ClusterRole", "name": "edit"}
    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": "operator", "namespace": ns},
        {"apiGroup": RBAC, "kind": "User", "name": "ops@example.com"},
        {"apiGroup": RBAC, "kind": "Group", "name": f"system:serviceaccounts:{ns}"}]

    rbac = client.RbacAuthorizationV1Api(server.api)
    made = rbac.create_namespaced_role(ns, {"metadata": {"name": "leases"}, "rules": [
        {"apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "verbs": ["get", "update"]}]})
    assert made.rules[0].api_groups == ["coordination.k8s.io"] and made.rules[0].resource_names is None
    patched = rbac.patch_namespaced_role("leases", ns, {"rules": [
        {"apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "resourceNames": ["my-lock"],
         "verbs": ["get", "update"]}]})
    assert patched.rules[0].resource_names == ["my-lock"]
    assert [r.metadata.name for r in rbac.list_namespaced_role(ns).items] == ["leases"]
    read = rbac.read_namespaced_role_binding("operator", ns)
    assert read.role_ref.api_group == RBAC and read.subjects[0].api_group is None


def test_cluster_role_aggregation(server: Server, ns: str) -> None:
    k = server.kubectl
    aggregated, endpoints, metrics = f"monitoring-{ns}", f"monitoring-endpoints-{ns}", f"monitoring-metrics-{ns}"
    label = "rbac.example.com/aggregate-to-monitoring"
    k("create", "clusterrole", aggregated, f"--aggregation-rule={label}={ns}")
    endpoints_rule = {"apiGroups": [""], "resources": ["services", "endpoints", "pods"],
                      "verbs": ["get", "list", "watch"]}
    metrics_rule = {"nonResourceURLs": ["/metrics"], "verbs": ["get"]}
    try:
        k("apply", "-f", "-", input=f"""
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: {metrics}
  labels: {{{label}: "{ns}"}}
rules:
- nonResourceURLs: [/metrics]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: {endpoints}
  labels: {{{label}: "{ns}"}}
rules:
- apiGroups: [""]
  resources: [services, endpoints, pods]
  verbs: [get, list, watch]
""")
        role = wait_for(lambda: get_json(server, "clusterrole", aggregated), lambda r: len(r.get("rules") or []) == 2,
                        "aggregated rules")
        # the picked roles in name order, each rule once
        assert role["rules"] == [endpoints_rule, metrics_rule]
        assert role["aggregationRule"] == {"clusterRoleSelectors": [{"matchLabels": {label: ns}}]}
        k("label", "clusterrole", endpoints, f"{label}-")
        role = wait_for(lambda: get_json(server, "clusterrole", aggregated), lambda r: len(r.get("rules") or []) == 1,
                        "rules after the label went")
        assert role["rules"] == [metrics_rule]
    finally:
        k("delete", "clusterrole", aggregated, endpoints, metrics)


def test_rbac_refused_variants(server: Server, ns: str) -> None:
    err = refused(server, "-n", ns, "apply", "-f", "-", input="""
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: bad}
rules:
- resources: [pods]
  verbs: []
- nonResourceURLs: [/healthz]
  verbs: [get]
""")
    assert err == ('The Role "bad" is invalid: \n'
                   "* rules[0].verbs: Required value: verbs must contain at least one value\n"
                   "* rules[0].apiGroups: Required value: resource rules must supply at least one api group\n"
                   '* rules[1].nonResourceURLs: Invalid value: ["/healthz"]: namespaced rules cannot apply to '
                   "non-resource URLs\n")
    err = refused(server, "-n", ns, "apply", "-f", "-", input="""
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: bad}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Deployment, name: x}
subjects:
- {kind: Robot, name: r2}
- {kind: User, name: ""}
""")
    assert ('roleRef.kind: Unsupported value: "Deployment": supported values: "Role", "ClusterRole"' in err
            and 'subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"'
            in err and "subjects[1].name: Required value" in err)
    err = refused(server, "apply", "-f", "-", input=f"""
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {{name: bad-{ns}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: x}}
subjects: [{{kind: ServiceAccount, name: default}}]
""")
    assert err == (f'The ClusterRoleBinding "bad-{ns}" is invalid: \n'
                   '* roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"\n'
                   "* subjects[0].namespace: Required value\n")
    err = refused(server, "apply", "-f", "-", input=f"""
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {{name: bad-{ns}}}
aggregationRule: {{clusterRoleSelectors: []}}
""")
    assert err == (f'The ClusterRole "bad-{ns}" is invalid: aggregationRule.clusterRoleSelectors: Required value: '
                   "at least one clusterRoleSelector required if aggregationRule is non-nil\n")
    assert refused(server, "get", "clusterrole", f"bad-{ns}").startswith("Error from server (NotFound)")
    assert refused(server, "-n", ns, "get", "role,rolebinding", "bad").startswith("Error from server (NotFound)")

    server.kubectl("create", "clusterrolebinding", f"view-{ns}", "--clusterrole=view", "--user=jane")
    try:
        err = refused(server, "patch", "clusterrolebinding", f"view-{ns}", "-p", '{"roleRef":{"name":"edit"}}')
        assert err == (f'The ClusterRoleBinding "view-{ns}" is invalid: roleRef: Invalid value: '
                       '{"APIGroup":"rbac.authorization.k8s.io","Kind":"ClusterRole","Name":"edit"}: '
                       "cannot change roleRef\n")
        assert get_json(server, "clusterrolebinding", f"view-{ns}")["roleRef"]["name"] == "view"
    finally:
        server.kubectl("delete", "clusterrolebinding", f"view-{ns}")


# -- admissionregistration.k8s.io/v1 ----------------------------------------------------------------------


def webhook_manifests(suffix: str) -> str:
    return f"""
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {{name: sidecar-injector-{suffix}}}
webhooks:
- name: namespace.sidecar-injector.istio.io
  clientConfig:
    service: {{name: istiod, namespace: istio-system, path: /inject}}
    caBundle: ""
  sideEffects: None
  rules:
  - operations: [CREATE]
    apiGroups: [""]
    apiVersions: [v1]
    resources: [pods]
  admissionReviewVersions: [v1beta1, v1]
  namespaceSelector:
    matchLabels: {{istio-injection: enabled}}
  objectSelector:
    matchExpressions: [{{key: sidecar.istio.io/inject, operator: NotIn, values: ["false"]}}]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: gatekeeper-validating-{suffix}
  labels: {{gatekeeper.sh/system: "yes"}}
webhooks:
- name: validation.gatekeeper.sh
  clientConfig: {{url: "https://gatekeeper.example.com:8443/v1/admit"}}
  admissionReviewVersions: [v1, v1beta1]
  sideEffects: None
  failurePolicy: Ignore
  timeoutSeconds: 3
  namespaceSelector:
    matchExpressions: [{{key: admission.gatekeeper.sh/ignore, operator: DoesNotExist}}]
  rules:
  - {{apiGroups: ["*"], apiVersions: ["*"], operations: [CREATE, UPDATE], resources: ["*"], scope: Namespaced}}
  matchConditions:
  - name: exclude-leases
    expression: '!(request.resource.group == "coordination.k8s.io" && request.resource.resource == "leases")'
- name: check-ignore-label.gatekeeper.sh
  clientConfig: {{url: "https://gatekeeper.example.com:8443/v1/admitlabel"}}
  admissionReviewVersions: [v1]
  sideEffects: NoneOnDryRun
  rules:
  - {{apiGroups: [""], apiVersions: ["*"], operations: [CREATE, UPDATE], resources: [namespaces]}}
"""


def test_webhook_configurations(server: Server, ns: str) -> None:
    k = server.kubectl
    mutating, validating = f"sidecar-injector-{ns}", f"gatekeeper-validating-{ns}"
    k("apply", "-f", "-", input=webhook_manifests(ns))
    try:
        hook = get_json(server, "mutatingwebhookconfiguration", mutating)
        assert hook["metadata"]["generation"] == 1
        assert hook["webhooks"] == [{
            "admissionReviewVersions": ["v1beta1", "v1"],
            "clientConfig": {"service": {"name": "istiod", "namespace": "istio-system", "path": "/inject",
                                         "port": 443}},
            "failurePolicy": "Fail", "matchPolicy": "Equivalent", "name": "namespace.sidecar-injector.istio.io",
            "namespaceSelector": {"matchLabels": {"istio-injection": "enabled"}},
            "objectSelector": {"matchExpressions": [{"key": "sidecar.istio.io/inject", "operator": "NotIn",
                                                     "values": ["false"]}]},
            "reinvocationPolicy": "Never",
            "rules": [{"apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE"], "resources": ["pods"],
                       "scope": "*"}],
            "sideEffects": "None", "timeoutSeconds": 10}]
        hooks = get_json(server, "validatingwebhookconfiguration", validating)["webhooks"]
        assert [(h["failurePolicy"], h["matchPolicy"], h["timeoutSeconds"], h["objectSelector"]) for h in hooks] == [
            ("Ignore", "Equivalent", 3, {}), ("Fail", "Equivalent", 10, {})]
        assert hooks[0]["matchConditions"][0]["name"] == "exclude-leases" and hooks[1]["namespaceSelector"] == {}
        assert (hooks[0]["rules"][0]["scope"], hooks[1]["rules"][0]["scope"]) == ("Namespaced", "*")
        assert "reinvocationPolicy" not in hooks[0]  # a mutating webhook's field only

        for kind, name, count in (("mutatingwebhookconfigurations", mutating, "1"),
                                  ("validatingwebhookconfigurations", validating, "2")):
            for wide in ((), ("-o", "wide")):
                header, rows = parse_table(k("get", kind, name, *wide).stdout)
                assert header == ["NAME", "WEBHOOKS", "AGE"] and (rows[0]["NAME"], rows[0]["WEBHOOKS"]) == (name, count)

        admission = client.AdmissionregistrationV1Api(server.api)
        listed = admission.list_validating_webhook_configuration(label_selector="gatekeeper.sh/system=yes").items
        assert validating in [item.metadata.name for item in listed]
        patched = admission.patch_validating_webhook_configuration(validating, {"metadata": {"labels": {"x": "y"}}})
        assert patched.metadata.generation == 1  # metadata alone leaves the generation
        patched = admission.patch_mutating_webhook_configuration(mutating, {"webhooks": [
            {"name": "namespace.sidecar-injector.istio.io", "timeoutSeconds": 5, "clientConfig": {"service": {
                "name": "istiod", "namespace": "istio-system", "path": "/inject"}},
             "sideEffects": "None", "admissionReviewVersions": ["v1"]}]})
        assert patched.metadata.generation == 2
        assert (patched.webhooks[0].timeout_seconds, patched.webhooks[0].failure_policy,
                patched.webhooks[0].client_config.service.port) == (5, "Fail", 443)
        assert admission.read_mutating_webhook_configuration(mutating).webhooks[0].reinvocation_policy == "Never"
    finally:
        k("delete", "mutatingwebhookconfiguration", mutating)
        k("delete", "validatingwebhookconfiguration", validating)


def test_webhook_configuration_refused_variants(server: Server, ns: str) -> None:
    err = refused(server, "create", "-f", "-", input=f"""
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {{name: bad-{ns}}}
webhooks:
- name: policy
  clientConfig: {{service: {{name: policy, namespace: policy-system}}}}
  timeoutSeconds: 31
  rules: [{{operations: [CREATE, "*"], apiGroups: [apps], apiVersions: [v1], resources: [deployments]}}]
""")
    assert err == (
        f'The ValidatingWebhookConfiguration "bad-{ns}" is invalid: \n'
        '* webhooks[0].name: Invalid value: "policy": should be a domain with at least three segments separated '
        "by dots\n"
        '* webhooks[0].rules[0].operations: Invalid value: ["CREATE","*"]: if \'*\' is present, must not specify '
        "other operations\n"
        "* webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun\n"
        "* webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds\n"
        "* webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1\n")
    err = refused(server, "create", "-f", "-", input=f"""
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {{name: bad-{ns}}}
webhooks:
- name: a.example.com
  clientConfig: {{url: "https://a.example.com/mutate"}}
  sideEffects: Some
  reinvocationPolicy: Always
  admissionReviewVersions: [v2]
  rules: [{{operations: [CREATE], apiGroups: ["*", apps], apiVersions: [v1], resources: ["*/*", pods]}}]
""")
    assert ('webhooks[0].rules[0].apiGroups: Invalid value: ["*","apps"]: if \'*\' is present, must not specify '
            "other API groups") in err
    assert ('webhooks[0].rules[0].resources: Invalid value: ["*/*","pods"]: if \'*/*\' is present, must not '
            "specify other resources") in err
    assert 'webhooks[0].sideEffects: Unsupported value: "Some": supported values: "None", "NoneOnDryRun"' in err
    assert ('webhooks[0].reinvocationPolicy: Unsupported value: "Always": supported values: "IfNeeded", "Never"'
            in err)
    assert ('webhooks[0].admissionReviewVersions: Invalid value: ["v2"]: must include at least one of v1, v1beta1'
            in err)
    for kind in ("validatingwebhookconfiguration", "mutatingwebhookconfiguration"):
        assert refused(server, "get", kind, f"bad-{ns}").startswith("Error from server (NotFound)")


POLICY = """
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {{name: replica-limit-{suffix}.example.com}}
spec:
  failurePolicy: Fail
  paramKind: {{apiVersion: v1, kind: ConfigMap}}
  matchConstraints:
    resourceRules:
    - apiGroups: [apps]
      apiVersions: [v1]
      operations: [CREATE, UPDATE]
      resources: [deployments]
  validations:
  - expression: "object.spec.replicas <= int(params.data.maxReplicas)"
    messageExpression: "'replicas must be no greater than ' + params.data.maxReplicas"
    reason: Invalid
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {{name: replica-limit-test-{suffix}.example.com}}
spec:
  policyName: replica-limit-{suffix}.example.com
  validationActions: [Deny, Audit]
  paramRef: {{name: replica-limit, namespace: {suffix}, parameterNotFoundAction: Deny}}
  matchResources:
    namespaceSelector:
      matchLabels: {{environment: test}}
"""


def test_validating_admission_policy_and_binding(server: Server, ns: str) -> None:
    k = server.kubectl
    policy, binding = f"replica-limit-{ns}.example.com", f"replica-limit-test-{ns}.example.com"
    k("apply", "-f", "-", input=POLICY.format(suffix=ns))
    try:
        made = get_json(server, "validatingadmissionpolicy", policy)
        assert made["metadata"]["generation"] == 1 and made["status"] == {}
        assert made["spec"]["matchConstraints"] == {
            "matchPolicy": "Equivalent", "namespaceSelector": {}, "objectSelector": {},
            "resourceRules": [{"apiGroups": ["apps"], "apiVersions": ["v1"], "operations": ["CREATE", "UPDATE"],
                               "resources": ["deployments"], "scope": "*"}]}
        bound = get_json(server, "validatingadmissionpolicybinding", binding)
        assert bound["spec"]["matchResources"] == {"matchPolicy": "Equivalent", "objectSelector": {},
                                                   "namespaceSelector": {"matchLabels": {"environment": "test"}}}
        assert bound["metadata"]["generation"] == 1

        for wide in ((), ("-o", "wide")):
            header, rows = parse_table(k("get", "validatingadmissionpolicy", policy, *wide).stdout)
            assert header == ["NAME", "VALIDATIONS", "PARAMKIND", "AGE"]
            assert [rows[0][c] for c in header[:3]] == [policy, "1", "v1/ConfigMap"]
            header, rows = parse_table(k("get", "validatingadmissionpolicybinding", binding, *wide).stdout)
            assert header == ["NAME", "POLICYNAME", "PARAMREF", "AGE"]
            assert [rows[0][c] for c in header[:3]] == [binding, policy, f"{ns}/replica-limit"]

        # the type checker's report goes through the status subresource; the spec stays
        k("patch", "validatingadmissionpolicy", policy, "--subresource=status", "--type=merge", "-p",
          '{"status":{"observedGeneration":1,"typeChecking":{}},"spec":{"failurePolicy":"Ignore"}}')
        made = get_json(server, "validatingadmissionpolicy", policy)
        assert made["status"] == {"observedGeneration": 1, "typeChecking": {}}
        assert made["spec"]["failurePolicy"] == "Fail" and made["metadata"]["generation"] == 1

        admission = client.AdmissionregistrationV1Api(server.api)
        patched = admission.patch_validating_admission_policy(policy, {"spec": {"validations": [
            {"expression": "object.spec.replicas <= 5", "message": "at most 5 replicas"},
            {"expression": "has(object.spec.strategy)"}]}})
        assert patched.metadata.generation == 2 and patched.status.observed_generation == 1
        assert [v.message for v in patched.spec.validations] == ["at most 5 replicas", None]
        read = admission.read_validating_admission_policy_binding(binding)
        assert read.spec.validation_actions == ["Deny", "Audit"]
        assert read.spec.param_ref.parameter_not_found_action == "Deny"
        names = [p.metadata.name for p in admission.list_validating_admission_policy().items]
        assert policy in names
        header, rows = parse_table(k("get", "validatingadmissionpolicy", policy).stdout)
        assert rows[0]["VALIDATIONS"] == "2"
    finally:
        k("delete", "validatingadmissionpolicybinding", binding)
        k("delete", "validatingadmissionpolicy", policy)


def test_validating_admission_policy_refused_variants(server: Server, ns: str) -> None:
    err = refused(server, "create", "-f", "-", input=f"""
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {{name: bad-{ns}}}
spec:
  failurePolicy: Sometimes
  matchConstraints: {{}}
""")
    assert err == (
        f'The ValidatingAdmissionPolicy "bad-{ns}" is invalid: \n'
        '* spec.failurePolicy: Unsupported value: "Sometimes": supported values: "Fail", "Ignore"\n'
        "* spec.matchConstraints.resourceRules: Required value\n"
        "* spec.validations: Required value: validations or auditAnnotations must contain at least one item\n"
        "* spec.auditAnnotations: Required value: validations or auditAnnotations must contain at least one item\n")
    err = refused(server, "create", "-f", "-", input=f"""
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {{name: bad-{ns}}}
spec:
  policyName: replica-limit.example.com
  validationActions: [Deny, Warn, Deny]
  paramRef: {{name: limits, selector: {{}}}}
""")
    assert err == (
        f'The ValidatingAdmissionPolicyBinding "bad-{ns}" is invalid: \n'
        "* spec.paramRef.name: Forbidden: name and selector are mutually exclusive\n"
        "* spec.paramRef.selector: Forbidden: name and selector are mutually exclusive\n"
        "* spec.paramRef.parameterNotFoundAction: Required value\n"
        '* spec.validationActions[2]: Duplicate value: "Deny"\n'
        '* spec.validationActions: Invalid value: ["Deny","Warn","Deny"]: must not contain both Deny and Warn '
        "(repeating the same validation failure information in the API response and headers serves no purpose)\n")
    for kind in ("validatingadmissionpolicy", "validatingadmissionpolicybinding"):
        assert refused(server, "get", kind, f"bad-{ns}").startswith("Error from server (NotFound)")


def test_validating_admission_policy_expressions_are_compiled(server: Server, ns: str) -> None:
    err = refused(server, "create", "-f", "-", input=f"""
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {{name: bad-cel-{ns}}}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules: [{{apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}}]
  validations:
  - expression: "foo.bar > 1"
  - expression: "1 + 1"
""")
    assert (f'The ValidatingAdmissionPolicy "bad-cel-{ns}" is invalid: \n'
            '* spec.validations[0].expression: Invalid value: "foo.bar > 1": compilation failed: ERROR: <input>:1:1: '
            "undeclared reference to 'foo' (in container '')\n") in err
    assert '* spec.validations[1].expression: Invalid value: "1 + 1": must evaluate to bool' in err


# -- flowcontrol.apiserver.k8s.io/v1 -----------------------------------------------------------------------


def test_flow_schemas_and_priority_levels(server: Server, ns: str) -> None:
    k = server.kubectl
    level, rejecting, schema, dangling = (f"batch-{ns}", f"reject-{ns}", f"batch-jobs-{ns}", f"dangling-{ns}")
    k("apply", "-f", "-", input=f"""
apiVersion: flowcontrol.apiserver.k8s.io/v1
kind: PriorityLevelConfiguration
metadata: {{name: {level}}}
spec:
  type: Limited
  limited:
    nominalConcurrencyShares: 10
    limitResponse:
      type: Queue
      queuing: {{queues: 16}}
---
apiVersion: flowcontrol.apiserver.k8s.io/v1
kind: PriorityLevelConfiguration
metadata: {{name: {rejecting}}}
spec:
  type: Limited
  limited:
    lendablePercent: 50
    limitResponse: {{type: Reject}}
---
apiVersion: flowcontrol.apiserver.k8s.io/v1
kind: FlowSchema
metadata: {{name: {schema}}}
spec:
  priorityLevelConfiguration: {{name: {level}}}
  distinguisherMethod: {{type: ByNamespace}}
  rules:
  - subjects:
    - kind: ServiceAccount
      serviceAccount: {{name: batch-runner, namespace: {ns}}}
    resourceRules:
    - {{verbs: ["*"], apiGroups: [batch], resources: [jobs, cronjobs], namespaces: ["*"]}}
---
apiVersion: flowcontrol.apiserver.k8s.io/v1
kind: FlowSchema
metadata: {{name: {dangling}}}
spec:
  priorityLevelConfiguration: {{name: missing-{ns}}}
  matchingPrecedence: 500
  rules:
  - subjects: [{{kind: Group, group: {{name: system:authenticated}}}}]
    nonResourceRules: [{{verbs: [get], nonResourceURLs: ["/metrics"]}}]
""")
    try:
        made = get_json(server, "prioritylevelconfiguration", level)
        assert made["spec"] == {"type": "Limited", "limited": {
            "nominalConcurrencyShares": 10, "lendablePercent": 0,
            "limitResponse": {"type": "Queue", "queuing": {"queues": 16, "handSize": 8, "queueLengthLimit": 50}}}}
        assert made["metadata"]["generation"] == 1 and made["status"] == {}
        assert get_json(server, "prioritylevelconfiguration", rejecting)["spec"]["limited"] == {
            "nominalConcurrencyShares": 30, "lendablePercent": 50, "limitResponse": {"type": "Reject"}}
        assert get_json(server, "flowschema", schema)["spec"]["matchingPrecedence"] == 1000

        def dangling_condition(name: str) -> Any:
            return (get_json(server, "flowschema", name).get("status") or {}).get("conditions") or []
        [condition] = wait_for(lambda: dangling_condition(dangling), bool, "Dangling condition")
        assert {key: condition[key] for key in ("type", "status", "reason", "message")} == {
            "type": "Dangling", "status": "True", "reason": "NotFound",
            "message": f'This FlowSchema references the PriorityLevelConfiguration object named "missing-{ns}" '
                       "but there is no such object"}
        [condition] = wait_for(lambda: dangling_condition(schema), bool, "Dangling condition")
        assert (condition["status"], condition["reason"]) == ("False", "Found")

        for wide in ((), ("-o", "wide")):
            header, rows = parse_table(k("get", "flowschema", schema, dangling, *wide).stdout)
            assert header == ["NAME", "PRIORITYLEVEL", "MATCHINGPRECEDENCE", "DISTINGUISHERMETHOD", "AGE", "MISSINGPL"]
            assert [[r[c] for c in header if c != "AGE"] for r in rows] == [
                [schema, level, "1000", "ByNamespace", "False"], [dangling, f"missing-{ns}", "500", "<none>", "True"]]
            header, rows = parse_table(k("get", "prioritylevelconfiguration", level, rejecting, "exempt", *wide).stdout)
            assert header == ["NAME", "TYPE", "NOMINALCONCURRENCYSHARES", "QUEUES", "HANDSIZE", "QUEUELENGTHLIMIT",
                              "AGE"]
            assert [[r[c] for c in header if c != "AGE"] for r in rows] == [
                [level, "Limited", "10", "16", "8", "50"], [rejecting, "Limited", "30", "<none>", "<none>", "<none>"],
                ["exempt", "Exempt", "<none>", "<none>", "<none>", "<none>"]]

        flowcontrol = client.FlowcontrolApiserverV1Api(server.api)
        patched = flowcontrol.patch_priority_level_configuration(
            rejecting, {"spec": {"limited": {"nominalConcurrencyShares": 5}}})
        assert patched.spec.limited.nominal_concurrency_shares == 5 and patched.metadata.generation == 2
        status = flowcontrol.read_flow_schema_status(dangling)
        assert status.status.conditions[0].type == "Dangling"
        assert flowcontrol.read_flow_schema("global-default").spec.distinguisher_method.type == "ByUser"
        names = {fs.metadata.name for fs in flowcontrol.list_flow_schema().items}
        assert {schema, dangling, "exempt", "catch-all"} <= names
    finally:
        k("delete", "flowschema", schema, dangling)
        k("delete", "prioritylevelconfiguration", level, rejecting)


def test_flow_control_refused_variants(server: Server, ns: str) -> None:
    err = refused(server, "create", "-f", "-", input=f"""
apiVersion: flowcontrol.apiserver.k8s.io/v1
kind: FlowSchema
metadata: {{name: bad-{ns}}}
spec:
  priorityLevelConfiguration: {{name: ""}}
  matchingPrecedence: 20000
  rules:
  - subjects: [{{kind: ServiceAccount, serviceAccount: {{name: x}}}}]
    resourceRules: [{{verbs: [get, "*"], apiGroups: [""], resources: [pods], clusterScope: true}}]
""")
    assert err == (
        f'The FlowSchema "bad-{ns}" is invalid: \n'
        "* spec.matchingPrecedence: Invalid value: 20000: must not be greater than 10000\n"
        "* spec.priorityLevelConfiguration.name: Required value: must reference a priority level\n"
        "* spec.rules[0].subjects[0].serviceAccount.namespace: Required value: must specify namespace for service "
        "account\n"
        '* spec.rules[0].resourceRules[0].verbs: Invalid value: ["get","*"]: if \'*\' is present, must not specify '
        "other verbs\n")
    err = refused(server, "create", "-f", "-", input=f"""
apiVersion: flowcontrol.apiserver.k8s.io/v1
kind: PriorityLevelConfiguration
metadata: {{name: bad-{ns}}}
spec:
  type: Exempt
  limited: {{nominalConcurrencyShares: 5}}
""")
    assert err == (f'The PriorityLevelConfiguration "bad-{ns}" is invalid: \n'
                   "* spec.type: Invalid value: \"Exempt\": type must be 'Exempt' if and only if name is 'exempt'\n"
                   "* spec.limited: Forbidden: must be nil if the type is not Limited\n")
    err = refused(server, "create", "-f", "-", input=f"""
apiVersion: flowcontrol.apiserver.k8s.io/v1
kind: PriorityLevelConfiguration
metadata: {{name: bad-{ns}}}
spec:
  type: Limited
  limited:
    limitResponse:
      type: Queue
      queuing: {{queues: 4, handSize: 8}}
""")
    assert "spec.limited.limitResponse.queuing.handSize: Invalid value: 8: should not be greater than queues (4)" in err
    for kind in ("flowschema", "prioritylevelconfiguration"):
        assert refused(server, "get", kind, f"bad-{ns}").startswith("Error from server (NotFound)")


# -- the reviews behind `kubectl auth` ---------------------------------------------------------------------


def test_access_reviews_and_kubectl_auth(server: Server, ns: str) -> None:
    k = server.kubectl
    # the default authorizer (--authorization-mode=AlwaysAllow) allows everything, and says so
    assert k("-n", ns, "auth", "can-i", "create", "deployments.apps").stdout == "yes\n"
    assert k("-n", ns, "auth", "can-i", "get", "pods", "--subresource=log").stdout == "yes\n"
    assert k("auth", "can-i", "get", "/healthz").stdout == "yes\n"
    assert rows_of(k("-n", ns, "auth", "can-i", "--list").stdout) == [
        ["Resources", "Non-Resource", "URLs", "Resource", "Names", "Verbs"],
        ["*.*", "[]", "[]", "[*]"], ["[*]", "[]", "[*]"]]
    review = json.loads(k("auth", "whoami", "-o", "json").stdout)
    assert (review["kind"], review["apiVersion"]) == ("SelfSubjectReview", "authentication.k8s.io/v1")
    user = review["status"]["userInfo"]
    assert (user["username"], user["groups"]) == ("kubernetes-admin", ["system:masters", "system:authenticated"])
    assert "creationTimestamp" in review["metadata"]
    assert rows_of(k("auth", "whoami").stdout)[:3] == [
        ["ATTRIBUTE", "VALUE"], ["Username", "kubernetes-admin"], ["Groups", "[system:masters", "system:authenticated]"]]

    answer = json.loads(k("create", "-o", "json", "-f", "-", input=f"""
apiVersion: authorization.k8s.io/v1
kind: SubjectAccessReview
spec:
  user: jane
  groups: [devs]
  resourceAttributes: {{namespace: {ns}, verb: get, group: apps, resource: deployments, name: web}}
""").stdout)
    assert answer["status"] == {"allowed": True} and answer["metadata"] == {}
    assert refused(server, "get", "subjectaccessreviews").startswith("Error from server (MethodNotAllowed)")

    authz = client.AuthorizationV1Api(server.api)
    local = authz.create_namespaced_local_subject_access_review(ns, {"spec": {
        "user": "system:serviceaccount:default:ci", "resourceAttributes": {"namespace": ns, "verb": "list",
                                                                         "resource": "secrets"}}})
    assert local.status.allowed is True and local.metadata.namespace == ns
    own = authz.create_self_subject_access_review({"spec": {"nonResourceAttributes": {"path": "/metrics",
                                                                                       "verb": "get"}}})
    assert own.status.allowed is True and own.status.denied is None
    rules = authz.create_self_subject_rules_review({"spec": {"namespace": ns}})
    assert [(r.verbs, r.api_groups, r.resources) for r in rules.status.resource_rules] == [(["*"], ["*"], ["*"])]
    assert [(r.verbs, r.non_resource_urls) for r in rules.status.non_resource_rules] == [(["*"], ["*"])]
    assert rules.status.incomplete is False
    whoami = client.AuthenticationV1Api(server.api).create_self_subject_review({})
    assert whoami.status.user_info.username == "kubernetes-admin"


def test_access_review_refused_variants(server: Server, ns: str) -> None:
    err = refused(server, "create", "-f", "-", input=f"""
apiVersion: authorization.k8s.io/v1
kind: SubjectAccessReview
spec:
  resourceAttributes: {{namespace: {ns}, verb: get, resource: pods}}
  nonResourceAttributes: {{path: /healthz, verb: get}}
""")
    assert err == ('The SubjectAccessReview "" is invalid: \n'
                   '* spec.nonResourceAttributes: Invalid value: {"path":"/healthz","verb":"get"}: cannot be '
                   "specified in combination with resourceAttributes\n"
                   '* spec.user: Invalid value: "": at least one of user or group must be specified\n')
    err = refused(server, "-n", ns, "create", "-f", "-", input="""
apiVersion: authorization.k8s.io/v1
kind: LocalSubjectAccessReview
spec:
  user: jane
  resourceAttributes: {namespace: elsewhere, verb: get, resource: pods}
""")
    assert err == ('The LocalSubjectAccessReview "" is invalid: spec.resourceAttributes.namespace: '
                   'Invalid value: "elsewhere": must match metadata.namespace\n')
    err = refused(server, "create", "-f", "-", input="apiVersion: authorization.k8s.io/v1\n"
                                                     "kind: SelfSubjectAccessReview\nspec: {}\n")
    assert err == ('The SelfSubjectAccessReview "" is invalid: spec.resourceAttributes: Invalid value: null: '
                   "exactly one of nonResourceAttributes or resourceAttributes must be specified\n")
    err = refused(server, "create", "-f", "-", input="apiVersion: authentication.k8s.io/v1\nkind: TokenReview\n"
                                                     "spec: {}\n")
    assert err == ('Error from server (BadRequest): error when creating "STDIN": token is required for TokenReview '
                   "in authentication\n")
    review = client.AuthenticationV1Api(server.api).create_token_review({"spec": {"token": "not-a-token"}})
    assert not review.status.authenticated and review.status.user.username is None


def test_whoami_shows_the_client_certificate_credential_id(server: Server) -> None:
    pem = (server.base / "client" / "admin.crt").read_bytes()
    der = x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
    credential = "X509SHA256=" + hashlib.sha256(der).hexdigest()
    review = json.loads(server.kubectl("auth", "whoami", "-o", "json").stdout)
    assert review["status"]["userInfo"] == {
        "username": "kubernetes-admin", "groups": ["system:masters", "system:authenticated"],
        "extra": {"authentication.kubernetes.io/credential-id": [credential]}}
    assert rows_of(server.kubectl("auth", "whoami").stdout)[3] == [
        "Extra:", "authentication.kubernetes.io/credential-id", f"[{credential}]"]


def test_token_review_of_a_service_account_token(server: Server, ns: str) -> None:
    server.kubectl("-n", ns, "create", "serviceaccount", "robot")
    token = server.kubectl("-n", ns, "create", "token", "robot").stdout.strip()
    review = client.AuthenticationV1Api(server.api).create_token_review({"spec": {"token": token}})
    assert review.status.authenticated is True
    assert review.status.user.username == f"system:serviceaccount:{ns}:robot"
    assert review.status.user.groups == ["system:serviceaccounts", f"system:serviceaccounts:{ns}",
                                         "system:authenticated"]
    assert review.status.user.extra["authentication.kubernetes.io/credential-id"][0].startswith("JTI=")
    assert review.status.audiences == ["https://kubernetes.default.svc.cluster.local"]
    vault = server.kubectl("-n", ns, "create", "token", "robot", "--audience=vault").stdout.strip()
    review = client.AuthenticationV1Api(server.api).create_token_review({"spec": {"token": vault,
                                                                                   "audiences": ["vault"]}})
    assert (review.status.authenticated, review.status.audiences) == (True, ["vault"])
    review = client.AuthenticationV1Api(server.api).create_token_review({"spec": {"token": vault}})
    assert (review.status.authenticated, review.status.error) == (
        None, ('token audiences ["vault"] is invalid for the target audiences '
               '["https://kubernetes.default.svc.cluster.local"]'))
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    review = client.AuthenticationV1Api(server.api).create_token_review({"spec": {"token": forged}})
    assert (review.status.authenticated, review.status.error) == (
        None, "square/go-jose: error in cryptographic primitive")


def _as_token(server: Server, token: str, *args: str) -> subprocess.CompletedProcess[str]:
    """kubectl with nothing but the bearer token (no client certificate)."""
    ca = server.base / "client" / "ca.crt"
    return server.kubectl("--kubeconfig=/dev/null", f"--server={server.url}", f"--certificate-authority={ca}",
                          f"--token={token}", *args, check=False)


def test_requests_with_a_service_account_token(server: Server, ns: str) -> None:
    server.kubectl("-n", ns, "create", "serviceaccount", "robot")
    server.kubectl("-n", ns, "run", "web", "--image=nginx", '--overrides={"spec": {"serviceAccountName": "robot"}}')
    token = server.kubectl("-n", ns, "create", "token", "robot", "--bound-object-kind=Pod",
                           "--bound-object-name=web").stdout.strip()
    whoami = _as_token(server, token, "auth", "whoami", "-o", "json")
    assert whoami.returncode == 0, whoami.stderr
    user = json.loads(whoami.stdout)["status"]["userInfo"]
    assert user["username"] == f"system:serviceaccount:{ns}:robot"
    assert user["extra"]["authentication.kubernetes.io/pod-name"] == ["web"]
    assert _as_token(server, token, "-n", ns, "get", "pods", "-o", "name").stdout == "pod/web\n"
    server.kubectl("-n", ns, "delete", "pod", "web", "--grace-period=0", "--force")
    refused = _as_token(server, token, "-n", ns, "get", "pods")
    assert refused.returncode == 1
    assert refused.stderr.strip().endswith("error: You must be logged in to the server (Unauthorized)"), refused.stderr
    assert _as_token(server, "not-a-token", "get", "ns").returncode == 1


# -- events.k8s.io/v1 ---------------------------------------------------------------------------------------


def test_events_v1_and_their_core_view(server: Server, ns: str) -> None:
    k = server.kubectl
    k("-n", ns, "create", "-f", "-", input=f"""
apiVersion: events.k8s.io/v1
kind: Event
metadata: {{name: web.17a2b3c4d5e6f7}}
eventTime: "2026-01-02T03:04:05.678901Z"
reportingController: example.com/deployer
reportingInstance: deployer-7d9f
action: Scaling
reason: ScalingReplicaSet
type: Normal
note: Scaled up replica set web-5d4f to 3
regarding: {{apiVersion: apps/v1, kind: Deployment, namespace: {ns}, name: web}}
""")
    event = json.loads(k("-n", ns, "get", "events.v1.events.k8s.io", "web.17a2b3c4d5e6f7", "-o", "json").stdout)
    assert event["eventTime"] == "2026-01-02T03:04:05.678901Z"
    assert (event["deprecatedSource"], event["deprecatedFirstTimestamp"], event["deprecatedLastTimestamp"]) == (
        {}, None, None)
    assert "series" not in event and "deprecatedCount" not in event
    core = get_json(server, "-n", ns, "event", "web.17a2b3c4d5e6f7")
    assert (core["apiVersion"], core["message"], core["reportingComponent"], core["source"]) == (
        "v1", "Scaled up replica set web-5d4f to 3", "example.com/deployer", {})
    assert core["involvedObject"] == {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": ns, "name": "web"}
    assert (core["firstTimestamp"], core["lastTimestamp"]) == (None, None) and "count" not in core

    lines = rows_of(k("-n", ns, "get", "events").stdout)
    assert lines[0] == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    assert lines[1][1:] == ["Normal", "ScalingReplicaSet", "deployment/web", "Scaled", "up", "replica", "set",
                            "web-5d4f", "to", "3"]
    lines = rows_of(k("-n", ns, "get", "events.v1.events.k8s.io", "-o", "wide").stdout)
    assert lines[0] == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "SUBOBJECT", "SOURCE", "MESSAGE", "FIRST",
                        "SEEN", "COUNT", "NAME"]
    # no firstTimestamp: both times come from eventTime; no series: count 1
    assert lines[1][0] == lines[1][-3] and lines[1][-2:] == ["1", "web.17a2b3c4d5e6f7"]
    assert lines[1][4:6] == ["example.com/deployer,", "deployer-7d9f"]

    err = refused(server, "-n", ns, "patch", "events.v1.events.k8s.io", "web.17a2b3c4d5e6f7", "--type=merge",
                  "-p", '{"note":"changed"}')
    assert err == 'The Event "web.17a2b3c4d5e6f7" is invalid: message: Invalid value: "changed": field is immutable\n'

    events = client.EventsV1Api(server.api)
    patched = events.patch_namespaced_event("web.17a2b3c4d5e6f7", ns, {"series": {
        "count": 2, "lastObservedTime": "2026-01-02T03:09:05.000000Z"}})
    assert patched.series.count == 2 and patched.note == "Scaled up replica set web-5d4f to 3"
    lines = rows_of(k("-n", ns, "get", "events", "-o", "wide").stdout)
    assert lines[1][-2:] == ["2", "web.17a2b3c4d5e6f7"]
    # The client re-serialises eventTime with datetime.isoformat(), which drops a zero fraction, and
    # MicroTime wants six digits: a real client event carries microseconds.
    made = events.create_namespaced_event(ns, {
        "metadata": {"generateName": "job-"}, "eventTime": "2026-01-02T03:04:05.123456Z",
        "reportingController": "batch.example.com/runner", "reportingInstance": "runner-0", "action": "Create",
        "reason": "SuccessfulCreate", "type": "Warning", "note": "created pod",
        "regarding": {"kind": "Job", "namespace": ns, "name": "pi"}})
    assert made.metadata.name.startswith("job-") and made.regarding.kind == "Job"
    assert len(events.list_namespaced_event(ns).items) == 2
    assert client.CoreV1Api(server.api).read_namespaced_event(made.metadata.name, ns).type == "Warning"


def test_events_v1_refused_variants(server: Server, ns: str) -> None:
    err = refused(server, "-n", ns, "create", "-f", "-", input=f"""
apiVersion: events.k8s.io/v1
kind: Event
metadata: {{name: bad.1}}
type: Info
regarding: {{kind: Pod, namespace: {ns}, name: web}}
deprecatedFirstTimestamp: "2026-01-01T00:00:00Z"
""")
    assert err == ('The Event "bad.1" is invalid: \n'
                   "* eventTime: Required value\n"
                   '* type: Invalid value: "": has invalid value: Info\n'
                   '* firstTimestamp: Invalid value: "": needs to be unset\n')
    err = refused(server, "-n", ns, "create", "-f", "-", input=f"""
apiVersion: events.k8s.io/v1
kind: Event
metadata: {{name: bad.2}}
eventTime: "2026-01-02T03:04:05.000000Z"
type: Normal
regarding: {{kind: Pod, namespace: {ns}, name: web}}
""")
    # IsQualifiedName("") has two complaints, both reported beside Required
    assert err == ('The Event "bad.2" is invalid: \n'
                   "* reportingController: Required value\n"
                   '* reportingController: Invalid value: "": name part must be non-empty\n'
                   '* reportingController: Invalid value: "": name part must consist of alphanumeric characters, '
                   "'-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or "
                   "'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?"
                   "[A-Za-z0-9]')\n"
                   "* reportingInstance: Required value\n"
                   "* action: Required value\n"
                   "* reason: Required value\n")
    err = refused(server, "-n", ns, "create", "-f", "-", input="""
apiVersion: v1
kind: Event
metadata: {name: bad.3}
involvedObject: {kind: Pod, namespace: elsewhere, name: web}
reason: Started
""")
    assert err == ('The Event "bad.3" is invalid: involvedObject.namespace: Invalid value: "elsewhere": does not '
                   "match event.namespace\n")
    assert refused(server, "-n", ns, "get", "events", "bad.1", "bad.2", "bad.3").count("NotFound") == 3


# -- batch/v1 ------------------------------------------------------------------------------------------------


def test_job_from_cronjob_and_suspend(server: Server, ns: str) -> None:
    k = server.kubectl
    k("-n", ns, "create", "cronjob", "nightly", "--image=busybox", "--schedule=0 3 * * *", "--", "/bin/sh", "-c",
      "date")
    cronjob = get_json(server, "-n", ns, "cronjob", "nightly")
    assert {key: cronjob["spec"][key] for key in ("concurrencyPolicy", "suspend", "successfulJobsHistoryLimit",
                                                  "failedJobsHistoryLimit")} == {
        "concurrencyPolicy": "Allow", "suspend": False, "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 1}
    k("-n", ns, "patch", "cronjob", "nightly", "-p", '{"spec":{"suspend":true}}')
    lines = rows_of(k("-n", ns, "get", "cronjobs", "-o", "wide").stdout)
    assert lines[0] == ["NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST", "SCHEDULE", "AGE", "CONTAINERS",
                        "IMAGES", "SELECTOR"]
    assert lines[1][:10] == ["nightly", "0", "3", "*", "*", "*", "<none>", "True", "0", "<none>"]
    assert lines[1][-3:] == ["nightly", "busybox", "<none>"]

    k("-n", ns, "create", "job", "manual-run", "--from=cronjob/nightly")
    job = get_json(server, "-n", ns, "job", "manual-run")
    uid = job["metadata"]["uid"]
    assert job["metadata"]["annotations"] == {"cronjob.kubernetes.io/instantiate": "manual"}
    assert job["metadata"]["ownerReferences"] == [{"apiVersion": "batch/v1", "kind": "CronJob", "name": "nightly",
                                                   "uid": cronjob["metadata"]["uid"], "controller": True}]
    assert job["spec"]["template"]["metadata"]["labels"] == {
        "batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": "manual-run",
        "controller-uid": uid, "job-name": "manual-run"}
    assert job["metadata"]["labels"] == job["spec"]["template"]["metadata"]["labels"]
    assert (job["spec"]["suspend"], job["spec"]["manualSelector"], job["status"]) == (False, False, {})
    assert job["spec"]["template"]["spec"]["containers"][0]["command"] == ["/bin/sh", "-c", "date"]

    # a suspended Job that never started may change its scheduling directives, nothing else
    k("-n", ns, "patch", "job", "manual-run", "-p", '{"spec":{"suspend":true}}')
    k("-n", ns, "patch", "job", "manual-run", "-p", '{"spec":{"template":{"spec":{"nodeSelector":{"disk":"ssd"}}}}}')
    assert get_json(server, "-n", ns, "job", "manual-run")["metadata"]["generation"] == 3
    k("-n", ns, "patch", "job", "manual-run", "--subresource=status", "--type=merge", "-p", json.dumps({"status": {
        "conditions": [{"type": "Suspended", "status": "True", "reason": "JobSuspended", "message": "Job suspended",
                        "lastProbeTime": "2026-01-02T03:04:05Z", "lastTransitionTime": "2026-01-02T03:04:05Z"}]}}))
    header, rows = parse_table(k("-n", ns, "get", "job", "manual-run", "-o", "wide").stdout)
    assert header == ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"]
    assert [rows[0][c] for c in ("STATUS", "COMPLETIONS", "DURATION", "CONTAINERS", "IMAGES", "SELECTOR")] == [
        "Suspended", "0/1", "", "nightly", "busybox", f"batch.kubernetes.io/controller-uid={uid}"]

    err = refused(server, "-n", ns, "patch", "job", "manual-run", "--type=json", "-p",
                  '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"alpine"}]')
    assert err.startswith('The Job "manual-run" is invalid: spec.template: Invalid value: ')
    assert err.endswith(": field is immutable\n")

    batch = client.BatchV1Api(server.api)
    patched = batch.patch_namespaced_cron_job("nightly", ns, {"spec": {"suspend": False, "timeZone": "Etc/UTC"}})
    assert (patched.spec.suspend, patched.spec.time_zone) == (False, "Etc/UTC")
    assert [j.metadata.name for j in batch.list_namespaced_job(ns, label_selector="job-name=manual-run").items] == [
        "manual-run"]
    with pytest.raises(ApiException) as caught:
        batch.patch_namespaced_job("manual-run", ns, {"spec": {"completionMode": "Indexed"}})
    assert caught.value.status == 422
    assert 'spec.completionMode: Invalid value: "Indexed": field is immutable' in json.loads(caught.value.body)[
        "message"]


def test_job_immutable_template_value_is_json(server: Server, ns: str) -> None:
    server.kubectl("-n", ns, "create", "job", "once", "--image=busybox")
    err = refused(server, "-n", ns, "patch", "job", "once", "--type=json", "-p",
                  '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"alpine"}]')
    uid = get_json(server, "-n", ns, "job", "once")["metadata"]["uid"]
    assert err.startswith(
        'The Job "once" is invalid: spec.template: Invalid value: {"labels":{"batch.kubernetes.io/controller-uid":'
        f'"{uid}","batch.kubernetes.io/job-name":"once","controller-uid":"{uid}","job-name":"once"}},'
        '"Spec":{"Volumes":null,"InitContainers":null,"Containers":[{"Name":"once","Image":"alpine",')


def test_job_and_cronjob_refused_variants(server: Server, ns: str) -> None:
    job = """
apiVersion: batch/v1
kind: Job
metadata: {{name: {name}}}
spec:
{spec}
  template:
    spec:
      restartPolicy: Never
      containers: [{{name: c, image: busybox}}]
"""
    cases = {
        "indexed-no-completions": (
            "  completionMode: Indexed\n  parallelism: 3",
            "spec.completions: Required value: when completion mode is Indexed"),
        "indexed-wide": (
            "  completionMode: Indexed\n  completions: 10\n  parallelism: 200000",
            ("spec.parallelism: Invalid value: 200000: must be less than or equal to 100000 when completion mode "
             "is Indexed")),
        "bad-mode": (
            "  completionMode: Sometimes",
            'spec.completionMode: Unsupported value: "Sometimes": supported values: "NonIndexed", "Indexed"'),
        "per-index": (
            "  backoffLimitPerIndex: 1",
            "spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode"),
        "success-policy": (
            '  completionMode: Indexed\n  completions: 4\n  successPolicy:\n    rules: [{succeededIndexes: "0-2,7"}]',
            ('spec.successPolicy.rules[0].succeededIndexes: Invalid value: "0-2,7": error parsing succeededIndexes: '
             'too large index: "7"')),
    }
    for name, (spec, message) in cases.items():
        err = refused(server, "-n", ns, "create", "-f", "-", input=job.format(name=name, spec=spec))
        assert err == f'The Job "{name}" is invalid: {message}\n', name
    err = refused(server, "-n", ns, "create", "-f", "-", input="""
apiVersion: batch/v1
kind: CronJob
metadata: {name: bad}
spec:
  schedule: "CRON_TZ=UTC 0 * * * *"
  timeZone: Mars/Base
  concurrencyPolicy: Sometimes
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Always
          containers: [{name: c, image: busybox}]
""")
    assert err == (
        'The CronJob "bad" is invalid: \n'
        '* spec.schedule: Invalid value: "CRON_TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use '
        "timeZone field instead\n"
        '* spec.timeZone: Invalid value: "Mars/Base": unknown time zone Mars/Base\n'
        '* spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"\n'
        '* spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"\n')
    assert server.kubectl("-n", ns, "get", "jobs,cronjobs", "-o", "name").stdout == ""
