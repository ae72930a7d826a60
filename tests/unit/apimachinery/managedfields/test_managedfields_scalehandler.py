"""managedFields across the scale subresource (upstream ScaleHandler's ToSubresource/ToParent rules)."""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery.managedfields.fieldpath import make_path
from kapiserver.apimachinery.managedfields.scalehandler import ScaleHandler

MAPPINGS: dict[str, Any] = {"apps/v1": make_path("spec", "replicas"), "apps/v1beta2": make_path("spec", "replicas")}
REPLICAS = {"f:spec": {"f:replicas": {}}}
OTHER = {"f:spec": {"f:another-field": {}}}
BOTH = {"f:spec": {"f:replicas": {}, "f:another-field": {}}}
TIME = "2013-02-03T00:00:00Z"


def entry(manager: str, operation: str, api_version: str, fields: dict[str, Any], time: str | None = None,
          subresource: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"manager": manager, "operation": operation, "apiVersion": api_version}
    if time:
        out["time"] = time
    out.update({"fieldsType": "FieldsV1", "fieldsV1": fields})
    if subresource:
        out["subresource"] = subresource
    return out


def test_to_subresource_keeps_only_replicas_owners_as_autoscaling_v1() -> None:
    parent = [entry("manager-1", "Apply", "apps/v1", OTHER), entry("manager-2", "Apply", "apps/v1", REPLICAS, TIME)]
    assert ScaleHandler(parent, "apps/v1", MAPPINGS).to_subresource() == [
        entry("manager-2", "Apply", "autoscaling/v1", REPLICAS, TIME)]


def test_to_subresource_drops_unknown_versions_and_keeps_update_managers() -> None:
    parent = [entry("a", "Update", "apps/v1", BOTH, TIME), entry("b", "Update", "extensions/v1beta1", REPLICAS)]
    assert ScaleHandler(parent, "apps/v1", MAPPINGS).to_subresource() == [
        entry("a", "Update", "autoscaling/v1", REPLICAS, TIME)]


def test_to_subresource_of_nothing() -> None:
    assert ScaleHandler(None, "apps/v1", MAPPINGS).to_subresource() is None


def test_to_parent_keeps_owners_the_scale_still_lists() -> None:
    parent = [entry("m", "Apply", "apps/v1", BOTH, TIME)]
    handler = ScaleHandler(parent, "apps/v1", MAPPINGS)
    assert handler.to_parent(handler.to_subresource()) == parent


def test_to_parent_steals_replicas_from_a_manager_the_scale_dropped() -> None:
    parent = [entry("m", "Apply", "apps/v1", BOTH, TIME), entry("n", "Update", "apps/v1", REPLICAS, TIME)]
    scale = [entry("kubectl", "Update", "autoscaling/v1", REPLICAS, TIME, "scale")]
    assert ScaleHandler(parent, "apps/v1", MAPPINGS).to_parent(scale) == [
        entry("m", "Apply", "apps/v1", OTHER, TIME),
        entry("kubectl", "Update", "apps/v1", REPLICAS, subresource="scale"),
    ]


def test_to_parent_records_a_new_owner_at_the_request_version() -> None:
    scale = [entry("hpa", "Apply", "autoscaling/v1", REPLICAS, TIME, "scale")]
    assert ScaleHandler([], "apps/v1beta2", MAPPINGS).to_parent(scale) == [
        entry("hpa", "Apply", "apps/v1beta2", REPLICAS, subresource="scale")]


def test_to_parent_ignores_scale_entries_without_replicas_and_unmapped_parents() -> None:
    parent = [entry("old", "Update", "extensions/v1beta1", REPLICAS, TIME), entry("m", "Update", "apps/v1", OTHER, TIME)]
    scale = [entry("x", "Update", "autoscaling/v1", {"f:metadata": {"f:labels": {}}}, TIME, "scale")]
    assert ScaleHandler(parent, "apps/v1", MAPPINGS).to_parent(scale) == [entry("m", "Update", "apps/v1", OTHER, TIME)]


def test_to_parent_keeps_entries_of_versions_without_a_replicas_path() -> None:
    mappings: dict[str, Any] = {"example.com/v1": make_path("spec", "replicas"), "example.com/v2": None}
    parent = [entry("m", "Update", "example.com/v2", REPLICAS, TIME)]
    assert ScaleHandler(parent, "example.com/v1", mappings).to_parent([]) == parent
