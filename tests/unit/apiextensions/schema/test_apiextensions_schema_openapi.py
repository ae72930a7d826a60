"""Schema validation messages, carried over from apiextensions-apiserver pkg/apiserver/validation/validation_test.go."""

import pytest

from kapiserver.apiextensions.schema import compile_schema


def errors(schema, obj, old=None):
    return sorted(str(e) for e in compile_schema(schema).validate(obj, old))


def obj_field(field_schema):
    return {"type": "object", "properties": {"field": field_schema}}


TYPE_CASES = [
    ({"type": "object"}, "foo", 'field: Invalid value: "string": field in body must be of type object: "string"'),
    ({"type": "object"}, 42, 'field: Invalid value: "integer": field in body must be of type object: "integer"'),
    ({"type": "object"}, True, 'field: Invalid value: "boolean": field in body must be of type object: "boolean"'),
    ({"type": "object"}, 1.2, 'field: Invalid value: "number": field in body must be of type object: "number"'),
    ({"type": "object"}, [], 'field: Invalid value: "array": field in body must be of type object: "array"'),
    ({"type": "object"}, None, 'field: Invalid value: "null": field in body must be of type object: "null"'),
    ({"x-kubernetes-int-or-string": True}, None,
     'field: Invalid value: "null": field in body must be of type integer,string: "null"'),
    ({"x-kubernetes-int-or-string": True}, True,
     'field: Invalid value: "boolean": field in body must be of type integer,string: "boolean"'),
    ({"x-kubernetes-int-or-string": True}, 1.2,
     'field: Invalid value: "number": field in body must be of type integer,string: "number"'),
    ({"type": "string", "format": "k8s-long-name"}, "a.-",
     'field: Invalid value: "a.-": field in body must be of type k8s-long-name: "a.-"'),
    ({"type": "string", "format": "k8s-short-name"}, "a-",
     'field: Invalid value: "a-": field in body must be of type k8s-short-name: "a-"'),
    ({"type": "integer", "maximum": 10}, 11, "field: Invalid value: 11: field in body should be less than or equal to 10"),
    ({"type": "integer", "maximum": 10, "exclusiveMaximum": True}, 10,
     "field: Invalid value: 10: field in body should be less than 10"),
    ({"type": "number", "minimum": 1.5}, 1.0, "field: Invalid value: 1: field in body should be greater than or equal to 1.5"),
    ({"type": "integer", "multipleOf": 3}, 4, "field: Invalid value: 4: field in body should be a multiple of 3"),
    ({"type": "string", "maxLength": 2}, "abc", "field: Too long: may not be more than 2 bytes"),
    ({"type": "string", "minLength": 2}, "a", 'field: Invalid value: "a": field in body should be at least 2 chars long'),
    ({"type": "string", "pattern": "^a+$"}, "b", "field: Invalid value: \"b\": field in body should match '^a+$'"),
    ({"type": "array", "maxItems": 1, "items": {"type": "string"}}, ["a", "b"], "field: Too many: 2: must have at most 1 item"),
    ({"type": "array", "minItems": 2, "items": {"type": "string"}}, ["a"],
     "field: Invalid value: 1: field in body should have at least 2 items"),
    ({"type": "object", "maxProperties": 1}, {"a": 1, "b": 2}, "field: Too many: 2: must have at most 1 item"),
    ({"type": "object", "minProperties": 2}, {"a": 1},
     "field: Invalid value: 1: field in body should have at least 2 properties"),
    ({"type": "string", "format": "date-time"}, "yesterday",
     'field: Invalid value: "yesterday": field in body must be of type date-time: "yesterday"'),
    ({"type": "string", "enum": ["a", "b"]}, "c", 'field: Unsupported value: "c": supported values: "a", "b"'),
]


@pytest.mark.parametrize("schema,value,expected", TYPE_CASES)
def test_messages(schema, value, expected):
    assert errors(obj_field(schema), {"field": value}) == [expected]


def test_unsupported_formats_are_ignored():
    for fmt in ("int32", "int64", "float", "double", "unknown"):
        assert errors(obj_field({"type": "string", "format": fmt}), {"field": "x"}) == []


def test_any_of_int_or_string_nullable():
    schema = obj_field({"nullable": True, "x-kubernetes-int-or-string": True,
                        "anyOf": [{"type": "integer"}, {"type": "string"}]})
    for ok in ({}, {"field": None}, {"field": 42}, {"field": "foo"}):
        assert errors(schema, ok) == []
    assert errors(schema, {"field": True}) == sorted([
        '<nil>: Invalid value: "": "field" must validate at least one schema (anyOf)',
        'field: Invalid value: "boolean": field in body must be of type integer,string: "boolean"',
        'field: Invalid value: "boolean": field in body must be of type integer: "boolean"',
    ])


