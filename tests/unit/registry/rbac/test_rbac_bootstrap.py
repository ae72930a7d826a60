"""The bootstrap policy data, reconciliation and aggregation."""

from kapiserver.apimachinery import meta
from kapiserver.registry.rbac import bootstrap, covers, reconcile
from kapiserver.registry.rbac.aggregation import aggregated_rules
from kapiserver.registry.rbac.clusterrolebindings import CLUSTERROLEBINDINGS
from kapiserver.registry.rbac.clusterroles import CLUSTERROLES
from kapiserver.registry.rbac.reconcile import Operation
from kapiserver.registry.rbac.rolebindings import ROLEBINDINGS
from kapiserver.registry.rbac.roles import ROLES
from kapiserver.registry.rest import RequestContext


def by_name(objs):
    return {meta.name(o): o for o in objs}


def test_counts_and_names():
    roles = bootstrap.cluster_roles()
    assert len(roles) == 31
    assert len(bootstrap.controller_roles()) == 36
    assert len(bootstrap.cluster_role_bindings()) == 12
    assert len(bootstrap.controller_role_bindings()) == 36
    assert len(bootstrap.namespace_roles()) == 7
    assert len(bootstrap.namespace_role_bindings()) == 7
    names = [meta.name(r) for r in roles]
    assert names == sorted(names)
    assert {"cluster-admin", "admin", "edit", "view", "system:discovery", "system:basic-user",
            "system:public-info-viewer", "system:node", "system:node-proxier", "system:kube-scheduler",
            "system:kube-controller-manager", "system:volume-scheduler", "system:kube-dns", "system:monitoring",
            "system:auth-delegator", "system:heapster", "system:kubelet-api-admin",
            "system:node-bootstrapper"} <= set(names)


def test_every_object_is_labelled_annotated_and_valid():
    ctx = RequestContext()
    for obj in bootstrap.cluster_roles() + bootstrap.controller_roles():
        assert obj["metadata"]["labels"]["kubernetes.io/bootstrapping"] == "rbac-defaults"
        assert obj["metadata"]["annotations"] == {"rbac.authorization.kubernetes.io/autoupdate": "true"}
        assert CLUSTERROLES.strategy.validate(ctx, obj) == []
    for obj in bootstrap.cluster_role_bindings() + bootstrap.controller_role_bindings():
        assert CLUSTERROLEBINDINGS.strategy.validate(ctx, obj) == []
    for obj in bootstrap.namespace_roles():
        assert ROLES.strategy.validate(RequestContext(namespace=meta.namespace(obj)), obj) == []
    for obj in bootstrap.namespace_role_bindings():
        assert ROLEBINDINGS.strategy.validate(RequestContext(namespace=meta.namespace(obj)), obj) == []


