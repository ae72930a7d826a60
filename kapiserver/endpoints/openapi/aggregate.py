"""Merging other servers' OpenAPI documents into ours (kube-openapi aggregator, as kube-aggregator
uses it for APIServices).

An extension server's Swagger 2.0 document is first cut down to its APIService's paths
(`filter_spec_by_paths`: paths under /apis/<group>/<version>/, and the definitions only the
dropped paths used), then merged: our paths win a conflict, identical definitions and
parameters are shared (definitions that differ only in their group-version-kinds too, which
then list both sides' kinds), and a different one of the same name is renamed `<name>_v2`,
`<name>_v3`, ... with every reference to it rewritten
(MergeSpecsIgnorePathConflictRenamingDefinitionsAndParameters). As upstream, a definition
equal to ours is shared even when it refers to one of theirs that had to be renamed.

`Extensions` is what the aggregator hands the OpenAPI documents: the filtered documents to
merge into /openapi/v2 and the /openapi/v3 entries extension servers serve themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

_DEFINITION_REF = "#/definitions/"
_GVK = "x-kubernetes-group-version-kind"
_PARAMETER_REF = "#/parameters/"


class Extensions(Protocol):
    # Bumped whenever a document or an entry changes.
    generation: int

    def v2_specs(self) -> list[dict[str, Any]]:
        """Filtered Swagger documents, highest priority first; treat them as read-only."""

    def v3_paths(self) -> dict[str, dict[str, Any]]:
        """/openapi/v3 index entries ({"serverRelativeURL": ...}) by key, e.g. "apis/<group>/<version>"."""


def _refs(node: Any, prefix: str, out: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(prefix):
            out.add(ref[len(prefix):])
        for value in node.values():
            _refs(value, prefix, out)
    elif isinstance(node, list):
        for value in node:
            _refs(value, prefix, out)


def _definition_closure(roots: Iterable[Any], definitions: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for root in roots:
        _refs(root, _DEFINITION_REF, found)
    pending = list(found)
    while pending:
        name = pending.pop()
        more: set[str] = set()
        _refs(definitions.get(name), _DEFINITION_REF, more)
        for extra in more - found:
            found.add(extra)
            pending.append(extra)
    return found


def filter_spec_by_paths(spec: dict[str, Any], prefixes: Iterable[str]) -> dict[str, Any]:
    """upstream FilterSpecByPathsWithoutSideEffects: keep the paths under `prefixes`; drop the
    definitions that only dropped paths used. The input is not changed (the output shares parts)."""
    prefixes = tuple(prefixes)
    paths = spec.get("paths") or {}
    definitions = spec.get("definitions") or {}
    parameters = spec.get("parameters") or {}
    used_before = _definition_closure([paths, parameters], definitions)
    kept = {path: item for path, item in paths.items() if path.startswith(prefixes)}
    used_after = _definition_closure([kept, parameters], definitions)
    out = dict(spec)
    out["paths"] = kept
    out["definitions"] = {name: value for name, value in definitions.items()
                          if name in used_after or name not in used_before}
    return out


def _rewrite(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out = {key: _rewrite(value, renames) for key, value in node.items()}
        ref = out.get("$ref")
        if isinstance(ref, str) and ref in renames:
            out["$ref"] = renames[ref]
        return out
    if isinstance(node, list):
        return [_rewrite(value, renames) for value in node]
    return node


def _without_gvks(value: Any) -> Any:
    if isinstance(value, dict) and _GVK in value:
        return {k: v for k, v in value.items() if k != _GVK}
    return value


def _same(a: Any, b: Any) -> bool:
    """upstream deepEqualDefinitionsModuloGVKs: the group-version-kind lists may differ."""
    return bool(_without_gvks(a) == _without_gvks(b))


def _renames(ours: dict[str, Any], theirs: dict[str, Any], prefix: str) -> dict[str, str]:
    """Conflicting names in `theirs` -> their new names: an equal `<name>_vN` of ours, else the first
    `<name>_vN` free on both sides. Conflicts are judged on the documents as given (one pass)."""
    renames: dict[str, str] = {}
    used = set(ours)
    for name, value in theirs.items():
        if name not in ours or _same(ours[name], value):
            continue
        counter, candidate = 2, f"{name}_v2"
        while candidate in ours:
            if _same(ours[candidate], value):
                break
            counter += 1
            candidate = f"{name}_v{counter}"
        else:
            while candidate in used or candidate in theirs:
                counter += 1
                candidate = f"{name}_v{counter}"
        used.add(candidate)
        renames[prefix + name] = prefix + candidate
    return renames


def _merged_gvks(ours: Any, theirs: Any) -> Any:
    """Ours with their group-version-kinds added (upstream mergedGVKs)."""
    if not isinstance(ours, dict) or not isinstance(theirs, dict):
        return ours
    mine, other = ours.get(_GVK) or [], theirs.get(_GVK) or []
    extra = [gvk for gvk in other if gvk not in mine]
    return {**ours, _GVK: [*mine, *extra]} if extra else ours


def merge_specs(dest: dict[str, Any], source: dict[str, Any]) -> dict[str, Any]:
    """`dest` with `source` merged in (neither is changed): path conflicts keep dest's, definition and
    parameter conflicts rename source's."""
    renames = _renames(dest.get("definitions") or {}, source.get("definitions") or {}, _DEFINITION_REF)
    renames.update(_renames(dest.get("parameters") or {}, source.get("parameters") or {}, _PARAMETER_REF))
    if renames:
        source = _rewrite(source, renames)
    out = dict(dest)
    paths = dict(dest.get("paths") or {})
    for path, item in (source.get("paths") or {}).items():
        paths.setdefault(path, item)
    out["paths"] = dict(sorted(paths.items()))
    for section, prefix in (("definitions", _DEFINITION_REF), ("parameters", _PARAMETER_REF)):
        merged = dict(dest.get(section) or {})
        for name, value in (source.get(section) or {}).items():
            new_name = renames.get(prefix + name, prefix + name)[len(prefix):]
            if new_name in merged:
                merged[new_name] = _merged_gvks(merged[new_name], value)
            else:
                merged[new_name] = value
        if merged or section in dest:
            out[section] = dict(sorted(merged.items()))
    return out
