"""Whether a schema is structural (apiextensions schema.ValidateStructural: validation.go, complete.go).

Structural means: every specified position has a type (unless it preserves unknown fields
or is int-or-string); the root is an object without additionalProperties; allOf, anyOf,
oneOf and not only add value validations (no types, defaults, descriptions or extensions
of their own) and only for fields the structure already specifies; metadata is only
name/generateName at the root, and nowhere in a nested context. Errors are sorted by their
text, as upstream sorts them.
"""

from __future__ import annotations

import re
from typing import Any

from kapiserver.apimachinery import field

_ROOT, _ITEM, _FIELD = 0, 1, 2
_INT_OR_STRING_ANY_OF = [{"type": "integer"}, {"type": "string"}]


def validate_structural(path: field.Path, s: dict[str, Any]) -> field.ErrorList:
    errs = _invariants(s, _ROOT, path) + _completeness(s, s, path, path)
    return sorted(errs, key=str)


def _invariants(s: dict[str, Any] | None, lvl: int, path: field.Path) -> field.ErrorList:
    if not isinstance(s, dict):
        return []
    errs: field.ErrorList = []
    typ = s.get("type") or ""
    items = s.get("items")
    if typ == "array" and items is None:
        errs.append(field.required(path.child("items"), "must be specified"))
    errs += _invariants(items, _ITEM, path.child("items"))
    props = s.get("properties") or {}
    for name, prop in props.items():
        errs += _invariants(prop, _FIELD, path.child("properties").key(name))
    additional = s.get("additionalProperties")
    if additional is not None:
        if lvl == _ROOT:
            errs.append(field.forbidden(path.child("additionalProperties"), "must not be used at the root"))
        if isinstance(additional, dict):
            errs += _invariants(additional, _FIELD, path.child("additionalProperties"))
    int_or_string = bool(s.get("x-kubernetes-int-or-string"))
    preserve = bool(s.get("x-kubernetes-preserve-unknown-fields"))
    embedded = bool(s.get("x-kubernetes-embedded-resource"))
    if int_or_string and preserve:
        errs.append(field.invalid(path.child("x-kubernetes-preserve-unknown-fields"), True,
                                  "must be false if x-kubernetes-int-or-string is true"))
    if int_or_string and embedded:
        errs.append(field.invalid(path.child("x-kubernetes-embedded-resource"), True,
                                  "must be false if x-kubernetes-int-or-string is true"))
    any_of = s.get("anyOf") or []
    all_of = s.get("allOf") or []
    skip_any_of = any_of == _INT_OR_STRING_ANY_OF
    skip_first = bool(all_of) and isinstance(all_of[0], dict) and (all_of[0].get("anyOf") or []) == _INT_OR_STRING_ANY_OF
    errs += _value_validation(s, skip_any_of, skip_first, path, allow_cel=True)
    if embedded and typ != "object":
        if not typ:
            errs.append(field.required(path.child("type"), "must be object if x-kubernetes-embedded-resource is true"))
        else:
            errs.append(field.invalid(path.child("type"), typ, "must be object if x-kubernetes-embedded-resource is true"))
    elif not typ and not int_or_string and not preserve:
        detail = {_ROOT: "must not be empty at the root", _ITEM: "must not be empty for specified array items",
                  _FIELD: "must not be empty for specified object fields"}[lvl]
        errs.append(field.required(path.child("type"), detail))
    if embedded and additional is not None:
        errs.append(field.forbidden(path.child("additionalProperties"),
                                    "must not be used if x-kubernetes-embedded-resource is set"))
    if lvl == _ROOT and typ and typ != "object":
        errs.append(field.invalid(path.child("type"), typ, "must be object at the root"))
    check_meta = lvl == _ROOT or embedded
    for name in ("kind", "apiVersion"):
        if name in props and check_meta and (props[name] or {}).get("type") != "string":
            errs.append(field.invalid(path.child("properties").key(name).child("type"),
                                      (props[name] or {}).get("type") or "", "must be string"))
    if "metadata" in props:
        errs += _metadata(props["metadata"] or {}, check_meta, lvl, path.child("properties").key("metadata"))
    if embedded and not preserve and not props:
        errs.append(field.required(path.child("properties"), "must not be empty if x-kubernetes-embedded-resource is "
                                                             "true without x-kubernetes-preserve-unknown-fields"))
    return errs


