"""structured-merge-diff v6.3.0's merge state cases (merge/*_test.go run with one version and
no conversion), lifted as data into smd_merge_cases.json: a sequence of applies, forced
applies and updates by named managers, then the expected object, the expected ownership
and, for applies that must conflict, the expected conflicts."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import pytest
import yaml

from kapiserver.apimachinery.managedfields import fieldpath, schema, typed
from kapiserver.apimachinery.managedfields.typed import TypedValue
from kapiserver.apimachinery.managedfields.updater import Conflicts, Updater, VersionedSet

CASES = json.loads((pathlib.Path(__file__).parent / "smd_merge_cases.json").read_text())
EXPECT_FAILURE = ("TestDefaultKeysFlatErrors/",)


class _SameVersion:
    def convert(self, tv: TypedValue, version: str) -> TypedValue:
        return tv


def _set(spec: dict[str, Any]) -> fieldpath.Set:
    out = fieldpath.Set()
    for path in spec["set"]:
        elements = []
        for part in path:
            if isinstance(part, str):
                elements.append(part)
            elif isinstance(part, int):
                elements.append(fieldpath.index_element(part))
            elif "k" in part:
                elements.append(fieldpath.key_element(part["k"].items()))
            else:
                elements.append(fieldpath.value_element(part["v"]))
        out.insert(elements)
    return out


def _atom(case: dict[str, Any], version: str) -> schema.Atom:
    parser = case["parser"]
    if parser["schema"] is None:
        return schema.DEDUCED
    return schema.from_smd_yaml(parser["schema"])[parser["root"] or version]


def _load(text: str) -> Any:
    return yaml.safe_load(text) if text and text.strip() else None


def _ignored(case: dict[str, Any]) -> dict[str, fieldpath.Set] | None:
    spec = case.get("IgnoreFilter") or case.get("IgnoredFields")
    if spec is None:
        return None
    return {version: _set(f.get("exclude", f)) for version, f in spec.items()}


def _run(case: dict[str, Any]) -> tuple[Any, dict[str, VersionedSet]]:
    updater = Updater(_SameVersion(), _ignored(case))
    live: Any = None
    managers: dict[str, VersionedSet] = {}
    for op in case["Ops"]:
        version = op["APIVersion"]
        atom = _atom(case, version)
        obj = _load(op["Object"])
        if op["op"] == "Update":
            typed.validate(obj, atom, allow_duplicates=True)
            managers = updater.update(
                TypedValue(live, atom), TypedValue(obj, atom), version, managers, op["Manager"]
            )
            live = obj
            continue
        typed.validate(obj, atom)
        force = op["op"] == "ForceApply"
        expected = op.get("Conflicts")
        try:
            new, managers = updater.apply(
                TypedValue(live, atom), TypedValue(obj, atom), version, managers, op["Manager"], force
            )
        except Conflicts as conflicts:
            if expected is None:
                raise
            got = {(c.manager, fieldpath.path_string(c.path)) for c in conflicts.conflicts}
            want = {
                (c["Manager"], fieldpath.path_string(_set({"set": [c["Path"]]}).iterate().__next__()))
                for c in expected
            }
            assert got == want
            continue
        assert not expected, f"expected conflicts {expected}"
        if new is not None:
            live = new.value
    return live, managers


def _params() -> list[Any]:
    out = []
    for case in CASES:
        marks = []
        if any(op["op"] == "ExtractApply" for op in case["Ops"]):
            marks.append(pytest.mark.skip(reason="ExtractApply is client-side (apply configurations)"))
        out.append(pytest.param(case, id=case["name"], marks=marks))
    return out


@pytest.mark.parametrize("case", _params())
def test_merge_state(case: dict[str, Any]) -> None:
    if case["name"].startswith(EXPECT_FAILURE):
        with pytest.raises((typed.ValidationError, ValueError)):
            _run(case)
        return
    live, managers = _run(case)
    if case.get("Object"):
        assert live == _load(case["Object"])
    for manager, vs in managers.items():
        assert not vs.set.empty(), f"{manager} owns an empty set"
    if case.get("Managed") is not None:
        managed = case["Managed"] or {}  # an empty Go map literal reads as a list
        want = {m: (_set(spec["vs"][0]), spec["vs"][1]) for m, spec in managed.items()}
        want = {m: v for m, v in want.items() if not v[0].empty()}
        got = {m: (vs.set, vs.api_version) for m, vs in managers.items()}
        assert got.keys() == want.keys()
        for manager, (fieldset, version) in want.items():
            assert got[manager][1] == version
            assert got[manager][0] == fieldset, f"{manager}: got {got[manager][0]} want {fieldset}"
