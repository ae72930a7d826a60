"""apiVersion, kind and metadata of embedded resources (apiextensions schema/objectmeta).

A schema node with `x-kubernetes-embedded-resource: true` holds a whole Kubernetes object:
its apiVersion and kind must be strings (kind a DNS-1035 label in any case), and its
metadata is an ObjectMeta, pruned of unknown fields and validated by the same rules as any
object's (with a stand-in name when none is given). The top-level object's own metadata is
the caller's business (the generic store), so these walks start below the root.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import field, objectmeta, validation
from kapiserver.apimachinery import structural as typed
from kapiserver.apimachinery.schema import GroupVersion
from kapiserver.registry import pathsegment

from .structural import Structural

_OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"


def contains_embedded(s: Structural | None, _seen: dict[int, bool] | None = None) -> bool:
    """Whether any embedded resource sits below s (the walks are skipped otherwise)."""
    if s is None:
        return False
    if s.embedded:
        return True
    return (contains_embedded(s.items) or contains_embedded(s.additional)
            or any(contains_embedded(p) for p in s.properties.values()))


def _children(x: Any, s: Structural, path: field.Path) -> list[tuple[Any, Structural | None, field.Path]]:
    if isinstance(x, dict):
        out: list[tuple[Any, Structural | None, field.Path]] = []
        for key, value in x.items():
            prop = s.properties.get(key)
            if prop is not None:
                out.append((value, prop, path.child(key)))
            elif s.additional is not None:
                out.append((value, s.additional, path.key(key)))
        return out
    if isinstance(x, list):
        return [(value, s.items, path.index(i)) for i, value in enumerate(x)]
    return []


def _omit_empty(meta: dict[str, Any]) -> None:
    """ObjectMeta re-encoded: every field is omitempty, creationTimestamp dropped when zero."""
    for key in [k for k, v in meta.items() if v is None or v == "" or v == [] or v == {}
                or (v == 0 and not isinstance(v, bool))]:
        del meta[key]


def coerce(x: Any, s: Structural | None, path: field.Path, unknown: list[str]) -> field.FieldError | None:
    """Prune embedded metadata of unknown fields (recording them); the first malformed one is an error."""
    if s is None:
        return None
    if isinstance(x, dict) and s.embedded:
        for key in ("apiVersion", "kind"):
            if key in x and not isinstance(x[key], str):
                return field.invalid(path.child(key), x[key], "must be a string")
        meta = x.get("metadata")
        if isinstance(meta, dict):
            try:
                dropped = typed.decode_typed(meta, _OBJECT_META)
            except typed.TypeMismatch as err:
                return field.invalid(path.child("metadata"), meta, str(err))
            unknown.extend(f"{path.child('metadata')}.{name}" for name in dropped)
            _omit_empty(meta)
        elif "metadata" in x and x["metadata"] is not None:
            return field.invalid(path.child("metadata"), x["metadata"],
                                 "json: cannot unmarshal " + _json_kind(x["metadata"])
                                 + " into Go value of type v1.ObjectMeta")
    for value, child, child_path in _children(x, s, path):
        child_err = coerce(value, child, child_path, unknown)
        if child_err is not None:
            return child_err
    return None


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def prune_object_meta(meta: Any, prefix: str) -> list[str]:
    """Drop the fields ObjectMeta does not declare; their paths under `prefix`. Malformed
    metadata is left alone (validation reports it)."""
    if not isinstance(meta, dict):
        return []
    try:
        return [f"{prefix}.{name}" for name in typed.decode_typed(meta, _OBJECT_META)]
    except typed.TypeMismatch:
        return []


def validate(x: Any, s: Structural | None, path: field.Path) -> field.ErrorList:
    """Errors of every embedded resource below (and at) x (upstream objectmeta.Validate)."""
    if s is None:
        return []
    errs: field.ErrorList = []
    if isinstance(x, dict) and s.embedded:
        errs += _validate_embedded(x, path)
    for value, child, child_path in _children(x, s, path):
        errs += validate(value, child, child_path)
    return errs


def _validate_embedded(x: dict[str, Any], path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    if "apiVersion" not in x:
        errs.append(field.required(path.child("apiVersion"), ""))
    if "kind" not in x:
        errs.append(field.required(path.child("kind"), ""))
    for key, value in x.items():
        if key == "apiVersion":
            if not isinstance(value, str):
                errs.append(field.invalid(path.child("apiVersion"), value, "must be a string"))
            elif not value:
                errs.append(field.invalid(path.child("apiVersion"), value, "must not be empty"))
            else:
                try:
                    if value != "/":
                        GroupVersion.parse(value)
                except ValueError as err:
                    errs.append(field.invalid(path.child("apiVersion"), value, str(err)))
        elif key == "kind":
            if not isinstance(value, str):
                errs.append(field.invalid(path.child("kind"), value, "must be a string"))
            elif not value:
                errs.append(field.invalid(path.child("kind"), value, "must not be empty"))
            else:
                msgs = validation.is_dns1035_label(value.lower())
                if msgs:
                    errs.append(field.invalid(path.child("kind"), value,
                                              "may have mixed case, but should otherwise match: " + ",".join(msgs)))
        elif key == "metadata":
            errs += _validate_meta(value, path.child("metadata"))
    return errs


def _validate_meta(value: Any, path: field.Path) -> field.ErrorList:
    if value is None:
        return objectmeta.validate_object_meta({"name": "fakename"}, False,
                                               pathsegment.validate_path_segment_name, path)
    if not isinstance(value, dict):
        return [field.invalid(path, value, f"json: cannot unmarshal {_json_kind(value)} into Go value of type v1.ObjectMeta")]
    meta = dict(value)
    try:
        typed.decode_typed(meta, _OBJECT_META)
    except typed.TypeMismatch as err:
        return [field.invalid(path, value, str(err))]
    if not meta.get("name"):
        meta["name"] = "fakename"
    return objectmeta.validate_object_meta(meta, bool(meta.get("namespace")),
                                           pathsegment.validate_path_segment_name, path)
