"""selfsubjectrulesreviews, authorization.k8s.io/v1 (upstream
pkg/registry/authorization/selfsubjectrulesreview).

Create-only, never stored: what the caller may do in `spec.namespace`, as the authorizer's
rule resolver lists it (`kubectl auth can-i --list`). The answer is a new object holding
only the status, as upstream's is.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import errors
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import CreateOptions, RequestContext, ValidateObjectFunc
from kapiserver.registry.spec import ResourceSpec
from kapiserver.storage.interface import Storage

from .decision import Authorizer

GROUP = "authorization.k8s.io"


def _resource_rule(rule: Object) -> Object:
    out: dict[str, Any] = {"verbs": list(rule.get("verbs") or [])}
    for key in ("apiGroups", "resources", "resourceNames"):
        if rule.get(key):
            out[key] = list(rule[key])
    return out


def _non_resource_rule(rule: Object) -> Object:
    out: dict[str, Any] = {"verbs": list(rule.get("verbs") or [])}
    if rule.get("nonResourceURLs"):
        out["nonResourceURLs"] = list(rule["nonResourceURLs"])
    return out


class SelfSubjectRulesReviewREST:
    def __init__(self, authorizer: Authorizer):
        self.authorizer = authorizer

    async def create(self, ctx: RequestContext, obj: Object, create_validation: ValidateObjectFunc | None,
                     options: CreateOptions) -> Object:
        spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
        namespace = str((spec or {}).get("namespace") or "")
        if not namespace:
            raise errors.bad_request("no namespace on request")
        if create_validation is not None:
            await create_validation(ctx, obj)
        rules = await self.authorizer.rules_for(ctx.user, namespace)
        status: dict[str, Any] = {"resourceRules": [_resource_rule(r) for r in rules.resource_rules],
                                  "nonResourceRules": [_non_resource_rule(r) for r in rules.non_resource_rules],
                                  "incomplete": rules.incomplete}
        if rules.evaluation_error:
            status["evaluationError"] = rules.evaluation_error
        return {"kind": "SelfSubjectRulesReview", "apiVersion": f"{GROUP}/v1", "metadata": {}, "spec": {},
                "status": status}


def selfsubjectrulesreviews_spec(authorizer: Authorizer) -> ResourceSpec:
    def rest(spec: ResourceSpec, storage: Storage) -> SelfSubjectRulesReviewREST:
        return SelfSubjectRulesReviewREST(authorizer)

    return ResourceSpec(group=GROUP, version="v1", kind="SelfSubjectRulesReview", plural="selfsubjectrulesreviews",
                        singular="selfsubjectrulesreview", namespaced=False, rest_factory=rest, stored=False)
