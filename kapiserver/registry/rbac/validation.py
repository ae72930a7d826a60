"""Validation shared by the four RBAC kinds (upstream pkg/apis/rbac/validation).

Names are path segments, not DNS names: `system:controller:foo` is a valid role name.
A bad roleRef on update is reported as upstream's field errors render the internal struct: JSON
with the Go field names (the internal type has no json tags).
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import field, metav1_validation, objectmeta
from kapiserver.apimachinery.types import Object
from kapiserver.registry import pathsegment

GROUP = "rbac.authorization.k8s.io"
SERVICE_ACCOUNT_KIND = "ServiceAccount"
USER_KIND = "User"
GROUP_KIND = "Group"
_META = field.new_path("metadata")


def validate_rbac_name(name: str, prefix: bool) -> list[str]:
    """ValidateRBACName: any valid path segment."""
    return pathsegment.is_valid_path_segment_name(name)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def validate_policy_rule(rule: Object, namespaced: bool, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    if not _list(rule.get("verbs")):
        errs.append(field.required(path.child("verbs"), "verbs must contain at least one value"))
    urls = _list(rule.get("nonResourceURLs"))
    if urls:
        if namespaced:
            errs.append(field.invalid(path.child("nonResourceURLs"), urls,
                                      "namespaced rules cannot apply to non-resource URLs"))
        if _list(rule.get("apiGroups")) or _list(rule.get("resources")) or _list(rule.get("resourceNames")):
            errs.append(field.invalid(path.child("nonResourceURLs"), urls,
                                      "rules cannot apply to both regular resources and non-resource URLs"))
        return errs
    if not _list(rule.get("apiGroups")):
        errs.append(field.required(path.child("apiGroups"), "resource rules must supply at least one api group"))
    if not _list(rule.get("resources")):
        errs.append(field.required(path.child("resources"), "resource rules must supply at least one resource"))
    return errs


def validate_rules(obj: Object, namespaced: bool) -> field.ErrorList:
    errs: field.ErrorList = []
    for i, rule in enumerate(_list(obj.get("rules"))):
        errs += validate_policy_rule(rule if isinstance(rule, dict) else {}, namespaced, field.new_path("rules").index(i))
    return errs


def validate_meta(obj: Object, namespaced: bool) -> field.ErrorList:
    return objectmeta.validate_object_meta(obj.get("metadata", {}), namespaced, validate_rbac_name, _META)


def validate_aggregation_rule(obj: Object, allow_invalid_label_value: bool) -> field.ErrorList:
    rule = obj.get("aggregationRule")
    if rule is None:
        return []
    path = field.new_path("aggregationRule", "clusterRoleSelectors")
    selectors = _list(rule.get("clusterRoleSelectors") if isinstance(rule, dict) else None)
    if not selectors:
        return [field.required(path, "at least one clusterRoleSelector required if aggregationRule is non-nil")]
    opts = metav1_validation.LabelSelectorValidationOptions(allow_invalid_label_value_in_selector=allow_invalid_label_value)
    errs: field.ErrorList = []
    for i, selector in enumerate(selectors):
        errs += metav1_validation.validate_label_selector(selector, opts, path.index(i))
    return errs


def validate_subject(subject: Object, namespaced: bool, path: field.Path) -> field.ErrorList:
    """ValidateRoleBindingSubject."""
    errs: field.ErrorList = []
    name = subject.get("name") or ""
    api_group = subject.get("apiGroup") or ""
    if not name:
        errs.append(field.required(path.child("name"), ""))
    kind = subject.get("kind") or ""
    if kind == SERVICE_ACCOUNT_KIND:
        if name:
            errs += [field.invalid(path.child("name"), name, msg) for msg in objectmeta.name_is_dns_subdomain(name, False)]
        if api_group:
            errs.append(field.not_supported(path.child("apiGroup"), api_group, [""]))
        if not namespaced and not subject.get("namespace"):
            errs.append(field.required(path.child("namespace"), ""))
    elif kind in (USER_KIND, GROUP_KIND):
        if api_group != GROUP:
            errs.append(field.not_supported(path.child("apiGroup"), api_group, [GROUP]))
    else:
        errs.append(field.not_supported(path.child("kind"), kind, [SERVICE_ACCOUNT_KIND, USER_KIND, GROUP_KIND]))
    return errs


def validate_role_ref(ref: Any, kinds: tuple[str, ...]) -> field.ErrorList:
    ref = ref if isinstance(ref, dict) else {}
    path = field.new_path("roleRef")
    errs: field.ErrorList = []
    api_group = ref.get("apiGroup") or ""
    if api_group != GROUP:
        errs.append(field.not_supported(path.child("apiGroup"), api_group, [GROUP]))
    kind = ref.get("kind") or ""
    if kind not in kinds:
        errs.append(field.not_supported(path.child("kind"), kind, list(kinds)))
    name = ref.get("name") or ""
    if not name:
        errs.append(field.required(path.child("name"), ""))
    else:
        errs += [field.invalid(path.child("name"), name, msg) for msg in validate_rbac_name(name, False)]
    return errs


def validate_binding(obj: Object, namespaced: bool, kinds: tuple[str, ...]) -> field.ErrorList:
    errs = validate_meta(obj, namespaced) + validate_role_ref(obj.get("roleRef"), kinds)
    for i, subject in enumerate(_list(obj.get("subjects"))):
        errs += validate_subject(subject if isinstance(subject, dict) else {}, namespaced,
                                 field.new_path("subjects").index(i))
    return errs


def role_ref_value(ref: Any) -> dict[str, str]:
    """The internal rbac.RoleRef as a field error shows it (json.Marshal of a struct without tags)."""
    ref = ref if isinstance(ref, dict) else {}
    return {"APIGroup": str(ref.get("apiGroup") or ""), "Kind": str(ref.get("kind") or ""),
            "Name": str(ref.get("name") or "")}


def _ref_tuple(ref: Any) -> tuple[str, str, str]:
    ref = ref if isinstance(ref, dict) else {}
    return (ref.get("apiGroup") or "", ref.get("kind") or "", ref.get("name") or "")


def validate_binding_update(obj: Object, old: Object, namespaced: bool, kinds: tuple[str, ...]) -> field.ErrorList:
    """ValidateRoleBindingUpdate: the new binding, its metadata, and a roleRef that never changes."""
    errs = validate_binding(obj, namespaced, kinds)
    errs += objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}), _META)
    if _ref_tuple(obj.get("roleRef")) != _ref_tuple(old.get("roleRef")):
        errs.append(field.invalid(field.new_path("roleRef"), role_ref_value(obj.get("roleRef")), "cannot change roleRef"))
    return errs


def default_subjects(obj: Object) -> None:
    """SetDefaults_Subject: users and groups belong to the RBAC group, service accounts to none."""
    for subject in _list(obj.get("subjects")):
        if isinstance(subject, dict) and not subject.get("apiGroup"):
            if subject.get("kind") in (USER_KIND, GROUP_KIND):
                subject["apiGroup"] = GROUP
            elif subject.get("kind") == SERVICE_ACCOUNT_KIND:
                subject["apiGroup"] = ""


def default_role_ref(obj: Object) -> None:
    ref = obj.get("roleRef")
    if isinstance(ref, dict) and not ref.get("apiGroup"):
        ref["apiGroup"] = GROUP
