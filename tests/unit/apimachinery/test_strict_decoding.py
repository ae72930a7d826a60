"""Strict decoding's view of a body: repeated keys in JSON and YAML, placed as upstream's
decoder (sigs.k8s.io/json, goyaml.v2 UnmarshalStrict) reports them."""

from __future__ import annotations

from kapiserver.apimachinery import codec, gojson


def test_a_body_without_repeats_has_no_report() -> None:
    value, report = gojson.loads_noting_duplicates(b'{"a":{"b":1},"c":[{"d":2}]}')
    assert value == {"a": {"b": 1}, "c": [{"d": 2}]} and report is None


def test_problems_are_placed_where_the_decoder_meets_them() -> None:
    body = b'{"spec":{"a":1},"x":0,"spec":{"b":2},"data":{"k":"1"},"data":{"k":"2"},"y":3}'
    _, report = gojson.loads_noting_duplicates(body)
    assert report is not None and report.paths == ["spec", "data"]
    ordered = report.in_document_order(["spec.a", "x", "spec.b", "y"])
    assert ordered == [("unknown", "spec.a"), ("unknown", "x"), ("duplicate", "spec"), ("unknown", "spec.b"),
                       ("duplicate", "data"), ("unknown", "y")]


def test_a_key_repeated_inside_an_object_is_named_by_its_path() -> None:
    _, report = gojson.loads_noting_duplicates(b'{"items":[{"n":1,"n":2}],"m":{"l":{"k":1,"k":2,"k":3}}}')
    assert report is not None and report.paths == ["items[0].n", "m.l.k"]


def test_the_last_value_wins_as_in_a_go_map() -> None:
    value, _ = gojson.loads_noting_duplicates(b'{"data":{"a":"1"},"data":{"b":"2"},"n":1,"n":2}')
    assert value == {"data": {"b": "2"}, "n": 2}


def test_merging_repeats_as_go_decodes_into_a_struct() -> None:
    body = (b'{"data":{"a":"1"},"data":{"b":"2"},'
            b'"spec":{"containers":[{"name":"c","image":"x"},{"name":"d"}]},'
            b'"spec":{"containers":[{"name":"e"}],"replicas":2},"n":1,"n":2}')
    value, _ = gojson.loads_noting_duplicates(body, merge_repeated=True)
    assert value == {
        "data": {"a": "1", "b": "2"},
        "spec": {"containers": [{"name": "e", "image": "x"}], "replicas": 2},
        "n": 2,
    }


def test_yaml_repeated_keys_are_reported_at_the_repeated_value() -> None:
    body = b"apiVersion: v1\nkind: ConfigMap\ndata:\n  a: '1'\ndata:\n  b: '2'\nmetadata:\n  name: x\n  name: y\n"
    assert codec.yaml_duplicate_keys_error(body) == (
        'error converting YAML to JSON: yaml: unmarshal errors:\n  line 6: key "data" already set in map\n'
        '  line 9: key "name" already set in map'
    )
    assert codec.yaml_duplicate_keys_error(b"a: 1\nb: 2\n") is None
    assert codec.yaml_duplicate_keys_error(b"{1: a, 1: b}") == (
        "error converting YAML to JSON: yaml: unmarshal errors:\n  line 1: key 1 already set in map"
    )
