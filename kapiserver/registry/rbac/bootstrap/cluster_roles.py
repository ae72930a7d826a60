"""ClusterRoles() of the v1.35 bootstrap policy (upstream bootstrappolicy/policy.go), in name order.

admin, edit and view are aggregated: stored without rules, they gather the rules of the
roles labelled `rbac.authorization.k8s.io/aggregate-to-<name>` (the system:aggregate-to-*
roles below, and any a user adds).
"""

from __future__ import annotations

from kapiserver.apimachinery.types import Object

from .rules import READ, READ_WRITE, WRITE, cluster_role, events, r, u

CERTS = "certificates.k8s.io"
STORAGE = "storage.k8s.io"
RESOURCE = "resource.k8s.io"
COORDINATION = "coordination.k8s.io"


def _aggregate_label(name: str) -> dict[str, str]:
    return {f"rbac.authorization.k8s.io/aggregate-to-{name}": "true"}


def _approver(name: str, signer: str) -> Object:
    return cluster_role(f"system:certificates.k8s.io:{name}", r("approve", CERTS, "signers", signer))


def _aggregate_roles() -> list[Object]:
    admin = cluster_role(
        "system:aggregate-to-admin",
        r("create", "authorization.k8s.io", "localsubjectaccessreviews"),
        r(READ_WRITE, "rbac.authorization.k8s.io", "rolebindings roles"),
        labels=_aggregate_label("admin"))
    edit = cluster_role(
        "system:aggregate-to-edit",
        r(READ, "core", "pods/attach pods/exec pods/portforward pods/proxy secrets services/proxy"),
        r("impersonate", "core", "serviceaccounts"),
        r(WRITE, "core", "pods pods/attach pods/exec pods/portforward pods/proxy"),
        r("create", "core", "pods/eviction"),
        r(WRITE, "core", "configmaps persistentvolumeclaims replicationcontrollers replicationcontrollers/scale "
                         "secrets serviceaccounts services services/proxy"),
        r("create", "core", "serviceaccounts/token"),
        r(WRITE, "core events.k8s.io", "events"),
        r(WRITE, "apps", "daemonsets deployments deployments/rollback deployments/scale replicasets "
                         "replicasets/scale statefulsets statefulsets/scale"),
        r(WRITE, "autoscaling", "horizontalpodautoscalers"),
        r(WRITE, "batch", "cronjobs jobs"),
        r(WRITE, "extensions", "daemonsets deployments deployments/rollback deployments/scale ingresses "
                               "networkpolicies replicasets replicasets/scale replicationcontrollers/scale"),
        r(WRITE, "policy", "poddisruptionbudgets"),
        r(WRITE, "networking.k8s.io", "ingresses networkpolicies"),
        r(READ_WRITE, COORDINATION, "leases"),
        r(WRITE, RESOURCE, "resourceclaims resourceclaimtemplates"),
        labels=_aggregate_label("edit"))
    view = cluster_role(
        "system:aggregate-to-view",
        r(READ, "core", "configmaps endpoints persistentvolumeclaims persistentvolumeclaims/status pods "
                        "replicationcontrollers replicationcontrollers/scale serviceaccounts services services/status"),
        r(READ, "core", "bindings limitranges namespaces/status pods/log pods/status replicationcontrollers/status "
                        "resourcequotas resourcequotas/status"),
        r(READ, "core", "namespaces"),
        r(READ, "core events.k8s.io", "events"),
        r(READ, "discovery.k8s.io", "endpointslices"),
        r(READ, "apps", "controllerrevisions daemonsets daemonsets/status deployments deployments/scale "
                        "deployments/status replicasets replicasets/scale replicasets/status statefulsets "
                        "statefulsets/scale statefulsets/status"),
        r(READ, "autoscaling", "horizontalpodautoscalers horizontalpodautoscalers/status"),
        r(READ, "batch", "cronjobs cronjobs/status jobs jobs/status"),
        r(READ, "extensions", "daemonsets daemonsets/status deployments deployments/scale deployments/status "
                              "ingresses ingresses/status networkpolicies replicasets replicasets/scale "
                              "replicasets/status replicationcontrollers/scale"),
        r(READ, "policy", "poddisruptionbudgets poddisruptionbudgets/status"),
        r(READ, "networking.k8s.io", "ingresses ingresses/status networkpolicies"),
        r(READ, RESOURCE, "resourceclaims resourceclaims/status resourceclaimtemplates"),
        labels=_aggregate_label("view"))
    return [admin, edit, view]


