"""client-go's JSONPath dialect (apiextensions/jsonpath.py) and the printer-column cells
(tableconvertor.py) built on it."""

from __future__ import annotations

from typing import Any

import pytest

from kapiserver.apiextensions import jsonpath, tableconvertor

OBJ: dict[str, Any] = {
    "metadata": {"name": "x", "creationTimestamp": "2020-01-01T00:00:00Z", "labels": {"a.b/c": "d"}},
    "spec": {"n": 3, "f": 2.5, "ok": True, "s": "text", "list": [1, 2, 3], "map": {"b": 1, "a": "<x>"},
             "none": None},
    "status": {"conditions": [{"type": "Ready", "status": "True"}, {"type": "Synced", "status": "False"}]},
}


def results(path: str) -> list[Any]:
    return jsonpath.find_results(jsonpath.parse("{" + path + "}"), OBJ)[0]


@pytest.mark.parametrize(("path", "expected"), [
    (".spec.n", [3]),
    (".spec.missing", []),
    (".spec.list[1]", [2]),
    (".spec.list[-1]", [3]),
    (".spec.list[0:2]", [1, 2]),
    (".spec.list[*]", [1, 2, 3]),
    ('.status.conditions[?(@.type=="Ready")].status', ["True"]),
    (".status.conditions[?(@.type!='Ready')].type", ["Synced"]),
    (".status.conditions[?(@.status)].type", ["Ready", "Synced"]),
    (".metadata.labels['a.b/c']", []),  # upstream reads the dot as a separator, as kubectl does
    (".metadata.labels['a\\.b/c']", ["d"]),
    (".status.conditions[*]['type','status']", ["Ready", "Synced", "True", "False"]),
    ("..type", ["Ready", "Synced"]),
])
def test_find_results(path: str, expected: list[Any]) -> None:
    assert results(path) == expected


def test_errors() -> None:
    with pytest.raises(jsonpath.JSONPathError):
        results(".spec.list[7]")
    with pytest.raises(jsonpath.JSONPathError):
        jsonpath.parse("{.spec")
    assert jsonpath.first_value(jsonpath.parse("{.spec.list[7]}"), OBJ) is jsonpath.MISSING


@pytest.mark.parametrize(("value", "printed"), [
    ("s", "s"), (3, "3"), (2.5, "2.5"), (1e6, "1e+06"), (True, "true"), (None, "<no value>"),
    ({"b": 1, "a": "<x>"}, '{"a":"\\u003cx\\u003e","b":1}'), ([1, "a"], '[1,"a"]'), (2.0, "2"),
])
def test_print_result(value: Any, printed: str) -> None:
    assert jsonpath.print_result(value) == printed


def test_printer_columns_cells() -> None:
    columns = [
        {"name": "S", "type": "string", "jsonPath": ".spec.s"},
        {"name": "N", "type": "integer", "jsonPath": ".spec.f"},
        {"name": "F", "type": "number", "jsonPath": ".spec.n"},
        {"name": "B", "type": "boolean", "jsonPath": ".spec.s"},
        {"name": "M", "type": "string", "jsonPath": ".spec.map", "priority": 1, "description": "a map"},
        {"name": "Null", "type": "string", "jsonPath": ".spec.none"},
        {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"},
        {"name": "Bad", "type": "date", "jsonPath": ".spec.s"},
    ]
    printer = tableconvertor.new_printer(columns)
    names = [c.name for c in printer.columns]
    assert names == ["Name", "S", "N", "F", "B", "M", "Null", "Age", "Bad"]
    assert printer.columns[5].priority == 1 and printer.columns[5].description == "a map"
    assert printer.columns[1].description == "Custom resource definition column (in JSONPath format): .spec.s"
    row = printer.row(OBJ)
    assert row[:7] == ["x", "text", 2, 3.0, None, '{"a":"\\u003cx\\u003e","b":1}', "<no value>"]
    assert row[7] not in (None, "<invalid>", "<unknown>") and row[8] == "<invalid>"


def test_default_columns_and_unparsable_paths() -> None:
    assert [c.name for c in tableconvertor.new_printer(tableconvertor.serve_default_columns_if_empty(None)).columns] \
        == ["Name", "Age"]
    printer = tableconvertor.new_printer([{"name": "A", "type": "string", "jsonPath": ".spec.s"},
                                          {"name": "B", "type": "string", "jsonPath": ".spec[?("},
                                          {"name": "C", "type": "string", "jsonPath": ".spec.s"}])
    assert [c.name for c in printer.columns] == ["Name", "A"]
