"""Which evaluator counts which resource (upstream pkg/quota/v1/evaluator/core/registry.go and
pkg/quota/v1/install/registry.go).

Pods, services and claims have evaluators of their own; configmaps, secrets,
replicationcontrollers and resourcequotas are counted under their legacy names too; every
other resource, custom resources included, gets an object count evaluator the first time it
is written. Virtual resources that are never stored, and events, are ignored.
"""

from __future__ import annotations

from .generic import Evaluator
from .pods import PodEvaluator
from .services import PersistentVolumeClaimEvaluator, ServiceEvaluator

IGNORED_RESOURCES = frozenset({
    ("", "bindings"), ("", "componentstatuses"),
    ("authentication.k8s.io", "tokenreviews"), ("authentication.k8s.io", "selfsubjectreviews"),
    ("authorization.k8s.io", "subjectaccessreviews"), ("authorization.k8s.io", "selfsubjectaccessreviews"),
    ("authorization.k8s.io", "localsubjectaccessreviews"), ("authorization.k8s.io", "selfsubjectrulesreviews"),
    ("", "events"), ("events.k8s.io", "events"),
})

LEGACY_OBJECT_COUNT_ALIASES = {
    ("", "configmaps"): "configmaps",
    ("", "resourcequotas"): "resourcequotas",
    ("", "replicationcontrollers"): "replicationcontrollers",
    ("", "secrets"): "secrets",
}


class Registry:
    """The evaluators by group resource (upstream generic.simpleRegistry, filled like
    NewQuotaConfigurationForAdmission)."""

    def __init__(self) -> None:
        evaluators: list[Evaluator] = [PodEvaluator(), ServiceEvaluator(), PersistentVolumeClaimEvaluator()]
        evaluators += [Evaluator(group, resource, alias)
                       for (group, resource), alias in LEGACY_OBJECT_COUNT_ALIASES.items()]
        self._evaluators = {e.group_resource: e for e in evaluators}

    def get(self, group: str, resource: str) -> Evaluator:
        """The resource's evaluator; an object counter is added for one not seen before."""
        found = self._evaluators.get((group, resource))
        if found is None:
            found = self._evaluators[(group, resource)] = Evaluator(group, resource)
        return found
