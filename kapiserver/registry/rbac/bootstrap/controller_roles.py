"""ControllerRoles() and ControllerRoleBindings() of the v1.35 bootstrap policy (upstream
bootstrappolicy/controller_policy.go): one `system:controller:<name>` role per
kube-controller-manager controller, bound to the service account kube-system/<name>.

Roles behind feature gates that are off by default in v1.35 (device-taint-eviction,
podcertificaterequestcleaner, ...) are left out, as upstream leaves them out.
"""

from __future__ import annotations

from kapiserver.apimachinery.types import Object

from .rules import READ, cluster_role, cluster_role_binding, events, r, service_account

PREFIX = "system:controller:"
ALL_VERBS_BUT_DC = "create delete get list patch update watch"


def _role(name: str, *rules: Object) -> Object:
    return cluster_role(PREFIX + name, *rules)


def _workload_roles() -> list[Object]:
    return [
        _role("cronjob-controller",
              r("get list update watch", "batch", "cronjobs"),
              r(ALL_VERBS_BUT_DC, "batch", "jobs"),
              r("update", "batch", "cronjobs/status"),
              r("update", "batch", "cronjobs/finalizers"),
              r("delete list watch", "core", "pods"),
              events()),
        _role("daemon-set-controller",
              r(READ, "apps extensions", "daemonsets"),
              r("update", "apps extensions", "daemonsets/status"),
              r("update", "apps extensions", "daemonsets/finalizers"),
              r("list watch", "core", "nodes"),
              r("create delete list patch watch", "core", "pods"),
              r("create", "core", "pods/binding"),
              r(ALL_VERBS_BUT_DC, "apps", "controllerrevisions"),
              events()),
        _role("deployment-controller",
              r("get list update watch", "apps extensions", "deployments"),
              r("update", "apps extensions", "deployments/status"),
              r("update", "apps extensions", "deployments/finalizers"),
              r(ALL_VERBS_BUT_DC, "apps extensions", "replicasets"),
              r("get list update watch", "core", "pods"),
              events()),
        _role("disruption-controller",
              r(READ, "apps extensions", "deployments"),
              r(READ, "apps extensions", "replicasets"),
              r(READ, "core", "replicationcontrollers"),
              r(READ, "policy", "poddisruptionbudgets"),
              r(READ, "apps", "statefulsets"),
              r("update", "policy", "poddisruptionbudgets/status"),
              r("patch update", "core", "pods/status"),
              r("get", "*", "*/scale"),
              events()),
    ]


def _endpoint_roles() -> list[Object]:
    return [
        _role("endpoint-controller",
              r(READ, "core", "pods services"),
              r("create delete get list update watch", "core", "endpoints"),
              r("create", "core", "endpoints/restricted"),
              events()),
        _role("endpointslice-controller",
              r(READ, "core", "nodes pods services"),
              r("update", "core", "services/finalizers"),
              r("create delete get list update watch", "discovery.k8s.io", "endpointslices"),
              events()),
        _role("endpointslicemirroring-controller",
              r(READ, "core", "endpoints services"),
              r("update", "core", "services/finalizers"),
              r("update", "core", "endpoints/finalizers"),
              r("create delete get list update watch", "discovery.k8s.io", "endpointslices"),
              events()),
    ]


def _storage_roles() -> list[Object]:
    return [
        _role("ephemeral-volume-controller",
              r(READ, "core", "pods"),
              r("update", "core", "pods/finalizers"),
              r("create get list watch", "core", "persistentvolumeclaims"),
              events()),
        _role("expand-controller",
              r("get list patch update watch", "core", "persistentvolumes"),
              r("patch update", "core", "persistentvolumeclaims/status"),
              r(READ, "core", "persistentvolumeclaims"),
              events(),
              r("get", "core", "services")),
    ]


def _controllers_a_to_h() -> list[Object]:
    return [
        _role("attachdetach-controller",
              r("list watch", "core", "persistentvolumeclaims persistentvolumes"),
              r(READ, "core", "nodes"),
              r("patch update", "core", "nodes/status"),
              r("list watch", "core", "pods"),
              events(),
              r("create delete get list watch", "storage.k8s.io", "volumeattachments"),
              r(READ, "storage.k8s.io", "csidrivers"),
              r(READ, "storage.k8s.io", "csinodes")),
        _role("certificate-controller",
              r("delete get list watch", "certificates.k8s.io", "certificatesigningrequests"),
              r("update", "certificates.k8s.io",
                "certificatesigningrequests/approval certificatesigningrequests/status"),
              r("approve", "certificates.k8s.io", "signers", "kubernetes.io/kube-apiserver-client-kubelet"),
              r("sign", "certificates.k8s.io", "signers",
                "kubernetes.io/kube-apiserver-client kubernetes.io/kube-apiserver-client-kubelet "
                "kubernetes.io/kubelet-serving kubernetes.io/legacy-unknown"),
              r("create", "authorization.k8s.io", "subjectaccessreviews"),
              events()),
        _role("clusterrole-aggregation-controller",
              r("escalate get list patch update watch", "rbac.authorization.k8s.io", "clusterroles")),
        *_workload_roles(),
        *_endpoint_roles(),
        *_storage_roles(),
        _role("generic-garbage-collector", r("delete get list patch update watch", "*", "*"), events()),
        _role("horizontal-pod-autoscaler",
              r(READ, "autoscaling", "horizontalpodautoscalers"),
              r("update", "autoscaling", "horizontalpodautoscalers/status"),
              r("get update", "*", "*/scale"),
              r("list watch", "core", "pods"),
              r("list watch", "metrics.k8s.io", "pods"),
              r(READ, "custom.metrics.k8s.io", "*"),
              r(READ, "external.metrics.k8s.io", "*"),
              events()),
    ]


