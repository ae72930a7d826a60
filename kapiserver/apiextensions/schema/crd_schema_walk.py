"""The per-node walk of a CRD schema (upstream ValidateCustomResourceDefinitionOpenAPISchema).

Schema errors (unsupported keywords, defaults where none may be, list/map type rules,
malformed x-kubernetes-validations entries) and CEL errors (compilation, cost, oldSelf
where values cannot be correlated) are collected separately, as upstream does: a node's
rules are compiled only when nothing at or below it is wrong with the schema itself.
"""

from __future__ import annotations

import re
from typing import Any

from kapiserver.apimachinery import field

from .cel import compilation
from .structural import Structural

_TYPES = ["array", "boolean", "integer", "number", "object", "string"]
_REASONS = ["FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"]
_META_FIELDS = ("metadata", "kind", "apiVersion")
_NEWLINE = re.compile(r"[\n\r]+")
_RULE_KEYS = ("rule", "message", "messageExpression", "reason", "fieldPath", "optionalOldSelf")


def _rule_value(rule: dict[str, Any]) -> dict[str, Any]:
    """The rule as upstream prints it in an error (its Go struct's JSON, empty fields omitted)."""
    out: dict[str, Any] = {"rule": rule.get("rule") or ""}
    for key in _RULE_KEYS[1:]:
        if rule.get(key) not in (None, ""):
            out[key] = rule[key]
    return out


def _standard(schema: dict[str, Any], path: field.Path, opts: dict[str, Any]) -> field.ErrorList:
    errs: field.ErrorList = []
    typ = schema.get("type") or ""
    if opts["valid_type"] and typ and typ not in _TYPES:
        errs.append(field.not_supported(path.child("type"), typ, _TYPES))
    if schema.get("default") is not None and not opts["allow_defaults"]:
        detail = "must not be set" + (f" {opts['reason']}" if opts["reason"] else "")
        errs.append(field.forbidden(path.child("default"), detail))
    for key, detail in (("id", "id is not supported"), ("additionalItems", "additionalItems is not supported"),
                        ("patternProperties", "patternProperties is not supported"),
                        ("definitions", "definitions is not supported"),
                        ("dependencies", "dependencies is not supported"), ("$ref", "$ref is not supported")):
        if schema.get(key) not in (None, "", {}):
            errs.append(field.forbidden(path.child(key), detail))
    if typ == "null":
        errs.append(field.forbidden(path.child("type"), "type cannot be set to null, use nullable as an alternative"))
    if isinstance(schema.get("items"), list) and schema["items"]:
        errs.append(field.forbidden(path.child("items"), "items must be a schema object and not an array"))
    if opts["inside_meta"] and schema.get("x-kubernetes-embedded-resource"):
        errs.append(field.forbidden(path.child("x-kubernetes-embedded-resource"),
                                    "must not be used inside of resource meta"))
    return errs


