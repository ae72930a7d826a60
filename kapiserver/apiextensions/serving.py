"""What serving one CRD takes (upstream crdHandler.getOrCreateServingInfoFor): per served
version a ResourceSpec, its Store over the CRD's shared storage, its status and scale
subresources, and the request scopes the endpoint handlers run with.

Built once per CRD spec and accepted names (`serving_key`), from the CRD as the handler
last saw it; a change to either builds a new one. Specs use the accepted names, the
storage key `/registry/<group>/<plural>`, JSON and YAML only, and the version's schema:
defaulting of request bodies and of what is read back, pruning of unknown fields at
decode time (reported as fieldValidation asks), validation, and server-side apply.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kapiserver.admission.chain import Chain
from kapiserver.admission.interfaces import Attributes, Operation
from kapiserver.apimachinery import errors, managedfields
from kapiserver.apimachinery.schema import GroupResource, GroupVersionKind
from kapiserver.apimachinery.types import Object
from kapiserver.endpoints import installer
from kapiserver.endpoints.handlers import common
from kapiserver.endpoints.installer import InstalledGroupVersion
from kapiserver.endpoints.scope import FIELD_MANAGER_KEY
from kapiserver.registry import scale, subresources
from kapiserver.registry.provider import APIGroupInfo, build_entries
from kapiserver.registry.spec import ResourceSpec, Subresource
from kapiserver.storage.interface import Storage

from . import conversion, helpers, internal, jsonpath, tableconvertor
from . import schema as schema_engine
from .resource_strategy import CustomResourceStatusStrategy, CustomResourceStrategy
from .storage import VersionedStorage

StorageFor = Callable[[str], Storage]
TERMINATING_MESSAGE = "create not allowed while custom resource definition is terminating"


@dataclass(frozen=True)
class CustomResourceSpec(ResourceSpec):
    """A ResourceSpec whose list kind is the CRD's (names.listKind need not be <Kind>List)."""

    custom_list_kind: str = ""

    @property
    def list_kind(self) -> str:
        return self.custom_list_kind or self.kind + "List"


@dataclass(slots=True)
class ServedVersion:
    version: str
    spec: CustomResourceSpec
    installed: InstalledGroupVersion
    # False for the storage version when only it is built (the finalizer deletes through it).
    served: bool = True
    deprecated: bool = False
    warnings: tuple[str, ...] = ()


@dataclass(slots=True)
class CRDInfo:
    """upstream crdInfo: everything serving one CRD needs, for one spec and accepted names."""

    uid: str
    name: str
    key: Any
    storage_version: str
    versions: dict[str, ServedVersion] = field(default_factory=dict)
    # The resourceVersion of the CRD last found to have this key (checked before the key, which costs more).
    resource_version: str = ""


def serving_key(crd: Object) -> Any:
    """What a serving info depends on: the spec and the accepted names."""
    return (internal.semantic(helpers.spec(crd)), internal.semantic(helpers.accepted_names(crd)))


class TerminatingGuard:
    """The admission chain, refusing creates while the CRD is terminating (upstream
    forbidCreateAdmission); the CRD's state is read per request."""

    def __init__(self, inner: Chain, gr: GroupResource, terminating: Callable[[], bool]):
        self._inner = inner
        self._gr = gr
        self._terminating = terminating
        self.plugins = inner.plugins

    def handles(self, operation: Operation) -> bool:
        return (operation is Operation.CREATE and self._terminating()) or self._inner.handles(operation)

    def _refuse(self, attrs: Attributes) -> None:
        if attrs.operation is Operation.CREATE and self._terminating():
            raise errors.forbidden(self._gr, attrs.name, TERMINATING_MESSAGE)

    async def admit(self, attrs: Attributes) -> None:
        self._refuse(attrs)
        await self._inner.admit(attrs)

    async def validate(self, attrs: Attributes) -> None:
        self._refuse(attrs)
        await self._inner.validate(attrs)


class CustomResourceScaleREST(scale.ScaleREST):
    """The scale subresource of a custom resource: as the built-in one, but reading a Scale of
    an object without spec replicas is upstream's internal error."""

    def __init__(self, store: Any, mapping: scale.ScaleMapping):
        super().__init__(store, mapping)
        self.parent_store = store

    async def get(self, ctx: Any, name: str, options: Any) -> Object:
        parent = await self.parent_store.get(ctx, name, options)
        value: Any = parent
        for key in self.mapping.spec_replicas:
            value = value.get(key) if isinstance(value, dict) else None
        if value is None:
            path = "." + ".".join(self.mapping.spec_replicas)
            raise errors.internal_error(f'the spec replicas field "{path}" does not exist')
        return self.scale_of(parent)