def test_all_of_none_validated():
    schema = obj_field({"nullable": True, "x-kubernetes-int-or-string": True,
                        "allOf": [{"anyOf": [{"type": "integer"}, {"type": "string"}]}]})
    assert errors(schema, {"field": 1.2}) == sorted([
        '<nil>: Invalid value: "": "field" must validate all the schemas (allOf). None validated',
        '<nil>: Invalid value: "": "field" must validate at least one schema (anyOf)',
        'field: Invalid value: "number": field in body must be of type integer,string: "number"',
        'field: Invalid value: "number": field in body must be of type integer: "number"',
    ])


def test_required_and_enum():
    schema = obj_field({"type": "object", "required": ["nestedint", "nestedstring"], "properties": {
        "nestedint": {"type": "integer", "enum": [1, 2]}, "nestedstring": {"type": "string", "enum": ["a", "b"]}}})
    assert errors(schema, {"field": {}}) == ["field.nestedint: Required value", "field.nestedstring: Required value"]
    assert errors(schema, {"field": {"nestedint": "x", "nestedstring": True}}) == [
        'field.nestedint: Invalid value: "string": field.nestedint in body must be of type integer: "string"',
        'field.nestedint: Unsupported value: "x": supported values: "1", "2"',
        'field.nestedstring: Invalid value: "boolean": field.nestedstring in body must be of type string: "boolean"',
        'field.nestedstring: Unsupported value: true: supported values: "a", "b"',
    ]


def test_ratcheting_keeps_unchanged_invalid_values():
    schema = obj_field({"type": "object", "properties": {"a": {"type": "integer", "maximum": 3},
                                                         "b": {"type": "string", "maxLength": 1}}})
    old = {"field": {"a": 5, "b": "xx"}}
    assert errors(schema, {"field": {"a": 5, "b": "xx"}}, old) == []
    assert errors(schema, {"field": {"a": 6, "b": "xx"}}, old) == [
        "field.a: Invalid value: 6: field.a in body should be less than or equal to 3"]
    assert errors(schema, {"field": {"a": 5, "b": "xx"}}) != []


def test_ratcheting_keeps_types_apart():
    schema = obj_field({"type": "integer"})
    assert errors(schema, {"field": True}, {"field": 1}) == [
        'field: Invalid value: "boolean": field in body must be of type integer: "boolean"']


def test_list_types():
    schema = obj_field({"type": "object", "properties": {
        "s": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}},
        "m": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["k"],
              "items": {"type": "object", "properties": {"k": {"type": "string"}}}}}})
    assert errors(schema, {"field": {"s": ["a", "b", "a", "a"], "m": [{"k": "x"}, {"k": "x"}]}}) == [
        'field.m[1]: Duplicate value: {"k":"x"}', 'field.s[2]: Duplicate value: "a"']
    assert errors(schema, {"field": {"s": [1, 1.0, True]}}) != ['field.s[1]: Duplicate value: 1.0']


def test_list_types_ratchet_when_old_was_invalid():
    schema = obj_field({"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}})
    assert errors(schema, {"field": ["a", "a"]}, {"field": ["a", "a", "b"]}) == []
    assert errors(schema, {"field": ["a", "a"]}, {"field": ["a"]}) == ['field[1]: Duplicate value: "a"']


def test_embedded_resource():
    schema = obj_field({"type": "object", "x-kubernetes-embedded-resource": True,
                        "x-kubernetes-preserve-unknown-fields": True})
    errs = errors(schema, {"field": {"kind": "", "apiVersion": "a/b/c", "metadata": {"name": "x", "labels": {"a": "-"}}}})
    assert errs[0] == 'field.apiVersion: Invalid value: "a/b/c": unexpected GroupVersion string: a/b/c'
    assert errs[1] == 'field.kind: Invalid value: "": must not be empty'
    assert errs[2].startswith('field.metadata.labels: Invalid value: "-"')
    assert errors(schema, {"field": {}}) == ["field.apiVersion: Required value", "field.kind: Required value"]


def test_blocking_errors_skip_cel():
    schema = obj_field({"type": "string", "maxLength": 1, "x-kubernetes-validations": [{"rule": "self == 'a'"}]})
    assert errors(schema, {"field": "bb"}) == [
        ("<nil>: Invalid value: null: some validation rules were not checked because the object was invalid; "
        "correct the existing errors to complete validation"),
        "field: Too long: may not be more than 1 byte"]