def walk_schema(walk: Any, schema: Any, path: field.Path, opts: dict[str, Any], is_root: bool,
                s: Structural | None, cardinality: int | None) -> tuple[field.ErrorList, field.ErrorList]:
    if not isinstance(schema, dict):
        return [], []
    schema_errs = _standard(schema, path, opts)
    cel_errs: field.ErrorList = []

    def add(result: tuple[field.ErrorList, field.ErrorList]) -> None:
        schema_errs.extend(result[0])
        cel_errs.extend(result[1])

    if schema.get("uniqueItems"):
        schema_errs.append(field.forbidden(path.child("uniqueItems"),
                                           "uniqueItems cannot be set to true since the runtime complexity becomes quadratic"))
    props = schema.get("properties") or {}
    additional = schema.get("additionalProperties")
    typ = schema.get("type") or ""
    child_card = _child_cardinality(schema, cardinality)
    if additional is not None:
        if props and (additional is False or isinstance(additional, dict)):
            schema_errs.append(field.forbidden(path.child("additionalProperties"),
                                               "additionalProperties and properties are mutual exclusive"))
        sub = dict(opts)
        if opts["inside_meta"]:
            sub.update(allow_defaults=False, reason="inside additionalProperties applying to object metadata")
        add(walk_schema(walk, additional, path.child("additionalProperties"), sub, False,
                        s.additional if s is not None else None, child_card))
    for name, prop in props.items():
        sub = dict(opts)
        if schema.get("x-kubernetes-map-type") not in (None, "granular", "atomic") and sub["forbid_old_self"] is None:
            sub["forbid_old_self"] = path
        if (is_root or schema.get("x-kubernetes-embedded-resource")) and name in _META_FIELDS:
            sub["inside_meta"] = True
            if is_root:
                sub.update(allow_defaults=False, reason=f"in top-level {name}")
        add(walk_schema(walk, prop, path.child("properties").key(name), sub, False,
                        s.properties.get(name) if s is not None else None, child_card))
    for key in ("not",):
        if isinstance(schema.get(key), dict):
            add(walk_schema(walk, schema[key], path.child(key), opts, False, None, None))
    for key in ("allOf", "oneOf", "anyOf"):
        for i, sub_schema in enumerate(schema.get(key) or []):
            add(walk_schema(walk, sub_schema, path.child(key).index(i), opts, False, None, None))
    items = schema.get("items")
    if isinstance(items, dict):
        sub = dict(opts)
        if schema.get("x-kubernetes-list-type") != "map" and sub["forbid_old_self"] is None:
            sub["forbid_old_self"] = path
        add(walk_schema(walk, items, path.child("items"), sub, False, s.items if s is not None else None, child_card))
    schema_errs += _extensions(schema, path, opts, typ, props, items)
    if schema.get("x-kubernetes-validations"):
        schema_errs += _rule_entries(schema, path, s)
        if not schema_errs and walk.with_cel and s is not None:
            cel_errs += _compile(walk, schema, path, opts, s, is_root, cardinality)
    return schema_errs, cel_errs


def _child_cardinality(schema: dict[str, Any], cardinality: int | None) -> int | None:
    if cardinality is None:
        return None
    if schema.get("type") == "object" and schema.get("additionalProperties") is not None:
        bound = schema.get("maxProperties")
    elif schema.get("type") == "array":
        bound = schema.get("maxItems")
    else:
        bound = 1
    return None if bound is None else min(cardinality * max(int(bound), 0), 2**64 - 1)


