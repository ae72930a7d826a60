"""Every upstream round-trip fixture: decode(.pb) == .json (keys in order too), encode(.json) == .pb.

The fixtures are upstream's fully populated objects in both encodings
(../shared/upstream/testdata-v1.35 beside the repository). They are read in place, never
copied into the project; without them these tests skip.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kapiserver.apimachinery import protobuf

REPO = Path(__file__).resolve().parents[4]
TESTDATA = REPO.parent / "shared" / "upstream" / "testdata-v1.35"


def _fixtures() -> list[object]:
    if not TESTDATA.is_dir():
        return [
            pytest.param(None, marks=pytest.mark.skip(reason=f"upstream fixtures not found at {TESTDATA}"))
        ]
    return sorted(p.name[: -len(".json")] for p in TESTDATA.glob("*.json"))


def _gvk(stem: str) -> tuple[str, str, str]:
    """'apps.v1.Deployment' -> ('apps', 'v1', 'Deployment'); 'core.v1.Pod' -> ('', 'v1', 'Pod')."""
    group, version, kind = stem.rsplit(".", 2)
    return ("" if group == "core" else group), version, kind


@pytest.mark.parametrize("stem", _fixtures())
def test_decode_matches_upstream_json(stem: str) -> None:
    expected = json.loads((TESTDATA / f"{stem}.json").read_text())
    # WatchEvent has no TypeMeta, so its envelope is empty and the kind must come from the caller.
    decoded = protobuf.decode_object((TESTDATA / f"{stem}.pb").read_bytes(), _gvk(stem))
    assert decoded == expected
    # encoding/json writes fields in struct order; so must we, at every level.
    assert json.dumps(decoded) == json.dumps(expected)


@pytest.mark.parametrize("stem", _fixtures())
def test_encode_matches_upstream_bytes(stem: str) -> None:
    obj = json.loads((TESTDATA / f"{stem}.json").read_text())
    assert protobuf.encode_object(obj, _gvk(stem)) == (TESTDATA / f"{stem}.pb").read_bytes()


@pytest.mark.parametrize("stem", _fixtures())
def test_fixture_kind_is_encodable(stem: str) -> None:
    assert protobuf.is_encodable(*_gvk(stem))


def test_every_fixture_kind_has_both_files() -> None:
    if not TESTDATA.is_dir():
        pytest.skip(f"upstream fixtures not found at {TESTDATA}")
    stems = {p.name[: -len(".json")] for p in TESTDATA.glob("*.json")}
    assert stems == {p.name[: -len(".pb")] for p in TESTDATA.glob("*.pb")}
    assert len(stems) > 150
