"""Bad values as upstream's field.Error prints them (apimachinery v0.35 ErrorBody)."""

from __future__ import annotations

import pytest

from kapiserver.apimachinery import field


@pytest.mark.parametrize(("value", "shown"), [
    (5, "5"),
    (1.5, "1.5"),
    (True, "true"),
    ("a\"b", '"a\\"b"'),
    ({"app": "web"}, '{"app":"web"}'),
    (["a", 1], '["a",1]'),
    ({"html": "<b>&"}, '{"html":"\\u003cb\\u003e\\u0026"}'),
    (None, "null"),
])
def test_render_value(value: object, shown: str) -> None:
    assert field.render_value(value) == shown


def test_a_go_map_is_written_with_sorted_keys() -> None:
    assert field.render_value(field.sorted_map({"z": "1", "a": "2"})) == '{"a":"2","z":"1"}'


def test_an_invalid_error_names_path_value_and_detail() -> None:
    error = field.invalid(field.new_path("spec", "selector"), {"app": "x"}, "does not match")
    assert str(error) == 'spec.selector: Invalid value: {"app":"x"}: does not match'
