"""Table output of custom resources from additionalPrinterColumns (upstream
registry/customresource/tableconvertor and apiserver/helpers.go).

Name first, then one column per printer column, each evaluated with client-go's JSONPath
over the object. A version without printer columns gets the Age column. String cells are
what JSONPath prints; integer, number and boolean cells are the JSON value when it has
that type (null otherwise); date cells are ages ("<invalid>" for an unparsable time). A
column whose JSONPath does not parse ends the list there, as upstream's convertor keeps
the columns it had built when it met the error.
"""

from __future__ import annotations

import logging
from typing import Any

from kapiserver.apimachinery import timefmt
from kapiserver.apimachinery.types import Object
from kapiserver.registry.table import (
    CREATION_DESCRIPTION,
    NAME_COLUMN,
    Column,
    Printer,
    name_of,
    translate_timestamp_since,
)

from . import jsonpath

log = logging.getLogger(__name__)

AGE = {"name": "Age", "type": "date", "description": CREATION_DESCRIPTION, "jsonPath": ".metadata.creationTimestamp"}


def serve_default_columns_if_empty(columns: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    return list(columns) if columns else [AGE]


def new_printer(columns: list[dict[str, Any]]) -> Printer:
    """The Printer of a version's printer columns (already defaulted with the Age column)."""
    definitions = [NAME_COLUMN]
    paths: list[tuple[str, list[jsonpath.Node]]] = []
    for column in columns:
        json_path = str(column.get("jsonPath") or "")
        try:
            parsed = jsonpath.parse("{" + json_path + "}")
        except jsonpath.JSONPathError:
            log.info("unrecognized column definition %r: falling back to the columns before it", json_path)
            break
        description = column.get("description") or \
            f"Custom resource definition column (in JSONPath format): {json_path}"
        kind = str(column.get("type") or "")
        definitions.append(Column(str(column.get("name") or ""), kind, str(column.get("format") or ""), description,
                                  int(column.get("priority") or 0)))
        paths.append((kind, parsed))

    def row(obj: Object) -> list[Any]:
        return [name_of(obj)] + [_cell(kind, parsed, obj) for kind, parsed in paths]

    return Printer(tuple(definitions), row)


def _cell(kind: str, parsed: list[jsonpath.Node], obj: Object) -> Any:
    value = jsonpath.first_value(parsed, obj)
    if value is jsonpath.MISSING:
        return None
    if kind == "string":
        return jsonpath.print_result(value)
    return cell_for_json_value(kind, value)


def cell_for_json_value(kind: str, value: Any) -> Any:
    """upstream cellForJSONValue."""
    if value is None:
        return None
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "integer" and number:
        return int(value)
    if kind == "number" and number:
        return float(value)
    if kind == "boolean" and isinstance(value, bool):
        return value
    if kind == "string" and isinstance(value, str):
        return value
    if kind == "date" and isinstance(value, str):
        if not value:
            return "<unknown>"
        try:
            timefmt.parse_time(value)
        except ValueError:
            return "<invalid>"
        return translate_timestamp_since(value)
    return None
