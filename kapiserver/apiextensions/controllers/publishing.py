"""Discovery and OpenAPI of custom resources (upstream DiscoveryController and the openapi /
openapiv3 controllers).

Any change to a CRD re-publishes its group: the group versions served by the group's
established CRDs go into the shared DiscoveryRegistry (legacy and aggregated discovery,
and through it the OpenAPI documents, each group version carrying its web service), or the
group leaves it when none is left. A group a built-in server already publishes is left
alone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from kapiserver.apimachinery import meta
from kapiserver.apimachinery.types import Object
from kapiserver.endpoints.discovery import DiscoveryRegistry

from .. import discovery, helpers, openapi
from .informer import CRDInformer
from .workqueue import WorkQueue

log = logging.getLogger(__name__)

# crd -> {version: {path: InstalledResource}} of its served versions (raises if it cannot be served)
ResourcesFor = Callable[[Object], dict[str, dict[str, Any]]]


class PublishingController:
    def __init__(self, informer: CRDInformer, registry: DiscoveryRegistry, resources_for: ResourcesFor):
        self._informer = informer
        self._registry = registry
        self._resources_for = resources_for
        self.published: set[str] = set()
        self.queue = WorkQueue("discovery", self.sync)
        informer.handlers.append(self)

    def on_add(self, crd: Object) -> None:
        self.queue.add(helpers.group(crd))

    def on_update(self, old: Object, new: Object) -> None:
        self.queue.add(helpers.group(new))
        if helpers.group(old) != helpers.group(new):
            self.queue.add(helpers.group(old))

    def on_delete(self, crd: Object) -> None:
        self.queue.add(helpers.group(crd))

    async def sync(self, group: str) -> None:
        if not group or (group not in self.published and self._registry.group(group) is not None):
            return
        crds = [c for c in self._informer.list() if helpers.group(c) == group]
        established = [c for c in crds if helpers.is_condition_true(c, helpers.ESTABLISHED)]
        resources: dict[tuple[str, str], dict[str, Any]] = {}
        servable = []
        for crd in established:
            try:
                by_version = self._resources_for(crd)
            except Exception:
                log.exception("custom resource %s cannot be served", meta.name(crd))
                continue
            servable.append(crd)
            for version, installed in by_version.items():
                resources[(meta.name(crd), version)] = installed
        versions = discovery.group_versions(group, servable, resources)
        for gv in versions:
            gv.openapi = openapi.group_version_service(group, gv.version, [
                c for c in servable if helpers.has_served_version(c, gv.version)])
        if versions:
            self._registry.add_group(group, versions, discovery.GROUP_PRIORITY)  # type: ignore[arg-type]
            self.published.add(group)
        elif group in self.published:
            self._registry.remove_group(group)
            self.published.discard(group)
