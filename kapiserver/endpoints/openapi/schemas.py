"""Definitions as the documents carry them: which are reachable, and their OpenAPI 3 form.

Upstream walks the Go types a route names and adds every type they depend on
(buildDefinitionRecursively); following `$ref`s through the bundled definitions reaches
the same set. The v3 form of a definition (builder3) differs from the v2 one in four
ways, all applied here once per definition and cached, since definitions never change:

- references point into `#/components/schemas/`;
- the `default` values openapi-gen records are kept (v2 prunes them): defaults.py;
- a `$ref` with siblings (a description, a default) is wrapped as `allOf: [{$ref}]`
  (builder3 WrapRefs), since OpenAPI 3.0 ignores a reference's siblings;
- int-or-string and quantity are `oneOf` their two JSON types instead of strings.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

from kapiserver.apimachinery import definitions

from . import defaults

_V2_PREFIX = "#/definitions/"
_V3_PREFIX = "#/components/schemas/"

_V3_FORMS: dict[str, dict[str, Any]] = {
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": {
        "format": "int-or-string",
        "oneOf": [{"type": "integer"}, {"type": "string"}],
    },
    "io.k8s.apimachinery.pkg.api.resource.Quantity": {"oneOf": [{"type": "string"}, {"type": "number"}]},
}


def _refs(node: Any, out: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_V2_PREFIX):
            out.add(ref[len(_V2_PREFIX) :])
        for value in node.values():
            _refs(value, out)
    elif isinstance(node, list):
        for value in node:
            _refs(value, out)


@functools.cache
def direct_refs(name: str) -> frozenset[str]:
    out: set[str] = set()
    _refs(definitions.load()[name], out)
    return frozenset(out)


def closure(roots: Iterable[str], extra: Mapping[str, Any] | None = None) -> set[str]:
    """The definitions named by `roots` and everything they reference, transitively;
    `extra` are definitions beyond the built-in ones (v2 form), which may reference both."""
    known = definitions.load()
    extra = extra or {}
    seen: set[str] = set()
    stack = [name for name in roots if name in known or name in extra]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in extra:
            found: set[str] = set()
            _refs(extra[name], found)
            refs: Iterable[str] = found
        else:
            refs = direct_refs(name)
        stack.extend(ref for ref in refs if ref not in seen and (ref in known or ref in extra))
    return seen


def _wrap(node: Any) -> Any:
    """Rewrite references for v3 and wrap those with siblings in allOf (builder3 WrapRefs)."""
    if isinstance(node, list):
        return [_wrap(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str) and value.startswith(_V2_PREFIX):
            out[key] = _V3_PREFIX + value[len(_V2_PREFIX) :]
        elif key == "properties" and isinstance(value, dict):
            out[key] = {prop: _wrap(schema) for prop, schema in value.items()}
        elif key in ("enum", "default", "example") or key.startswith("x-"):
            out[key] = value
        else:
            out[key] = _wrap(value)
    if "$ref" in out and len(out) > 1:
        ref = out.pop("$ref")
        out = {"allOf": [{"$ref": ref}], **out}
    return out


@functools.cache
def v3_schema(name: str) -> dict[str, Any]:
    """The components.schemas entry of a definition (shared: never mutate it)."""
    schema = dict(definitions.load()[name])
    form = _V3_FORMS.get(name)
    if form is not None:
        schema.pop("type", None)
        schema.update(form)
    wrapped: dict[str, Any] = _wrap(defaults.apply(name, schema))
    return wrapped


def v3_ref(model: str) -> dict[str, Any]:
    return {"$ref": _V3_PREFIX + model}