def _extensions(schema: dict[str, Any], path: field.Path, opts: dict[str, Any], typ: str, props: dict[str, Any],
                items: Any) -> field.ErrorList:
    errs: field.ErrorList = []
    if schema.get("x-kubernetes-preserve-unknown-fields") is False:
        errs.append(field.invalid(path.child("x-kubernetes-preserve-unknown-fields"), False, "must be true or undefined"))
    map_type = schema.get("x-kubernetes-map-type")
    if map_type is not None and typ != "object":
        if not typ:
            errs.append(field.required(path.child("type"), "must be object if x-kubernetes-map-type is specified"))
        else:
            errs.append(field.invalid(path.child("type"), typ, "must be object if x-kubernetes-map-type is specified"))
    if map_type is not None and map_type not in ("atomic", "granular"):
        errs.append(field.not_supported(path.child("x-kubernetes-map-type"), map_type, ["atomic", "granular"]))
    list_type = schema.get("x-kubernetes-list-type")
    item = items if isinstance(items, dict) else None
    if list_type is not None and typ != "array":
        if not typ:
            errs.append(field.required(path.child("type"), "must be array if x-kubernetes-list-type is specified"))
        else:
            errs.append(field.invalid(path.child("type"), typ, "must be array if x-kubernetes-list-type is specified"))
    elif opts["atomic_set"] and list_type == "set" and item is not None:
        if item.get("type") == "array" and item.get("x-kubernetes-list-type") not in (None, "atomic"):
            errs.append(field.invalid(path.child("items").child("x-kubernetes-list-type"), item.get("x-kubernetes-list-type"),
                                      "must be atomic as item of a list with x-kubernetes-list-type=set"))
        if item.get("type") == "object" and item.get("x-kubernetes-map-type") != "atomic":
            errs.append(field.invalid(path.child("items").child("x-kubernetes-map-type"), item.get("x-kubernetes-list-type"),
                                      "must be atomic as item of a list with x-kubernetes-list-type=set"))
    if list_type is not None and list_type not in ("atomic", "set", "map"):
        errs.append(field.not_supported(path.child("x-kubernetes-list-type"), list_type, ["atomic", "set", "map"]))
    keys = schema.get("x-kubernetes-list-map-keys") or []
    if keys:
        if list_type is None:
            errs.append(field.required(path.child("x-kubernetes-list-type"), "must be map if x-kubernetes-list-map-keys is non-empty"))
        elif list_type != "map":
            errs.append(field.invalid(path.child("x-kubernetes-list-type"), list_type,
                                      "must be map if x-kubernetes-list-map-keys is non-empty"))
    if list_type == "map":
        errs += _list_map(path, keys, items)
    if opts["map_list_keys"] and item is not None and list_type in ("set", "map"):
        if item.get("nullable"):
            errs.append(field.forbidden(path.child("items").child("nullable"),
                                        f"cannot be nullable when x-kubernetes-list-type is {list_type}"))
        if list_type == "map":
            required = set(item.get("required") or ())
            for k in keys:
                prop = (item.get("properties") or {}).get(k)
                if prop is None:
                    continue
                if k not in required and prop.get("default") is None:
                    errs.append(field.required(path.child("items").child("properties").key(k).child("default"),
                                               "this property is in x-kubernetes-list-map-keys, so it must have a "
                                               "default or be a required property"))
                if prop.get("nullable"):
                    errs.append(field.forbidden(path.child("items").child("properties").key(k).child("nullable"),
                                                "this property is in x-kubernetes-list-map-keys, so it cannot be nullable"))
    return errs


def _list_map(path: field.Path, keys: list[str], items: Any) -> field.ErrorList:
    errs: field.ErrorList = []
    if not keys:
        errs.append(field.required(path.child("x-kubernetes-list-map-keys"), "must not be empty if x-kubernetes-list-type is map"))
    if items is None:
        errs.append(field.required(path.child("items"), "must have a schema if x-kubernetes-list-type is map"))
    elif isinstance(items, list):
        errs.append(field.invalid(path.child("items"), items, "must only have a single schema if x-kubernetes-list-type is map"))
    elif items.get("type") != "object":
        errs.append(field.invalid(path.child("items").child("type"), items.get("type") or "",
                                  "must be object if parent array's x-kubernetes-list-type is map"))
    else:
        seen: set[str] = set()
        for k in keys:
            prop = (items.get("properties") or {}).get(k)
            if prop is not None:
                if prop.get("type") in ("array", "object"):
                    errs.append(field.invalid(path.child("items").child("properties").key(k).child("type"), "object",
                                              "must be a scalar type if parent array's x-kubernetes-list-type is map"))
            else:
                errs.append(field.invalid(path.child("x-kubernetes-list-map-keys"), keys,
                                          "entries must all be names of item properties"))
            if k in seen:
                errs.append(field.invalid(path.child("x-kubernetes-list-map-keys"), keys, "must not contain duplicate entries"))
            seen.add(k)
    return errs


