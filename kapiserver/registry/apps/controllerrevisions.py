"""controllerrevisions, apps/v1 (upstream pkg/registry/apps/controllerrevision).

An immutable snapshot of a controller's state: `data` is required on create and cannot
change; `revision` must not be negative. No status, no generation.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import field, objectmeta
from kapiserver.apimachinery.schema import GroupVersion
from kapiserver.apimachinery.types import Object
from kapiserver.registry.core.podspec.access import as_dict, dicts
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy, immutable
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

from .validation_common import nonnegative


def validate_controller_revision(obj: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(as_dict(obj.get("metadata")), True, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))
    if obj.get("data") is None:
        errs.append(field.required(field.new_path("data"), "data is mandatory"))
    return errs + nonnegative(obj.get("revision"), field.new_path("revision"))


def validate_controller_revision_update(obj: Object, old: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta_update(as_dict(obj.get("metadata")), as_dict(old.get("metadata")),
                                                  field.new_path("metadata"))
    errs += validate_controller_revision(obj)
    return errs + immutable(field.new_path("data"), obj.get("data"), old.get("data"))


class ControllerRevisionStrategy(Strategy):
    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_controller_revision(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_controller_revision_update(obj, old)


def controller_name(obj: Object) -> str:
    """The CONTROLLER cell (upstream formatResourceName of the controller reference):
    `statefulset.apps/web`, the kind alone for the core group, `<none>` without one."""
    for ref in dicts(as_dict(obj.get("metadata")).get("ownerReferences")):
        if ref.get("controller") is not True:
            continue
        try:
            group = GroupVersion.parse(str(ref.get("apiVersion") or "")).group
        except ValueError:
            return "<none>"
        kind, name = str(ref.get("kind") or ""), str(ref.get("name") or "")
        if not group and not kind:
            return name
        return (f"{kind}.{group}" if group else kind).lower() + "/" + name
    return "<none>"


def _row(obj: Object) -> list[Any]:
    revision = obj.get("revision")
    return [name_of(obj), controller_name(obj), revision if isinstance(revision, int) else 0, age(obj)]


CONTROLLER_REVISION_PRINTER = Printer((
    NAME_COLUMN,
    Column("Controller", "string", "", "Controller of the object"),
    Column("Revision", "string", "", "revision indicates the revision of the state represented by Data."),
    AGE_COLUMN,
), _row)

CONTROLLERREVISIONS = ResourceSpec(
    group="apps", version="v1", kind="ControllerRevision", plural="controllerrevisions",
    singular="controllerrevision", namespaced=True, strategy=ControllerRevisionStrategy(),
    printer=CONTROLLER_REVISION_PRINTER,
)
