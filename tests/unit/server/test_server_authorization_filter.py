"""The authorization filter's attributes and upstream's forbidden messages (responsewriters.Forbidden)."""

from __future__ import annotations

from kapiserver.apimachinery.user import UserInfo
from kapiserver.endpoints.request_info import parse_request_info
from kapiserver.server.filters.authorization import authorizer_attributes
from kapiserver.server.filters.forbidden import forbidden

ROBOT = UserInfo("system:serviceaccount:ns:robot")


def _status(method: str, path: str, query: str = "", reason: str = "") -> dict:
    err = forbidden(authorizer_attributes(ROBOT, parse_request_info(method, path, query)), reason)
    return err.status


def test_namespaced_list() -> None:
    status = _status("GET", "/api/v1/namespaces/ns/configmaps")
    assert status["code"] == 403 and status["reason"] == "Forbidden"
    assert status["message"] == ('configmaps is forbidden: User "system:serviceaccount:ns:robot" cannot list resource '
                                 '"configmaps" in API group "" in the namespace "ns"')
    assert status["details"] == {"kind": "configmaps"}


def test_cluster_scope_watch_and_group() -> None:
    assert _status("GET", "/apis/apps/v1/deployments", "watch=true")["message"] == (
        'deployments.apps is forbidden: User "system:serviceaccount:ns:robot" cannot watch resource "deployments" '
        'in API group "apps" at the cluster scope')


def test_named_subresource_with_reason() -> None:
    status = _status("GET", "/api/v1/namespaces/ns/pods/web/log", reason='RBAC: role.rbac.authorization.k8s.io "x" '
                     'not found')
    assert status["message"] == (
        'pods "web" is forbidden: User "system:serviceaccount:ns:robot" cannot get resource "pods/log" in API group '
        '"" in the namespace "ns": RBAC: role.rbac.authorization.k8s.io "x" not found')
    assert status["details"] == {"name": "web", "kind": "pods"}


def test_deletecollection_and_non_resource() -> None:
    assert "cannot deletecollection resource" in _status("DELETE", "/api/v1/namespaces/ns/pods")["message"]
    assert _status("GET", "/foo")["message"] == 'forbidden: User "system:serviceaccount:ns:robot" cannot get path "/foo"'