def default_deprecation_warning(version: str, crd: Object) -> str:
    """upstream defaultDeprecationWarning: names the newest served, non-deprecated version above."""
    group, kind = helpers.group(crd), helpers.names(crd).get("kind", "")
    message = f"{group}/{version} {kind} is deprecated"
    newer = [str(v.get("name")) for v in helpers.versions(crd) if v.get("served") and not v.get("deprecated")
             and helpers.compare_kube_aware_versions(version, str(v.get("name"))) < 0]
    if not newer:
        return message
    return message + f"; use {group}/{helpers.sort_versions_by_priority(newer)[0]} {kind}"


def _has_defaults(schema: dict[str, Any] | None) -> bool:
    return schema is not None and internal.schema_has(schema, lambda node: "default" in node)


def _selectable_fields(version: dict[str, Any]) -> Callable[[Object], dict[str, str]] | None:
    """The version's selectableFields as a field set: name without the dot -> value as fmt.Sprint prints it."""
    declared = [str(f.get("jsonPath") or "") for f in version.get("selectableFields") or [] if isinstance(f, dict)]
    if not declared:
        return None
    parsed = [(p.removeprefix("."), jsonpath.parse("{" + p + "}")) for p in declared]

    def fields(obj: Object) -> dict[str, str]:
        out = {}
        for name, nodes in parsed:
            value = jsonpath.first_value(nodes, obj)
            out[name] = "" if value is jsonpath.MISSING or value is None else jsonpath.print_result(value)
        return out

    return fields


