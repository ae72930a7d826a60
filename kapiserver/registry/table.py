"""Server-side printing: objects to meta.k8s.io/v1 Table (upstream pkg/printers + TableConvertor).

A Printer is the column definitions plus one function that turns an object into the
cells of its row, in column order, the way upstream's printers.go handlers do. Kinds
without a printer get upstream's default: Name and Created At.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kapiserver.apimachinery import timefmt
from kapiserver.apimachinery.types import Object

NAME_DESCRIPTION = ("Name must be unique within a namespace. Is required when creating resources, although some "
                    "resources may allow a client to request the generation of an appropriate name automatically. "
                    "Name is primarily intended for creation idempotence and configuration definition. Cannot be "
                    "updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names")
CREATION_DESCRIPTION = ("CreationTimestamp is a timestamp representing the server time when this object was created. "
                        "It is not guaranteed to be set in happens-before order across separate operations. Clients "
                        "may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the "
                        "system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/"
                        "sig-architecture/api-conventions.md#metadata")


@dataclass(frozen=True, slots=True)
class Column:
    """One metav1.TableColumnDefinition."""

    name: str
    type: str = "string"
    format: str = ""
    description: str = ""
    priority: int = 0

    def definition(self) -> Object:
        return {"name": self.name, "type": self.type, "format": self.format,
                "description": self.description, "priority": self.priority}


RowFunc = Callable[[Object], list[Any]]


@dataclass(frozen=True, slots=True)
class Printer:
    columns: tuple[Column, ...]
    row: RowFunc


NAME_COLUMN = Column("Name", "string", "name", NAME_DESCRIPTION)
AGE_COLUMN = Column("Age", "string", "", CREATION_DESCRIPTION)


def age(obj: Object) -> str:
    """The AGE cell (upstream translateTimestampSince): "<unknown>" without a timestamp."""
    return translate_timestamp_since(obj.get("metadata", {}).get("creationTimestamp"))


def translate_timestamp_since(value: str | None) -> str:
    if not value:
        return "<unknown>"
    try:
        then = timefmt.parse_time(value).timestamp()
    except ValueError:
        return "<unknown>"
    return timefmt.human_duration(time.time() - then)


def name_of(obj: Object) -> str:
    return str(obj.get("metadata", {}).get("name", ""))


DEFAULT_PRINTER = Printer(
    (NAME_COLUMN, Column("Created At", "date", "", CREATION_DESCRIPTION)),
    lambda obj: [name_of(obj), obj.get("metadata", {}).get("creationTimestamp")],
)


def partial_object_metadata(obj: Object) -> Object:
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": obj.get("metadata", {})}


def row_object(obj: Object, include_object: str) -> Object | None:
    if include_object == "None":
        return None
    if include_object == "Object":
        return obj
    return partial_object_metadata(obj)


def to_table(printer: Printer, items: list[Object], list_meta: Object, include_object: str, wide: bool = True) -> Object:
    """Build the Table for a list (or a single object as a list of one)."""
    rows = []
    for obj in items:
        row: Object = {"cells": printer.row(obj)}
        embedded = row_object(obj, include_object)
        if embedded is not None:
            row["object"] = embedded
        rows.append(row)
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": list_meta,
        "columnDefinitions": [c.definition() for c in printer.columns],
        "rows": rows,
    }
