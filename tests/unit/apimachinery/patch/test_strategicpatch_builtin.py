"""Strategic merge patch on real built-in types (Pod, Deployment, Service, ConfigMap, Node).

Expected results were produced by upstream's engine (see testdata/strategicpatch_builtin.yaml),
so these check the whole chain: patch metadata read from the v1.35 OpenAPI definitions,
every directive, list ordering, and the exact error texts.
"""

from __future__ import annotations

import pathlib
from typing import Any

import pytest
import yaml

from kapiserver.apimachinery import definitions
from kapiserver.apimachinery.patch import patchmeta, strategic
from kapiserver.apimachinery.patch.strategic_errors import MergePatchError

DATA = yaml.safe_load(
    (pathlib.Path(__file__).parent / "testdata" / "strategicpatch_builtin.yaml").read_text()
)


def definition_of(obj: dict[str, Any]) -> str:
    group, _, version = obj["apiVersion"].rpartition("/")
    name = definitions.name_for(group, version, obj["kind"])
    assert name is not None
    return name


@pytest.mark.parametrize("case", DATA["cases"], ids=[c["name"] for c in DATA["cases"]])
def test_builtin_strategic_merge_patch(case: dict[str, Any]) -> None:
    original = DATA[case["object"]]
    name = definition_of(original)
    if "error" in case:
        with pytest.raises(MergePatchError) as raised:
            strategic.apply_strategic_merge_patch(original, case["patch"], name)
        assert str(raised.value) == case["error"]
    else:
        assert strategic.apply_strategic_merge_patch(original, case["patch"], name) == case["result"]


def test_arguments_are_not_modified() -> None:
    original = DATA["pod"]
    before = yaml.safe_dump(original)
    patch = {
        "spec": {
            "containers": [{"name": "sidecar", "$patch": "delete"}],
            "$setElementOrder/containers": [{"name": "app"}],
        }
    }
    strategic.apply_strategic_merge_patch(original, patch, "io.k8s.api.core.v1.Pod")
    assert yaml.safe_dump(original) == before
    assert patch["spec"]["containers"] == [{"name": "sidecar", "$patch": "delete"}]


def test_merge_keys_and_strategies_come_from_the_definitions() -> None:
    pod_spec, _ = patchmeta.from_definition("io.k8s.api.core.v1.Pod").lookup_patch_metadata_for_struct("spec")
    container, meta = pod_spec.lookup_patch_metadata_for_slice("containers")
    assert meta == patchmeta.PatchMeta(("merge",), "name")
    assert container.lookup_patch_metadata_for_slice("ports")[1] == patchmeta.PatchMeta(
        ("merge",), "containerPort"
    )
    assert pod_spec.lookup_patch_metadata_for_slice("volumes")[1] == patchmeta.PatchMeta(
        ("merge", "retainKeys"), "name"
    )
    assert pod_spec.lookup_patch_metadata_for_slice("tolerations")[1] == patchmeta.PatchMeta()
    assert container.name() == "struct"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (
            ("spec", "nodeSelector", "disk"),
            "merging an object in json but data type is not struct, instead is: map",
        ),
        (("spec", "nosuch"), 'unable to find api field in struct PodSpec for the json field "nosuch"'),
        (
            ("spec", "hostname", "x"),
            "merging an object in json but data type is not struct, instead is: string",
        ),
    ],
)
def test_struct_lookup_errors(path: tuple[str, ...], message: str) -> None:
    schema: Any = patchmeta.from_definition("io.k8s.api.core.v1.Pod")
    with pytest.raises(MergePatchError) as raised:
        for key in path:
            schema, _ = schema.lookup_patch_metadata_for_struct(key)
    assert str(raised.value) == message


def test_list_lookup_of_a_non_list_field() -> None:
    pod = patchmeta.from_definition("io.k8s.api.core.v1.Pod")
    spec, _ = pod.lookup_patch_metadata_for_struct("spec")
    with pytest.raises(MergePatchError, match="^expected slice or array type, but got: struct$"):
        spec.lookup_patch_metadata_for_slice("nodeSelector")
    # A field referring to a struct is taken to be a pointer, which Go looks through.
    security_context, meta = spec.lookup_patch_metadata_for_slice("securityContext")
    assert security_context.name() == "struct" and meta == patchmeta.PatchMeta()


def test_merging_into_a_map_of_objects_fails_as_upstream() -> None:
    crd = {"spec": {"validation": {"openAPIV3Schema": {"properties": {"spec": {"type": "object"}}}}}}
    props = patchmeta.from_definition(
        "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps"
    )
    with pytest.raises(MergePatchError, match="data type is not struct, instead is: map"):
        strategic.strategic_merge_map_patch(
            crd["spec"]["validation"]["openAPIV3Schema"], {"properties": {"spec": {"type": "string"}}}, props
        )


def test_unknown_definition() -> None:
    with pytest.raises(KeyError):
        strategic.apply_strategic_merge_patch({}, {}, "io.k8s.api.core.v1.NoSuchKind")
