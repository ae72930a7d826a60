"""The strategy both APF kinds share (upstream flowschema and prioritylevelconfiguration
strategies differ only in their defaults and validation): status belongs to the APF
configuration controller, spec changes bump metadata.generation, and a status write keeps the
stored metadata (but its own managedFields) and spec.
"""

from __future__ import annotations

from collections.abc import Callable

from kapiserver.apimachinery import field, meta, objectmeta
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.strategy import (
    Strategy,
    bump_generation_on_change,
    keep_old_status,
    start_generation,
)

from . import validation


class ConfigurationStrategy(Strategy):
    def __init__(self, default: Callable[[Object], None], validate: Callable[[Object], field.ErrorList]):
        self._default = default
        self._validate = validate

    def default(self, obj: Object) -> None:
        self._default(obj)

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        obj["status"] = {}
        start_generation(obj)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old_status(obj, old)
        bump_generation_on_change(obj, old, "spec")

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return self._validate(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return self._validate(obj)


class ConfigurationStatusStrategy(ConfigurationStrategy):
    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        managed = obj.get("metadata", {}).get("managedFields")
        obj["metadata"] = meta.deep_copy(old.get("metadata", {}))
        if managed is not None:
            obj["metadata"]["managedFields"] = managed
        else:
            obj["metadata"].pop("managedFields", None)
        obj["spec"] = old.get("spec", {})

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validation.validate_conditions(obj.get("status") or {}, field.new_path("status")) + \
            objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                   field.new_path("metadata"))
