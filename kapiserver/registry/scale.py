"""The scale subresource (upstream's ScaleREST of deployments, replicasets, statefulsets,
replicationcontrollers and custom resources), once for every kind that has one.

`<resource>/scale` serves an autoscaling/v1 Scale computed from the parent object: its
metadata mirrors the parent's name, namespace, uid, resourceVersion and creationTimestamp;
`spec.replicas` and `status.replicas` are read from the parent; `status.selector` is the
parent's pod selector as a label selector string. GET reads the parent; PUT and PATCH run
through the parent's store (so its strategy, its validation and its resourceVersion
preconditions apply), with the request's object, patch, field manager and admission all
working on the Scale: the parent is turned into the Scale the client sees, the client's
change is applied to that Scale, then spec.replicas (and resourceVersion) go back into the
parent. managedFields follow the same path (managedfields.ScaleHandler).

A kind describes itself with a ScaleMapping: where its replicas live, how its selector
reads, and, per group/version, the replicas path that field ownership maps to.
`label_selector_mapping` covers the apps workloads, `set_selector_mapping` the
replicationcontrollers; `from_paths` covers custom resources (`.spec.replicas`-style paths,
as a CRD's scale subresource declares them). ScaleREST needs of its store only
`spec` (group, plural, namespaced), `get` and `update`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import TYPE_CHECKING, Any

from kapiserver.apimachinery import errors, field, labels, meta, objectmeta
from kapiserver.apimachinery.managedfields import scalehandler
from kapiserver.apimachinery.managedfields.fieldpath import make_path
from kapiserver.apimachinery.managedfields.managed import ManagedFieldsError
from kapiserver.apimachinery.schema import GroupKind, GroupResource, GroupVersionKind
from kapiserver.apimachinery.types import Object

from .rest import (
    GetOptions,
    RequestContext,
    UpdatedObjectInfo,
    UpdateOptions,
    ValidateObjectFunc,
    ValidateObjectUpdateFunc,
)
from .spec import Subresource
from .table import AGE_COLUMN, NAME_DESCRIPTION, Column, Printer, age, name_of, to_table

if TYPE_CHECKING:
    from .store import Store

SCALE_GVK = GroupVersionKind("autoscaling", "v1", "Scale")
SCALE_GK = GroupKind("autoscaling", "Scale")
NEGATIVE_REPLICAS = "must be greater than or equal to 0"

Path = tuple[str, ...]
SelectorFunc = Callable[[Object], str]


class ScaleError(ValueError):
    """The parent cannot be read as a Scale (a bad selector, replicas of the wrong type)."""


@dataclass(frozen=True)
class ScaleMapping:
    """How a kind's Scale is read from it and written back."""

    spec_replicas: Path
    status_replicas: Path
    # status.selector from the parent; raises ScaleError when it cannot be expressed.
    selector: SelectorFunc
    # group/version -> the replicas path field ownership maps to (None: that version has
    # no scale subresource); the first is used when the request names none of them.
    replicas_paths: Mapping[str, Path | None] = dc_field(default_factory=dict)
    # What a missing spec replicas reads as (custom resources: 0).
    default_replicas: int = 0


# -- reading and writing the parent ---------------------------------------------------------


def _lookup(obj: Object, path: Path) -> Any:
    value: Any = obj
    for name in path:
        if not isinstance(value, dict):
            return None
        value = value.get(name)
    return value


def _int_at(obj: Object, path: Path, default: int) -> int:
    value = _lookup(obj, path)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScaleError(f".{'.'.join(path)} accessor error: {value} is of the type {_go_type(value)}, "
                         "expected int64")
    return value


def _go_type(value: Any) -> str:
    return {str: "string", float: "float64", bool: "bool", list: "[]interface {}",
            dict: "map[string]interface {}"}.get(type(value), type(value).__name__)


def label_selector_at(*path: str) -> SelectorFunc:
    """A metav1.LabelSelector at path, as its selector string (LabelSelectorAsSelector)."""

    def read(obj: Object) -> str:
        value = _lookup(obj, path)
        try:
            return str(labels.selector_from_label_selector(value if isinstance(value, dict) else None))
        except labels.SelectorError as exc:
            raise ScaleError(str(exc)) from None

    return read


def set_selector_at(*path: str) -> SelectorFunc:
    """A map of labels at path (replicationcontrollers), as `k=v,...` (SelectorFromSet)."""

    def read(obj: Object) -> str:
        value = _lookup(obj, path)
        return str(labels.selector_from_set(value if isinstance(value, dict) else None))

    return read


