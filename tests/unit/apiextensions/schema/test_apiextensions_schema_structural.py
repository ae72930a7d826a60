"""Structural-schema and CRD-schema checks, after apiextensions pkg/apiserver/schema/validation_test.go and
pkg/apis/apiextensions/validation/validation_test.go."""

import pytest

from kapiserver.apiextensions.schema import structural_errors
from kapiserver.apimachinery import field

P = field.new_path("spec", "versions").index(0).child("schema", "openAPIV3Schema")
PREFIX = "spec.versions[0].schema.openAPIV3Schema"


def errs(schema, **kw):
    return [str(e) for e in structural_errors(schema, P, **kw)]


def obj(**props):
    return {"type": "object", "properties": props}


CASES = [
    (obj(spec={"properties": {"a": {"type": "string"}}}),
     [f"{PREFIX}.properties[spec].type: Required value: must not be empty for specified object fields"]),
    ({"type": "string"}, [f'{PREFIX}.type: Invalid value: "string": must be object at the root']),
    ({"type": "object", "additionalProperties": {"type": "string"}},
     [f"{PREFIX}.additionalProperties: Forbidden: must not be used at the root"]),
    (obj(a={"type": "array"}), [f"{PREFIX}.properties[a].items: Required value: must be specified"]),
    (obj(a={"type": "object", "anyOf": [{"type": "string"}]}),
     [f"{PREFIX}.properties[a].anyOf[0].type: Forbidden: must be empty to be structural"]),
    ({"type": "object", "properties": {"a": {"type": "object"}},
      "allOf": [{"properties": {"a": {"properties": {"b": {"minLength": 1}}}}}]},
     [(f"{PREFIX}.properties[a].properties[b]: Required value: because it is defined in "
      f"{PREFIX}.allOf[0].properties[a].properties[b]")]),
    (obj(a={"x-kubernetes-int-or-string": True, "anyOf": [{"type": "integer"}, {"type": "string"}]}), []),
    (obj(metadata={"type": "object", "properties": {"labels": {"type": "object"}}}),
     [(f"{PREFIX}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, "
      "but metadata is implicitly specified")]),
    (obj(metadata={"type": "object", "properties": {"name": {"type": "string", "maxLength": 5}}}), []),
    (obj(e={"type": "object", "x-kubernetes-embedded-resource": True}),
     [(f"{PREFIX}.properties[e].properties: Required value: must not be empty if x-kubernetes-embedded-resource is "
      "true without x-kubernetes-preserve-unknown-fields")]),
    (obj(a={"type": "string", "default": 5}),
     [f'{PREFIX}.properties[a].default: Invalid value: "integer":  in body must be of type string: "integer"']),
    (obj(a={"type": "object", "properties": {"b": {"type": "string"}}, "default": {"c": 1}}),
     [f'{PREFIX}.properties[a].default: Invalid value: {{"c":1}}: must not have unknown fields']),
    (obj(a={"type": "array", "x-kubernetes-list-type": "map", "items": {"type": "object"}}),
     [(f"{PREFIX}.properties[a].x-kubernetes-list-map-keys: Required value: must not be empty if "
      "x-kubernetes-list-type is map")]),
    (obj(a={"type": "string", "x-kubernetes-list-type": "set"}),
     [f'{PREFIX}.properties[a].type: Invalid value: "string": must be array if x-kubernetes-list-type is specified']),
    (obj(a={"type": "object", "$ref": "#/x"}), [f"{PREFIX}.properties[a].$ref: Forbidden: $ref is not supported"]),
    (obj(a={"type": "array", "uniqueItems": True, "items": {"type": "string"}}),
     [(f"{PREFIX}.properties[a].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime "
      "complexity becomes quadratic")]),
    (obj(a={"type": "string", "x-kubernetes-validations": [{"rule": " "}]}),
     [f"{PREFIX}.properties[a].x-kubernetes-validations[0].rule: Required value: rule is not specified"]),
    (obj(a={"type": "string", "x-kubernetes-validations": [{"rule": "self == 'x'", "reason": "Bad"}]}),
     [(f'{PREFIX}.properties[a].x-kubernetes-validations[0].reason: Unsupported value: "Bad": supported values: '
      '"FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"')]),
    (obj(a={"type": "object", "properties": {"b": {"type": "string"}},
            "x-kubernetes-validations": [{"rule": "true", "fieldPath": ".c"}]}),
     [f'{PREFIX}.properties[a].x-kubernetes-validations[0].fieldPath: Invalid value: ".c": must be a valid path']),
    (obj(a={"type": "string", "maxLength": 10, "x-kubernetes-validations": [{"rule": "self == 'x'", "optionalOldSelf": True}]}),
     [(f"{PREFIX}.properties[a].x-kubernetes-validations[0].optionalOldSelf: Invalid value: true: may not be set "
      "if oldSelf is not used in rule")]),
    (obj(a={"type": "string", "x-kubernetes-validations": [{"rule": "self.size()"}]}),
     [(f'{PREFIX}.properties[a].x-kubernetes-validations[0].rule: Invalid value: {{"rule":"self.size()"}}: '
      "cel expression must evaluate to a bool")]),
]


