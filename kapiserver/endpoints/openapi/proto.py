"""The Swagger 2.0 document in gnostic's protobuf form (openapi_v2.Document), as kubectl reads it.

client-go asks /openapi/v2 for `application/com.github.proto-openapi.spec.v2@v1.0+protobuf`
only and unmarshals the answer as gnostic-models' openapiv2 `Document`; upstream's
handler makes it with gnostic's compiler (ParseDocument) from the JSON. This encoder walks
the same JSON with the field numbers of OpenAPIv2.proto: objects keyed by name become
repeated Named* messages in key order, `x-` keys become vendor extensions whose value is
the YAML of the JSON value (gnostic's Any.yaml), `type` is a TypeItem, `items` an
ItemsItem, a parameter is a body or a query/path/header parameter by its `in`, and a
`$ref` parameter or response a JsonReference. proto3 rules: zero scalars are left out.
"""

from __future__ import annotations

import functools
import struct
from typing import Any

import orjson

from kapiserver.apimachinery import codec
from kapiserver.apimachinery.protobuf.wire import LENGTH, VARINT, tag, varint

FIXED64 = 1

# Field kinds.
STR, STRS, BOOL, DOUBLE, INT, MSG, MSGS, ANY, ANYS, NAMED, TYPE, ITEMS, ADDITIONAL = range(13)

# message -> {json key: (number, kind, sub-message or named-value message)}; VENDOR is the
# vendor_extension field number of that message (0: none).
_MESSAGES: dict[str, dict[str, tuple[int, int, str]]] = {
    "Document": {
        "swagger": (1, STR, ""),
        "info": (2, MSG, "Info"),
        "host": (3, STR, ""),
        "basePath": (4, STR, ""),
        "schemes": (5, STRS, ""),
        "consumes": (6, STRS, ""),
        "produces": (7, STRS, ""),
        "paths": (8, MSG, "Paths"),
        "definitions": (9, NAMED, "Schema"),
        "parameters": (10, NAMED, "Parameter"),
        "responses": (11, NAMED, "Response"),
        "security": (12, MSGS, "SecurityRequirement"),
        "securityDefinitions": (13, NAMED, "SecurityDefinitionsItem"),
    },
    "Info": {
        "title": (1, STR, ""),
        "version": (2, STR, ""),
        "description": (3, STR, ""),
        "termsOfService": (4, STR, ""),
    },
    "PathItem": {
        "$ref": (1, STR, ""),
        "get": (2, MSG, "Operation"),
        "put": (3, MSG, "Operation"),
        "post": (4, MSG, "Operation"),
        "delete": (5, MSG, "Operation"),
        "options": (6, MSG, "Operation"),
        "head": (7, MSG, "Operation"),
        "patch": (8, MSG, "Operation"),
        "parameters": (9, MSGS, "ParametersItem"),
    },
    "Operation": {
        "tags": (1, STRS, ""),
        "summary": (2, STR, ""),
        "description": (3, STR, ""),
        "operationId": (5, STR, ""),
        "produces": (6, STRS, ""),
        "consumes": (7, STRS, ""),
        "parameters": (8, MSGS, "ParametersItem"),
        "responses": (9, MSG, "Responses"),
        "schemes": (10, STRS, ""),
        "deprecated": (11, BOOL, ""),
    },
    "BodyParameter": {
        "description": (1, STR, ""),
        "name": (2, STR, ""),
        "in": (3, STR, ""),
        "required": (4, BOOL, ""),
        "schema": (5, MSG, "Schema"),
    },
    "Response": {"description": (1, STR, ""), "schema": (2, MSG, "SchemaItem")},
    "JsonReference": {"$ref": (1, STR, ""), "description": (2, STR, "")},
    "ApiKeySecurity": {
        "type": (1, STR, ""),
        "name": (2, STR, ""),
        "in": (3, STR, ""),
        "description": (4, STR, ""),
    },
    "Schema": {
        "$ref": (1, STR, ""),
        "format": (2, STR, ""),
        "title": (3, STR, ""),
        "description": (4, STR, ""),
        "default": (5, ANY, ""),
        "multipleOf": (6, DOUBLE, ""),
        "maximum": (7, DOUBLE, ""),
        "exclusiveMaximum": (8, BOOL, ""),
        "minimum": (9, DOUBLE, ""),
        "exclusiveMinimum": (10, BOOL, ""),
        "maxLength": (11, INT, ""),
        "minLength": (12, INT, ""),
        "pattern": (13, STR, ""),
        "maxItems": (14, INT, ""),
        "minItems": (15, INT, ""),
        "uniqueItems": (16, BOOL, ""),
        "maxProperties": (17, INT, ""),
        "minProperties": (18, INT, ""),
        "required": (19, STRS, ""),
        "enum": (20, ANYS, ""),
        "additionalProperties": (21, ADDITIONAL, ""),
        "type": (22, TYPE, ""),
        "items": (23, ITEMS, ""),
        "allOf": (24, MSGS, "Schema"),
        "properties": (25, NAMED, "Schema"),
        "discriminator": (26, STR, ""),
        "readOnly": (27, BOOL, ""),
        "example": (30, ANY, ""),
    },
}


