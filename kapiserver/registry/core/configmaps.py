"""configmaps (upstream pkg/registry/core/configmap, pkg/apis/core/validation ValidateConfigMap)."""

from __future__ import annotations

from kapiserver.apimachinery import field, objectmeta, validation
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

MAX_CONFIG_MAP_SIZE = 1024 * 1024


def validate_config_map(obj: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(obj.get("metadata", {}), True, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))
    total = 0
    data = obj.get("data") or {}
    binary = obj.get("binaryData") or {}
    for key, value in data.items():
        for message in validation.is_config_map_key(key):
            errs.append(field.invalid(field.new_path("data").key(key), key, message))
        if key in binary:
            errs.append(field.invalid(field.new_path("data").key(key), key, "duplicate of key present in binaryData"))
        total += len(str(value).encode())
    for key, value in binary.items():
        for message in validation.is_config_map_key(key):
            errs.append(field.invalid(field.new_path("binaryData").key(key), key, message))
        total += len(value) * 3 // 4
    if total > MAX_CONFIG_MAP_SIZE:
        errs.append(field.too_long(field.ROOT, MAX_CONFIG_MAP_SIZE))
    return errs


class ConfigMapStrategy(Strategy):
    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_config_map(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        errs = objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                      field.new_path("metadata"))
        if old.get("immutable") is True:
            if obj.get("immutable") is not True:
                errs.append(field.forbidden(field.new_path("immutable"), "field is immutable when `immutable` is set"))
            if obj.get("data") != old.get("data"):
                errs.append(field.forbidden(field.new_path("data"), "field is immutable when `immutable` is set"))
            if obj.get("binaryData") != old.get("binaryData"):
                errs.append(field.forbidden(field.new_path("binaryData"),
                                            "field is immutable when `immutable` is set"))
        return errs + validate_config_map(obj)


def _row(obj: Object) -> list[object]:
    return [name_of(obj), len(obj.get("data") or {}) + len(obj.get("binaryData") or {}), age(obj)]


CONFIGMAPS = ResourceSpec(
    group="", version="v1", kind="ConfigMap", plural="configmaps", singular="configmap", namespaced=True,
    strategy=ConfigMapStrategy(), short_names=("cm",),
    printer=Printer((NAME_COLUMN, Column("Data", "integer", "", "Data contains the configuration data."),
                     AGE_COLUMN), _row),
)
