"""DefaultTolerationSeconds (upstream plugin/pkg/admission/defaulttolerationseconds).

Every Pod tolerates the node.kubernetes.io/not-ready and node.kubernetes.io/unreachable
NoExecute taints for a while (--default-not-ready-toleration-seconds and
--default-unreachable-toleration-seconds, 300 s each) unless it already tolerates them: so
a node that stops answering does not evict its pods at once.
"""

from __future__ import annotations

from typing import Any

from ..interfaces import Attributes, Operation

PLUGIN_NAME = "DefaultTolerationSeconds"
DEFAULT_TOLERATION_SECONDS = 300
TAINT_NODE_NOT_READY = "node.kubernetes.io/not-ready"
TAINT_NODE_UNREACHABLE = "node.kubernetes.io/unreachable"


def _tolerates(tolerations: list[Any], key: str) -> bool:
    """A toleration of this key (or of every key) with NoExecute (or every effect)."""
    return any(isinstance(t, dict) and (t.get("key") or "") in (key, "") and (t.get("effect") or "") in
               ("NoExecute", "") for t in tolerations)


class DefaultTolerationSeconds:
    def __init__(self, not_ready_seconds: int = DEFAULT_TOLERATION_SECONDS,
                 unreachable_seconds: int = DEFAULT_TOLERATION_SECONDS):
        self._defaults = ((TAINT_NODE_NOT_READY, not_ready_seconds), (TAINT_NODE_UNREACHABLE, unreachable_seconds))

    def handles(self, operation: Operation) -> bool:
        return operation in (Operation.CREATE, Operation.UPDATE)

    async def admit(self, attrs: Attributes) -> None:
        if (attrs.resource.group, attrs.resource.resource) != ("", "pods") or attrs.subresource:
            return
        spec = (attrs.obj or {}).get("spec")
        if not isinstance(spec, dict):
            return
        found = spec.get("tolerations")
        tolerations: list[Any] = found if isinstance(found, list) else []
        added = [{"key": key, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": seconds}
                 for key, seconds in self._defaults if not _tolerates(tolerations, key)]
        if added:
            spec["tolerations"] = list(tolerations) + added
