"""ClusterRoleBindings(), NamespaceRoles() and NamespaceRoleBindings() of the v1.35 bootstrap
policy (upstream bootstrappolicy/policy.go and namespace_policy.go).

`system:node` is bound to nobody: nodes are authorized by the Node authorizer, and the
empty binding is kept so reconciliation never re-adds the old `system:nodes` subject.
"""

from __future__ import annotations

from kapiserver.apimachinery.types import Object

from .rules import READ, cluster_role_binding, events, group, r, role, role_binding, service_account, user

KUBE_SYSTEM = "kube-system"
KUBE_PUBLIC = "kube-public"
LEADER_VERBS = "create get list update watch"


def cluster_role_bindings() -> list[Object]:
    return [
        cluster_role_binding("cluster-admin", group("system:masters")),
        cluster_role_binding("system:basic-user", group("system:authenticated")),
        cluster_role_binding("system:discovery", group("system:authenticated")),
        cluster_role_binding("system:kube-controller-manager", user("system:kube-controller-manager")),
        cluster_role_binding("system:kube-dns", service_account(KUBE_SYSTEM, "kube-dns")),
        cluster_role_binding("system:kube-scheduler", user("system:kube-scheduler")),
        cluster_role_binding("system:monitoring", group("system:monitoring")),
        cluster_role_binding("system:node"),
        cluster_role_binding("system:node-proxier", user("system:kube-proxy")),
        cluster_role_binding("system:public-info-viewer", group("system:authenticated"),
                             group("system:unauthenticated")),
        cluster_role_binding("system:service-account-issuer-discovery", group("system:serviceaccounts")),
        cluster_role_binding("system:volume-scheduler", user("system:kube-scheduler")),
    ]


def namespace_roles() -> list[Object]:
    """The namespaced bootstrap roles, kube-public's first as upstream's golden file lists them."""
    return [
        role("system:controller:bootstrap-signer", KUBE_PUBLIC,
             r(READ, "core", "configmaps"),
             r("update", "core", "configmaps", "cluster-info"),
             events()),
        role("extension-apiserver-authentication-reader", KUBE_SYSTEM,
             r(READ, "core", "configmaps", "extension-apiserver-authentication")),
        role("system::leader-locking-kube-controller-manager", KUBE_SYSTEM,
             r(LEADER_VERBS, "coordination.k8s.io", "leases"),
             r(LEADER_VERBS, "coordination.k8s.io", "leasecandidates")),
        role("system::leader-locking-kube-scheduler", KUBE_SYSTEM,
             r(LEADER_VERBS, "coordination.k8s.io", "leases"),
             r(LEADER_VERBS, "coordination.k8s.io", "leasecandidates")),
        role("system:controller:bootstrap-signer", KUBE_SYSTEM, r(READ, "core", "secrets")),
        role("system:controller:cloud-provider", KUBE_SYSTEM, r("create get list watch", "core", "configmaps")),
        role("system:controller:token-cleaner", KUBE_SYSTEM, r("delete get list watch", "core", "secrets"), events()),
    ]


def namespace_role_bindings() -> list[Object]:
    return [
        role_binding("system:controller:bootstrap-signer", KUBE_PUBLIC, "system:controller:bootstrap-signer",
                     service_account(KUBE_SYSTEM, "bootstrap-signer")),
        role_binding("system::extension-apiserver-authentication-reader", KUBE_SYSTEM,
                     "extension-apiserver-authentication-reader",
                     user("system:kube-controller-manager"), user("system:kube-scheduler")),
        role_binding("system::leader-locking-kube-controller-manager", KUBE_SYSTEM,
                     "system::leader-locking-kube-controller-manager",
                     user("system:kube-controller-manager"),
                     service_account(KUBE_SYSTEM, "kube-controller-manager"),
                     service_account(KUBE_SYSTEM, "leader-election-controller")),
        role_binding("system::leader-locking-kube-scheduler", KUBE_SYSTEM, "system::leader-locking-kube-scheduler",
                     user("system:kube-scheduler"), service_account(KUBE_SYSTEM, "kube-scheduler")),
        role_binding("system:controller:bootstrap-signer", KUBE_SYSTEM, "system:controller:bootstrap-signer",
                     service_account(KUBE_SYSTEM, "bootstrap-signer")),
        role_binding("system:controller:cloud-provider", KUBE_SYSTEM, "system:controller:cloud-provider",
                     service_account(KUBE_SYSTEM, "cloud-provider")),
        role_binding("system:controller:token-cleaner", KUBE_SYSTEM, "system:controller:token-cleaner",
                     service_account(KUBE_SYSTEM, "token-cleaner")),
    ]
