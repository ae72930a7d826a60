"""APIService helpers (upstream kube-aggregator apis/apiregistration helpers and v1/helper).

APIServices are plain dicts as stored. A missing `spec.service` (or null) means a local
APIService: its group version is served by the delegate chain of this process.
"""

from __future__ import annotations

import functools
from typing import Any

from kapiserver.apimachinery import meta, timefmt
from kapiserver.apimachinery.types import Object
from kapiserver.apimachinery.version import compare_kube_aware_version_strings

GROUP = "apiregistration.k8s.io"
AVAILABLE = "Available"
# The fixed name of the only APIService without a group (the legacy /api).
LEGACY_API_SERVICE_NAME = "v1."
AUTOMANAGED_LABEL = "kube-aggregator.kubernetes.io/automanaged"
MANAGE_ON_START = "onstart"
MANAGE_CONTINUOUSLY = "true"


def spec(api_service: Object) -> dict[str, Any]:
    value = api_service.get("spec")
    return value if isinstance(value, dict) else {}


def service_ref(api_service: Object) -> dict[str, Any] | None:
    """spec.service, or None for a local APIService."""
    value = spec(api_service).get("service")
    return value if isinstance(value, dict) else None


def is_local(api_service: Object) -> bool:
    return service_ref(api_service) is None


def service_port(ref: dict[str, Any]) -> int:
    """The port of a service reference; 443 when unset (upstream defaulting)."""
    port = ref.get("port")
    return int(port) if isinstance(port, int) else 443


def group_version(api_service: Object) -> tuple[str, str]:
    s = spec(api_service)
    return str(s.get("group") or ""), str(s.get("version") or "")


def name_to_group_version(name: str) -> tuple[str, str]:
    """upstream APIServiceNameToGroupVersion: "v1.apps" -> ("apps", "v1"), "v1." -> ("", "v1")."""
    version, _, group = name.partition(".")
    return group, version


def api_service_name(group: str, version: str) -> str:
    return f"{version}.{group}"


def proxy_path(name: str, group: str, version: str) -> str:
    """The path prefix an APIService serves: /api for "v1.", else /apis/<group>/<version>."""
    return "/api" if name == LEGACY_API_SERVICE_NAME else f"/apis/{group}/{version}"


# -- conditions ---------------------------------------------------------------------------


def conditions(api_service: Object) -> list[dict[str, Any]]:
    status = api_service.get("status")
    found = status.get("conditions") if isinstance(status, dict) else None
    return [c for c in found if isinstance(c, dict)] if isinstance(found, list) else []


def get_condition(api_service: Object, kind: str) -> dict[str, Any] | None:
    return next((c for c in conditions(api_service) if c.get("type") == kind), None)


def is_condition_true(api_service: Object, kind: str = AVAILABLE) -> bool:
    condition = get_condition(api_service, kind)
    return condition is not None and condition.get("status") == "True"


def local_available_condition() -> dict[str, Any]:
    """upstream NewLocalAvailableAPIServiceCondition."""
    return {"type": AVAILABLE, "status": "True", "lastTransitionTime": timefmt.now_rfc3339(), "reason": "Local",
            "message": "Local APIServices are always available"}


def set_condition(api_service: Object, new: dict[str, Any]) -> None:
    """upstream SetAPIServiceCondition: the transition time moves only when the status changes.
    Mutates `api_service` (the caller's private copy)."""
    status = api_service.get("status")
    if not isinstance(status, dict):
        status = api_service["status"] = {}
    found = status.get("conditions")
    if not isinstance(found, list):
        found = status["conditions"] = []
    existing = next((c for c in found if isinstance(c, dict) and c.get("type") == new.get("type")), None)
    if existing is None:
        found.append(dict(new))
        return
    if existing.get("status") != new.get("status"):
        existing["status"] = new.get("status")
        existing["lastTransitionTime"] = new.get("lastTransitionTime")
    for key in ("reason", "message"):
        if new.get(key):
            existing[key] = new[key]
        else:
            existing.pop(key, None)


# -- ordering -----------------------------------------------------------------------------


def _priorities(api_service: Object) -> tuple[int, int]:
    s = spec(api_service)
    return int(s.get("groupPriorityMinimum") or 0), int(s.get("versionPriority") or 0)


def _by_version_priority(a: Object, b: Object) -> int:
    pa, pb = _priorities(a)[1], _priorities(b)[1]
    if pa != pb:
        return pb - pa
    return compare_kube_aware_version_strings(group_version(b)[1], group_version(a)[1])


def sorted_by_group_and_version(api_services: list[Object]) -> list[list[Object]]:
    """upstream SortedByGroupAndVersion: groups by their highest groupPriorityMinimum (then the
    APIService name), each group's APIServices by versionPriority (then kube-aware version order)."""
    ordered = sorted(api_services, key=lambda s: (-_priorities(s)[0], meta.name(s)))
    groups: dict[str, list[Object]] = {}
    for api_service in ordered:
        groups.setdefault(group_version(api_service)[0], []).append(api_service)
    return [sorted(members, key=functools.cmp_to_key(_by_version_priority)) for members in groups.values()]
