"""RBAC validation, defaults and printers against upstream's messages."""

from kapiserver.apimachinery import errors, field
from kapiserver.apimachinery.schema import GroupKind
from kapiserver.registry.rbac import bindings, validation
from kapiserver.registry.rbac.clusterrolebindings import CLUSTERROLEBINDINGS
from kapiserver.registry.rbac.clusterroles import validate_cluster_role
from kapiserver.registry.rbac.rolebindings import ROLEBINDINGS
from kapiserver.registry.rbac.roles import validate_role
from kapiserver.registry.rest import RequestContext

CTX = RequestContext()


def msgs(errs):
    return [str(e) for e in errs]


def role(rules, ns="default"):
    return {"metadata": {"name": "r", "namespace": ns}, "rules": rules}


def test_rule_needs_verbs_groups_and_resources():
    assert msgs(validate_role(role([{}]))) == [
        "rules[0].verbs: Required value: verbs must contain at least one value",
        "rules[0].apiGroups: Required value: resource rules must supply at least one api group",
        "rules[0].resources: Required value: resource rules must supply at least one resource",
    ]


def test_namespaced_rule_cannot_use_urls():
    errs = validate_role(role([{"verbs": ["get"], "nonResourceURLs": ["/healthz"]}]))
    assert msgs(errs) == [('rules[0].nonResourceURLs: Invalid value: ["/healthz"]: namespaced rules cannot apply '
                          'to non-resource URLs')]


def test_cluster_rule_cannot_mix_urls_and_resources():
    obj = {"metadata": {"name": "c"}, "rules": [{"verbs": ["get"], "nonResourceURLs": ["/x"], "resources": ["p"]}]}
    assert msgs(validate_cluster_role(obj)) == [
        ('rules[0].nonResourceURLs: Invalid value: ["/x"]: rules cannot apply to both regular resources and '
        'non-resource URLs')]


def test_rbac_names_are_path_segments():
    assert validate_cluster_role({"metadata": {"name": "system:controller:x"}}) == []
    assert msgs(validate_cluster_role({"metadata": {"name": "a/b"}})) == [
        "metadata.name: Invalid value: \"a/b\": may not contain '/'"]


def test_aggregation_rule_needs_a_selector():
    obj = {"metadata": {"name": "c"}, "aggregationRule": {}}
    assert msgs(validate_cluster_role(obj)) == [
        ("aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if "
        "aggregationRule is non-nil")]


def binding(ref, subjects, ns="default"):
    obj = {"metadata": {"name": "b", "namespace": ns}, "roleRef": ref, "subjects": subjects}
    ROLEBINDINGS.strategy.default(obj)
    return obj


def test_binding_defaults_role_ref_group_and_subject_groups():
    obj = binding({"kind": "Role", "name": "x"}, [{"kind": "User", "name": "u"},
                                                  {"kind": "ServiceAccount", "name": "s"}])
    assert obj["roleRef"]["apiGroup"] == "rbac.authorization.k8s.io"
    assert obj["subjects"][0]["apiGroup"] == "rbac.authorization.k8s.io"
    assert obj["subjects"][1]["apiGroup"] == ""
    assert ROLEBINDINGS.strategy.validate(CTX, obj) == []


def test_binding_subject_and_ref_errors():
    obj = binding({"kind": "Pod", "name": ""}, [{"kind": "Robot", "name": ""}])
    assert msgs(ROLEBINDINGS.strategy.validate(CTX, obj)) == [
        'roleRef.kind: Unsupported value: "Pod": supported values: "Role", "ClusterRole"',
        "roleRef.name: Required value",
        "subjects[0].name: Required value",
        'subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
    ]


def test_cluster_binding_service_account_needs_namespace():
    obj = {"metadata": {"name": "b"}, "roleRef": {"kind": "Role", "name": "x"},
           "subjects": [{"kind": "ServiceAccount", "name": "s"}]}
    CLUSTERROLEBINDINGS.strategy.default(obj)
    assert msgs(CLUSTERROLEBINDINGS.strategy.validate(CTX, obj)) == [
        'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
        "subjects[0].namespace: Required value",
    ]


def test_role_ref_is_immutable_with_upstreams_message():
    old = binding({"kind": "ClusterRole", "name": "view"}, [])
    new = binding({"kind": "ClusterRole", "name": "edit"}, [])
    old["metadata"]["resourceVersion"] = new["metadata"]["resourceVersion"] = "5"
    errs = ROLEBINDINGS.strategy.validate_update(CTX, new, old)
    err = errors.invalid(GroupKind("rbac.authorization.k8s.io", "RoleBinding"), "b", errs)
    assert err.status["message"] == (
        'RoleBinding.rbac.authorization.k8s.io "b" is invalid: roleRef: Invalid value: {"APIGroup":'
        '"rbac.authorization.k8s.io","Kind":"ClusterRole","Name":"edit"}: cannot change roleRef')


def test_binding_printer_cells():
    obj = {"metadata": {"name": "b"}, "roleRef": {"kind": "ClusterRole", "name": "view"},
           "subjects": [{"kind": "User", "name": "alice"}, {"kind": "Group", "name": "g1"},
                        {"kind": "ServiceAccount", "name": "sa", "namespace": "ns"},
                        {"kind": "User", "name": "bob"}]}
    assert bindings._row(obj) == ["b", "ClusterRole/view", "<unknown>", "alice, bob", "g1", "ns/sa"]
    assert [c.name for c in CLUSTERROLEBINDINGS.printer.columns] == [
        "Name", "Role", "Age", "Users", "Groups", "ServiceAccounts"]
    assert [c.priority for c in CLUSTERROLEBINDINGS.printer.columns] == [0, 0, 0, 1, 1, 1]


def test_role_ref_renders_as_json_of_the_internal_struct():
    # apimachinery >= 0.34 renders composite bad values with json.Marshal; rbac.RoleRef has no json tags
    assert field.render_value(validation.role_ref_value({"kind": "Role"})) == '{"APIGroup":"","Kind":"Role","Name":""}'
