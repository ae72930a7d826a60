"""subjectaccessreviews, selfsubjectaccessreviews and localsubjectaccessreviews,
authorization.k8s.io/v1 (upstream pkg/registry/authorization/*subjectaccessreview,
pkg/apis/authorization/validation, pkg/registry/authorization/util).

Create-only and never stored: the body is validated, handed to validating admission, and
answered with the authorizer's decision in `status` (allowed, denied, reason,
evaluationError). A SubjectAccessReview asks about the user it names; a
SelfSubjectAccessReview about the caller (`kubectl auth can-i`); a LocalSubjectAccessReview
is a SubjectAccessReview confined to the namespace of its URL.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import errors, field, metav1_validation
from kapiserver.apimachinery.schema import GroupKind
from kapiserver.apimachinery.types import Object
from kapiserver.apimachinery.user import UserInfo
from kapiserver.registry.rest import CreateOptions, RequestContext, ValidateObjectFunc
from kapiserver.registry.spec import ResourceSpec
from kapiserver.storage.interface import Storage

from .decision import Attributes, Authorizer, Decision

GROUP = "authorization.k8s.io"
_SPEC = field.new_path("spec")
# metav1.ObjectMeta's fields in Go's order, for a bad value printed as JSON.
_OBJECT_META_ORDER = ("name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
                      "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels",
                      "annotations", "ownerReferences", "finalizers", "managedFields")
_LABEL_OPTIONS = metav1_validation.LabelSelectorValidationOptions(allow_unknown_operator_in_requirement=True)
_FIELD_OPTIONS = metav1_validation.FieldSelectorValidationOptions(allow_unknown_operator_in_requirement=True)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _go_order(value: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    known = {k: value[k] for k in order if k in value}
    return {**known, **{k: v for k, v in value.items() if k not in known}}


def _non_resource_value(spec: dict[str, Any]) -> Any:
    attrs = spec.get("nonResourceAttributes")
    return None if attrs is None else _go_order(_dict(attrs), ("path", "verb"))


def _validate_selector(selector: Any, path: field.Path, label: bool) -> field.ErrorList:
    selector = _dict(selector)
    errs: field.ErrorList = []
    raw, requirements = selector.get("rawSelector") or "", selector.get("requirements") or []
    if raw and requirements:
        errs.append(field.invalid(path.child("rawSelector"), raw, "may not specified at the same time as requirements"))
    if not raw and not requirements:
        errs.append(field.required(path.child("requirements"),
                                   f"when {path} is specified, requirements or rawSelector is required"))
    for i, requirement in enumerate(requirements):
        where = path.child("requirements").index(i)
        if label:
            errs += metav1_validation.validate_label_selector_requirement(_dict(requirement), _LABEL_OPTIONS, where)
        else:
            errs += metav1_validation.validate_field_selector_requirement(_dict(requirement), _FIELD_OPTIONS, where)
    return errs


def validate_access_review_spec(spec: dict[str, Any], require_subject: bool) -> field.ErrorList:
    """ValidateSubjectAccessReviewSpec / ValidateSelfSubjectAccessReviewSpec."""
    errs: field.ErrorList = []
    resource, non_resource = spec.get("resourceAttributes"), spec.get("nonResourceAttributes")
    if resource is not None and non_resource is not None:
        errs.append(field.invalid(_SPEC.child("nonResourceAttributes"), _non_resource_value(spec),
                                  "cannot be specified in combination with resourceAttributes"))
    if resource is None and non_resource is None:
        errs.append(field.invalid(_SPEC.child("resourceAttributes"), None,
                                  "exactly one of nonResourceAttributes or resourceAttributes must be specified"))
    if resource is not None:
        attrs = _dict(resource)
        for key, label in (("fieldSelector", False), ("labelSelector", True)):
            if attrs.get(key) is not None:
                errs += _validate_selector(attrs[key], _SPEC.child("resourceAttributes", key), label)
    if require_subject and not spec.get("user") and not spec.get("groups"):
        errs.append(field.invalid(_SPEC.child("user"), str(spec.get("user") or ""),
                                  "at least one of user or group must be specified"))
    return errs


def _meta_errors(obj: Object, allowed: tuple[str, ...], message: str) -> field.ErrorList:
    metadata = _dict(obj.get("metadata"))
    if all(not v for k, v in metadata.items() if k not in allowed + ("managedFields",)):
        return []
    return [field.invalid(field.new_path("metadata"), _go_order(metadata, _OBJECT_META_ORDER), message)]


def validate_subject_access_review(obj: Object) -> field.ErrorList:
    errs = validate_access_review_spec(_dict(obj.get("spec")), True)
    return errs + _meta_errors(obj, (), "must be empty")


def validate_self_subject_access_review(obj: Object) -> field.ErrorList:
    errs = validate_access_review_spec(_dict(obj.get("spec")), False)
    return errs + _meta_errors(obj, (), "must be empty")


def validate_local_subject_access_review(obj: Object) -> field.ErrorList:
    spec = _dict(obj.get("spec"))
    errs = validate_access_review_spec(spec, True)
    errs += _meta_errors(obj, ("namespace",), "must be empty except for namespace")
    namespace = str(_dict(obj.get("metadata")).get("namespace") or "")
    resource = spec.get("resourceAttributes")
    if resource is not None and str(_dict(resource).get("namespace") or "") != namespace:
        errs.append(field.invalid(field.new_path("spec.resourceAttributes.namespace"),
                                  str(_dict(resource).get("namespace") or ""), "must match metadata.namespace"))
    if spec.get("nonResourceAttributes") is not None:
        errs.append(field.invalid(field.new_path("spec.nonResourceAttributes"), _non_resource_value(spec),
                                  "disallowed on this kind of request"))
    return errs


def attributes_from(user: UserInfo, spec: dict[str, Any]) -> Attributes:
    """ResourceAttributesFrom / NonResourceAttributesFrom (an empty version matches all: "*")."""
    resource = spec.get("resourceAttributes")
    if resource is None:
        attrs = _dict(spec.get("nonResourceAttributes"))
        return Attributes(user, str(attrs.get("verb") or ""), False, path=str(attrs.get("path") or ""))
    attrs = _dict(resource)
    return Attributes(user, str(attrs.get("verb") or ""), True, namespace=str(attrs.get("namespace") or ""),
                      api_group=str(attrs.get("group") or ""), api_version=str(attrs.get("version") or "*"),
                      resource=str(attrs.get("resource") or ""), subresource=str(attrs.get("subresource") or ""),
                      name=str(attrs.get("name") or ""), field_selector=attrs.get("fieldSelector"),
                      label_selector=attrs.get("labelSelector"))


def subject_from(spec: dict[str, Any]) -> UserInfo:
    """The user a (Local)SubjectAccessReview names (AuthorizationAttributesFrom)."""
    extra = {str(k): tuple(str(x) for x in v or []) for k, v in _dict(spec.get("extra")).items()}
    return UserInfo(str(spec.get("user") or ""), str(spec.get("uid") or ""),
                    tuple(str(g) for g in spec.get("groups") or []), extra)


async def decide(authorizer: Authorizer, attrs: Attributes) -> Object:
    decision, reason, evaluation_error = await authorizer.authorize(attrs)
    status: dict[str, Any] = {"allowed": decision == Decision.ALLOW}
    if decision == Decision.DENY:
        status["denied"] = True
    if reason:
        status["reason"] = reason
    if evaluation_error:
        status["evaluationError"] = evaluation_error
    return status


class AccessReviewREST:
    """The create-only REST of one review kind."""

    def __init__(self, kind: str, authorizer: Authorizer):
        self.kind = kind
        self.authorizer = authorizer

    def _validate(self, ctx: RequestContext, obj: Object) -> None:
        if self.kind == "SubjectAccessReview":
            errs = validate_subject_access_review(obj)
        elif self.kind == "SelfSubjectAccessReview":
            errs = validate_self_subject_access_review(obj)
        else:
            errs = validate_local_subject_access_review(obj)
        if errs:
            raise errors.invalid(GroupKind(GROUP, self.kind), "", errs)
        if self.kind == "LocalSubjectAccessReview":
            if not ctx.namespace:
                raise errors.bad_request(f"namespace is required on this type: {ctx.namespace}")
            if ctx.namespace != str(_dict(obj.get("metadata")).get("namespace") or ""):
                raise errors.bad_request(f"spec.resourceAttributes.namespace must match namespace: {ctx.namespace}")

    async def create(self, ctx: RequestContext, obj: Object, create_validation: ValidateObjectFunc | None,
                     options: CreateOptions) -> Object:
        self._validate(ctx, obj)
        if create_validation is not None:
            await create_validation(ctx, obj)
        spec = _dict(obj.get("spec"))
        user = ctx.user if self.kind == "SelfSubjectAccessReview" else subject_from(spec)
        obj["status"] = await decide(self.authorizer, attributes_from(user, spec))
        return obj


def _spec(kind: str, plural: str, namespaced: bool, authorizer: Authorizer) -> ResourceSpec:
    def rest(spec: ResourceSpec, storage: Storage) -> AccessReviewREST:
        return AccessReviewREST(kind, authorizer)

    return ResourceSpec(group=GROUP, version="v1", kind=kind, plural=plural, singular=plural[:-1],
                        namespaced=namespaced, rest_factory=rest, stored=False)


def access_review_specs(authorizer: Authorizer) -> tuple[ResourceSpec, ...]:
    return (_spec("LocalSubjectAccessReview", "localsubjectaccessreviews", True, authorizer),
            _spec("SelfSubjectAccessReview", "selfsubjectaccessreviews", False, authorizer),
            _spec("SubjectAccessReview", "subjectaccessreviews", False, authorizer))
