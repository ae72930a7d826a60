"""The pieces around CRD validation: version ordering, conditions, the internal (hoisted)
shape, Go-struct rendering, naming conflicts, discovery entries and published schemas."""

from __future__ import annotations

import copy
from typing import Any

from kapiserver.apiextensions import discovery, gostruct, helpers, internal, openapi
from kapiserver.apiextensions.controllers import apiapproval, naming


def test_kube_aware_version_order() -> None:
    assert helpers.sort_versions_by_priority(["v1alpha1", "foo", "v2", "v1", "v1beta2", "v1beta1", "bar"]) == \
        ["v2", "v1", "v1beta2", "v1beta1", "v1alpha1", "bar", "foo"]


def test_set_condition_moves_the_time_only_on_a_status_change() -> None:
    crd: dict[str, Any] = {"status": {"conditions": None}}
    helpers.set_condition(crd, helpers.condition("Established", "False", "Installing", "x"))
    (cond,) = crd["status"]["conditions"]
    cond["lastTransitionTime"] = "2000-01-01T00:00:00Z"
    helpers.set_condition(crd, helpers.condition("Established", "False", "Other", "y"))
    assert cond["lastTransitionTime"] == "2000-01-01T00:00:00Z" and cond["reason"] == "Other"
    helpers.set_condition(crd, helpers.condition("Established", "True", "Done", "z"))
    assert cond["lastTransitionTime"] != "2000-01-01T00:00:00Z"


def test_internal_spec_hoists_identical_per_version_fields() -> None:
    schema = {"openAPIV3Schema": {"type": "object"}}
    spec = {"versions": [{"name": "v1", "schema": schema, "subresources": {"status": {}}},
                         {"name": "v2", "schema": copy.deepcopy(schema), "subresources": {"status": {}, "scale": {}}}],
            "conversion": {"strategy": "Webhook", "webhook": {"conversionReviewVersions": ["v1"],
                                                              "clientConfig": {"url": "https://x"}}}}
    out = internal.internal_spec(spec)
    assert out["version"] == "v1" and out["validation"] == schema
    assert "schema" not in out["versions"][0] and "subresources" in out["versions"][0]
    assert out["conversion"] == {"strategy": "Webhook", "conversionReviewVersions": ["v1"],
                                 "webhookClientConfig": {"url": "https://x"}}
    assert spec["versions"][0]["schema"] is schema  # the caller's dicts are untouched


def test_semantic_equality_is_gos() -> None:
    assert internal.semantic({"a": [], "b": None, "c": 0, "d": ""}) == internal.semantic({})
    assert internal.semantic({"status": {}}) != internal.semantic({})
    assert internal.semantic({"default": 0}) != internal.semantic({})


def test_go_struct_schema_rendering() -> None:
    rendered = gostruct.schema({"type": "number", "maximum": 2.0, "enum": [1.0, "a"],
                                "properties": {"b": {}, "a": {"type": "string"}}})
    assert rendered["Maximum"] == 2 and rendered["Enum"] == [1, "a"]
    assert list(rendered["Properties"]) == ["a", "b"]
    assert rendered["XPreserveUnknownFields"] is None and rendered["XIntOrString"] is False


def _crd(name: str, plural: str, kind: str, accepted: dict[str, Any] | None = None, **names: Any) -> dict[str, Any]:
    return {"metadata": {"name": f"{plural}.example.com", "uid": name},
            "spec": {"group": "example.com", "names": {"plural": plural, "singular": plural[:-1], "kind": kind,
                                                         "listKind": kind + "List", **names}},
            "status": {"acceptedNames": accepted or {"plural": "", "kind": ""}}}


def test_naming_conflicts() -> None:
    first = _crd("a", "widgets", "Widget", shortNames=["w"])
    first["status"]["acceptedNames"] = copy.deepcopy(first["spec"]["names"])
    second = _crd("b", "gadgets", "Widget", shortNames=["w", "g"])
    names, accepted, established = naming.calculate(second, [first, second])
    # upstream checks plural, singular, short names, kind, listKind in turn: the last conflict is reported
    assert accepted == {"type": "NamesAccepted", "status": "False", "reason": "ListKindConflict",
                        "message": '"WidgetList" is already in use'}
    assert established["reason"] == "NotAccepted"
    assert names["plural"] == "gadgets" and "shortNames" not in names
    third = _crd("c", "things", "Thing")
    names, accepted, established = naming.calculate(third, [first, third])
    assert accepted["reason"] == "NoConflicts" and established["reason"] == "Installing"
    assert list(names) == ["plural", "singular", "kind", "listKind"]


