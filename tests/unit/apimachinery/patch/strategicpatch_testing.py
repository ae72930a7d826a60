"""Shared fixtures for the strategic merge patch tests: upstream's MergeItem type and its cases.

Upstream's table tests run against a test struct, MergeItem, whose Go struct tags carry
the patch strategies. MERGE_ITEM_DEFINITIONS states the same facts as OpenAPI
definitions so `patchmeta.PatchMetaFromDefinitions` answers as upstream's
`PatchMetaFromStruct` does for it.
"""

from __future__ import annotations

import functools
import pathlib
from typing import Any

import yaml

from kapiserver.apimachinery.patch import patchmeta

TESTDATA = pathlib.Path(__file__).parent / "testdata"


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": "#/definitions/" + name}


def _merging(items: dict[str, Any], merge_key: str = "", strategy: str = "merge") -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "array", "items": items, "x-kubernetes-patch-strategy": strategy}
    if merge_key:
        schema["x-kubernetes-patch-merge-key"] = merge_key
    return schema


_STRING = {"type": "string"}
_INT_LIST = {"type": "array", "items": {"type": "integer"}}
_SIMPLE_MAP = {"type": "object", "additionalProperties": _STRING}

MERGE_ITEM_DEFINITIONS: dict[str, Any] = {
    "MergeItem": {
        "type": "object",
        "properties": {
            "name": _STRING,
            "value": _STRING,
            "other": _STRING,
            "mergingList": _merging(_ref("MergeItem"), "name"),
            "nonMergingList": {"type": "array", "items": _ref("MergeItem")},
            "mergingIntList": _merging({"type": "integer"}),
            "nonMergingIntList": _INT_LIST,
            "mergeItemPtr": {
                **_ref("MergeItem"),
                "x-kubernetes-patch-strategy": "merge",
                "x-kubernetes-patch-merge-key": "name",
            },
            "simpleMap": _SIMPLE_MAP,
            "replacingItem": {
                **_ref("io.k8s.apimachinery.pkg.runtime.RawExtension"),
                "x-kubernetes-patch-strategy": "replace",
            },
            # An anonymous struct { Raw []byte }: no JSON field but "Raw".
            "jsonItem": {"type": "object", "properties": {"Raw": {"type": "string", "format": "byte"}}},
            "retainKeysMap": {**_ref("RetainKeysMergeItem"), "x-kubernetes-patch-strategy": "retainKeys"},
            "retainKeysMergingList": _merging(_ref("MergeItem"), "name", "merge,retainKeys"),
        },
    },
    "RetainKeysMergeItem": {
        "type": "object",
        "properties": {
            "name": _STRING,
            "value": _STRING,
            "other": _STRING,
            "simpleMap": _SIMPLE_MAP,
            "mergingIntList": _merging({"type": "integer"}),
            "mergingList": _merging(_ref("MergeItem"), "name"),
            "nonMergingList": {"type": "array", "items": _ref("MergeItem")},
        },
    },
    "io.k8s.apimachinery.pkg.runtime.RawExtension": {"type": "object"},
    "PrecisionItem": {
        "type": "object",
        "properties": {
            "name": _STRING,
            "int32": {"type": "integer", "format": "int32"},
            "int64": {"type": "integer", "format": "int64"},
            "float32": {"type": "number", "format": "float"},
            "float64": {"type": "number", "format": "double"},
        },
    },
}


def merge_item_schema() -> patchmeta.PatchMetaFromDefinitions:
    return patchmeta.from_definition("MergeItem", MERGE_ITEM_DEFINITIONS)


def precision_item_schema() -> patchmeta.PatchMetaFromDefinitions:
    return patchmeta.from_definition("PrecisionItem", MERGE_ITEM_DEFINITIONS)


@functools.cache
def _all_cases() -> dict[str, list[dict[str, Any]]]:
    with open(TESTDATA / "strategicpatch_cases.yaml", encoding="utf-8") as stream:
        return yaml.safe_load(stream)  # type: ignore[no-any-return]


def cases(section: str) -> list[dict[str, Any]]:
    """The cases of one upstream table, by upstream's variable name without its suffix."""
    return _all_cases()[section]


def ids(table: list[dict[str, Any]]) -> list[str]:
    return [case["description"] for case in table]
