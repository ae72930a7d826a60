"""Pruning and defaulting, after apiextensions pkg/apiserver/schema/{pruning,defaulting}/algorithm_test.go."""

import copy

from hypothesis import given
from hypothesis import strategies as st

from kapiserver.apiextensions.schema import compile_schema

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
