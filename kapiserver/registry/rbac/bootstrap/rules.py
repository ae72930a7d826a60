"""Builders for bootstrap policy objects (upstream rbacv1helpers.NewRule / NewClusterBinding / NewRoleBinding).

Lists are written space-separated, already sorted as upstream's builder sorts them; the
token `core` stands for the legacy group "". Every bootstrap object carries upstream's
label `kubernetes.io/bootstrapping: rbac-defaults` and the autoupdate annotation.
"""

from __future__ import annotations

from kapiserver.apimachinery.types import Object

GROUP = "rbac.authorization.k8s.io"
AUTOUPDATE_ANNOTATION = "rbac.authorization.kubernetes.io/autoupdate"
BOOTSTRAP_LABELS = {"kubernetes.io/bootstrapping": "rbac-defaults"}

READ = "get list watch"
WRITE = "create delete deletecollection patch update"
READ_WRITE = "create delete deletecollection get list patch update watch"


def _words(text: str) -> list[str]:
    return text.split()


def r(verbs: str, groups: str, resources: str, names: str = "") -> Object:
    """A resource rule; Go's field order (verbs, apiGroups, resources, resourceNames)."""
    rule: Object = {"verbs": _words(verbs), "apiGroups": ["" if g == "core" else g for g in _words(groups)],
                    "resources": _words(resources)}
    if names:
        rule["resourceNames"] = _words(names)
    return rule


def u(verbs: str, urls: str) -> Object:
    """A non-resource URL rule."""
    return {"verbs": _words(verbs), "nonResourceURLs": _words(urls)}


def events() -> Object:
    """upstream eventsRule(): write events in both event groups."""
    return r("create patch update", "core events.k8s.io", "events")


def metadata(name: str, namespace: str = "", labels: dict[str, str] | None = None) -> Object:
    meta: Object = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    meta["labels"] = dict(sorted({**(labels or {}), **BOOTSTRAP_LABELS}.items()))  # Go maps encode sorted
    meta["annotations"] = {AUTOUPDATE_ANNOTATION: "true"}
    return meta


def cluster_role(name: str, *rules: Object, labels: dict[str, str] | None = None,
                 aggregate_from: str = "") -> Object:
    """A ClusterRole; `aggregate_from` names the label value (`aggregate-to-<x>`) an aggregated role selects."""
    role: Object = {"apiVersion": f"{GROUP}/v1", "kind": "ClusterRole", "metadata": metadata(name, labels=labels)}
    if aggregate_from:
        role["aggregationRule"] = {"clusterRoleSelectors": [
            {"matchLabels": {f"rbac.authorization.k8s.io/aggregate-to-{aggregate_from}": "true"}}]}
    else:
        role["rules"] = list(rules)
    return role


def role(name: str, namespace: str, *rules: Object) -> Object:
    return {"apiVersion": f"{GROUP}/v1", "kind": "Role", "metadata": metadata(name, namespace), "rules": list(rules)}


def user(name: str) -> Object:
    return {"kind": "User", "apiGroup": GROUP, "name": name}


def group(name: str) -> Object:
    return {"kind": "Group", "apiGroup": GROUP, "name": name}


def service_account(namespace: str, name: str) -> Object:
    return {"kind": "ServiceAccount", "name": name, "namespace": namespace}


def cluster_role_binding(name: str, *subjects: Object, role_name: str = "") -> Object:
    binding: Object = {"apiVersion": f"{GROUP}/v1", "kind": "ClusterRoleBinding", "metadata": metadata(name),
                       "roleRef": {"apiGroup": GROUP, "kind": "ClusterRole", "name": role_name or name}}
    if subjects:
        binding["subjects"] = list(subjects)
    return binding


def role_binding(name: str, namespace: str, role_name: str, *subjects: Object) -> Object:
    return {"apiVersion": f"{GROUP}/v1", "kind": "RoleBinding", "metadata": metadata(name, namespace),
            "roleRef": {"apiGroup": GROUP, "kind": "Role", "name": role_name}, "subjects": list(subjects)}
