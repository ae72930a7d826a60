"""The ValidatingAdmissionPolicy admission plugin (upstream policy/validating plugin.go and
dispatcher.go).

For every policy that some binding names: match the policy's constraints, then each binding's
matchResources, collect the binding's params, and evaluate the policy per param. A failed
validation acts as the binding's validationActions say: Deny collects a denial, Warn adds a
response warning, Audit records an audit annotation. The first denial refuses the request
with its reason (Invalid when none: 422) and the message
`<resource> "<name>" is forbidden: ValidatingAdmissionPolicy '<p>' with binding '<b>' denied
request: <message>`. A policy or binding that cannot be applied (its params are missing, a
selector cannot be read) denies as `failed to configure binding: ...` unless the policy's
failurePolicy is Ignore.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from kapiserver.admission.errors import new_forbidden
from kapiserver.admission.interfaces import Attributes, Operation
from kapiserver.apimachinery import errors
from kapiserver.apimachinery.types import Object
from kapiserver.cel import library_authz

from . import evaluator, matching, params
from .compiler import CompiledPolicy, compile_policy
from .source import PolicySource

GROUP = "admissionregistration.k8s.io"
EXCLUDED_RESOURCES = frozenset({
    (GROUP, "validatingadmissionpolicies"), (GROUP, "validatingadmissionpolicybindings"),
    (GROUP, "mutatingadmissionpolicies"), (GROUP, "mutatingadmissionpolicybindings")})
VALIDATION_FAILURE_ANNOTATION = "validation.policy.admission.k8s.io/validation_failure"
MAX_AUDIT_ANNOTATION_VALUE = 10 * 1024
_CODES = {"Forbidden": 403, "Unauthorized": 401, "RequestEntityTooLarge": 413, "Invalid": 422}
_OPTIONS_KINDS = {Operation.CREATE: "CreateOptions", Operation.UPDATE: "UpdateOptions",
                  Operation.DELETE: "DeleteOptions", Operation.CONNECT: ""}
_NAMESPACE_METADATA = ("name", "generateName", "namespace", "uid", "resourceVersion", "generation",
                       "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels",
                       "annotations", "finalizers")

GetNamespace = Callable[[str], Awaitable[Object | None]]


def always_allow(_: dict[str, Any]) -> tuple[str, str, str]:
    """The AlwaysAllow authorizer's answer: allowed, no reason."""
    return "allow", "", ""