def _kube_controller_manager() -> Object:
    return cluster_role(
        "system:kube-controller-manager",
        events(),
        r("create", COORDINATION, "leases"),
        r("get update", COORDINATION, "leases", "kube-controller-manager"),
        r("create", "core", "secrets serviceaccounts"),
        r("delete", "core", "secrets"),
        r("get", "core", "configmaps namespaces secrets serviceaccounts"),
        r("update", "core", "secrets serviceaccounts"),
        r("create", "authentication.k8s.io", "tokenreviews"),
        r("create", "authorization.k8s.io", "subjectaccessreviews"),
        r("list watch", "*", "*"),
        r("create", "core", "serviceaccounts/token"))


def _kube_scheduler() -> Object:
    return cluster_role(
        "system:kube-scheduler",
        events(),
        r("create", COORDINATION, "leases"),
        r("get list update watch", COORDINATION, "leases", "kube-scheduler"),
        r(READ_WRITE, COORDINATION, "leasecandidates"),
        r(READ, "core", "nodes"),
        r("delete get list watch", "core", "pods"),
        r("create", "core", "bindings pods/binding"),
        r("patch update", "core", "pods/status"),
        r(READ, "core", "replicationcontrollers services"),
        r(READ, "apps extensions", "replicasets"),
        r(READ, "apps", "statefulsets"),
        r(READ, "policy", "poddisruptionbudgets"),
        r(READ, "core", "persistentvolumeclaims persistentvolumes"),
        r("create", "authentication.k8s.io", "tokenreviews"),
        r("create", "authorization.k8s.io", "subjectaccessreviews"),
        r(READ, STORAGE, "csinodes"),
        r(READ, STORAGE, "volumeattachments"),
        r(READ, "core", "namespaces"),
        r(READ, STORAGE, "csidrivers"),
        r(READ, STORAGE, "csistoragecapacities"),
        r(READ, RESOURCE, "deviceclasses"),
        r("get list patch update watch", RESOURCE, "resourceclaims"),
        r("get list patch update watch", RESOURCE, "resourceclaims/status"),
        r("update", "core", "pods/finalizers"),
        r(READ, RESOURCE, "resourceslices"),
        r("create delete", RESOURCE, "resourceclaims"))


def node_rules() -> list[Object]:
    """upstream NodeRules(): what kubelets may do (the Node authorizer narrows it per node)."""
    return [
        r("create", "authentication.k8s.io", "tokenreviews"),
        r("create", "authorization.k8s.io", "localsubjectaccessreviews subjectaccessreviews"),
        r(READ, "core", "services"),
        r("create get list watch", "core", "nodes"),
        r("patch update", "core", "nodes/status"),
        r("patch update", "core", "nodes"),
        events(),
        r(READ, "core", "pods"),
        r("create delete", "core", "pods"),
        r("patch update", "core", "pods/status"),
        r("create", "core", "pods/eviction"),
        r(READ, "core", "configmaps secrets"),
        r("get", "core", "persistentvolumeclaims persistentvolumes"),
        r("get", "core", "endpoints"),
        r("create get list watch", CERTS, "certificatesigningrequests"),
        r("create delete get patch update", COORDINATION, "leases"),
        r("get", STORAGE, "volumeattachments"),
        r("create", "core", "serviceaccounts/token"),
        r("get patch update", "core", "persistentvolumeclaims/status"),
        r(READ, STORAGE, "csidrivers"),
        r("create delete get patch update", STORAGE, "csinodes"),
        r(READ, "node.k8s.io", "runtimeclasses"),
        r("get", RESOURCE, "resourceclaims"),
        r("deletecollection", RESOURCE, "resourceslices"),
        r("get", "core", "serviceaccounts"),
    ]


