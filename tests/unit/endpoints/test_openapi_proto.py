"""The gnostic protobuf form of the v2 document, read back field by field (OpenAPIv2.proto numbers)."""

import struct
from typing import Any

import yaml

from kapiserver.apimachinery.protobuf.wire import read_varint
from kapiserver.endpoints.openapi import proto


def fields(data: bytes) -> list[tuple[int, Any]]:
    """(number, value) pairs: ints for varints, floats for fixed64, bytes for length-delimited."""
    out, pos = [], 0
    while pos < len(data):
        key, pos = read_varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = read_varint(data, pos)
        elif wire == 1:
            value, pos = struct.unpack("<d", data[pos : pos + 8])[0], pos + 8
        else:
            size, pos = read_varint(data, pos)
            value, pos = data[pos : pos + size], pos + size
        out.append((number, value))
    return out


def one(data: bytes, number: int) -> Any:
    values = [v for n, v in fields(data) if n == number]
    assert len(values) == 1, (number, values)
    return values[0]


def named(data: bytes, number: int) -> dict[str, bytes]:
    """A repeated Named* field: name (1) -> value (2)."""
    return {one(item, 1).decode(): one(item, 2) for n, item in fields(data) if n == number}


DOC = {
    "swagger": "2.0",
    "info": {"title": "Kubernetes", "version": "1.35"},
    "paths": {
        "/api/v1/namespaces/{namespace}/configmaps/{name}": {
            "get": {
                "description": "read the specified ConfigMap",
                "consumes": ["*/*"],
                "produces": ["application/json"],
                "schemes": ["https"],
                "tags": ["core_v1"],
                "operationId": "readCoreV1NamespacedConfigMap",
                "responses": {
                    "200": {
                        "description": "OK",
                        "schema": {"$ref": "#/definitions/io.k8s.api.core.v1.ConfigMap"},
                    },
                    "401": {"description": "Unauthorized"},
                },
                "x-kubernetes-action": "get",
                "x-kubernetes-group-version-kind": {"group": "", "kind": "ConfigMap", "version": "v1"},
            },
            "parameters": [
                {
                    "uniqueItems": True,
                    "type": "string",
                    "description": "name of the ConfigMap",
                    "name": "name",
                    "in": "path",
                    "required": True,
                },
                {"$ref": "#/parameters/pretty-tJGM1-ng"},
            ],
            "patch": {
                "parameters": [
                    {
                        "name": "body",
                        "in": "body",
                        "required": True,
                        "schema": {"$ref": "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch"},
                    }
                ],
                "responses": {"401": {"description": "Unauthorized"}},
            },
        }
    },
    "definitions": {
        "io.k8s.api.core.v1.ConfigMap": {
            "description": "ConfigMap holds configuration data for pods to consume.",
            "type": "object",
            "properties": {
                "data": {"type": "object", "additionalProperties": {"type": "string"}},
                "binaryData": {"type": "object", "additionalProperties": True},
                "items": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
            },
            "required": ["data"],
            "minimum": 1.5,
            "x-kubernetes-group-version-kind": [{"group": "", "kind": "ConfigMap", "version": "v1"}],
        }
    },
    "parameters": {
        "pretty-tJGM1-ng": {
            "uniqueItems": True,
            "type": "string",
            "description": "pretty",
            "name": "pretty",
            "in": "query",
        }
    },
    "securityDefinitions": {
        "BearerToken": {
            "description": "Bearer Token authentication",
            "in": "header",
            "name": "authorization",
            "type": "apiKey",
        }
    },
    "security": [{"BearerToken": []}],
}


def test_document_frame():
    data = proto.encode_document(DOC)
    assert one(data, 1) == b"2.0"
    info = one(data, 2)
    assert one(info, 1) == b"Kubernetes" and one(info, 2) == b"1.35"
    security = one(data, 12)
    requirement = one(security, 1)
    assert one(requirement, 1) == b"BearerToken" and one(requirement, 2) == b""
    definitions = one(data, 13)
    api_key = one(one(one(definitions, 1), 2), 2)
    assert [one(api_key, n) for n in (1, 2, 3, 4)] == [
        b"apiKey",
        b"authorization",
        b"header",
        b"Bearer Token authentication",
    ]


def test_operations_parameters_and_extensions():
    data = proto.encode_document(DOC)
    item = named(one(data, 8), 2)["/api/v1/namespaces/{namespace}/configmaps/{name}"]
    get = one(item, 2)
    assert one(get, 5) == b"readCoreV1NamespacedConfigMap"
    assert one(get, 3) == b"read the specified ConfigMap"
    assert [v for n, v in fields(get) if n == 1] == [b"core_v1"]
    assert one(get, 7) == b"*/*" and one(get, 10) == b"https"
    responses = named(one(get, 9), 1)
    ok = one(responses["200"], 1)
    assert one(ok, 1) == b"OK"
    assert one(one(one(ok, 2), 1), 1) == b"#/definitions/io.k8s.api.core.v1.ConfigMap"
    extensions = named(get, 13)
    assert yaml.safe_load(one(extensions["x-kubernetes-action"], 2)) == "get"
    assert yaml.safe_load(one(extensions["x-kubernetes-group-version-kind"], 2)) == {
        "group": "",
        "kind": "ConfigMap",
        "version": "v1",
    }
    name_param, pretty = [v for n, v in fields(item) if n == 9]
    path_param = one(one(one(name_param, 1), 2), 4)  # ParametersItem.parameter.non_body.path
    assert [one(path_param, n) for n in (1, 2, 3, 4, 5, 19)] == [
        1,
        b"path",
        b"name of the ConfigMap",
        b"name",
        b"string",
        1,
    ]
    assert one(one(pretty, 2), 1) == b"#/parameters/pretty-tJGM1-ng"
    body = one(one(one(one(item, 8), 8), 1), 1)  # patch.parameters[0].parameter.body_parameter
    assert [one(body, n) for n in (2, 3, 4)] == [b"body", b"body", 1]
    assert one(one(body, 5), 1) == b"#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch"


def test_schemas():
    data = proto.encode_document(DOC)
    schema = named(one(data, 9), 1)["io.k8s.api.core.v1.ConfigMap"]
    assert one(one(schema, 22), 1) == b"object"
    assert one(schema, 19) == b"data" and one(schema, 9) == 1.5
    props = named(one(schema, 25), 1)
    assert one(one(one(one(props["data"], 21), 1), 22), 1) == b"string"
    assert one(one(props["binaryData"], 21), 2) == 1
    items = one(props["items"], 23)
    assert one(one(one(items, 1), 22), 1) == b"string" and one(props["items"], 14) == 3
    gvk = yaml.safe_load(one(named(schema, 31)["x-kubernetes-group-version-kind"], 2))
    assert gvk == [{"group": "", "kind": "ConfigMap", "version": "v1"}]
    shared = named(one(data, 10), 1)["pretty-tJGM1-ng"]
    query = one(one(shared, 2), 3)
    assert one(query, 4) == b"pretty" and one(query, 2) == b"query" and one(query, 20) == 1
