"""validatingadmissionpolicies (+status) and validatingadmissionpolicybindings at v1, and
mutatingadmissionpolicies and their bindings at v1beta1 and v1alpha1 (upstream
pkg/registry/admissionregistration/*admissionpolicy*, ValidateValidatingAdmissionPolicy*,
ValidateMutatingAdmissionPolicy*, defaults).

Policies default failurePolicy to Fail, and their match resources to matchPolicy
Equivalent with empty selectors; mutating policies default reinvocationPolicy to Never.
The generation moves with the spec; status (the type checker's warnings) belongs to
`validatingadmissionpolicies/status`. A ValidatingAdmissionPolicy's expressions are compiled
on write (expressions.py), as upstream's validation does; a mutating policy's are only
checked to be present. Upstream also checks on write
that the requester may read the policy's param kind; that belongs to authorization.
"""

from __future__ import annotations

from kapiserver.apimachinery import field, metav1_validation, objectmeta
from kapiserver.apimachinery.types import Object
from kapiserver.registry.core import validation_common as common
from kapiserver.registry.core.podspec.access import as_dict, as_list, as_str, dicts, strings
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.strategy import (
    Strategy,
    bump_generation_on_change,
    keep_old_status,
    start_generation,
)

from . import expressions, rules

MAX_AUDIT_ANNOTATIONS = 20
MAX_AUDIT_VALUE_EXPRESSION_LENGTH = 5 * 1024
VALIDATION_REASONS = ("Forbidden", "Invalid", "RequestEntityTooLarge")
VALIDATION_ACTIONS = ("Audit", "Deny", "Warn")
PATCH_TYPES = ("JSONPatch", "ApplyConfiguration")
_SPEC = field.new_path("spec")


def default_match_resources(match: object) -> None:
    if not isinstance(match, dict):
        return
    if match.get("matchPolicy") is None:
        match["matchPolicy"] = "Equivalent"
    for key in ("namespaceSelector", "objectSelector"):
        if match.get(key) is None:
            match[key] = {}
    for key in ("resourceRules", "excludeResourceRules"):
        for rule in as_list(match.get(key)):
            if isinstance(rule, dict) and rule.get("scope") is None:
                rule["scope"] = "*"


def default_policy(obj: Object, mutating: bool) -> None:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return
    if spec.get("failurePolicy") is None:
        spec["failurePolicy"] = "Fail"
    if mutating and not spec.get("reinvocationPolicy"):
        spec["reinvocationPolicy"] = "Never"
    default_match_resources(spec.get("matchConstraints"))


def default_binding(obj: Object) -> None:
    default_match_resources(as_dict(obj.get("spec")).get("matchResources"))


def _validate_common_spec(spec: Object, compiler: expressions.PolicyCompiler | None = None,
                          ignore_match_conditions: bool = False) -> field.ErrorList:
    """failurePolicy, paramKind, matchConstraints, matchConditions and variables; with a
    compiler, match conditions and variables are compiled too."""
    errs: field.ErrorList = []
    policy = spec.get("failurePolicy")
    if policy is None:
        errs.append(field.required(_SPEC.child("failurePolicy"), ""))
    elif policy not in rules.FAILURE_POLICIES:
        errs.append(field.not_supported(_SPEC.child("failurePolicy"), policy, rules.FAILURE_POLICIES))
    if spec.get("paramKind") is not None:
        errs += rules.validate_param_kind(as_dict(spec["paramKind"]), _SPEC.child("paramKind"))
    match = spec.get("matchConstraints")
    if match is None:
        errs.append(field.required(_SPEC.child("matchConstraints"), ""))
    else:
        errs += rules.validate_match_resources(match, _SPEC.child("matchConstraints"))
        if not dicts(as_dict(match).get("resourceRules")):
            errs.append(field.required(_SPEC.child("matchConstraints", "resourceRules"), ""))
    if not ignore_match_conditions:
        errs += rules.validate_match_conditions(dicts(spec.get("matchConditions")), _SPEC.child("matchConditions"),
                                                None if compiler is None else compiler.has_params)
    return errs + rules.validate_variables(spec.get("variables"), _SPEC.child("variables"), compiler)