class ValidatingAdmissionPolicy:
    def __init__(self, source: PolicySource, get_namespace: GetNamespace, resolve_params: params.ParamResolver,
                 decide: library_authz.Decide = always_allow):
        self._source = source
        self._get_namespace = get_namespace
        self._resolve_params = resolve_params
        self._decide = decide
        self._compiled: dict[str, CompiledPolicy] = {}

    def handles(self, operation: Operation) -> bool:
        return True

    def _compile(self, policy: Object) -> CompiledPolicy:
        metadata = policy.get("metadata") or {}
        name, generation = str(metadata.get("name", "")), int(metadata.get("generation") or 0)
        found = self._compiled.get(name)
        if found is None or found.generation != generation or found.policy.get("spec") != policy.get("spec"):
            found = self._compiled[name] = compile_policy(policy)
        return found

    async def validate(self, attrs: Attributes) -> None:
        if (attrs.resource.group, attrs.resource.resource) in EXCLUDED_RESOURCES:
            return
        await self._source.ready()
        if not self._source.has_bindings():
            return
        denials: list[tuple[str, str, str | None, str]] = []
        for policy, bindings in self._source.hooks():
            await self._dispatch(attrs, policy, bindings, denials)
        if denials:
            raise _denied(attrs, denials[0])

    async def _dispatch(self, attrs: Attributes, policy: Object, bindings: list[Object],
                        denials: list[tuple[str, str, str | None, str]]) -> None:
        policy_name = str((policy.get("metadata") or {}).get("name", ""))
        failure_policy = str((policy.get("spec") or {}).get("failurePolicy") or "Fail")

        def config_error(message: str, binding_name: str | None) -> None:
            if failure_policy == "Ignore":
                return
            prefix = "failed to configure policy: " if binding_name is None else "failed to configure binding: "
            denials.append((prefix + message, "", binding_name, policy_name))

        try:
            if not await matching.definition_matches(policy, attrs, self._get_namespace):
                return
        except (errors.StatusError, ValueError) as err:
            config_error(str(err), None)
            return
        spec = policy.get("spec") or {}
        param_kind = spec.get("paramKind")
        store = None
        if param_kind:
            store = await self._resolve_params(str(param_kind.get("apiVersion", "")), str(param_kind.get("kind", "")))
            if store is None:
                config_error("failed to find resource referenced by paramKind: '" + params.gvk_string(
                    str(param_kind.get("apiVersion", "")), str(param_kind.get("kind", ""))) + "'", None)
                return
        compiled = self._compile(policy)
        namespace_object = None
        annotations: dict[str, list[str]] = {}
        for binding in bindings:
            binding_name = str((binding.get("metadata") or {}).get("name", ""))
            binding_spec = binding.get("spec") or {}
            try:
                if not await matching.binding_matches(binding, attrs, self._get_namespace):
                    continue
                found = await params.collect_params(param_kind, store, binding_spec.get("paramRef"), attrs.namespace)
            except (errors.StatusError, params.ConfigurationError, ValueError) as err:
                config_error(str(err), binding_name)
                continue
            if namespace_object is None:
                namespace_object = await self._namespace_object(attrs)
            for param in found:
                activation = evaluator.Activation(compiled, self._variables(attrs, compiled, param, namespace_object))
                result = evaluator.validate(compiled, activation)
                self._act(attrs, binding, policy_name, result, denials)
                for key, value in result.annotations:
                    values = annotations.setdefault(key, [])
                    if value[:MAX_AUDIT_ANNOTATION_VALUE] not in values:
                        values.append(value[:MAX_AUDIT_ANNOTATION_VALUE])
        for key, values in annotations.items():
            attrs.annotations[f"{policy_name}/{key}"] = ", ".join(values)

    def _act(self, attrs: Attributes, binding: Object, policy_name: str, result: evaluator.Result,
             denials: list[tuple[str, str, str | None, str]]) -> None:
        binding_name = str((binding.get("metadata") or {}).get("name", ""))
        actions = (binding.get("spec") or {}).get("validationActions") or []
        for index, decision in enumerate(result.decisions):
            if decision.action != evaluator.DENY:
                continue
            for action in actions:
                if action == "Deny":
                    denials.append((decision.message, decision.reason, binding_name, policy_name))
                elif action == "Warn":
                    attrs.warn(f"Validation failed for ValidatingAdmissionPolicy '{policy_name}' with binding "
                               f"'{binding_name}': {decision.message}")
                elif action == "Audit":
                    attrs.annotations[VALIDATION_FAILURE_ANNOTATION] = json.dumps([{
                        "message": decision.message, "policy": policy_name, "binding": binding_name,
                        "expressionIndex": index, "validationActions": actions}], separators=(",", ":"))
        for message in result.annotation_errors:
            denials.append((message, "", binding_name, policy_name))

    async def _namespace_object(self, attrs: Attributes) -> Object | None:
        """The request's namespace, with only the fields upstream's CreateNamespaceObject keeps."""
        kind = attrs.kind
        if not attrs.namespace or (kind.group == "" and kind.version == "v1" and kind.kind == "Namespace"):
            return {}
        namespace = await self._get_namespace(attrs.namespace)
        if namespace is None:
            return {}
        metadata = namespace.get("metadata") or {}
        return {"metadata": {k: metadata[k] for k in _NAMESPACE_METADATA if k in metadata},
                "spec": namespace.get("spec") or {}, "status": namespace.get("status") or {}}

    def _variables(self, attrs: Attributes, compiled: CompiledPolicy, param: Object | None,
                   namespace_object: Object | None) -> dict[str, Any]:
        request = admission_request(attrs)
        out: dict[str, Any] = {"object": attrs.obj, "oldObject": attrs.old_obj, "request": request,
                               "namespaceObject": namespace_object or None, "variables": {}}
        if compiled.has_params:
            out["params"] = param
        resource = request["resource"]
        out["authorizer"] = library_authz.authorizer_value(self._decide, {
            "group": resource["group"], "resource": resource["resource"], "subresource": request["subResource"],
            "namespace": request["namespace"], "name": request["name"], "user": request["userInfo"]["username"]})
        return out


def admission_request(attrs: Attributes) -> dict[str, Any]:
    """upstream CreateAdmissionRequest, as a map with every field of kubernetes.AdmissionRequest."""
    kind = {"group": attrs.kind.group, "version": attrs.kind.version, "kind": attrs.kind.kind}
    resource = {"group": attrs.resource.group, "version": attrs.resource.version, "resource": attrs.resource.resource}
    user = attrs.user
    options = attrs.options
    if options is None and _OPTIONS_KINDS[attrs.operation]:
        options = {"kind": _OPTIONS_KINDS[attrs.operation], "apiVersion": "meta.k8s.io/v1"}
    return {
        "kind": kind, "resource": resource, "subResource": attrs.subresource,
        "requestKind": dict(kind), "requestResource": dict(resource), "requestSubResource": attrs.subresource,
        "name": attrs.name, "namespace": attrs.namespace, "operation": attrs.operation.value,
        "userInfo": {"username": user.name, "uid": user.uid, "groups": list(user.groups),
                     "extra": {k: list(v) for k, v in user.extra.items()}},
        "dryRun": bool(attrs.dry_run), "options": options,
    }


def _denied(attrs: Attributes, denial: tuple[str, str, str | None, str]) -> errors.StatusError:
    message, reason, binding_name, policy_name = denial
    if binding_name is not None:
        text = f"ValidatingAdmissionPolicy '{policy_name}' with binding '{binding_name}' denied request: {message}"
    else:
        text = f"ValidatingAdmissionPolicy '{policy_name}' denied request: {message}"
    err = new_forbidden(attrs, text)
    reason = reason or "Invalid"
    err.status["reason"] = reason
    err.status["code"] = _CODES.get(reason, 422)
    details = err.status.setdefault("details", {})
    details.setdefault("causes", []).append({"message": text})
    return err
