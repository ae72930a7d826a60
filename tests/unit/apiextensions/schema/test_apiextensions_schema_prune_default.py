"""Pruning and defaulting, after apiextensions pkg/apiserver/schema/{pruning,defaulting}/algorithm_test.go."""

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapiserver.apiextensions.schema import compile_schema, pruning, structural

SCHEMA = {
    "type": "object",
    "properties": {
        "spec": {"type": "object", "properties": {
            "a": {"type": "string", "default": "A"},
            "n": {"type": "integer", "nullable": True, "default": 1},
            "list": {"type": "array", "items": {"type": "object", "properties": {"x": {"type": "string", "default": "X"}}}},
            "map": {"type": "object", "additionalProperties": {"type": "object", "properties": {
                "y": {"type": "integer", "default": 2}}}},
            "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": True,
                     "properties": {"known": {"type": "object", "properties": {"k": {"type": "string"}}}}},
            "obj": {"type": "object", "default": {"inner": "v", "unknown": 1},
                    "properties": {"inner": {"type": "string"}}},
            "emb": {"type": "object", "x-kubernetes-embedded-resource": True,
                    "properties": {"spec": {"type": "object"}}},
            "nn": {"type": "string"},
        }},
        "status": {"type": "object", "properties": {"phase": {"type": "string"}}},
    },
}


def test_prune_reports_paths_sorted():
    c = compile_schema(SCHEMA)
    obj = {"apiVersion": "x/v1", "kind": "K", "metadata": {"name": "n"}, "foo": 1,
           "spec": {"a": "a", "bar": {"x": 1}, "list": [{"x": "1", "zz": 2}],
                    "map": {"k": {"y": 1, "w": 3}}, "free": {"anything": [1], "known": {"k": "s", "drop": 1}},
                    "emb": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "bogus": True}, "other": 1}},
           "status": {"phase": "x", "extra": 1}}
    assert c.prune(obj) == ["foo", "spec.bar", "spec.emb.metadata.bogus", "spec.emb.other", "spec.free.known.drop",
                            "spec.list[0].zz", "spec.map.k.w", "status.extra"]
    assert obj["spec"]["free"] == {"anything": [1], "known": {"k": "s"}}
    assert obj["metadata"] == {"name": "n"}
    assert obj["spec"]["emb"]["metadata"] == {"name": "p"}


def test_preserve_unknown_top_keeps_everything():
    c = compile_schema({"type": "object", "x-kubernetes-preserve-unknown-fields": True}, preserve_unknown_top=True)
    obj = {"spec": {"x": 1}}
    assert c.prune(obj) == [] and obj == {"spec": {"x": 1}}


def test_defaults():
    c = compile_schema(SCHEMA)
    obj = {"spec": {"n": None, "list": [{}, None], "map": {"a": {}, "b": None}, "nn": None}}
    c.default(obj)
    assert obj["spec"]["a"] == "A"
    assert obj["spec"]["n"] is None  # nullable: an explicit null stays
    assert obj["spec"]["list"] == [{"x": "X"}, None]
    assert obj["spec"]["map"] == {"a": {"y": 2}}  # a null value the schema does not allow is dropped
    assert "nn" not in obj["spec"]  # non-nullable null without default is dropped
    assert obj["spec"]["obj"] == {"inner": "v"}  # defaults are pruned


def test_default_does_not_share_values():
    c = compile_schema(SCHEMA)
    a, b = {"spec": {}}, {"spec": {}}
    c.default(a)
    c.default(b)
    a["spec"]["obj"]["inner"] = "changed"
    assert b["spec"]["obj"]["inner"] == "v"


JSON = st.recursive(st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=3),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(
                        ["a", "n", "spec", "list", "map", "x", "y", "free", "zz"]), inner, max_size=4), max_leaves=12)


@given(st.dictionaries(st.sampled_from(["spec", "status", "other"]), JSON, max_size=3))
def test_prune_is_idempotent_and_reports_only_removed(obj):
    c = compile_schema(SCHEMA)
    before = copy.deepcopy(obj)
    c.prune(obj)
    once = copy.deepcopy(obj)
    assert c.prune(obj) == []
    assert obj == once
    if not c.prune(copy.deepcopy(before)):
        assert before == once


# Cases of apiextensions pkg/apiserver/schema/pruning/algorithm_test.go (TestPrune): schema, object, expected
# object and pruned paths.
PRUNE_CASES = [
    ({"items": {}}, [1, 2], [1, 2], []),
    ({"items": {"properties": {"a": {}, "c": {}}}}, [{"a": 1}, {"b": 1}, {"a": 1, "b": 2, "c": 3}],
     [{"a": 1}, {}, {"a": 1, "c": 3}], ["[1].b", "[2].b"]),
    (None, [{"a": 1}, {"b": 1}, {"a": 1, "b": 2, "c": 3}], [{}, {}, {}], ["[0].a", "[1].b", "[2].a", "[2].b", "[2].c"]),
    ({"properties": {"array": {"items": {"properties": {"a": {}, "c": {}}}},
                     "specified": {"properties": {"a": {}, "c": {}}}}},
     {"array": [{"a": 1}, {"b": 1}, {"a": 1, "b": 2, "c": 3}], "unspecified": {"a": 1},
      "specified": {"a": 1, "b": 2, "c": 3}},
     {"array": [{"a": 1}, {}, {"a": 1, "c": 3}], "specified": {"a": 1, "c": 3}},
     ["array[1].b", "array[2].b", "specified.b", "unspecified"]),
    ({"type": "object", "x-kubernetes-preserve-unknown-fields": True,
      "properties": {"pruning": {"type": "object", "properties": {"a": {}}}}},
     {"other": {"x": 1}, "pruning": {"a": 1, "b": 2}}, {"other": {"x": 1}, "pruning": {"a": 1}}, ["pruning.b"]),
    ({"type": "object", "additionalProperties": {"type": "object", "properties": {"s": {}}}},
     {"foo": {"s": 1, "u": 2}}, {"foo": {"s": 1}}, ["foo.u"]),
]


@pytest.mark.parametrize("schema,obj,expected,pruned", PRUNE_CASES)
def test_upstream_prune_cases(schema, obj, expected, pruned):
    s = structural.new_structural(schema)
    assert pruning.prune(obj, s, False) == pruned
    assert obj == expected


def test_resource_root_keeps_type_and_object_meta():
    obj = {"apiVersion": "a/v1", "kind": "K", "metadata": {"name": "x"}, "foo": 1}
    assert pruning.prune(obj, structural.new_structural({"type": "object"}), True) == ["foo"]
    assert obj == {"apiVersion": "a/v1", "kind": "K", "metadata": {"name": "x"}}


def test_top_level_metadata_unknown_fields():
    c = compile_schema({"type": "object", "x-kubernetes-preserve-unknown-fields": True}, preserve_unknown_top=True)
    obj = {"metadata": {"name": "x", "bogus": 1, "labels": {"a": "b"}}, "spec": {"x": 1}}
    assert c.prune(obj) == ["metadata.bogus"]
    assert obj == {"metadata": {"name": "x", "labels": {"a": "b"}}, "spec": {"x": 1}}
