"""Ordering: kube-aware versions, APIServices by priority, and the DiscoveryRegistry's /apis orders."""

from __future__ import annotations

from typing import Any

from kapiserver.aggregator import helpers, priorities
from kapiserver.apimachinery.version import by_preference, compare_kube_aware_version_strings
from kapiserver.endpoints.discovery import DiscoveryRegistry, RemoteVersion
from kapiserver.endpoints.installer import InstalledGroupVersion


def test_kube_aware_version_order() -> None:
    # upstream's example in the APIServiceSpec documentation
    assert by_preference(["foo10", "v1", "v11beta2", "v3beta1", "v12alpha1", "v10", "foo1", "v10beta3", "v2",
                          "v11alpha2"]) == ["v10", "v2", "v1", "v11beta2", "v10beta3", "v3beta1", "v12alpha1",
                                            "v11alpha2", "foo1", "foo10"]
    assert compare_kube_aware_version_strings("v1", "v1") == 0
    assert compare_kube_aware_version_strings("v1", "v1beta1") > 0
    assert compare_kube_aware_version_strings("abc", "v1") < 0


def api_service(group: str, version: str, gpm: int, vp: int) -> dict[str, Any]:
    return {"metadata": {"name": f"{version}.{group}"},
            "spec": {"group": group, "version": version, "groupPriorityMinimum": gpm, "versionPriority": vp}}


def test_sorted_by_group_and_version() -> None:
    services = [api_service("b.io", "v1", 100, 10), api_service("a.io", "v1", 100, 10),
                api_service("b.io", "v2", 50, 20), api_service("c.io", "v1beta1", 300, 5),
                api_service("c.io", "v1", 10, 5)]
    groups = helpers.sorted_by_group_and_version(services)
    assert [[s["metadata"]["name"] for s in g] for g in groups] == [
        ["v1.c.io", "v1beta1.c.io"], ["v1.a.io"], ["v2.b.io", "v1.b.io"]]


def test_set_condition_moves_transition_time_only_on_change() -> None:
    obj: dict[str, Any] = {}
    helpers.set_condition(obj, {"type": "Available", "status": "False", "lastTransitionTime": "t1",
                                "reason": "X", "message": "m"})
    helpers.set_condition(obj, {"type": "Available", "status": "False", "lastTransitionTime": "t2", "reason": "Y"})
    assert obj["status"]["conditions"] == [{"type": "Available", "status": "False", "lastTransitionTime": "t1",
                                            "reason": "Y"}]
    helpers.set_condition(obj, {"type": "Available", "status": "True", "lastTransitionTime": "t3"})
    assert obj["status"]["conditions"][0]["lastTransitionTime"] == "t3"
    assert helpers.name_to_group_version("v1.") == ("", "v1")
    assert helpers.name_to_group_version("v1beta1.apps") == ("apps", "v1beta1")


def _registry(groups: dict[str, list[str]]) -> DiscoveryRegistry:
    registry = DiscoveryRegistry()
    for group, versions in groups.items():
        registry.add_group(group, [InstalledGroupVersion(group, v) for v in versions])
    return registry


def test_builtin_groups_follow_upstream_priorities() -> None:
    registry = _registry({"": ["v1"], "storage.k8s.io": ["v1", "v1beta1"], "apps": ["v1"],
                          "coordination.k8s.io": ["v1alpha2", "v1"], "admissionregistration.k8s.io": ["v1"],
                          "apiextensions.k8s.io": ["v1"], "discovery.k8s.io": ["v1"], "resource.k8s.io": ["v1"],
                          "apiregistration.k8s.io": ["v1"]})
    registry.set_version_priorities(priorities.API_VERSION_PRIORITIES)
    registry.set_version_priorities({("apiregistration.k8s.io", "v1"): priorities.APIREGISTRATION_PRIORITY})
    names = [g["name"] for g in registry.api_group_list()["groups"]]
    assert names == ["apiregistration.k8s.io", "apps", "storage.k8s.io", "admissionregistration.k8s.io",
                     "apiextensions.k8s.io", "coordination.k8s.io", "discovery.k8s.io", "resource.k8s.io"]
    coordination = registry.api_group("coordination.k8s.io")
    assert coordination is not None and coordination["preferredVersion"]["version"] == "v1"
    assert [v["version"] for v in coordination["versions"]] == ["v1", "v1alpha2"]


def test_legacy_and_aggregated_tie_breaks_differ_as_upstream() -> None:
    """/apis breaks ties by APIService name ("version.group"), aggregated discovery by group name."""
    registry = _registry({"zeta.io": ["v1"], "alpha.io": ["v2"]})
    registry.set_version_priorities({("zeta.io", "v1"): (1000, 100), ("alpha.io", "v2"): (1000, 100)})
    assert [g["name"] for g in registry.api_group_list()["groups"]] == ["zeta.io", "alpha.io"]
    import orjson

    body = orjson.loads(registry.aggregated(False)[0])
    assert [g["metadata"]["name"] for g in body["items"]] == ["alpha.io", "zeta.io"]


def test_remote_versions_join_discovery_and_shadow_local_ones() -> None:
    registry = _registry({"wardle.example.com": ["v1"]})
    registry.set_remote_version(RemoteVersion("wardle.example.com", "v1alpha1", [{"resource": "flunders"}]))
    registry.set_remote_version(RemoteVersion("wardle.example.com", "v1", [], fresh=False))
    registry.set_remote_version(RemoteVersion("remote.io", "v1", []))
    assert registry.has_group("remote.io") and registry.api_group("remote.io") is not None
    group = registry.api_group("wardle.example.com")
    assert group is not None and [v["version"] for v in group["versions"]] == ["v1", "v1alpha1"]
    assert registry.installed_versions() == []
    assert [v.version for v in registry.installed_versions(include_shadowed=True)] == ["v1"]
    import orjson

    items = {g["metadata"]["name"]: g for g in orjson.loads(registry.aggregated(False)[0])["items"]}
    versions = {v["version"]: v for v in items["wardle.example.com"]["versions"]}
    assert versions["v1"]["freshness"] == "Stale" and versions["v1alpha1"]["resources"] == [{"resource": "flunders"}]
    registry.remove_remote_version("remote.io", "v1")
    assert not registry.has_group("remote.io")