@pytest.mark.parametrize("schema,expected", CASES)
def test_schema_errors(schema, expected):
    assert errs(schema) == expected


def test_undefined_field_in_rule():
    out = errs(obj(a={"type": "object", "properties": {"b": {"type": "string"}},
                      "x-kubernetes-validations": [{"rule": "self.c == 'x'"}]}))
    assert out == [(f'{PREFIX}.properties[a].x-kubernetes-validations[0].rule: Invalid value: {{"rule":"self.c == \'x\'"}}: '
                   "compilation failed: ERROR: <input>:1:5: undefined field 'c'\n | self.c == 'x'\n | ....^")]


def test_old_self_on_uncorrelatable_items():
    out = errs(obj(l={"type": "array", "maxItems": 5, "items": {
        "type": "object", "properties": {"a": {"type": "string", "maxLength": 5}},
        "x-kubernetes-validations": [{"rule": "self.a == oldSelf.a"}]}}))
    assert out == [(f'{PREFIX}.properties[l].items.x-kubernetes-validations[0].rule: Invalid value: '
                   f'"self.a == oldSelf.a": oldSelf cannot be used on the uncorrelatable portion of the schema '
                   f"within {PREFIX}.properties[l]")]


def test_estimated_cost_limits():
    unbounded = obj(l={"type": "array", "items": {"type": "string"},
                       "x-kubernetes-validations": [{"rule": "self.all(x, x.matches('^[a-z]+$'))"}]})
    out = errs(unbounded)
    rule_path = f"{PREFIX}.properties[l].x-kubernetes-validations[0].rule"
    assert out[0].startswith(f"{rule_path}: Forbidden: estimated rule cost exceeds budget by factor of more than 100x")
    assert out[-1].startswith(f"{PREFIX}: Forbidden: x-kubernetes-validations estimated rule cost total for entire "
                              "OpenAPIv3 schema exceeds budget")
    bounded = obj(l={"type": "array", "maxItems": 10, "items": {"type": "string", "maxLength": 20},
                     "x-kubernetes-validations": [{"rule": "self.all(x, x.matches('^[a-z]+$'))"}]})
    assert errs(bounded) == []
    assert errs(unbounded, suppress_per_expression_cost=True)[0].startswith(
        f"{rule_path}: Forbidden: contributed to estimated rule cost total")


def test_status_subresource_root():
    assert errs({"type": "object", "nullable": True, "properties": {}}, status_enabled=True)[0].startswith(
        f"{PREFIX}: Invalid value: ")
    assert errs({"type": "object", "properties": {"status": {"type": "object"}}}, status_enabled=True) == []
