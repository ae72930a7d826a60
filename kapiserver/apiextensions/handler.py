"""Serving custom resources (upstream apiserver/customresource_handler.go, crdHandler).

A resource request reaches here when no built-in group answered it. The CRD is found by
name (`<resource>.<group>`), and the request passes to the delegate (404) unless the CRD
serves that version at that scope and its names are accepted or it is established. The
serving info of a CRD is built on first use and dropped when its spec or accepted names
change. Deprecated versions add their warning; a create right after the CRD was
established waits two seconds, as upstream's does for other API servers to catch up; a
CRD being deleted refuses creates. `/apis/<group>` and `/apis/<group>/<version>` of CRD
groups are answered from the published discovery.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from typing import Any

from kapiserver.admission.chain import Chain
from kapiserver.apimachinery import errors, timefmt
from kapiserver.apimachinery.schema import GroupResource
from kapiserver.apimachinery.types import Object
from kapiserver.endpoints import installer
from kapiserver.endpoints.installer import InstalledGroupVersion
from kapiserver.endpoints.metrics import RequestMetrics
from kapiserver.endpoints.request_info import RequestInfo
from kapiserver.endpoints.responses import warning_headers, write_status

from . import conversion, helpers, serving
from .controllers.informer import CRDInformer

log = logging.getLogger(__name__)

JUST_CREATED_SECONDS = 2.0
_ACROSS_NAMESPACES = frozenset({"list", "watch"})


class CRDHandler:
    def __init__(self, informer: CRDInformer, storage_for: serving.StorageFor, admission: Chain,
                 converters: Mapping[str, conversion.ConverterFactory] = conversion.DEFAULT_FACTORIES,
                 metrics: RequestMetrics | None = None):
        self._informer = informer
        self._metrics = metrics
        self._storage_for = storage_for
        self._admission = admission
        self._converters = converters
        self._infos: dict[str, serving.CRDInfo] = {}
        informer.handlers.append(self)

    # -- serving infos ---------------------------------------------------------------------

    def on_add(self, crd: Object) -> None:
        self._drop_if_changed(crd)

    def on_update(self, old: Object, new: Object) -> None:
        old_uid, new_uid = _uid(old), _uid(new)
        if old_uid != new_uid:
            self._infos.pop(old_uid, None)
        self._drop_if_changed(new)

    def on_delete(self, crd: Object) -> None:
        self._infos.pop(_uid(crd), None)

    def _drop_if_changed(self, crd: Object) -> None:
        info = self._infos.get(_uid(crd))
        if info is not None and info.key != serving.serving_key(crd):
            del self._infos[_uid(crd)]

    def info_for(self, crd: Object) -> serving.CRDInfo:
        """upstream getOrCreateServingInfoFor; raises when the CRD cannot be served."""
        uid = _uid(crd)
        info = self._infos.get(uid)
        if info is not None:
            version = str((crd.get("metadata") or {}).get("resourceVersion", ""))
            if info.resource_version == version:
                return info
            if info.key == serving.serving_key(crd):
                info.resource_version = version
                return info
        accepted = helpers.accepted_names(crd)
        for key in ("plural", "singular", "kind", "listKind"):
            if not accepted.get(key):
                raise ValueError(f"CustomResourceDefinition {crd.get('metadata', {}).get('name')} has unexpected "
                                 f"empty status.acceptedNames.{key}")
        name = str((crd.get("metadata") or {}).get("name", ""))

        def terminating() -> bool:
            current = self._informer.get(name)
            return current is not None and helpers.is_condition_true(current, helpers.TERMINATING)

        info = serving.build_info(crd, self._storage_for, self._admission, terminating, self._converters)
        self._infos[uid] = info
        return info

    def installed_group_versions(self) -> list[InstalledGroupVersion]:
        """The group versions of the custom resources served so far."""
        return [served.installed for info in self._infos.values() for served in info.versions.values()]

    def resources_for(self, crd: Object) -> dict[str, dict[str, Any]]:
        """The installed resources of each served version (for discovery and namespace deletion)."""
        return {v: s.installed.resources for v, s in self.info_for(crd).versions.items() if s.served}

    def store_for(self, crd: Object) -> Any:
        """The Store of the CRD's custom resources at its storage version (for the finalizer)."""
        info = self.info_for(crd)
        served = info.versions[info.storage_version]
        return served.installed.resources[served.spec.plural].entry.rest

    # -- requests --------------------------------------------------------------------------

    async def serve(self, request: Any, info: RequestInfo, delegate: Any) -> Any:
        crd = self._informer.get(f"{info.resource}.{info.api_group}")
        if crd is None:
            return await delegate.handle(request)
        namespaced = helpers.namespaced(crd)
        if (not namespaced and info.namespace) or (namespaced and not info.namespace
                                                   and info.verb not in _ACROSS_NAMESPACES):
            return await delegate.handle(request)
        if not helpers.has_served_version(crd, info.api_version):
            return await delegate.handle(request)
        if not helpers.is_condition_true(crd, helpers.NAMES_ACCEPTED) and \
                not helpers.is_condition_true(crd, helpers.ESTABLISHED):
            return await delegate.handle(request)
        try:
            crd_info = self.info_for(crd)
        except Exception:
            log.exception("cannot serve %s", info.resource + "." + info.api_group)
            raise errors.internal_error("error resolving resource") from None
        served = crd_info.versions.get(info.api_version)
        if served is None or not served.served:
            return await delegate.handle(request)
        gr = GroupResource(info.api_group, info.resource)
        if info.subresource and info.subresource not in ("status", "scale") or (
                info.subresource == "status" and not helpers.has_status_subresource(crd, info.api_version)) or (
                info.subresource == "scale" and helpers.scale_subresource(crd, info.api_version) is None):
            raise errors.not_found(gr, info.name)
        if info.verb == "create" and not info.subresource:
            await _wait_if_just_established(crd)
        try:
            response = await installer.dispatch(served.installed, request, info, self._metrics)
        except errors.StatusError as err:
            if not served.warnings:
                raise
            return write_status(err, request.headers.get("Accept", ""), list(served.warnings))
        _add_warnings(response, served.warnings)
        return response


def _uid(crd: Object) -> str:
    return str((crd.get("metadata") or {}).get("uid", ""))


async def _wait_if_just_established(crd: Object) -> None:
    established = helpers.find_condition(crd, helpers.ESTABLISHED) or {}
    when = established.get("lastTransitionTime")
    if not when:
        return
    try:
        age = time.time() - timefmt.parse_time(str(when)).timestamp()
    except ValueError:
        return
    if age < JUST_CREATED_SECONDS:
        await asyncio.sleep(JUST_CREATED_SECONDS)


def _add_warnings(response: Any, warnings: tuple[str, ...]) -> None:
    """Deprecation warnings go first, before what the request itself produced."""
    if not warnings or getattr(response, "prepared", False):
        return
    existing = response.headers.getall("Warning", [])
    if existing:
        del response.headers["Warning"]
    for name, value in warning_headers(list(warnings)):
        if value not in existing:
            response.headers.add(name, value)
    for value in existing:
        response.headers.add("Warning", value)
