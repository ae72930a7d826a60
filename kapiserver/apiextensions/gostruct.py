"""CRD values as upstream's error messages print them.

Upstream validates the *internal* apiextensions types, which carry no JSON tags; when a
field error's bad value is one of them (`spec.versions`, the root `openAPIV3Schema`),
`field.Error` prints Go's json.Marshal of it: Go field names in declaration order, maps
with sorted keys, every field present (null, false, "" and 0 included) and whole floats
without a fraction. These functions build that shape from the v1 dicts, so the messages
match byte for byte.
"""

from __future__ import annotations

from typing import Any

_SCHEMA_SCALARS = (
    ("ID", "id", ""), ("Schema", "$schema", ""), ("Ref", "$ref", None), ("Description", "description", ""),
    ("Type", "type", ""), ("Nullable", "nullable", False), ("Format", "format", ""), ("Title", "title", ""),
    ("Default", "default", None), ("Maximum", "maximum", None), ("ExclusiveMaximum", "exclusiveMaximum", False),
    ("Minimum", "minimum", None), ("ExclusiveMinimum", "exclusiveMinimum", False),
    ("MaxLength", "maxLength", None), ("MinLength", "minLength", None), ("Pattern", "pattern", ""),
    ("MaxItems", "maxItems", None), ("MinItems", "minItems", None), ("UniqueItems", "uniqueItems", False),
    ("MultipleOf", "multipleOf", None), ("Enum", "enum", None), ("MaxProperties", "maxProperties", None),
    ("MinProperties", "minProperties", None), ("Required", "required", None),
)


def go_number(value: Any) -> Any:
    """Go's float64 JSON: whole numbers print without a fraction."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    return value


def _json_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json_value(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    return go_number(value)


def schema(props: Any) -> Any:
    """internal JSONSchemaProps as Go marshals it (None for a nil pointer)."""
    if not isinstance(props, dict):
        return None
    out: dict[str, Any] = {}
    for go_name, json_name, zero in _SCHEMA_SCALARS:
        value = props.get(json_name, zero)
        out[go_name] = _json_value(value) if json_name in ("default", "enum") else go_number(value)
    out["Items"] = _items(props.get("items"))
    out["AllOf"] = _schemas(props.get("allOf"))
    out["OneOf"] = _schemas(props.get("oneOf"))
    out["AnyOf"] = _schemas(props.get("anyOf"))
    out["Not"] = schema(props.get("not"))
    out["Properties"] = _schema_map(props.get("properties"))
    out["AdditionalProperties"] = _or_bool(props.get("additionalProperties"))
    out["PatternProperties"] = _schema_map(props.get("patternProperties"))
    out["Dependencies"] = _dependencies(props.get("dependencies"))
    out["AdditionalItems"] = _or_bool(props.get("additionalItems"))
    out["Definitions"] = _schema_map(props.get("definitions"))
    docs = props.get("externalDocs")
    out["ExternalDocs"] = ({"Description": docs.get("description", ""), "URL": docs.get("url", "")}
                           if isinstance(docs, dict) else None)
    out["Example"] = _json_value(props.get("example"))
    out["XPreserveUnknownFields"] = props.get("x-kubernetes-preserve-unknown-fields")
    out["XEmbeddedResource"] = bool(props.get("x-kubernetes-embedded-resource"))
    out["XIntOrString"] = bool(props.get("x-kubernetes-int-or-string"))
    out["XListMapKeys"] = props.get("x-kubernetes-list-map-keys")
    out["XListType"] = props.get("x-kubernetes-list-type")
    out["XMapType"] = props.get("x-kubernetes-map-type")
    rules = props.get("x-kubernetes-validations")
    out["XValidations"] = [_rule(r) for r in rules] if isinstance(rules, list) else None
    return out


def _rule(rule: Any) -> Any:
    rule = rule if isinstance(rule, dict) else {}
    return {"Rule": rule.get("rule", ""), "Message": rule.get("message", ""),
            "MessageExpression": rule.get("messageExpression", ""), "Reason": rule.get("reason"),
            "FieldPath": rule.get("fieldPath", ""), "OptionalOldSelf": rule.get("optionalOldSelf")}


def _schemas(values: Any) -> Any:
    return [schema(v) for v in values] if isinstance(values, list) else None


def _schema_map(values: Any) -> Any:
    if not isinstance(values, dict):
        return None
    return {k: schema(values[k]) for k in sorted(values)}


def _items(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, list):
        return {"Schema": None, "JSONSchemas": [schema(v) for v in value]}
    return {"Schema": schema(value), "JSONSchemas": None}


def _or_bool(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return {"Allows": value, "Schema": None}
    return {"Allows": True, "Schema": schema(value)}


def _dependencies(values: Any) -> Any:
    if not isinstance(values, dict):
        return None
    out = {}
    for key in sorted(values):
        value = values[key]
        if isinstance(value, list):
            out[key] = {"Schema": None, "Property": value}
        else:
            out[key] = {"Schema": schema(value), "Property": None}
    return out


def validation(value: Any) -> Any:
    if not isinstance(value, dict):
        return None
    return {"OpenAPIV3Schema": schema(value.get("openAPIV3Schema"))}


def subresources(value: Any) -> Any:
    if not isinstance(value, dict):
        return None
    scale = value.get("scale")
    return {
        "Status": {} if value.get("status") is not None else None,
        "Scale": None if not isinstance(scale, dict) else {
            "SpecReplicasPath": scale.get("specReplicasPath", ""),
            "StatusReplicasPath": scale.get("statusReplicasPath", ""),
            "LabelSelectorPath": scale.get("labelSelectorPath"),
        },
    }


def columns(values: Any) -> Any:
    if not isinstance(values, list):
        return None
    return [{"Name": c.get("name", ""), "Type": c.get("type", ""), "Format": c.get("format", ""),
             "Description": c.get("description", ""), "Priority": c.get("priority", 0),
             "JSONPath": c.get("jsonPath", "")} for c in values if isinstance(c, dict)]


def selectable_fields(values: Any) -> Any:
    if not isinstance(values, list):
        return None
    return [{"JSONPath": f.get("jsonPath", "")} for f in values if isinstance(f, dict)]


def versions(values: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """internal []CustomResourceDefinitionVersion (per-version fields as left after hoisting)."""
    return [{
        "Name": v.get("name", ""), "Served": bool(v.get("served")), "Storage": bool(v.get("storage")),
        "Deprecated": bool(v.get("deprecated")), "DeprecationWarning": v.get("deprecationWarning"),
        "Schema": validation(v.get("schema")), "Subresources": subresources(v.get("subresources")),
        "AdditionalPrinterColumns": columns(v.get("additionalPrinterColumns")),
        "SelectableFields": selectable_fields(v.get("selectableFields")),
    } for v in values]
