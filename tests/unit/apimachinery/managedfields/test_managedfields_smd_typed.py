"""structured-merge-diff v6.3.0's typed test cases (typed/*_test.go), lifted as data into
smd_typed_cases.json: merge triplets, comparisons, field sets, removals and validation,
each over its own schema in smd's YAML schema format."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import pytest
import yaml

from kapiserver.apimachinery.managedfields import fieldpath, schema, typed
from kapiserver.apimachinery.managedfields.compare import compare
from kapiserver.apimachinery.managedfields.merge import merge, remove_items
from kapiserver.apimachinery.managedfields.value import MISSING

CASES = json.loads((pathlib.Path(__file__).parent / "smd_typed_cases.json").read_text())


def _load(text: str) -> Any:
    """An object as the tests write it (YAML; an empty document is no value). Go's YAML
    reader ignores what follows a complete flow document, which a few cases rely on."""
    if not text.strip():
        return None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return json.JSONDecoder().raw_decode(text)[0]


def _set(paths: list[list[Any]]) -> fieldpath.Set:
    out = fieldpath.Set()
    for path in paths:
        elements = []
        for part in path:
            if isinstance(part, str):
                elements.append(part)
            elif "k" in part:
                elements.append(fieldpath.key_element(part["k"].items()))
            elif "v" in part:
                elements.append(fieldpath.value_element(part["v"]))
            else:
                elements.append(fieldpath.index_element(part["i"]))
        out.insert(elements)
    return out


def _root(case: dict[str, Any]) -> schema.Atom:
    return schema.from_smd_yaml(case["schema"])[case["root"]]


def _cases(kind: str, items: str) -> list[Any]:
    return [
        pytest.param(case, i, item, id=f"{case['name']}-{i}")
        for case in CASES[kind]
        for i, item in enumerate(case[items])
    ]


@pytest.mark.parametrize("case,index,triplet", _cases("merge", "triplets"))
def test_merge(case: dict[str, Any], index: int, triplet: list[str]) -> None:
    atom = _root(case)
    lhs, rhs, out = (_load(t) for t in triplet)
    typed.validate(lhs, atom, allow_duplicates=True)
    typed.validate(rhs, atom)
    merged = merge(lhs, rhs, atom)
    assert merged == out


@pytest.mark.parametrize("case,index,quint", _cases("compare", "quints"))
def test_compare(case: dict[str, Any], index: int, quint: dict[str, Any]) -> None:
    atom = _root(case)
    lhs, rhs = _load(quint["lhs"]), _load(quint["rhs"])
    got = compare(lhs, rhs, atom)
    assert got.added == _set(quint["added"])
    assert got.modified == _set(quint["modified"])
    assert got.removed == _set(quint["removed"])
    back = compare(rhs, lhs, atom)
    assert back.modified == got.modified
    assert back.removed == got.added
    assert back.added == got.removed


@pytest.mark.parametrize("case,index,pair", _cases("toset", "pairs"))
def test_to_field_set(case: dict[str, Any], index: int, pair: list[Any]) -> None:
    atom = _root(case)
    obj = _load(pair[0])
    typed.validate(obj, atom, allow_duplicates=True)
    assert typed.to_field_set(obj, atom) == _set(pair[1])


@pytest.mark.parametrize("case,index,quad", _cases("remove", "quads"))
def test_remove(case: dict[str, Any], index: int, quad: list[Any]) -> None:
    atom = _root(case)
    obj, to_remove, removed = _load(quad[0]), _set(quad[1]), quad[2]
    if removed == "unparseable":
        pytest.skip("the case only checks extraction")
    assert remove_items(obj, to_remove, atom) == _load(removed)


@pytest.mark.parametrize("case", CASES["validate"], ids=lambda c: c["name"])
def test_validate(case: dict[str, Any]) -> None:
    atom = _root(case)
    for text in case["valid"]:
        typed.validate(_load(text), atom)
    for text in case["invalid"]:
        with pytest.raises(typed.ValidationError) as failure:
            typed.validate(_load(text), atom)
        assert "invalid atom" not in str(failure.value)
    for text in case["duplicates"]:
        with pytest.raises(typed.ValidationError):
            typed.validate(_load(text), atom)
        typed.validate(_load(text), atom, allow_duplicates=True)


def test_merge_of_nothing_is_an_error() -> None:
    with pytest.raises(typed.ValidationError):
        merge(MISSING, MISSING, schema.DEDUCED)
