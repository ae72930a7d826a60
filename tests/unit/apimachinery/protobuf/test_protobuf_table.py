"""The schema table: lazily loaded, complete for built-in kinds, and in step with its generator."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kapiserver.apimachinery import protobuf
from kapiserver.apimachinery.protobuf import table

REPO = Path(__file__).resolve().parents[4]
UPSTREAM = REPO.parent / "shared" / "upstream" / "proto-v1.35"
GO_SOURCES = Path("/work/ref")


@pytest.mark.parametrize(
    ("group", "version", "kind", "expected"),
    [
        ("", "v1", "Pod", True),
        ("", "v1", "PodList", True),
        ("", "v1", "Status", True),
        ("", "v1", "APIResourceList", True),
        ("apps", "v1", "Deployment", True),
        ("apps", "v1", "DeleteOptions", True),  # registered in every group version
        ("batch", "v1", "WatchEvent", True),
        ("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", True),
        ("meta.k8s.io", "v1", "PartialObjectMetadataList", True),
        ("meta.k8s.io", "v1beta1", "PartialObjectMetadata", True),
        ("apidiscovery.k8s.io", "v2", "APIGroupDiscoveryList", True),
        ("meta.k8s.io", "v1", "Table", False),  # no protobuf message upstream either
        ("example.com", "v1", "Widget", False),  # custom resources are JSON only
        ("apps", "v1", "Pod", False),
        ("", "v2", "Pod", False),
    ],
)
def test_is_encodable(group: str, version: str, kind: str, expected: bool) -> None:
    assert protobuf.is_encodable(group, version, kind) is expected


def test_table_is_not_read_at_import() -> None:
    code = (
        "import kapiserver.apimachinery.protobuf as p, kapiserver.apimachinery.protobuf.table as t;"
        "assert t._raw is None and not t._compiled;"
        "p.is_encodable('', 'v1', 'Pod'); assert t._raw is not None"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_every_message_compiles() -> None:
    names = table.raw_table()["messages"]
    assert len(names) > 1000
    for name in names:
        assert table.message(name).name == name


def test_inline_and_order_facts() -> None:
    volume = table.message("core.v1.Volume")
    assert [f.inline for f in volume.fields] == [False, True]  # VolumeSource is json:",inline"
    status = table.message("apis.meta.v1.Status")
    assert [name for name, _, _ in status.order][-1] == "code"  # field 6, last in the Go struct
    assert (
        table.message("core.v1.Pod").has_type_meta
        and not table.message("apis.meta.v1.WatchEvent").has_type_meta
    )


@pytest.mark.skipif(
    not (UPSTREAM.is_dir() and GO_SOURCES.is_dir()), reason="upstream .proto files or Go sources absent"
)
def test_committed_table_matches_generator() -> None:
    subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "gen_protobuf_table.py"),
            "--check",
            "--proto",
            str(UPSTREAM),
        ],
        check=True,
        cwd=REPO,
    )