def string_at(*path: str) -> SelectorFunc:
    """A string already in selector form (a custom resource's labelSelectorPath); "" when absent."""

    def read(obj: Object) -> str:
        value = _lookup(obj, path)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise ScaleError(f".{'.'.join(path)} accessor error: {value} is of the type {_go_type(value)}, "
                             "expected string")
        return value

    return read


def label_selector_mapping(group_versions: tuple[str, ...]) -> ScaleMapping:
    """The built-in workloads: spec.replicas, status.replicas, a label selector at spec.selector."""
    paths: dict[str, Path | None] = {gv: ("spec", "replicas") for gv in group_versions}
    return ScaleMapping(("spec", "replicas"), ("status", "replicas"), label_selector_at("spec", "selector"), paths, 1)


def set_selector_mapping(group_versions: tuple[str, ...]) -> ScaleMapping:
    """replicationcontrollers: spec.replicas, status.replicas, a map of labels at spec.selector."""
    paths: dict[str, Path | None] = {gv: ("spec", "replicas") for gv in group_versions}
    return ScaleMapping(("spec", "replicas"), ("status", "replicas"), set_selector_at("spec", "selector"), paths, 1)


def _json_path(text: str) -> Path:
    """`.spec.replicas` -> ("spec", "replicas") (upstream's fieldPath for CRD scale paths)."""
    return tuple(text.removeprefix(".").split(".")) if text else ()


def from_paths(replicas_paths: Mapping[str, str | None], spec_replicas_path: str, status_replicas_path: str,
               label_selector_path: str = "") -> ScaleMapping:
    """A custom resource's mapping from its CRD's scale subresource (paths like `.spec.replicas`);
    `replicas_paths` names, per served version, its specReplicasPath (None without scale)."""
    paths = {gv: (_json_path(p) if p else None) for gv, p in replicas_paths.items()}
    selector = string_at(*_json_path(label_selector_path)) if label_selector_path else (lambda obj: "")
    return ScaleMapping(_json_path(spec_replicas_path), _json_path(status_replicas_path), selector, paths, 0)


def scale_from(parent: Object, mapping: ScaleMapping) -> Object:
    """The Scale of parent (ScaleError when it cannot be built); no managedFields."""
    source = meta.metadata(parent)
    metadata: Object = {}
    for key in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp"):
        if source.get(key):
            metadata[key] = source[key]
    spec_replicas = _int_at(parent, mapping.spec_replicas, mapping.default_replicas)
    status: Object = {"replicas": _int_at(parent, mapping.status_replicas, 0)}
    selector = mapping.selector(parent)
    if selector:
        status["selector"] = selector
    return {"kind": SCALE_GVK.kind, "apiVersion": SCALE_GVK.api_version, "metadata": metadata,
            "spec": {"replicas": spec_replicas} if spec_replicas else {}, "status": status}


def set_replicas(parent: Object, replicas: int, mapping: ScaleMapping) -> None:
    node = parent
    for name in mapping.spec_replicas[:-1]:
        child = node.get(name)
        if not isinstance(child, dict):
            child = node[name] = {}
        node = child
    node[mapping.spec_replicas[-1]] = replicas


def validate_scale(scale: Object, namespaced: bool = True) -> field.ErrorList:
    """upstream autoscaling validation.ValidateScale."""
    errs = objectmeta.validate_object_meta(meta.metadata(scale), namespaced, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))
    replicas = (scale.get("spec") or {}).get("replicas") or 0
    if replicas < 0:
        errs.append(field.invalid(field.new_path("spec", "replicas"), replicas, NEGATIVE_REPLICAS))
    return errs


# -- printing -------------------------------------------------------------------------------

SCALE_PRINTER = Printer((
    Column("Name", "string", "", NAME_DESCRIPTION),
    Column("Desired", "integer", "", "replicas is the desired number of instances for the scaled object."),
    Column("Available", "integer", "", "replicas is the actual number of observed instances of the scaled object."),
    AGE_COLUMN,
), lambda obj: [name_of(obj), int((obj.get("spec") or {}).get("replicas") or 0),
                int((obj.get("status") or {}).get("replicas") or 0), age(obj)])


# -- the REST object ------------------------------------------------------------------------