def _metadata(s: dict[str, Any], check_meta: bool, lvl: int, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    if check_meta and s.get("type") != "object":
        errs.append(field.invalid(path.child("type"), s.get("type") or "", "must be object"))
    if lvl == _ROOT:
        rest = {k: v for k, v in s.items() if k not in ("type", "default") and v not in (None, False, "", [], {})}
        props = rest.get("properties")
        if isinstance(props, dict) and set(props) <= {"name", "generateName"}:
            del rest["properties"]
        if rest:
            errs.append(field.forbidden(path, "must not specify anything other than name and generateName, but "
                                              "metadata is implicitly specified"))
    return errs


def _value_validation(s: dict[str, Any], skip_any_of: bool, skip_first: bool, path: field.Path,
                      allow_cel: bool) -> field.ErrorList:
    errs: field.ErrorList = []
    if not skip_any_of:
        for i, sub in enumerate(s.get("anyOf") or []):
            errs += _nested(sub, False, path.child("anyOf").index(i), False)
    for i, sub in enumerate(s.get("allOf") or []):
        errs += _nested(sub, skip_first and i == 0, path.child("allOf").index(i), allow_cel and False)
    for i, sub in enumerate(s.get("oneOf") or []):
        errs += _nested(sub, False, path.child("oneOf").index(i), False)
    if isinstance(s.get("not"), dict):
        errs += _nested(s["not"], False, path.child("not"), False)
    pattern = s.get("pattern")
    if pattern:
        try:
            re.compile(pattern)
        except re.error as err:
            errs.append(field.invalid(path.child("pattern"), pattern,
                                      f"must be a valid regular expression, but isn't: error parsing regexp: {err}"))
    return errs


_FORBIDDEN_NESTED = (
    ("title", "must be empty to be structural"), ("description", "must be empty to be structural"),
    ("nullable", "must be false to be structural"),
    ("x-kubernetes-preserve-unknown-fields", "must be false to be structural"),
    ("x-kubernetes-embedded-resource", "must be false to be structural"),
    ("x-kubernetes-int-or-string", "must be false to be structural"),
    ("x-kubernetes-list-map-keys", "must be empty to be structural"),
)


def _nested(s: Any, skip_any_of: bool, path: field.Path, allow_cel: bool) -> field.ErrorList:
    if not isinstance(s, dict):
        return []
    errs = _value_validation(s, skip_any_of, False, path, allow_cel)
    if isinstance(s.get("items"), dict):
        errs += _nested(s["items"], False, path.child("items"), allow_cel)
    for name, prop in (s.get("properties") or {}).items():
        errs += _nested(prop, False, path.child("properties").key(name), allow_cel)
    if s.get("type"):
        errs.append(field.forbidden(path.child("type"), "must be empty to be structural"))
    if s.get("additionalProperties") is not None:
        errs.append(field.forbidden(path.child("additionalProperties"), "must be undefined to be structural"))
    if s.get("default") is not None:
        errs.append(field.forbidden(path.child("default"), "must be undefined to be structural"))
    for key, detail in _FORBIDDEN_NESTED:
        if s.get(key):
            errs.append(field.forbidden(path.child(key), detail))
    for key in ("x-kubernetes-list-type", "x-kubernetes-map-type"):
        if s.get(key) is not None:
            errs.append(field.forbidden(path.child(key), "must be undefined to be structural"))
    if s.get("x-kubernetes-validations") and not allow_cel:
        errs.append(field.forbidden(path.child("x-kubernetes-validations"), "must be empty to be structural"))
    if "metadata" in (s.get("properties") or {}):
        errs.append(field.forbidden(path.child("properties").key("metadata"), "must not be specified in a nested context"))
    return errs


def _completeness(v: dict[str, Any], s: dict[str, Any] | None, s_path: field.Path, v_path: field.Path) -> field.ErrorList:
    """Every field a value validation names must exist in the structure (complete.go)."""
    errs: field.ErrorList = []
    if isinstance(v.get("not"), dict):
        errs += _nested_complete(v["not"], s, s_path, v_path.child("not"))
    for key in ("allOf", "anyOf", "oneOf"):
        for i, sub in enumerate(v.get(key) or []):
            errs += _nested_complete(sub, s, s_path, v_path.child(key).index(i))
    return errs


def _nested_complete(v: Any, s: dict[str, Any] | None, s_path: field.Path, v_path: field.Path) -> field.ErrorList:
    if not isinstance(v, dict):
        return []
    if s is None:
        return [field.required(s_path, f"because it is defined in {v_path}")]
    errs = _completeness(v, s, s_path, v_path)
    if isinstance(v.get("items"), dict):
        items = s.get("items") if isinstance(s.get("items"), dict) else None
        errs += _nested_complete(v["items"], items, s_path.child("items"), v_path.child("items"))
    s_props = s.get("properties") or {}
    for name, sub in (v.get("properties") or {}).items():
        if name not in s_props:
            errs.append(field.required(s_path.child("properties").key(name),
                                       f"because it is defined in {v_path.child('properties').key(name)}"))
        else:
            errs += _nested_complete(sub, s_props[name], s_path.child("properties").key(name),
                                     v_path.child("properties").key(name))
    return errs
