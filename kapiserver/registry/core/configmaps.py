"""configmaps (upstream pkg/registry/core/configmap, pkg/apis/core/validation ValidateConfigMap).

`binaryData` values travel as base64; sizes count the decoded bytes, as Go holds them.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from kapiserver.apimachinery import field, objectmeta, validation
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

MAX_CONFIG_MAP_SIZE = 1024 * 1024  # core.MaxSecretSize, which config maps share
IMMUTABLE_MESSAGE = "field is immutable when `immutable` is set"
_DATA = field.new_path("data")
_BINARY_DATA = field.new_path("binaryData")


def _binary_len(value: Any) -> int:
    if not isinstance(value, str):
        return 0
    try:
        return len(base64.b64decode(value, validate=True))
    except (binascii.Error, ValueError):
        return len(value)


def validate_config_map(obj: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(obj.get("metadata", {}), True, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))
    total = 0
    data = obj.get("data") or {}
    binary = obj.get("binaryData") or {}
    for key, value in data.items():
        errs += [field.invalid(_DATA.key(key), key, msg) for msg in validation.is_config_map_key(key)]
        if key in binary:
            errs.append(field.invalid(_DATA.key(key), key, "duplicate of key present in binaryData"))
        total += len(str(value).encode())
    for key, value in binary.items():
        errs += [field.invalid(_BINARY_DATA.key(key), key, msg) for msg in validation.is_config_map_key(key)]
        total += _binary_len(value)
    if total > MAX_CONFIG_MAP_SIZE:
        errs.append(field.too_long(field.ROOT, MAX_CONFIG_MAP_SIZE))
    return errs


def validate_config_map_update(obj: Object, old: Object) -> field.ErrorList:
    """ValidateConfigMapUpdate. Maps compare as reflect.DeepEqual does: `data` is defaulted to an
    empty map on both sides, `binaryData` is not, and a stored empty map comes back nil."""
    errs = objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                  field.new_path("metadata"))
    if old.get("immutable") is True:
        if obj.get("immutable") is not True:
            errs.append(field.forbidden(field.new_path("immutable"), IMMUTABLE_MESSAGE))
        if (obj.get("data") or {}) != (old.get("data") or {}):
            errs.append(field.forbidden(_DATA, IMMUTABLE_MESSAGE))
        if obj.get("binaryData") != (old.get("binaryData") or None):
            errs.append(field.forbidden(_BINARY_DATA, IMMUTABLE_MESSAGE))
    return errs + validate_config_map(obj)


class ConfigMapStrategy(Strategy):
    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_config_map(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_config_map_update(obj, old)


DATA_DESCRIPTION = ("Data contains the configuration data. Each key must consist of alphanumeric characters, '-', "
                    "'_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored "
                    "in Data must not overlap with the keys in the BinaryData field, this is enforced during "
                    "validation process.")


def _row(obj: Object) -> list[object]:
    return [name_of(obj), len(obj.get("data") or {}) + len(obj.get("binaryData") or {}), age(obj)]


CONFIGMAPS = ResourceSpec(
    group="", version="v1", kind="ConfigMap", plural="configmaps", singular="configmap", namespaced=True,
    strategy=ConfigMapStrategy(), short_names=("cm",),
    printer=Printer((NAME_COLUMN, Column("Data", "string", "", DATA_DESCRIPTION), AGE_COLUMN), _row),
)