class _Builder:
    """Builds the CRDInfo of one CRD; one use."""

    def __init__(self, crd: Object, storage_for: StorageFor, admission: Chain, terminating: Callable[[], bool],
                 converters: Mapping[str, conversion.ConverterFactory]):
        self.crd = crd
        self.names = helpers.accepted_names(crd)
        self.group = helpers.group(crd)
        self.kind = str(self.names.get("kind") or "")
        self.plural = str(self.names.get("plural") or "")
        self.namespaced = helpers.namespaced(crd)
        self.storage_version = helpers.storage_version(crd)
        self.preserve_unknown = bool(helpers.spec(crd).get("preserveUnknownFields"))
        self.converter = conversion.new_converter(crd, converters)
        self.storage = storage_for(f"/registry/{self.group}/{self.plural}")
        self.admission = TerminatingGuard(admission, GroupResource(self.group, self.plural), terminating)
        self.raw_schemas = {str(v.get("name")): helpers.schema_for_version(crd, str(v.get("name")))
                            for v in helpers.versions(crd)}
        self.compiled = {name: (schema_engine.compile_schema(s, preserve_unknown_top=self.preserve_unknown)
                                if s is not None else None) for name, s in self.raw_schemas.items()}
        self.type_converter = managedfields.for_custom_resource(self.group, self.kind, self.raw_schemas,
                                                                self.preserve_unknown)
        self.status_versions = [f"{self.group}/{v}" for v in self.raw_schemas if helpers.has_status_subresource(crd, v)]

    def api_version(self, version: str) -> str:
        return f"{self.group}/{version}"

    def build(self) -> CRDInfo:
        metadata = self.crd.get("metadata") or {}
        info = CRDInfo(str(metadata.get("uid", "")), str(metadata.get("name", "")), serving_key(self.crd),
                       self.storage_version, resource_version=str(metadata.get("resourceVersion", "")))
        for version in helpers.versions(self.crd):
            if version.get("served") or version.get("storage"):
                info.versions[str(version.get("name"))] = self.version(version)
        return info

    def _prune(self, version: str) -> Any:
        """Pruning after a conversion into version, when its schema differs from the storage version's."""
        compiled = self.compiled.get(version)
        if compiled is None or self.preserve_unknown or self.raw_schemas.get(version) == \
                self.raw_schemas.get(self.storage_version):
            return None
        return compiled.prune

    def version(self, version: dict[str, Any]) -> ServedVersion:
        name = str(version.get("name"))
        gvk = GroupVersionKind(self.group, name, self.kind)
        compiled = self.compiled.get(name)
        status_enabled = helpers.has_status_subresource(self.crd, name)
        scale_spec = helpers.scale_subresource(self.crd, name)
        strategy = CustomResourceStrategy(gvk, self.namespaced, compiled, status_enabled, scale_spec)
        subs: list[Subresource] = []
        if status_enabled:
            subs.append(subresources.status(CustomResourceStatusStrategy(gvk, self.namespaced, compiled, True,
                                                                         scale_spec)))
        if scale_spec is not None:
            mapping = self._scale_mapping(scale_spec)
            subs.append(Subresource("scale", lambda store: CustomResourceScaleREST(store, mapping),
                                    kind=scale.SCALE_GVK))
        stored = self.compiled.get(self.storage_version)
        spec = CustomResourceSpec(
            group=self.group, version=name, kind=self.kind, plural=self.plural,
            singular=str(self.names.get("singular") or ""), namespaced=self.namespaced, strategy=strategy,
            short_names=tuple(self.names.get("shortNames") or ()), categories=tuple(self.names.get("categories") or ()),
            printer=tableconvertor.new_printer(tableconvertor.serve_default_columns_if_empty(
                version.get("additionalPrinterColumns"))),
            fields=_selectable_fields(version), subresources=tuple(subs),
            storage_path=f"{self.group}/{self.plural}", storage_version=self.storage_version,
            custom_list_kind=str(self.names.get("listKind") or ""),
        )
        storage = VersionedStorage(
            self.storage, self.converter, self.api_version(name), self.api_version(self.storage_version),
            default_stored=stored.default if stored is not None and _has_defaults(
                self.raw_schemas.get(self.storage_version)) else None,
            prune_served=self._prune(name), prune_stored=self._prune(self.storage_version))
        entries = build_entries(spec, storage)
        info = APIGroupInfo(self.group, {name: entries})
        (installed,) = installer.install(info, self.admission)  # type: ignore[arg-type]
        for resource in installed.resources.values():
            self._fix_scope(resource, compiled, status_enabled)
        warning = version.get("deprecationWarning")
        warnings: tuple[str, ...] = ()
        if version.get("deprecated"):
            warnings = (str(warning),) if warning is not None else (default_deprecation_warning(name, self.crd),)
        return ServedVersion(name, spec, installed, bool(version.get("served")), bool(version.get("deprecated")),
                             warnings)

    def _scale_mapping(self, scale_spec: dict[str, Any]) -> scale.ScaleMapping:
        paths: dict[str, str | None] = {}
        for name in self.raw_schemas:
            other = helpers.scale_subresource(self.crd, name)
            paths[self.api_version(name)] = str(other.get("specReplicasPath") or "") if other else None
        return scale.from_paths(paths, str(scale_spec.get("specReplicasPath") or ""),
                                str(scale_spec.get("statusReplicasPath") or ""),
                                str(scale_spec.get("labelSelectorPath") or ""))

    def _fix_scope(self, resource: installer.InstalledResource, compiled: Any, status_enabled: bool) -> None:
        """Custom resources: lists keep apiVersion/kind on items; unknown fields are pruned at
        decode; the CRD's field manager; no protobuf (upstream has no encoding for them)."""
        scope = resource.scope
        sub = scope.subresource
        if sub == "scale":
            return
        scope.extra["typed"] = False
        if compiled is not None:
            scope.extra[common.PRUNE_KEY] = compiled.prune
        api_version = self.api_version(scope.kind.version)
        reset: dict[str, list[tuple[str, ...]]] | None = None
        if sub == "status":
            reset = {v: [("spec",)] for v in self.status_versions}
        elif status_enabled:
            reset = {v: [("status",)] for v in self.status_versions}
        scope.extra[FIELD_MANAGER_KEY] = managedfields.new_default_field_manager(
            self.type_converter, api_version, self.kind, sub, scope.defaulter,
            managedfields.reset_field_sets(reset) if reset else None)


def build_info(crd: Object, storage_for: StorageFor, admission: Chain, terminating: Callable[[], bool],
               converters: Mapping[str, conversion.ConverterFactory] = conversion.DEFAULT_FACTORIES) -> CRDInfo:
    return _Builder(crd, storage_for, admission, terminating, converters).build()