def _controllers_j_to_r() -> list[Object]:
    return [
        _role("job-controller",
              r("get list patch update watch", "batch", "jobs"),
              r("update", "batch", "jobs/status"),
              r("update", "batch", "jobs/finalizers"),
              r("create delete list patch watch", "core", "pods"),
              events()),
        _role("legacy-service-account-token-cleaner",
              r("get", "core", "configmaps", "kube-apiserver-legacy-service-account-token-tracking"),
              r("delete patch", "core", "secrets")),
        _role("namespace-controller",
              r("delete get list watch", "core", "namespaces"),
              r("update", "core", "namespaces/finalize namespaces/status"),
              r("delete deletecollection get list watch", "*", "*")),
        _role("node-controller",
              r("delete get list patch update watch", "core", "nodes"),
              r("patch update", "core", "nodes/status"),
              r("patch update", "core", "pods/status"),
              r("delete get list watch", "core", "pods"),
              events()),
        _role("persistent-volume-binder",
              r("create delete get list update watch", "core", "persistentvolumes"),
              r("update", "core", "persistentvolumes/status"),
              r("get list update watch", "core", "persistentvolumeclaims"),
              r("update", "core", "persistentvolumeclaims/status"),
              r("create delete get list watch", "core", "pods"),
              r(READ, "storage.k8s.io", "storageclasses"),
              r("list watch", "core", "nodes"),
              events(),
              r("watch", "core", "events"),
              r("get", "core", "services")),
        _role("pod-garbage-collector",
              r("delete list watch", "core", "pods"),
              r(READ, "core", "nodes"),
              r("patch", "core", "pods/status")),
        _role("pv-protection-controller", r("get list update watch", "core", "persistentvolumes"), events()),
        _role("pvc-protection-controller",
              r("get list update watch", "core", "persistentvolumeclaims"),
              r(READ, "core", "pods"),
              events()),
        _role("replicaset-controller",
              r("get list update watch", "apps extensions", "replicasets"),
              r("update", "apps extensions", "replicasets/status"),
              r("update", "apps extensions", "replicasets/finalizers"),
              r("create delete list patch watch", "core", "pods"),
              events()),
        _role("replication-controller",
              r("get list update watch", "core", "replicationcontrollers"),
              r("update", "core", "replicationcontrollers/status"),
              r("update", "core", "replicationcontrollers/finalizers"),
              r("create delete list patch watch", "core", "pods"),
              events()),
        _role("resource-claim-controller",
              r(READ, "core", "pods"),
              r("update", "core", "pods/finalizers"),
              r("create delete get list watch", "resource.k8s.io", "resourceclaims"),
              r("patch update", "resource.k8s.io", "resourceclaims resourceclaims/status"),
              r("patch update", "core", "pods/status"),
              events()),
        _role("resourcequota-controller",
              r("list watch", "*", "*"),
              r("update", "core", "resourcequotas/status"),
              events()),
        _role("root-ca-cert-publisher", r("create update", "core", "configmaps"), events()),
        _role("route-controller", r("list watch", "core", "nodes"), r("patch", "core", "nodes/status"), events()),
    ]


def _controllers_s_to_z() -> list[Object]:
    return [
        _role("selinux-warning-controller",
              events(),
              r(READ, "core", "persistentvolumes"),
              r(READ, "core", "persistentvolumeclaims"),
              r(READ, "core", "pods"),
              r(READ, "storage.k8s.io", "csidrivers")),
        _role("service-account-controller", r("create", "core", "serviceaccounts"), events()),
        _role("service-cidrs-controller",
              r("get list patch update watch", "networking.k8s.io", "servicecidrs"),
              r("patch update", "networking.k8s.io", "servicecidrs/finalizers"),
              r("patch update", "networking.k8s.io", "servicecidrs/status"),
              r(READ, "networking.k8s.io", "ipaddresses"),
              events()),
        _role("service-controller",
              r(READ, "core", "services"),
              r("patch update", "core", "services/status"),
              r("list watch", "core", "nodes"),
              events()),
        _role("statefulset-controller",
              r("list watch", "core", "pods"),
              r(READ, "apps", "statefulsets"),
              r("update", "apps", "statefulsets/status"),
              r("update", "apps", "statefulsets/finalizers"),
              r("create delete get patch update", "core", "pods"),
              r(ALL_VERBS_BUT_DC, "apps", "controllerrevisions"),
              r("create get list watch", "core", "persistentvolumeclaims"),
              events(),
              r("delete update", "core", "persistentvolumeclaims"),
              r("update", "core", "pods/finalizers")),
        _role("ttl-after-finished-controller", r("delete get list watch", "batch", "jobs"), events()),
        _role("ttl-controller", r("list patch update watch", "core", "nodes"), events()),
        _role("validatingadmissionpolicy-status-controller",
              r(READ, "admissionregistration.k8s.io", "validatingadmissionpolicies"),
              r("get patch update", "admissionregistration.k8s.io", "validatingadmissionpolicies/status"),
              events()),
    ]


def controller_roles() -> list[Object]:
    return [*_controllers_a_to_h(), *_controllers_j_to_r(), *_controllers_s_to_z()]


def controller_role_bindings() -> list[Object]:
    """One binding per controller role, to its service account in kube-system."""
    bindings = []
    for role in controller_roles():
        name = role["metadata"]["name"]
        bindings.append(cluster_role_binding(name, service_account("kube-system", name[len(PREFIX):])))
    return bindings
