"""Which group versions and resources are served (upstream server/storage.ResourceConfig and
server/resourceconfig.MergeAPIResourceConfigs, driven by --runtime-config)."""

from __future__ import annotations

import re
from collections.abc import Mapping

_GA = re.compile(r"^v\d+$")
_BETA = re.compile(r"^v\d+beta\d+$")
_ALPHA = re.compile(r"^v\d+alpha\d+$")


def _truthy(value: str) -> bool:
    return value in ("1", "t", "T", "true", "TRUE", "True")


class ResourceConfig:
    """Stable versions are on by default; beta and alpha versions only when asked for."""

    def __init__(self, runtime_config: Mapping[str, str] | None = None,
                 default_on: frozenset[tuple[str, str]] = frozenset()):
        self._overrides = dict(runtime_config or {})
        self._default_on = default_on

    def version_enabled(self, group: str, version: str) -> bool:
        key = f"{group}/{version}" if group else version
        if key in self._overrides:
            return _truthy(self._overrides[key])
        if not group and f"api/{version}" in self._overrides:
            return _truthy(self._overrides[f"api/{version}"])
        for pattern, switch in ((_GA, "api/ga"), (_BETA, "api/beta"), (_ALPHA, "api/alpha")):
            if pattern.match(version) and switch in self._overrides:
                return _truthy(self._overrides[switch])
        if "api/all" in self._overrides:
            return _truthy(self._overrides["api/all"])
        if (group, version) in self._default_on:
            return True
        return bool(_GA.match(version))

    def resource_enabled(self, group: str, version: str, resource: str) -> bool:
        group_version = f"{group}/{version}" if group else version
        key = f"{group_version}/{resource}"
        if key in self._overrides:
            return _truthy(self._overrides[key])
        return self.version_enabled(group, version)