def _system_roles() -> list[Object]:
    return [
        cluster_role("system:auth-delegator",
                     r("create", "authentication.k8s.io", "tokenreviews"),
                     r("create", "authorization.k8s.io", "subjectaccessreviews")),
        cluster_role("system:basic-user",
                     r("create", "authorization.k8s.io", "selfsubjectaccessreviews selfsubjectrulesreviews"),
                     r("create", "authentication.k8s.io", "selfsubjectreviews")),
        cluster_role("system:certificates.k8s.io:certificatesigningrequests:nodeclient",
                     r("create", CERTS, "certificatesigningrequests/nodeclient")),
        cluster_role("system:certificates.k8s.io:certificatesigningrequests:selfnodeclient",
                     r("create", CERTS, "certificatesigningrequests/selfnodeclient")),
        _approver("kube-apiserver-client-approver", "kubernetes.io/kube-apiserver-client"),
        _approver("kube-apiserver-client-kubelet-approver", "kubernetes.io/kube-apiserver-client-kubelet"),
        _approver("kubelet-serving-approver", "kubernetes.io/kubelet-serving"),
        _approver("legacy-unknown-approver", "kubernetes.io/legacy-unknown"),
        cluster_role("system:discovery",
                     u("get", "/api /api/* /apis /apis/* /healthz /livez /openapi /openapi/* /readyz /version "
                              "/version/")),
        cluster_role("system:heapster",
                     r(READ, "core", "events namespaces nodes pods"),
                     r(READ, "extensions", "deployments")),
        cluster_role("system:kube-aggregator", r(READ, "core", "endpoints services")),
        _kube_controller_manager(),
        cluster_role("system:kube-dns", r("list watch", "core", "endpoints services")),
        _kube_scheduler(),
        cluster_role("system:kubelet-api-admin",
                     r(READ, "core", "nodes"),
                     r("proxy", "core", "nodes"),
                     r("*", "core", "nodes/log nodes/metrics nodes/proxy nodes/stats"),
                     r("*", "core", "nodes/configz nodes/healthz nodes/pods")),
        cluster_role("system:monitoring",
                     u("get", "/healthz /healthz/* /livez /livez/* /metrics /metrics/slis /readyz /readyz/* "
                              "/statusz"),
                     r("get", "core", "nodes/metrics")),
        cluster_role("system:node", *node_rules()),
        cluster_role("system:node-bootstrapper", r("create get list watch", CERTS, "certificatesigningrequests")),
        cluster_role("system:node-problem-detector",
                     r("get", "core", "nodes"), r("patch", "core", "nodes/status"), events()),
        cluster_role("system:node-proxier",
                     r("list watch", "core", "endpoints services"),
                     r(READ, "core", "nodes"),
                     events(),
                     r("list watch", "networking.k8s.io", "servicecidrs"),
                     r("list watch", "discovery.k8s.io", "endpointslices")),
        cluster_role("system:persistent-volume-provisioner",
                     r("create delete get list watch", "core", "persistentvolumes"),
                     r("get list update watch", "core", "persistentvolumeclaims"),
                     r(READ, STORAGE, "storageclasses"),
                     r("watch", "core", "events"),
                     events()),
        cluster_role("system:public-info-viewer", u("get", "/healthz /livez /readyz /version /version/")),
        cluster_role("system:service-account-issuer-discovery",
                     u("get", "/.well-known/openid-configuration /.well-known/openid-configuration/ "
                              "/openid/v1/jwks /openid/v1/jwks/")),
        cluster_role("system:volume-scheduler",
                     r("get list patch update watch", "core", "persistentvolumes"),
                     r(READ, STORAGE, "storageclasses"),
                     r("get list patch update watch", "core", "persistentvolumeclaims")),
    ]


def cluster_roles() -> list[Object]:
    """Fresh objects on every call: callers may mutate them."""
    roles = [
        cluster_role("admin", aggregate_from="admin"),
        cluster_role("cluster-admin", r("*", "*", "*"), u("*", "*")),
        cluster_role("edit", labels=_aggregate_label("admin"), aggregate_from="edit"),
        *_aggregate_roles(),
        *_system_roles(),
        cluster_role("view", labels=_aggregate_label("edit"), aggregate_from="view"),
    ]
    return roles