def test_api_approval_condition() -> None:
    crd = {"metadata": {"annotations": {"api-approved.kubernetes.io": "https://github.com/kubernetes/x/1"}},
           "spec": {"group": "a.k8s.io"}}
    assert apiapproval.calculate_condition(crd)["reason"] == "ApprovedAnnotation"  # type: ignore[index]
    assert apiapproval.calculate_condition({"spec": {"group": "example.com"}}) is None


def _served(version: str = "v1", **extra: Any) -> dict[str, Any]:
    crd = _crd("u", "widgets", "Widget", shortNames=["w"], categories=["all"])
    crd["status"]["acceptedNames"] = copy.deepcopy(crd["spec"]["names"])
    crd["status"]["conditions"] = [{"type": "Established", "status": "True"}]
    crd["spec"]["scope"] = "Namespaced"
    crd["spec"]["versions"] = [{"name": version, "served": True, "storage": True,
                                "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields":
                                                                   True}},
                                "subresources": {"status": {}, "scale": {"specReplicasPath": ".spec.r",
                                                                         "statusReplicasPath": ".status.r"}}, **extra}]
    return crd


def test_discovery_entries() -> None:
    (gv,) = discovery.group_versions("example.com", [_served()], {})
    listing = gv.api_resource_list()["resources"]
    assert [r["name"] for r in listing] == ["widgets", "widgets/status", "widgets/scale"]
    assert listing[0]["verbs"] == ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"]
    assert listing[0]["storageVersionHash"] == discovery.storage_version_hash("example.com", "v1", "Widget")
    assert listing[2]["group"] == "autoscaling" and listing[2]["kind"] == "Scale"
    (entry,) = gv.aggregated_version()["resources"]
    assert entry["responseKind"] == {"group": "example.com", "version": "v1", "kind": "Widget"}
    assert [s["subresource"] for s in entry["subresources"]] == ["status", "scale"]
    terminating = _served()
    terminating["status"]["conditions"].append({"type": "Terminating", "status": "True"})
    (gv,) = discovery.group_versions("example.com", [terminating], {})
    assert gv.api_resource_list()["resources"][0]["verbs"] == ["delete", "deletecollection", "get", "list", "watch"]


def test_published_schemas() -> None:
    schema = {"type": "object", "properties": {
        "port": {"x-kubernetes-int-or-string": True},
        "maybe": {"type": "string", "nullable": True},
        "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": True, "properties": {"a": {"type": "string"}}},
        "one": {"type": "string", "oneOf": [{"pattern": "a"}]},
        "ex": {"type": "string", "example": "dropped"}}}
    v3 = openapi.publish(schema, v2=False)["properties"]
    assert v3["port"]["anyOf"] == [{"type": "integer"}, {"type": "string"}]
    assert v3["maybe"] == {"type": "string", "nullable": True} and "example" not in v3["ex"]
    v2 = openapi.publish(schema, v2=True)["properties"]
    assert v2["port"] == {"x-kubernetes-int-or-string": True}
    assert v2["maybe"] == {} and v2["free"] == {"x-kubernetes-preserve-unknown-fields": True}
    assert v2["one"] == {"type": "string"}


def test_group_version_service() -> None:
    crd = _served()
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"] = {"type": "object"}
    service = openapi.group_version_service("example.com", "v1", [crd])
    assert service is not None and service.key == "apis/example.com/v1"
    operations = {(r.method, r.path): r.operation for r in service.routes}
    assert operations[("GET", "/apis/example.com/v1/widgets")] == "listWidgetForAllNamespaces"
    assert operations[("PUT", "/apis/example.com/v1/namespaces/{namespace}/widgets/{name}/scale")] == \
        "replaceNamespacedWidgetScale"
    kind = service.definitions["com.example.v1.Widget"]
    assert kind["x-kubernetes-group-version-kind"] == [{"group": "example.com", "kind": "Widget", "version": "v1"}]
    assert kind["properties"]["metadata"]["$ref"] == "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
    assert service.definitions_v3["com.example.v1.Widget"]["properties"]["metadata"]["allOf"] == [
        {"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}]
    assert service.definitions["com.example.v1.WidgetList"]["required"] == ["items"]
