"""Discovery of custom resources (upstream customresource_discovery_controller.go).

One CustomResourceGroupVersion per served version of a CRD group, built from every
established CRD of the group: its legacy APIResourceList and its aggregated (v2) entry are
upstream's, which differ from the built-in ones (verbs in upstream's fixed order, fewer
verbs while a CRD terminates, full response kinds in aggregated discovery). It is also an
InstalledGroupVersion whose `resources` hold every CRD's resources, so whatever walks the
served resources (namespace deletion, OpenAPI) sees custom resources as well. Versions are
sorted by kube-aware priority; CRD groups rank with upstream's group priority 1000.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from typing import Any

from kapiserver.apimachinery.types import Object
from kapiserver.endpoints.installer import InstalledGroupVersion

from . import helpers

GROUP_PRIORITY = 1000
VERSION_PRIORITY = 100
ALL_VERBS = ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"]
TERMINATING_VERBS = ["delete", "deletecollection", "get", "list", "watch"]
SUBRESOURCE_VERBS = ["get", "patch", "update"]


def storage_version_hash(group: str, version: str, kind: str) -> str:
    digest = hashlib.sha256(f"{group}/{version}/{kind}".encode()).digest()
    return base64.b64encode(digest[:8]).decode()


@dataclass(slots=True)
class CustomResourceGroupVersion(InstalledGroupVersion):
    listing: list[dict[str, Any]] = field(default_factory=list)
    aggregated: list[dict[str, Any]] = field(default_factory=list)
    # The OpenAPI web service of this group version (endpoints.openapi.model.WebService).
    openapi: Any = None

    def api_resource_list(self) -> dict[str, Any]:
        return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": f"{self.group}/{self.version}",
                "resources": self.listing}

    def aggregated_version(self) -> dict[str, Any]:
        return {"version": self.version, "resources": self.aggregated, "freshness": "Current"}

    def openapi_service(self) -> Any:
        return self.openapi


def _entries(crd: Object, version: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The legacy APIResources and the aggregated APIResourceDiscovery of one CRD at one version."""
    names = helpers.accepted_names(crd)
    group = helpers.group(crd)
    plural, kind = str(names.get("plural") or ""), str(names.get("kind") or "")
    namespaced = helpers.namespaced(crd)
    verbs = TERMINATING_VERBS if helpers.is_condition_true(crd, helpers.TERMINATING) else ALL_VERBS
    storage = next((str(v.get("name")) for v in helpers.versions(crd) if v.get("served") and v.get("storage")), None)
    resource: dict[str, Any] = {"name": plural, "singularName": names.get("singular") or "", "namespaced": namespaced,
                                "kind": kind, "verbs": list(verbs)}
    if names.get("shortNames"):
        resource["shortNames"] = list(names["shortNames"])
    if names.get("categories"):
        resource["categories"] = list(names["categories"])
    if storage is not None:
        resource["storageVersionHash"] = storage_version_hash(group, storage, str(helpers.names(crd).get("kind", "")))
    response_kind = {"group": group, "version": version, "kind": kind}
    aggregated: dict[str, Any] = {"resource": plural, "responseKind": response_kind,
                                  "scope": "Namespaced" if namespaced else "Cluster",
                                  "singularResource": names.get("singular") or "", "verbs": list(verbs)}
    if names.get("shortNames"):
        aggregated["shortNames"] = list(names["shortNames"])
    if names.get("categories"):
        aggregated["categories"] = list(names["categories"])
    listing = [resource]
    subs = []
    if helpers.has_status_subresource(crd, version):
        listing.append({"name": plural + "/status", "singularName": "", "namespaced": namespaced, "kind": kind,
                        "verbs": list(SUBRESOURCE_VERBS)})
        subs.append({"subresource": "status", "responseKind": dict(response_kind), "verbs": list(SUBRESOURCE_VERBS)})
    if helpers.scale_subresource(crd, version) is not None:
        listing.append({"name": plural + "/scale", "singularName": "", "namespaced": namespaced,
                        "group": "autoscaling", "version": "v1", "kind": "Scale", "verbs": list(SUBRESOURCE_VERBS)})
        subs.append({"subresource": "scale", "responseKind": {"group": "autoscaling", "version": "v1", "kind": "Scale"},
                     "verbs": list(SUBRESOURCE_VERBS)})
    if subs:
        aggregated["subresources"] = subs
    return listing, aggregated


def group_versions(group: str, crds: list[Object],
                   resources: dict[tuple[str, str], dict[str, Any]]) -> list[CustomResourceGroupVersion]:
    """The served versions of a CRD group, highest priority first ([] when none is served).

    `resources[(crd name, version)]` are the installed resources of that CRD at that version
    (from its serving info). The caller sets each version's `openapi` service."""
    established = sorted((c for c in crds if helpers.group(c) == group
                          and helpers.is_condition_true(c, helpers.ESTABLISHED)),
                         key=lambda c: str((c.get("metadata") or {}).get("name", "")))
    versions = helpers.sort_versions_by_priority(
        list(dict.fromkeys(v for c in established for v in helpers.served_versions(c))))
    out = []
    for version in versions:
        gv = CustomResourceGroupVersion(group, version)
        for crd in established:
            if version not in helpers.served_versions(crd):
                continue
            listing, aggregated = _entries(crd, version)
            gv.listing.extend(listing)
            gv.aggregated.append(aggregated)
            name = str((crd.get("metadata") or {}).get("name", ""))
            gv.resources.update(resources.get((name, version), {}))
        gv.aggregated.sort(key=lambda entry: entry["resource"])
        out.append(gv)
    return out