def _rule_entries(schema: dict[str, Any], path: field.Path, s: Structural | None) -> field.ErrorList:
    errs: field.ErrorList = []
    for i, rule in enumerate(schema.get("x-kubernetes-validations") or []):
        rpath = path.child("x-kubernetes-validations").index(i)
        src, msg, mexpr = rule.get("rule") or "", rule.get("message") or "", rule.get("messageExpression") or ""
        if not src.strip():
            errs.append(field.required(rpath.child("rule"), "rule is not specified"))
        elif msg and not msg.strip():
            errs.append(field.invalid(rpath.child("message"), msg, "must be non-empty if specified"))
        elif _NEWLINE.search(msg.strip()):
            errs.append(field.invalid(rpath.child("message"), msg, "must not contain line breaks"))
        elif _NEWLINE.search(src.strip()) and not msg.strip():
            errs.append(field.required(rpath.child("message"), "message must be specified if rule contains line breaks"))
        if mexpr and not mexpr.strip():
            errs.append(field.required(rpath.child("messageExpression"), "messageExpression must be non-empty if specified"))
        if rule.get("reason") is not None and rule["reason"] not in _REASONS:
            errs.append(field.not_supported(rpath.child("reason"), rule["reason"], _REASONS))
        fpath = rule.get("fieldPath") or ""
        if fpath and not fpath.strip():
            errs.append(field.invalid(rpath.child("fieldPath"), fpath, "must be non-empty if specified"))
        if _NEWLINE.search(fpath):
            errs.append(field.invalid(rpath.child("fieldPath"), fpath, "must not contain line breaks"))
        if fpath and s is not None:
            try:
                compilation.valid_field_path(fpath, s)
            except ValueError:
                errs.append(field.invalid(rpath.child("fieldPath"), fpath, "must be a valid path"))
    return errs


def _compile(walk: Any, schema: dict[str, Any], path: field.Path, opts: dict[str, Any], s: Structural,
             is_root: bool, cardinality: int | None) -> field.ErrorList:
    errs: field.ErrorList = []
    results, init_error = compilation.compile_rules(s, is_root or s.embedded)
    if init_error:
        return [field.internal_error(path.child("x-kubernetes-validations"), init_error)]
    for i, cr in enumerate(results):
        rpath = path.child("x-kubernetes-validations").index(i)
        rule = schema["x-kubernetes-validations"][i]
        factor = cardinality if cardinality is not None else cr.max_cardinality
        expr_cost = min(cr.max_cost * factor, 2**64 - 1)
        if not opts["suppress_cost"] and expr_cost > compilation.ESTIMATED_COST_LIMIT:
            errs.append(field.forbidden(rpath.child("rule"), _cost_message("estimated rule cost", expr_cost)))
        walk.observe(rpath.child("rule"), expr_cost)
        if cr.error is not None:
            if cr.error[0] == "Required":
                errs.append(field.required(rpath.child("rule"), cr.error[1]))
            else:
                errs.append(field.invalid(rpath.child("rule"), _rule_value(rule), cr.error[1]))
        if cr.message_error:
            errs.append(field.invalid(rpath.child("messageExpression"), _rule_value(rule), cr.message_error))
        elif cr.message_program is not None:
            if not opts["suppress_cost"] and cr.message_max_cost > compilation.ESTIMATED_COST_LIMIT:
                errs.append(field.forbidden(rpath.child("messageExpression"),
                                            _cost_message("estimated messageExpression cost", cr.message_max_cost)))
            walk.observe(rpath.child("messageExpression"), cr.message_max_cost)
        if cr.uses_old_self:
            if opts["forbid_old_self"] is not None:
                errs.append(field.invalid(rpath.child("rule"), rule.get("rule"), "oldSelf cannot be used on the "
                                          f"uncorrelatable portion of the schema within {opts['forbid_old_self']}"))
        elif rule.get("optionalOldSelf") is not None:
            errs.append(field.invalid(rpath.child("optionalOldSelf"), rule["optionalOldSelf"],
                                      "may not be set if oldSelf is not used in rule"))
    return errs


def _cost_message(name: str, cost: int) -> str:
    from .crd_validation import cost_error_message

    return cost_error_message(name, cost, compilation.ESTIMATED_COST_LIMIT)
