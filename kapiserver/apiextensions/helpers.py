"""Reading a CustomResourceDefinition (upstream apiextensions-apiserver pkg/apihelpers).

A CRD is the plain dict of its apiextensions.k8s.io/v1 JSON. These accessors answer the
questions every part of the apiextensions server asks (which version is stored, what a
version serves, is a condition true) with upstream's rules, so the controllers, the
custom resource handler and validation agree on them.
"""

from __future__ import annotations

import functools
import re
import urllib.parse
from typing import Any

from kapiserver.apimachinery import field, timefmt
from kapiserver.apimachinery.types import Object

GROUP = "apiextensions.k8s.io"
VERSION = "v1"
API_VERSION = f"{GROUP}/{VERSION}"
KIND = "CustomResourceDefinition"
RESOURCE = "customresourcedefinitions"

CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io"
API_APPROVED_ANNOTATION = "api-approved.kubernetes.io"

ESTABLISHED = "Established"
NAMES_ACCEPTED = "NamesAccepted"
TERMINATING = "Terminating"
NON_STRUCTURAL_SCHEMA = "NonStructuralSchema"
KUBERNETES_API_APPROVAL_POLICY_CONFORMANT = "KubernetesAPIApprovalPolicyConformant"

NAMESPACE_SCOPED = "Namespaced"
CLUSTER_SCOPED = "Cluster"


def spec(crd: Object) -> dict[str, Any]:
    value = crd.get("spec")
    return value if isinstance(value, dict) else {}


def status(crd: Object) -> dict[str, Any]:
    value = crd.get("status")
    return value if isinstance(value, dict) else {}


def names(crd: Object) -> dict[str, Any]:
    value = spec(crd).get("names")
    return value if isinstance(value, dict) else {}


def accepted_names(crd: Object) -> dict[str, Any]:
    value = status(crd).get("acceptedNames")
    return value if isinstance(value, dict) else {}


def group(crd: Object) -> str:
    return str(spec(crd).get("group") or "")


def versions(crd: Object) -> list[dict[str, Any]]:
    return [v for v in spec(crd).get("versions") or [] if isinstance(v, dict)]


def namespaced(crd: Object) -> bool:
    return spec(crd).get("scope") == NAMESPACE_SCOPED


def find_version(crd: Object, name: str) -> dict[str, Any] | None:
    return next((v for v in versions(crd) if v.get("name") == name), None)


def storage_version(crd: Object) -> str:
    """The name of the version marked storage ("" when none is, which validation forbids)."""
    return next((str(v.get("name")) for v in versions(crd) if v.get("storage")), "")


def has_served_version(crd: Object, version: str) -> bool:
    found = find_version(crd, version)
    return bool(found and found.get("served"))


def served_versions(crd: Object) -> list[str]:
    return [str(v.get("name")) for v in versions(crd) if v.get("served")]


def is_stored_version(crd: Object, version: str) -> bool:
    return version in (status(crd).get("storedVersions") or [])


def schema_for_version(crd: Object, version: str) -> dict[str, Any] | None:
    """The version's openAPIV3Schema, or None."""
    found = find_version(crd, version) or {}
    schema = (found.get("schema") or {}).get("openAPIV3Schema")
    return schema if isinstance(schema, dict) else None


def subresources_for_version(crd: Object, version: str) -> dict[str, Any] | None:
    found = find_version(crd, version) or {}
    value = found.get("subresources")
    return value if isinstance(value, dict) else None


def has_status_subresource(crd: Object, version: str) -> bool:
    return (subresources_for_version(crd, version) or {}).get("status") is not None


def scale_subresource(crd: Object, version: str) -> dict[str, Any] | None:
    value = (subresources_for_version(crd, version) or {}).get("scale")
    return value if isinstance(value, dict) else None


# -- conditions ------------------------------------------------------------------------------


def conditions(crd: Object) -> list[dict[str, Any]]:
    return [c for c in status(crd).get("conditions") or [] if isinstance(c, dict)]


def find_condition(crd: Object, kind: str) -> dict[str, Any] | None:
    return next((c for c in conditions(crd) if c.get("type") == kind), None)


def is_condition_true(crd: Object, kind: str) -> bool:
    found = find_condition(crd, kind)
    return found is not None and found.get("status") == "True"


def condition(kind: str, state: str, reason: str, message: str) -> dict[str, Any]:
    return {"type": kind, "status": state, "reason": reason, "message": message}