def _simple_parameter(offset: int) -> dict[str, tuple[int, int, str]]:
    """Query and header parameters have allowEmptyValue (5) where path parameters have none."""
    fields = {
        "required": (1, BOOL, ""),
        "in": (2, STR, ""),
        "description": (3, STR, ""),
        "name": (4, STR, ""),
    }
    if offset:
        fields["allowEmptyValue"] = (5, BOOL, "")
    rest = (
        ("type", STR),
        ("format", STR),
        ("items", ANY),
        ("collectionFormat", STR),
        ("default", ANY),
        ("maximum", DOUBLE),
        ("exclusiveMaximum", BOOL),
        ("minimum", DOUBLE),
        ("exclusiveMinimum", BOOL),
        ("maxLength", INT),
        ("minLength", INT),
        ("pattern", STR),
        ("maxItems", INT),
        ("minItems", INT),
        ("uniqueItems", BOOL),
        ("enum", ANYS),
        ("multipleOf", DOUBLE),
    )
    for index, (key, kind) in enumerate(rest):
        fields[key] = (5 + offset + index, kind, "")
    return fields


_MESSAGES["QueryParameterSubSchema"] = _simple_parameter(1)
_MESSAGES["FormDataParameterSubSchema"] = _simple_parameter(1)
_MESSAGES["PathParameterSubSchema"] = _simple_parameter(0)
_MESSAGES["HeaderParameterSubSchema"] = _simple_parameter(0)
for _name in (
    "QueryParameterSubSchema",
    "FormDataParameterSubSchema",
    "PathParameterSubSchema",
    "HeaderParameterSubSchema",
):
    del _MESSAGES[_name]["items"]  # a PrimitivesItems message; the documents never have one

_VENDOR = {
    "Document": 16,
    "Info": 7,
    "PathItem": 10,
    "Operation": 13,
    "BodyParameter": 6,
    "Response": 5,
    "ApiKeySecurity": 5,
    "Schema": 31,
    "QueryParameterSubSchema": 23,
    "FormDataParameterSubSchema": 23,
    "PathParameterSubSchema": 22,
    "HeaderParameterSubSchema": 22,
    "Paths": 1,
    "Responses": 2,
}
_NON_BODY = {"header": 1, "formData": 2, "query": 3, "path": 4}
_NON_BODY_MESSAGE = {
    "header": "HeaderParameterSubSchema",
    "formData": "FormDataParameterSubSchema",
    "query": "QueryParameterSubSchema",
    "path": "PathParameterSubSchema",
}


def _ld(number: int, payload: bytes) -> bytes:
    return tag(number, LENGTH) + varint(len(payload)) + payload


@functools.lru_cache(maxsize=4096)
def _yaml_text(encoded: bytes) -> bytes:
    """YAML of a JSON value (extensions repeat a few values thousands of times, hence the cache)."""
    return codec.yaml_dumps(orjson.loads(encoded)).removesuffix(b"...\n")


def _any(value: Any) -> bytes:
    """gnostic Any: field 2 holds the YAML of the value."""
    return _ld(2, _yaml_text(orjson.dumps(value)))


def _vendor(number: int, key: str, value: Any) -> bytes:
    return _ld(number, _ld(1, key.encode()) + _ld(2, _any(value)))


