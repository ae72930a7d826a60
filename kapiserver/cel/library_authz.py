"""The authorizer library of admission expressions (k8s.io/apiserver pkg/cel/library authz.go).

`authorizer.group('apps').resource('deployments').namespace('ns').check('create').allowed()`
builds an authorization question step by step and asks the server's authorizer. The steps
cross the evaluator as small maps (`{"@k8s": "Authz", ...}`); `check` answers with a
Decision map. The decision comes from a callable the admission plugin puts into the
`authorizer` value (`decide`), so this module knows no authorizer; the answer is computed
when `check` runs, as upstream's is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .library import FUNCTIONS

# (attributes) -> (decision: "allow" | "deny" | "no-opinion", reason, error)
Decide = Callable[[dict[str, Any]], tuple[str, str, str]]

_DECIDERS: dict[int, Decide] = {}


def authorizer_value(decide: Decide, request_resource: dict[str, str]) -> dict[str, Any]:
    """The `authorizer` variable: its identity names the decider; `requestResource` is the
    resource check of the request's own resource (authorizer.requestResource)."""
    key = id(decide)
    _DECIDERS[key] = decide
    base = {"@k8s": "Authz", "decider": key}
    check = dict(base, kind="resource", **request_resource)
    return dict(base, kind="authorizer", requestResource=check)


def _step(target: dict[str, Any], **changes: Any) -> dict[str, Any]:
    out = dict(target)
    out.pop("requestResource", None)
    out.update(changes)
    return out


def _check(target: dict[str, Any], verb: str) -> dict[str, Any]:
    decide = _DECIDERS.get(int(target.get("decider", 0)))
    attrs = {k: v for k, v in target.items() if k not in ("@k8s", "decider", "requestResource")}
    attrs["verb"] = verb
    decision, reason, error = decide(attrs) if decide is not None else ("no-opinion", "", "no authorizer")
    return {"@k8s": "Decision", "decision": decision, "reason": reason, "error": error}


FUNCTIONS["k8s_path"] = lambda a, path: _step(a, kind="path", path=path)
FUNCTIONS["k8s_group"] = lambda a, group: _step(a, kind="group", group=group)
FUNCTIONS["k8s_serviceAccount"] = lambda a, namespace, name: _step(
    a, user=f"system:serviceaccount:{namespace}:{name}")
FUNCTIONS["k8s_resource"] = lambda a, resource: _step(a, kind="resource", resource=resource)
FUNCTIONS["k8s_subresource"] = lambda a, sub: _step(a, subresource=sub)
FUNCTIONS["k8s_namespace"] = lambda a, namespace: _step(a, namespace=namespace)
FUNCTIONS["k8s_name"] = lambda a, name: _step(a, name=name)
FUNCTIONS["k8s_fieldSelector"] = lambda a, selector: _step(a, fieldSelector=selector)
FUNCTIONS["k8s_labelSelector"] = lambda a, selector: _step(a, labelSelector=selector)
FUNCTIONS["k8s_check"] = _check
FUNCTIONS["k8s_allowed"] = lambda d: d["decision"] == "allow"
FUNCTIONS["k8s_reason"] = lambda d: d["reason"]
FUNCTIONS["k8s_errored"] = lambda d: bool(d["error"])
FUNCTIONS["k8s_error"] = lambda d: d["error"]