class ScaleREST:
    """Get and update (hence patch) of `<resource>/scale`, through the parent's store."""

    # The endpoint gives the Scale a field manager; updated_object maps its ownership
    # of spec.replicas onto the parent's managedFields.
    maps_managed_fields = True

    def __init__(self, store: Store, mapping: ScaleMapping):
        self._store = store
        self.mapping = mapping
        self.gr = GroupResource(store.spec.group, store.spec.plural + "/scale")

    def convert_to_table(self, ctx: RequestContext, obj: Object, include_object: str) -> Object:
        return to_table(SCALE_PRINTER, [obj], {"resourceVersion": meta.resource_version(obj)}, include_object)

    def scale_of(self, parent: Object) -> Object:
        try:
            return scale_from(parent, self.mapping)
        except ScaleError as exc:
            raise errors.bad_request(str(exc)) from None

    async def get(self, ctx: RequestContext, name: str, options: GetOptions) -> Object:
        return self.scale_of(await self._store.get(ctx, name, options))

    async def update(self, ctx: RequestContext, name: str, obj_info: UpdatedObjectInfo,
                     create_validation: ValidateObjectFunc | None, update_validation: ValidateObjectUpdateFunc | None,
                     force_allow_create: bool, options: UpdateOptions) -> tuple[Object, bool]:
        info = ScaleUpdatedObjectInfo(self, name, obj_info)
        parent, _ = await self._store.update(ctx, name, info, self._create_validation(create_validation),
                                             self._update_validation(update_validation), False, options)
        return self.scale_of(parent), False

    def _create_validation(self, inner: ValidateObjectFunc | None) -> ValidateObjectFunc | None:
        """Admission sees the Scale, not the parent (upstream toScaleCreateValidation)."""
        if inner is None:
            return None

        async def validate(ctx: RequestContext, obj: Object) -> None:
            await inner(ctx, self.scale_of(obj))

        return validate

    def _update_validation(self, inner: ValidateObjectUpdateFunc | None) -> ValidateObjectUpdateFunc | None:
        if inner is None:
            return None

        async def validate(ctx: RequestContext, obj: Object, old: Object) -> None:
            await inner(ctx, self.scale_of(obj), self.scale_of(old))

        return validate

    def request_group_version(self, ctx: RequestContext) -> str:
        """The group/version ownership of the replicas is recorded at: the request's when the
        kind maps it, else the first one the mapping names."""
        requested = f"{ctx.api_group}/{ctx.api_version}" if ctx.api_group else ctx.api_version
        if requested in self.mapping.replicas_paths:
            return requested
        return next(iter(self.mapping.replicas_paths), requested)


class ScaleUpdatedObjectInfo:
    """Parent -> old Scale -> the request's new Scale -> new parent (upstream scaleUpdatedObjectInfo)."""

    def __init__(self, rest: ScaleREST, name: str, inner: UpdatedObjectInfo):
        self._rest = rest
        self._name = name
        self._inner = inner

    def preconditions(self) -> tuple[str | None, str | None]:
        return self._inner.preconditions()

    async def updated_object(self, ctx: RequestContext, old: Object | None) -> Object:
        rest = self._rest
        if old is None or not meta.resource_version(old):
            raise errors.not_found(rest.gr, self._name)
        parent: Object = meta.deep_copy(old)
        handler = scalehandler.ScaleHandler(meta.metadata(parent).get("managedFields"), rest.request_group_version(ctx),
                                            {gv: (make_path(*p) if p is not None else None)
                                             for gv, p in rest.mapping.replicas_paths.items()})
        old_scale = rest.scale_of(parent)
        _set_managed_fields(old_scale, _mapped(handler.to_subresource))
        scale = await self._inner.updated_object(ctx, old_scale)
        if not isinstance(scale, dict):
            raise errors.bad_request("nil update passed to Scale")
        errs = validate_scale(scale, rest._store.spec.namespaced)
        if errs:
            raise errors.invalid(SCALE_GK, meta.name(parent), errs)
        scale_uid = meta.uid(scale)
        if scale_uid and scale_uid != meta.uid(parent):
            raise errors.conflict(rest.gr, meta.name(parent), f"Precondition failed: UID in precondition: {scale_uid}, "
                                                               f"UID in object meta: {meta.uid(parent)}")
        set_replicas(parent, int((scale.get("spec") or {}).get("replicas") or 0), rest.mapping)
        meta.set_resource_version(parent, meta.resource_version(scale))
        _set_managed_fields(parent, _mapped(lambda: handler.to_parent(meta.metadata(scale).get("managedFields"))))
        return parent


def _mapped(convert: Callable[[], Any]) -> Any:
    try:
        return convert()
    except ManagedFieldsError as exc:
        raise errors.internal_error(str(exc)) from None


def _set_managed_fields(obj: Object, entries: Any) -> None:
    metadata = meta.ensure_metadata(obj)
    if entries:
        metadata["managedFields"] = entries
    else:
        metadata.pop("managedFields", None)


def scale_subresource(mapping: ScaleMapping) -> Subresource:
    """`<resource>/scale`, served as autoscaling/v1 Scale."""
    return Subresource("scale", lambda store: ScaleREST(store, mapping), kind=SCALE_GVK)