def test_sample_rules_match_upstream():
    roles = by_name(bootstrap.cluster_roles())
    assert roles["cluster-admin"]["rules"] == [
        {"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}, {"verbs": ["*"], "nonResourceURLs": ["*"]}]
    assert roles["system:discovery"]["rules"] == [{"verbs": ["get"], "nonResourceURLs": [
        "/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz",
        "/version", "/version/"]}]
    assert roles["system:public-info-viewer"]["rules"][0]["nonResourceURLs"] == [
        "/healthz", "/livez", "/readyz", "/version", "/version/"]
    assert roles["system:aggregate-to-admin"]["rules"][1] == {
        "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
        "apiGroups": ["rbac.authorization.k8s.io"], "resources": ["rolebindings", "roles"]}
    assert roles["admin"]["aggregationRule"] == {"clusterRoleSelectors": [
        {"matchLabels": {"rbac.authorization.k8s.io/aggregate-to-admin": "true"}}]}
    assert "rules" not in roles["admin"]
    assert roles["edit"]["metadata"]["labels"] == {"kubernetes.io/bootstrapping": "rbac-defaults",
                                                   "rbac.authorization.k8s.io/aggregate-to-admin": "true"}
    assert roles["system:kube-controller-manager"]["rules"][2] == {
        "verbs": ["get", "update"], "apiGroups": ["coordination.k8s.io"], "resources": ["leases"],
        "resourceNames": ["kube-controller-manager"]}


def test_bindings_sample():
    crbs = by_name(bootstrap.cluster_role_bindings())
    assert crbs["cluster-admin"]["subjects"] == [
        {"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": "system:masters"}]
    assert "subjects" not in crbs["system:node"]
    ctrl = by_name(bootstrap.controller_role_bindings())
    assert ctrl["system:controller:job-controller"]["subjects"] == [
        {"kind": "ServiceAccount", "name": "job-controller", "namespace": "kube-system"}]


def test_covers_breaks_rules_down_and_honours_wildcards():
    owner = [{"verbs": ["get"], "apiGroups": [""], "resources": ["pods", "*/status"]}]
    ok, missing = covers.covers(owner, [{"verbs": ["get", "list"], "apiGroups": [""],
                                         "resources": ["pods", "nodes/status"]}])
    assert not ok
    assert missing == [{"verbs": ["list"], "apiGroups": [""], "resources": ["pods"]},
                       {"verbs": ["list"], "apiGroups": [""], "resources": ["nodes/status"]}]
    assert covers.covers([{"verbs": ["get"], "nonResourceURLs": ["/api/*"]}],
                         [{"verbs": ["get"], "nonResourceURLs": ["/api/v1"]}])[0]


def test_reconcile_role_adds_missing_rules_and_keeps_user_changes():
    expected = by_name(bootstrap.cluster_roles())["system:kube-dns"]
    existing = meta.deep_copy(expected)
    existing["rules"] = [{"verbs": ["list"], "apiGroups": [""], "resources": ["endpoints", "services"]},
                         {"verbs": ["get"], "apiGroups": [""], "resources": ["configmaps"]}]
    existing["metadata"]["labels"]["mine"] = "yes"
    result = reconcile.compute_reconciled_role(existing, expected)
    assert result.operation == Operation.UPDATE
    assert result.obj["rules"][:2] == existing["rules"]
    assert result.obj["rules"][2:] == [{"verbs": ["watch"], "apiGroups": [""], "resources": ["endpoints"]},
                                       {"verbs": ["watch"], "apiGroups": [""], "resources": ["services"]}]
    assert result.obj["metadata"]["labels"]["mine"] == "yes"
    assert reconcile.compute_reconciled_role(result.obj, expected).operation == Operation.NONE


def test_reconcile_respects_autoupdate_false():
    expected = by_name(bootstrap.cluster_roles())["system:kube-dns"]
    existing = meta.deep_copy(expected)
    existing["rules"] = []
    existing["metadata"]["annotations"]["rbac.authorization.kubernetes.io/autoupdate"] = "false"
    result = reconcile.compute_reconciled_role(existing, expected)
    assert result.protected and result.operation == Operation.UPDATE


def test_reconcile_aggregated_role_keeps_aggregated_rules():
    expected = by_name(bootstrap.cluster_roles())["admin"]
    existing = meta.deep_copy(expected)
    existing["rules"] = [{"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]}]
    assert reconcile.compute_reconciled_role(existing, expected).operation == Operation.NONE


def test_reconcile_binding_adds_subjects_and_recreates_on_new_ref():
    expected = by_name(bootstrap.cluster_role_bindings())["system:public-info-viewer"]
    existing = meta.deep_copy(expected)
    existing["subjects"] = existing["subjects"][:1] + [{"kind": "User", "apiGroup": "x", "name": "me"}]
    result = reconcile.compute_reconciled_binding(existing, expected)
    assert result.operation == Operation.UPDATE
    assert [s["name"] for s in result.obj["subjects"]] == ["system:authenticated", "me", "system:unauthenticated"]
    existing["roleRef"] = {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "other"}
    assert reconcile.compute_reconciled_binding(existing, expected).operation == Operation.RECREATE


def test_aggregation_orders_by_name_and_deduplicates():
    roles = bootstrap.cluster_roles()
    names = by_name(roles)
    view_rules = aggregated_rules(names["view"], roles)
    assert view_rules == names["system:aggregate-to-view"]["rules"]
    names["view"]["rules"] = view_rules
    edit_rules = aggregated_rules(names["edit"], roles)
    assert edit_rules[:len(names["system:aggregate-to-edit"]["rules"])] == names["system:aggregate-to-edit"]["rules"]
    assert aggregated_rules(names["cluster-admin"], roles) is None