def _validate_validation(item: Object, compiler: expressions.PolicyCompiler, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    expression = as_str(item.get("expression"))
    if not expression.strip():
        errs.append(field.required(path.child("expression"), "expression is not specified"))
    else:
        errs += compiler.validation(expression, path.child("expression"))
    message_expression = as_str(item.get("messageExpression"))
    if message_expression and not message_expression.strip():
        errs.append(field.invalid(path.child("messageExpression"), message_expression, "must be non-empty if specified"))
    elif message_expression:  # compiled as written, so that columns in errors match
        errs += compiler.message_expression(message_expression, path.child("messageExpression"))
    message = as_str(item.get("message"))
    if message and not message.strip():
        errs.append(field.invalid(path.child("message"), message, "message must be non-empty if specified"))
    elif "\n" in message.strip() or "\r" in message.strip():
        errs.append(field.invalid(path.child("message"), message, "message must not contain line breaks"))
    reason = item.get("reason")
    if reason is not None and reason not in VALIDATION_REASONS:
        errs.append(field.not_supported(path.child("reason"), reason, VALIDATION_REASONS))
    return errs


def _validate_audit_annotation(item: Object, policy_name: str, compiler: expressions.PolicyCompiler,
                               path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    key = as_str(item.get("key"))
    if policy_name:
        errs += common.validate_qualified_name(f"{policy_name}/{key}", path.child("key"))
    else:
        errs.append(field.invalid(path.child("key"), key, "requires metadata.name be non-empty"))
    value = as_str(item.get("valueExpression")).strip()
    if not value:
        errs.append(field.required(path.child("valueExpression"), "valueExpression is not specified"))
    elif len(value.encode()) > MAX_AUDIT_VALUE_EXPRESSION_LENGTH:
        errs.append(field.required(path.child("valueExpression"),
                                   f"must not exceed {MAX_AUDIT_VALUE_EXPRESSION_LENGTH} bytes in length"))
    else:
        errs += compiler.audit_annotation(value, as_str(item.get("valueExpression")), path.child("valueExpression"))
    return errs


def validate_validating_policy(obj: Object, ignore_match_conditions: bool = False) -> field.ErrorList:
    """ValidateValidatingAdmissionPolicy; on update, unchanged match conditions are not checked again."""
    meta = obj.get("metadata", {})
    errs = objectmeta.validate_object_meta(meta, False, objectmeta.name_is_dns_subdomain, field.new_path("metadata"))
    spec = as_dict(obj.get("spec"))
    compiler = expressions.PolicyCompiler(has_params=spec.get("paramKind") is not None,
                                          with_variables=bool(dicts(spec.get("variables"))))
    errs += _validate_common_spec(spec, compiler, ignore_match_conditions)
    validations, annotations = dicts(spec.get("validations")), dicts(spec.get("auditAnnotations"))
    if not validations and not annotations:
        detail = "validations or auditAnnotations must contain at least one item"
        return errs + [field.required(_SPEC.child("validations"), detail),
                       field.required(_SPEC.child("auditAnnotations"), detail)]
    for i, item in enumerate(validations):
        errs += _validate_validation(item, compiler, _SPEC.child("validations").index(i))
    if len(annotations) > MAX_AUDIT_ANNOTATIONS:
        errs.append(field.invalid(_SPEC.child("auditAnnotations"), field.OMIT,
                                  f"must not have more than {MAX_AUDIT_ANNOTATIONS} auditAnnotations"))
    keys: set[str] = set()
    for i, item in enumerate(annotations):
        path = _SPEC.child("auditAnnotations").index(i)
        errs += _validate_audit_annotation(item, as_str(meta.get("name")), compiler, path)
        key = as_str(item.get("key"))
        if key in keys:
            errs.append(field.duplicate(path.child("key"), key))
        keys.add(key)
    return errs


def _validate_mutation(item: Object, path: field.Path) -> field.ErrorList:
    patch_type = as_str(item.get("patchType"))
    apply, json_patch = item.get("applyConfiguration"), item.get("jsonPatch")
    errs: field.ErrorList = []
    if patch_type == "JSONPatch":
        if json_patch is None:
            errs.append(field.required(path.child("jsonPatch"), "must be specified when patchType is JSONPatch"))
        elif not as_str(as_dict(json_patch).get("expression")).strip():
            errs.append(field.required(path.child("jsonPatch", "expression"), ""))
        if apply is not None:
            errs.append(field.invalid(path.child("applyConfiguration"), "{...}",
                                      "must not be specified when patchType is JSONPatch"))
    elif patch_type == "ApplyConfiguration":
        if apply is None:
            errs.append(field.required(path.child("applyConfiguration"),
                                       "must be specified when patchType is ApplyConfiguration"))
        elif not as_str(as_dict(apply).get("expression")).strip():
            errs.append(field.required(path.child("applyConfiguration", "expression"), ""))
        if json_patch is not None:
            errs.append(field.invalid(path.child("jsonPatch"), "{...}",
                                      "must not be specified when patchType is ApplyConfiguration"))
    else:
        errs.append(field.not_supported(path.child("patchType"), patch_type, PATCH_TYPES))
    return errs


def validate_mutating_policy(obj: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(obj.get("metadata", {}), False, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))
    spec = as_dict(obj.get("spec"))
    errs += _validate_common_spec(spec)
    mutations = dicts(spec.get("mutations"))
    if not mutations:
        errs.append(field.required(_SPEC.child("mutations"), "mutations must contain at least one item"))
    for i, item in enumerate(mutations):
        errs += _validate_mutation(item, _SPEC.child("mutations").index(i))
    reinvocation = as_str(spec.get("reinvocationPolicy"))
    if not reinvocation:
        errs.append(field.required(_SPEC.child("reinvocationPolicy"), ""))
    elif reinvocation not in rules.REINVOCATION_POLICIES:
        errs.append(field.not_supported(_SPEC.child("reinvocationPolicy"), reinvocation, rules.REINVOCATION_POLICIES))
    return errs


def _validate_actions(actions: list[str], path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    seen: set[str] = set()
    for i, action in enumerate(actions):
        if action not in VALIDATION_ACTIONS:
            errs.append(field.not_supported(path.index(i), action, VALIDATION_ACTIONS))
        if action in seen:
            errs.append(field.duplicate(path.index(i), action))
        seen.add(action)
    if "Deny" in seen and "Warn" in seen:
        errs.append(field.invalid(path, list(actions),
                                  "must not contain both Deny and Warn (repeating the same validation failure "
                                  "information in the API response and headers serves no purpose)"))
    if not seen:
        errs.append(field.required(path, "at least one validation action is required"))
    return errs


def validate_binding(obj: Object, mutating: bool) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(obj.get("metadata", {}), False, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))
    spec = as_dict(obj.get("spec"))
    policy_name = as_str(spec.get("policyName"))
    if not policy_name:
        errs.append(field.required(_SPEC.child("policyName"), ""))
    else:
        errs += [field.invalid(_SPEC.child("policyName"), policy_name, msg)
                 for msg in objectmeta.name_is_dns_subdomain(policy_name, False)]
    errs += rules.validate_param_ref(spec.get("paramRef"), _SPEC.child("paramRef"))
    # upstream's validating binding reports its match resources under the misspelt "matchResouces"
    match_path = _SPEC.child("matchResources" if mutating else "matchResouces")
    errs += rules.validate_match_resources(spec.get("matchResources"), match_path)
    if not mutating:
        errs += _validate_actions(strings(spec.get("validationActions")), _SPEC.child("validationActions"))
    return errs


def validate_validating_policy_status(obj: Object) -> field.ErrorList:
    status = as_dict(obj.get("status"))
    path = field.new_path("status")
    errs: field.ErrorList = []
    checking = status.get("typeChecking")
    if isinstance(checking, dict):
        for i, warning in enumerate(dicts(checking.get("expressionWarnings"))):
            item = path.child("typeChecking", "expressionWarnings").index(i)
            if not warning.get("warning"):
                errs.append(field.required(item.child("warning"), ""))
            if not as_str(warning.get("fieldRef")).strip():
                errs.append(field.required(item.child("fieldRef"), ""))
    return errs + metav1_validation.validate_conditions(dicts(status.get("conditions")), path.child("conditions"))


class PolicyStrategy(Strategy):
    """Policies and bindings: defaults, generation on spec changes, status kept on main updates."""

    def __init__(self, kind: str):
        self.kind = kind  # "validating", "mutating", "validating-binding" or "mutating-binding"

    def default(self, obj: Object) -> None:
        if self.kind.endswith("binding"):
            default_binding(obj)
        else:
            default_policy(obj, self.kind == "mutating")

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        if self.kind == "validating":
            obj["status"] = {}
        start_generation(obj)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        if self.kind == "validating":
            keep_old_status(obj, old)
        bump_generation_on_change(obj, old, "spec")

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        if self.kind == "validating":
            return validate_validating_policy(obj)
        if self.kind == "mutating":
            return validate_mutating_policy(obj)
        return validate_binding(obj, self.kind == "mutating-binding")

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        errs = objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                      field.new_path("metadata"))
        if self.kind == "validating":
            spec, old_spec = as_dict(obj.get("spec")), as_dict(old.get("spec"))
            same_conditions = spec.get("paramKind") == old_spec.get("paramKind") and \
                (spec.get("matchConditions") or []) == (old_spec.get("matchConditions") or [])
            return errs + validate_validating_policy(obj, ignore_match_conditions=same_conditions)
        return errs + self.validate(ctx, obj)


class ValidatingPolicyStatusStrategy(PolicyStrategy):
    def __init__(self) -> None:
        super().__init__("validating")

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        obj["spec"] = old.get("spec", {})

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_validating_policy_status(obj)
