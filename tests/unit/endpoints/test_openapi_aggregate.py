"""Merging extension servers' Swagger documents (kube-openapi's aggregator as kube-aggregator uses it)."""

from __future__ import annotations

from typing import Any

from kapiserver.endpoints.openapi import aggregate


def ref(name: str) -> dict[str, str]:
    return {"$ref": "#/definitions/" + name}


def remote() -> dict[str, Any]:
    return {
        "swagger": "2.0",
        "paths": {
            "/apis/w.io/v1/things": {"get": {"responses": {"200": {"schema": ref("Things")}}}},
            "/apis/w.io/v1/": {"get": {"responses": {"200": {"schema": ref("Shared")}}}},
            "/version/": {"get": {"responses": {"200": {"schema": ref("Version")}}}},
            "/apis/other.io/v1/x": {"get": {"responses": {"200": {"schema": ref("Other")}}}},
        },
        "definitions": {
            "Things": {"type": "object", "properties": {"items": {"type": "array", "items": ref("Thing")}}},
            "Thing": {"type": "object", "properties": {"meta": ref("Shared")}},
            "Shared": {"type": "object", "description": "theirs"},
            "Version": {"type": "object"},
            "Other": {"type": "object"},
            "Unused": {"type": "string"},
        },
    }


def test_filter_keeps_the_group_version_and_what_it_uses() -> None:
    spec = remote()
    filtered = aggregate.filter_spec_by_paths(spec, ["/apis/w.io/v1/"])
    assert sorted(filtered["paths"]) == ["/apis/w.io/v1/", "/apis/w.io/v1/things"]
    # dropped: what only the dropped paths used; kept: what nothing used before either
    assert sorted(filtered["definitions"]) == ["Shared", "Thing", "Things", "Unused"]
    assert spec == remote()  # the input is unchanged


def test_merge_renames_conflicting_definitions_and_keeps_our_paths() -> None:
    ours = {"swagger": "2.0", "paths": {"/apis/w.io/v1/": {"get": {"operationId": "ours"}}},
            "definitions": {"Shared": {"type": "object", "description": "ours"}, "Thing": {"type": "object", "properties": {"meta": ref("Shared")}}},
            "parameters": {"p": {"name": "p", "in": "query"}}}
    theirs = aggregate.filter_spec_by_paths(remote(), ["/apis/w.io/v1/"])
    theirs["parameters"] = {"p": {"name": "p", "in": "query"}}
    merged = aggregate.merge_specs(ours, theirs)
    assert merged["paths"]["/apis/w.io/v1/"] == {"get": {"operationId": "ours"}}
    assert merged["definitions"]["Shared"]["description"] == "ours"
    assert merged["definitions"]["Shared_v2"]["description"] == "theirs"
    # Thing was equal to ours as sent, so it is shared (upstream judges conflicts in one pass)
    assert "Thing_v2" not in merged["definitions"]
    assert merged["definitions"]["Things"]["properties"]["items"]["items"] == ref("Thing")
    assert merged["parameters"] == {"p": {"name": "p", "in": "query"}}
    assert list(merged["paths"]) == sorted(merged["paths"])
    assert "Shared_v2" not in ours["definitions"]


def test_definitions_differing_only_in_kinds_are_shared() -> None:
    gvk = "x-kubernetes-group-version-kind"
    ours = {"paths": {}, "definitions": {"Status": {"type": "object", gvk: [{"group": "", "kind": "Status"}]}}}
    theirs = {"paths": {"/apis/w.io/v1/": {}},
              "definitions": {"Status": {"type": "object", gvk: [{"group": "w.io", "kind": "Status"}]}}}
    merged = aggregate.merge_specs(ours, theirs)
    assert merged["definitions"] == {"Status": {"type": "object", gvk: [{"group": "", "kind": "Status"},
                                                                       {"group": "w.io", "kind": "Status"}]}}
    assert ours["definitions"]["Status"][gvk] == [{"group": "", "kind": "Status"}]
