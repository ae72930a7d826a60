"""--authorization-mode=RBAC, as envtest runs kube-apiserver: a service account token (and
`kubectl --as`) is refused with upstream's exact message until a Role and RoleBinding grant it,
aggregated ClusterRoles grant what they gather, `kubectl auth can-i` answers from RBAC, and a
user may not grant permissions they do not hold."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import Server


@pytest.fixture(scope="module")
def rbac_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("rbac"), extra_args=("--authorization-mode=RBAC",))
    try:
        srv.start()
        yield srv
    finally:
        srv.close()


def _as_token(server: Server, token: str, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    ca = Path(server.base) / "client" / "ca.crt"
    return server.kubectl("--kubeconfig=/dev/null", f"--server={server.url}", f"--certificate-authority={ca}",
                          f"--token={token}", *args, input=input, check=False)


def _robot(server: Server, ns: str) -> str:
    server.kubectl("create", "namespace", ns)
    server.kubectl("-n", ns, "create", "serviceaccount", "robot")
    return server.kubectl("-n", ns, "create", "token", "robot").stdout.strip()


def _eventually(check, timeout: float = 5.0):  # type: ignore[no-untyped-def]
    """Grants reach the authorizer through the watch cache, as upstream's through informers."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result.returncode == 0 or time.monotonic() > deadline:
            return result
        time.sleep(0.1)


def test_forbidden_until_a_role_binding_grants_it(rbac_server: Server) -> None:
    k, ns = rbac_server.kubectl, "rbac-grant"
    token = _robot(rbac_server, ns)
    user = f"system:serviceaccount:{ns}:robot"
    refused = _as_token(rbac_server, token, "-n", ns, "get", "configmaps")
    assert refused.returncode == 1
    assert refused.stderr.strip() == (f'Error from server (Forbidden): configmaps is forbidden: User "{user}" cannot '
                                      f'list resource "configmaps" in API group "" in the namespace "{ns}"')
    nodes = _as_token(rbac_server, token, "get", "nodes")
    assert nodes.stderr.strip() == (f'Error from server (Forbidden): nodes is forbidden: User "{user}" cannot list '
                                    'resource "nodes" in API group "" at the cluster scope')
    raw = _as_token(rbac_server, token, "get", "--raw", "/foo")
    assert raw.stderr.strip() == f'Error from server (Forbidden): forbidden: User "{user}" cannot get path "/foo"'
    assert _as_token(rbac_server, token, "get", "--raw", "/healthz").stdout == "ok"
    assert _as_token(rbac_server, token, "version", "-o", "json").returncode == 0
    assert _as_token(rbac_server, token, "auth", "can-i", "list", "configmaps", "-n", ns).stdout == "no\n"

    k("-n", ns, "create", "role", "cm-reader", "--verb=get,list", "--resource=configmaps")
    k("-n", ns, "create", "rolebinding", "cm-reader", "--role=cm-reader", f"--serviceaccount={ns}:robot")
    k("-n", ns, "create", "configmap", "one")
    listed = _eventually(lambda: _as_token(rbac_server, token, "-n", ns, "get", "configmaps", "-o", "name"))
    assert listed.returncode == 0, listed.stderr
    assert "configmap/one" in listed.stdout.split()
    assert _as_token(rbac_server, token, "auth", "can-i", "list", "configmaps", "-n", ns).stdout == "yes\n"
    assert _as_token(rbac_server, token, "auth", "can-i", "delete", "configmaps", "-n", ns).stdout == "no\n"
    assert _as_token(rbac_server, token, "auth", "can-i", "list", "configmaps", "-n", "default").stdout == "no\n"
    deleted = _as_token(rbac_server, token, "-n", ns, "delete", "configmap", "one")
    assert deleted.stderr.strip() == (f'Error from server (Forbidden): configmaps "one" is forbidden: User "{user}" '
                                      f'cannot delete resource "configmaps" in API group "" in the namespace "{ns}"')

    review = json.loads(k("create", "-o", "json", "-f", "-", input=json.dumps({
        "apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview",
        "spec": {"user": user, "resourceAttributes": {"verb": "list", "resource": "configmaps", "namespace": ns}}})
    ).stdout)
    assert review["status"] == {"allowed": True, "reason": f'RBAC: allowed by RoleBinding "cm-reader/{ns}" of Role '
                                                           f'"cm-reader" to ServiceAccount "robot/{ns}"'}
    listing = _as_token(rbac_server, token, "auth", "can-i", "--list", "-n", ns).stdout
    assert any(line.split()[:1] == ["configmaps"] and "[get list]" in line for line in listing.splitlines()), listing


