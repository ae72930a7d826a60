"""secrets (upstream pkg/registry/core/secret, ValidateSecret/ValidateSecretUpdate, SetDefaults_Secret).

`stringData` is write-only: v1 -> internal conversion merges it into `data` (overwriting),
and the internal type has no such field, so nothing stores or returns it. Defaulting is
the first step every request body takes here, so that is where the merge happens.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from kapiserver.apimachinery import field, gojson, objectmeta, validation
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

from .secrets_tls import key_pair_error

MAX_SECRET_SIZE = 1024 * 1024
IMMUTABLE_MESSAGE = "field is immutable when `immutable` is set"
REDACTED = "<secret contents redacted>"

TYPE_OPAQUE = "Opaque"
TYPE_SERVICE_ACCOUNT_TOKEN = "kubernetes.io/service-account-token"
TYPE_DOCKERCFG = "kubernetes.io/dockercfg"
TYPE_DOCKER_CONFIG_JSON = "kubernetes.io/dockerconfigjson"
TYPE_BASIC_AUTH = "kubernetes.io/basic-auth"
TYPE_SSH_AUTH = "kubernetes.io/ssh-auth"
TYPE_TLS = "kubernetes.io/tls"

SERVICE_ACCOUNT_NAME_KEY = "kubernetes.io/service-account.name"
DOCKER_CONFIG_KEY = ".dockercfg"
DOCKER_CONFIG_JSON_KEY = ".dockerconfigjson"
BASIC_AUTH_USERNAME_KEY = "username"
BASIC_AUTH_PASSWORD_KEY = "password"
SSH_AUTH_PRIVATE_KEY = "ssh-privatekey"
TLS_CERT_KEY = "tls.crt"
TLS_PRIVATE_KEY_KEY = "tls.key"

_DATA = field.new_path("data")


def decoded(value: Any) -> bytes:
    """A `data` value as the bytes Go holds ([]byte travels as base64 in JSON)."""
    if not isinstance(value, str):
        return b""
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return value.encode()


def default_secret(obj: Object) -> None:
    """SetDefaults_Secret, plus the stringData merge of v1 -> internal conversion."""
    string_data = obj.pop("stringData", None)
    if isinstance(string_data, dict) and string_data:
        data = obj.get("data")
        if not isinstance(data, dict):
            data = obj["data"] = {}
        for key, value in string_data.items():
            data[key] = base64.b64encode(str(value).encode()).decode()
    if not obj.get("type"):
        obj["type"] = TYPE_OPAQUE


def _json_error(raw: bytes) -> str:
    """The error json.Unmarshal into map[string]interface{} gives, or ""."""
    try:
        value = gojson.loads(raw)
    except gojson.GoJSONError as exc:
        return str(exc)
    if value is not None and not isinstance(value, dict):
        return str(gojson.type_error(value, "map[string]interface {}"))
    return ""


def _validate_type(secret: Object, data: dict[str, Any]) -> field.ErrorList:
    kind = secret.get("type") or ""
    if kind == TYPE_SERVICE_ACCOUNT_TOKEN:
        annotations = secret.get("metadata", {}).get("annotations") or {}
        if not annotations.get(SERVICE_ACCOUNT_NAME_KEY):
            return [field.required(field.new_path("metadata", "annotations").key(SERVICE_ACCOUNT_NAME_KEY), "")]
    elif kind in (TYPE_DOCKERCFG, TYPE_DOCKER_CONFIG_JSON):
        key = DOCKER_CONFIG_KEY if kind == TYPE_DOCKERCFG else DOCKER_CONFIG_JSON_KEY
        if key not in data:
            return [field.required(_DATA.key(key), "")]
        message = _json_error(decoded(data[key]))
        if message:
            return [field.invalid(_DATA.key(key), REDACTED, message)]
    elif kind == TYPE_BASIC_AUTH:
        if BASIC_AUTH_USERNAME_KEY not in data and BASIC_AUTH_PASSWORD_KEY not in data:
            return [field.required(_DATA.key(BASIC_AUTH_USERNAME_KEY), ""),
                    field.required(_DATA.key(BASIC_AUTH_PASSWORD_KEY), "")]
    elif kind == TYPE_SSH_AUTH:
        if not decoded(data.get(SSH_AUTH_PRIVATE_KEY)):
            return [field.required(_DATA.key(SSH_AUTH_PRIVATE_KEY), "")]
    elif kind == TYPE_TLS:
        return [field.required(_DATA.key(key), "") for key in (TLS_CERT_KEY, TLS_PRIVATE_KEY_KEY) if key not in data]
    return []


def validate_secret(secret: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(secret.get("metadata", {}), True, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))
    data = secret.get("data") or {}
    total = 0
    for key, value in data.items():
        errs += [field.invalid(_DATA.key(key), key, msg) for msg in validation.is_config_map_key(key)]
        total += len(decoded(value))
    if total > MAX_SECRET_SIZE:
        errs.append(field.too_long(_DATA, MAX_SECRET_SIZE))
    return errs + _validate_type(secret, data)


def validate_secret_update(secret: Object, old: Object) -> field.ErrorList:
    """ValidateSecretUpdate. `data` is compared as reflect.DeepEqual compares Go maps: a stored
    empty map came back nil (JSON omitempty), while a request's `data: {}` is an empty map."""
    errs = objectmeta.validate_object_meta_update(secret.get("metadata", {}), old.get("metadata", {}),
                                                  field.new_path("metadata"))
    errs += objectmeta.validate_immutable_field(secret.get("type") or "", old.get("type") or "",
                                                field.new_path("type"))
    if old.get("immutable") is True:
        if secret.get("immutable") is not True:
            errs.append(field.forbidden(field.new_path("immutable"), IMMUTABLE_MESSAGE))
        if secret.get("data") != (old.get("data") or None):
            errs.append(field.forbidden(_DATA, IMMUTABLE_MESSAGE))
    return errs + validate_secret(secret)