def encode(message: str, node: dict[str, Any]) -> bytes:
    special = _SPECIAL.get(message)
    if special is not None:
        return special(node)
    fields = _MESSAGES[message]
    vendor = _VENDOR.get(message, 0)
    out = bytearray()
    for key, value in node.items():
        spec = fields.get(key)
        if spec is None:
            if vendor and key.startswith("x-"):
                out += _vendor(vendor, key, value)
            continue
        out += _field(spec, value)
    return bytes(out)


def _field(spec: tuple[int, int, str], value: Any) -> bytes:
    number, kind, sub = spec
    if kind == STR:
        return _ld(number, value.encode()) if value else b""
    if kind == STRS:
        return b"".join(_ld(number, item.encode()) for item in value)
    if kind == BOOL:
        return tag(number, VARINT) + b"\x01" if value else b""
    if kind == INT:
        return tag(number, VARINT) + varint(int(value)) if value else b""
    if kind == DOUBLE:
        return tag(number, FIXED64) + struct.pack("<d", float(value)) if value else b""
    if kind == MSG:
        return _ld(number, encode(sub, value))
    if kind == MSGS:
        return b"".join(_ld(number, encode(sub, item)) for item in value)
    if kind == ANY:
        return _ld(number, _any(value))
    if kind == ANYS:
        return b"".join(_ld(number, _any(item)) for item in value)
    if kind == NAMED:
        # A map: a message with `repeated Named<sub> additional_properties = 1`.
        return _ld(
            number,
            b"".join(
                _ld(1, _ld(1, name.encode()) + _ld(2, encode(sub, item))) for name, item in value.items()
            ),
        )
    if kind == TYPE:
        types = value if isinstance(value, list) else [value]
        return _ld(number, b"".join(_ld(1, t.encode()) for t in types))
    if kind == ITEMS:
        schemas = value if isinstance(value, list) else [value]
        return _ld(number, b"".join(_ld(1, encode("Schema", s)) for s in schemas))
    if kind == ADDITIONAL:
        if isinstance(value, bool):
            return _ld(number, tag(2, VARINT) + (b"\x01" if value else b"\x00"))
        return _ld(number, _ld(1, encode("Schema", value)))
    raise ValueError(f"unknown field kind {kind}")


def _paths(node: dict[str, Any]) -> bytes:
    out = bytearray()
    for path, item in node.items():
        if path.startswith("x-"):
            out += _vendor(1, path, item)
        else:
            out += _ld(2, _ld(1, path.encode()) + _ld(2, encode("PathItem", item)))
    return bytes(out)


def _parameter(node: dict[str, Any]) -> bytes:
    where = node.get("in", "")
    if where == "body":
        return _ld(1, encode("BodyParameter", node))
    return _ld(
        2, _ld(_NON_BODY.get(where, 3), encode(_NON_BODY_MESSAGE.get(where, "QueryParameterSubSchema"), node))
    )


def _parameters_item(node: dict[str, Any]) -> bytes:
    if "$ref" in node:
        return _ld(2, encode("JsonReference", node))
    return _ld(1, _parameter(node))


def _responses(node: dict[str, Any]) -> bytes:
    out = bytearray()
    for code, response in node.items():
        if code.startswith("x-"):
            out += _vendor(2, code, response)
            continue
        value = (
            _ld(2, encode("JsonReference", response))
            if "$ref" in response
            else _ld(1, encode("Response", response))
        )
        out += _ld(1, _ld(1, code.encode()) + _ld(2, value))
    return bytes(out)


def _schema_item(node: dict[str, Any]) -> bytes:
    return _ld(1, encode("Schema", node))


def _security_requirement(node: dict[str, Any]) -> bytes:
    return b"".join(
        _ld(1, _ld(1, name.encode()) + _ld(2, b"".join(_ld(1, s.encode()) for s in scopes)))
        for name, scopes in node.items()
    )


def _security_definition(node: dict[str, Any]) -> bytes:
    return _ld(2, encode("ApiKeySecurity", node)) if node.get("type") == "apiKey" else b""


_SPECIAL = {
    "Paths": _paths,
    "Parameter": _parameter,
    "ParametersItem": _parameters_item,
    "Responses": _responses,
    "SchemaItem": _schema_item,
    "SecurityRequirement": _security_requirement,
    "SecurityDefinitionsItem": _security_definition,
}


def encode_document(document: dict[str, Any]) -> bytes:
    return encode("Document", document)