def set_condition(crd: Object, new: dict[str, Any]) -> None:
    """upstream SetCRDCondition: the transition time moves only when the status changes.

    Mutates crd (the caller's own copy)."""
    now = timefmt.now_rfc3339()
    crd_status = crd.setdefault("status", {})
    existing = next((c for c in crd_status.get("conditions") or [] if c.get("type") == new["type"]), None)
    if existing is None:
        crd_status["conditions"] = list(crd_status.get("conditions") or []) + [{**new, "lastTransitionTime": now}]
        return
    if existing.get("status") != new["status"] or not existing.get("lastTransitionTime"):
        existing["lastTransitionTime"] = now
    existing["status"] = new["status"]
    existing["reason"] = new.get("reason", "")
    existing["message"] = new.get("message", "")


def conditions_equivalent(lhs: dict[str, Any] | None, rhs: dict[str, Any] | None) -> bool:
    """upstream IsCRDConditionEquivalent: all but the transition time."""
    if lhs is None or rhs is None:
        return lhs is rhs
    return all(lhs.get(k, "") == rhs.get(k, "") for k in ("type", "status", "reason", "message"))


def remove_finalizer(crd: Object, finalizer: str) -> None:
    metadata = crd.setdefault("metadata", {})
    metadata["finalizers"] = [f for f in metadata.get("finalizers") or [] if f != finalizer]
    if not metadata["finalizers"]:
        del metadata["finalizers"]


# -- protected groups ------------------------------------------------------------------------


def is_protected_community_group(name: str) -> bool:
    return any(name == domain or name.endswith("." + domain) for domain in ("k8s.io", "kubernetes.io"))


APPROVAL_INVALID, APPROVED, APPROVAL_BYPASSED, APPROVAL_MISSING = range(4)


def api_approval_state(annotations: dict[str, str] | None) -> tuple[int, str]:
    """upstream GetAPIApprovalState: (state, reason)."""
    value = (annotations or {}).get(API_APPROVED_ANNOTATION, "")
    quoted = f'"{API_APPROVED_ANNOTATION}"'
    if not value:
        return APPROVAL_MISSING, (f"protected groups must have approval annotation {quoted}, see "
                                  "https://github.com/kubernetes/enhancements/pull/1111")
    if value.startswith("unapproved"):
        return APPROVAL_BYPASSED, f"not approved: {field.go_quote(value)}"
    if _is_request_uri_with_host(value):
        return APPROVED, f"approved in {value}"
    return APPROVAL_INVALID, (f"protected groups must have approval annotation {quoted} with either a URL or a "
                              'reason starting with "unapproved", see '
                              "https://github.com/kubernetes/enhancements/pull/1111")


def _is_request_uri_with_host(value: str) -> bool:
    try:
        parsed = urllib.parse.urlsplit(value)
    except ValueError:
        return False
    return bool(parsed.scheme and parsed.netloc) and " " not in value


# -- versions --------------------------------------------------------------------------------

_KUBE_VERSION = re.compile(r"^v(\d+)(?:(alpha|beta)(\d+))?$")
_TYPE_RANK = {"alpha": 0, "beta": 1, None: 2}


def _parse_kube_version(text: str) -> tuple[int, int, int] | None:
    match = _KUBE_VERSION.match(text)
    if match is None or match.group(1).startswith("0"):
        return None
    minor = int(match.group(3)) if match.group(3) else 0
    return _TYPE_RANK[match.group(2)], int(match.group(1)), minor


def compare_kube_aware_versions(v1: str, v2: str) -> int:
    """upstream version.CompareKubeAwareVersionStrings: > 0 when v1 sorts before v2's
    priority-wise (GA over beta over alpha, then major, then minor; others last, reversed)."""
    if v1 == v2:
        return 0
    p1, p2 = _parse_kube_version(v1), _parse_kube_version(v2)
    if p1 is None and p2 is None:
        return (v2 > v1) - (v2 < v1)
    if p1 is None:
        return -1
    if p2 is None:
        return 1
    for a, b in zip(p1, p2):
        if a != b:
            return a - b
    return 0


def sort_versions_by_priority(names_: list[str]) -> list[str]:
    """Highest priority first (discovery's order: v2, v1, v1beta2, v1beta1, v1alpha1, foo)."""

    def descending(a: str, b: str) -> int:
        return compare_kube_aware_versions(b, a)

    return sorted(names_, key=functools.cmp_to_key(descending))