def test_impersonation_and_cluster_role_aggregation(rbac_server: Server) -> None:
    k, ns = rbac_server.kubectl, "rbac-aggregate"
    k("create", "namespace", ns)
    assert k("auth", "can-i", "list", "cronjobs.batch", "-n", ns, "--as=jane", check=False).stdout == "no\n"
    k("create", "clusterrole", "widget-admin", "--aggregation-rule=example.com/aggregate-to-widget=true")
    k("create", "rolebinding", "jane-widgets", "-n", ns, "--clusterrole=widget-admin", "--user=jane")
    k("apply", "-f", "-", input="""
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: widget-lister, labels: {example.com/aggregate-to-widget: "true"}}
rules: [{apiGroups: [batch], resources: [cronjobs], verbs: [list]}]
""")
    can = _eventually(lambda: k("auth", "can-i", "list", "cronjobs.batch", "-n", ns, "--as=jane", check=False))
    assert can.stdout == "yes\n"
    assert k("auth", "can-i", "list", "cronjobs.batch", "--as=jane", check=False).stdout == "no\n"
    refused = k("get", "pods", "-n", ns, "--as=jane", "--as-group=devs", check=False)
    assert refused.stderr.strip() == ('Error from server (Forbidden): pods is forbidden: User "jane" cannot list '
                                      f'resource "pods" in API group "" in the namespace "{ns}"')
    token = _robot(rbac_server, ns + "-sa")
    impersonating = _as_token(rbac_server, token, "get", "pods", "--as=jane")
    assert impersonating.stderr.strip() == (
        f'Error from server (Forbidden): users "jane" is forbidden: User "system:serviceaccount:{ns}-sa:robot" '
        'cannot impersonate resource "users" in API group "" at the cluster scope')


def test_escalation_is_refused_without_escalate_or_bind(rbac_server: Server) -> None:
    k, ns = rbac_server.kubectl, "rbac-escalate"
    token = _robot(rbac_server, ns)
    user = f"system:serviceaccount:{ns}:robot"
    groups = f'["system:serviceaccounts" "system:serviceaccounts:{ns}" "system:authenticated"]'
    k("-n", ns, "create", "role", "rbac-editor", "--verb=get,list,create,update",
      "--resource=roles.rbac.authorization.k8s.io,rolebindings.rbac.authorization.k8s.io,configmaps")
    k("-n", ns, "create", "rolebinding", "rbac-editor", "--role=rbac-editor", f"--serviceaccount={ns}:robot")
    _eventually(lambda: _as_token(rbac_server, token, "-n", ns, "get", "roles"))
    held = _as_token(rbac_server, token, "-n", ns, "create", "role", "cm-reader", "--verb=get,list",
                     "--resource=configmaps")
    assert held.stdout == "role.rbac.authorization.k8s.io/cm-reader created\n", held.stderr
    escalating = _as_token(rbac_server, token, "-n", ns, "create", "role", "pod-killer", "--verb=get,delete",
                           "--resource=pods")
    assert escalating.stderr.strip() == (
        f'Error from server (Forbidden): roles.rbac.authorization.k8s.io "pod-killer" is forbidden: user "{user}" '
        f'(groups={groups}) is attempting to grant RBAC permissions not currently held:\n'
        '{APIGroups:[""], Resources:["pods"], Verbs:["get" "delete"]}')
    bound = _as_token(rbac_server, token, "-n", ns, "create", "rolebinding", "readers", "--role=cm-reader",
                      "--user=jane")
    assert bound.returncode == 0, bound.stderr
    k("-n", ns, "create", "role", "pod-killer", "--verb=delete", "--resource=pods")
    refused = _as_token(rbac_server, token, "-n", ns, "create", "rolebinding", "killers", "--role=pod-killer",
                        "--user=jane")
    assert "is attempting to grant RBAC permissions not currently held:\n" \
           '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}' in refused.stderr, refused.stderr
    k("-n", ns, "create", "role", "binder", "--verb=bind,escalate", "--resource=roles.rbac.authorization.k8s.io")
    k("-n", ns, "create", "rolebinding", "binder", "--role=binder", f"--serviceaccount={ns}:robot")
    allowed = _eventually(lambda: _as_token(rbac_server, token, "-n", ns, "create", "rolebinding", "killers",
                                            "--role=pod-killer", "--user=jane"))
    assert allowed.returncode == 0, allowed.stderr
    escalated = _as_token(rbac_server, token, "-n", ns, "create", "role", "pod-killer-2", "--verb=delete",
                          "--resource=pods")
    assert escalated.returncode == 0, escalated.stderr