def warnings_for_secret(secret: Object) -> list[str]:
    if secret.get("type") != TYPE_TLS:
        return []
    data = secret.get("data") or {}
    message = key_pair_error(decoded(data.get(TLS_CERT_KEY)), decoded(data.get(TLS_PRIVATE_KEY_KEY)))
    return [message] if message else []


class SecretStrategy(Strategy):
    def default(self, obj: Object) -> None:
        default_secret(obj)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        if not obj.get("type"):
            obj["type"] = old.get("type", "")

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_secret(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_secret_update(obj, old)

    def warnings_on_create(self, ctx: RequestContext, obj: Object) -> list[str]:
        return warnings_for_secret(obj)

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        return warnings_for_secret(obj)


TYPE_DESCRIPTION = ("Used to facilitate programmatic handling of secret data. More info: "
                    "https://kubernetes.io/docs/concepts/configuration/secret/#secret-types")
DATA_DESCRIPTION = ("Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or "
                    "'.'. The serialized form of the secret data is a base64 encoded string, representing the "
                    "arbitrary (possibly non-string) data value here. Described in "
                    "https://tools.ietf.org/html/rfc4648#section-4")


def _row(obj: Object) -> list[object]:
    return [name_of(obj), obj.get("type") or "", len(obj.get("data") or {}), age(obj)]


SECRETS = ResourceSpec(
    group="", version="v1", kind="Secret", plural="secrets", singular="secret", namespaced=True,
    strategy=SecretStrategy(),
    printer=Printer((NAME_COLUMN, Column("Type", "string", "", TYPE_DESCRIPTION),
                     Column("Data", "string", "", DATA_DESCRIPTION), AGE_COLUMN), _row),
    fields=lambda obj: {"type": obj.get("type") or ""},
)
