"""Bodies in every form clients use: YAML, protobuf (objects, lists, Status, watch frames),
Table and PartialObjectMetadata views, and JSON as Go's encoder writes it.
"""

from __future__ import annotations

import json
import struct
from typing import Any

import yaml
from harness import Server

PROTOBUF = "application/vnd.kubernetes.protobuf"
TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io"
PARTIAL_LIST = "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io"
PARTIAL = "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io"


def create_cm(server: Server, ns: str, name: str, data: dict[str, str] | None = None) -> dict[str, Any]:
    answer = server.request(
        "POST",
        f"/api/v1/namespaces/{ns}/configmaps",
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data or {"k": "v"}},
    )
    assert answer.status == 201, answer.body
    return answer.json()


# -- a protobuf wire reader: just enough to check what the server wrote --------------------------------


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, pos


def fields(data: bytes) -> list[tuple[int, int | bytes]]:
    """(field number, value) pairs of one message; length-delimited values stay bytes."""
    out: list[tuple[int, int | bytes]] = []
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
            out.append((number, value))
        elif wire == 2:
            length, pos = _varint(data, pos)
            out.append((number, data[pos : pos + length]))
            pos += length
        else:
            raise AssertionError(f"unexpected wire type {wire} in field {number}")
    return out


def field(data: bytes, number: int) -> bytes:
    values = [v for n, v in fields(data) if n == number]
    assert len(values) == 1 and isinstance(values[0], bytes), (number, values)
    return values[0]


def unknown(envelope: bytes) -> tuple[str, str, bytes]:
    """runtime.Unknown behind the `k8s\\0` magic: (apiVersion, kind, raw)."""
    assert envelope[:4] == b"k8s\x00", envelope[:16]
    body = envelope[4:]
    type_meta = field(body, 1)
    return field(type_meta, 1).decode(), field(type_meta, 2).decode(), field(body, 2)


# -- YAML ------------------------------------------------------------------------------------------------


def test_yaml_request_and_response(server: Server, ns: str) -> None:
    manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n  labels:\n    app: demo\ndata:\n  key: |\n    line one\n    line two\n"
    answer = server.request(
        "POST",
        f"/api/v1/namespaces/{ns}/configmaps",
        manifest,
        headers={"Content-Type": "application/yaml", "Accept": "application/yaml"},
    )
    assert answer.status == 201, answer.body
    assert answer.headers["content-type"] == "application/yaml"
    created = yaml.safe_load(answer.body)
    assert created["data"] == {"key": "line one\nline two\n"}
    assert created["metadata"]["labels"] == {"app": "demo"}
    got = server.request(
        "GET", f"/api/v1/namespaces/{ns}/configmaps/y", headers={"Accept": "application/yaml"}
    )
    assert got.headers["content-type"] == "application/yaml"
    assert yaml.safe_load(got.body) == created
    listed = yaml.safe_load(
        server.request(
            "GET", f"/api/v1/namespaces/{ns}/configmaps", headers={"Accept": "application/yaml"}
        ).body
    )
    assert listed["kind"] == "ConfigMapList" and [i["metadata"]["name"] for i in listed["items"]] == ["y"]


def test_yaml_status_error(server: Server, ns: str) -> None:
    answer = server.request(
        "GET", f"/api/v1/namespaces/{ns}/configmaps/nope", headers={"Accept": "application/yaml"}
    )
    assert answer.status == 404 and answer.headers["content-type"] == "application/yaml"
    assert yaml.safe_load(answer.body) == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": 'configmaps "nope" not found',
        "reason": "NotFound",
        "details": {"name": "nope", "kind": "configmaps"},
        "code": 404,
    }


def test_yaml_update(server: Server, ns: str) -> None:
    created = create_cm(server, ns, "u")
    created["data"] = {"k": "changed"}
    answer = server.request(
        "PUT",
        f"/api/v1/namespaces/{ns}/configmaps/u",
        yaml.safe_dump(created),
        headers={"Content-Type": "application/yaml"},
    )
    assert answer.status == 200, answer.body
    assert answer.json()["data"] == {"k": "changed"}


# -- protobuf --------------------------------------------------------------------------------------------


def test_protobuf_object(server: Server, ns: str) -> None:
    created = create_cm(server, ns, "pb", {"a": "b"})
    answer = server.request("GET", f"/api/v1/namespaces/{ns}/configmaps/pb", headers={"Accept": PROTOBUF})
    assert answer.status == 200
    assert answer.headers["content-type"] == PROTOBUF
    assert answer.body.startswith(b"k8s\x00")
    api_version, kind, raw = unknown(answer.body)
    assert (api_version, kind) == ("v1", "ConfigMap")
    meta = field(raw, 1)  # ConfigMap.metadata
    assert field(meta, 1) == b"pb" and field(meta, 3) == ns.encode()  # name, namespace
    assert field(meta, 5).decode() == created["metadata"]["uid"]
    assert field(meta, 6).decode() == created["metadata"]["resourceVersion"]
    entry = field(raw, 2)  # data map entry
    assert (field(entry, 1), field(entry, 2)) == (b"a", b"b")


def test_protobuf_list(server: Server, ns: str) -> None:
    create_cm(server, ns, "one")
    create_cm(server, ns, "two")
    answer = server.request("GET", f"/api/v1/namespaces/{ns}/configmaps", headers={"Accept": PROTOBUF})
    assert answer.status == 200 and answer.headers["content-type"] == PROTOBUF
    api_version, kind, raw = unknown(answer.body)
    assert (api_version, kind) == ("v1", "ConfigMapList")
    items = [v for n, v in fields(raw) if n == 2]
    assert [field(field(item, 1), 1) for item in items] == [b"one", b"two"]  # type: ignore[arg-type]


def test_protobuf_status_error(server: Server, ns: str) -> None:
    answer = server.request("GET", f"/api/v1/namespaces/{ns}/configmaps/nope", headers={"Accept": PROTOBUF})
    assert answer.status == 404 and answer.headers["content-type"] == PROTOBUF
    api_version, kind, raw = unknown(answer.body)
    assert (api_version, kind) == ("v1", "Status")
    assert field(raw, 2) == b"Failure" and field(raw, 3) == b'configmaps "nope" not found'
    assert field(raw, 4) == b"NotFound" and dict(fields(raw))[6] == 404


def test_protobuf_watch_frames(server: Server, ns: str) -> None:
    start = server.request("GET", f"/api/v1/namespaces/{ns}/configmaps").json()["metadata"]["resourceVersion"]
    create_cm(server, ns, "w1")
    create_cm(server, ns, "w2")
    answer = server.request(
        "GET",
        f"/api/v1/namespaces/{ns}/configmaps?watch=1&resourceVersion={start}&timeoutSeconds=1",
        headers={"Accept": f"{PROTOBUF};stream=watch"},
    )
    assert answer.status == 200
    assert answer.headers["content-type"] == f"{PROTOBUF};stream=watch"
    seen = []
    pos = 0
    while pos < len(answer.body):
        (length,) = struct.unpack(">I", answer.body[pos : pos + 4])
        frame = answer.body[pos + 4 : pos + 4 + length]
        pos += 4 + length
        event_type = field(frame, 1).decode()  # metav1.WatchEvent.type
        _, kind, raw = unknown(field(field(frame, 2), 1))  # .object (RawExtension.raw)
        seen.append((event_type, kind, field(field(raw, 1), 1).decode()))
    assert seen == [("ADDED", "ConfigMap", "w1"), ("ADDED", "ConfigMap", "w2")]


def test_kubectl_create_sends_protobuf(server: Server, ns: str) -> None:
    result = server.kubectl("-n", ns, "create", "configmap", "kp", "--from-literal=a=b", "-v=8")
    assert "configmap/kp created" in result.stdout
    assert f"Content-Type: {PROTOBUF}" in result.stderr, "kubectl should have sent a protobuf body"
    got = server.request("GET", f"/api/v1/namespaces/{ns}/configmaps/kp").json()
    assert got["data"] == {"a": "b"}


# -- Table and PartialObjectMetadata ---------------------------------------------------------------------


def test_table_of_configmaps(server: Server, ns: str) -> None:
    create_cm(server, ns, "t", {"a": "1", "b": "2"})
    answer = server.request("GET", f"/api/v1/namespaces/{ns}/configmaps", headers={"Accept": TABLE})
    assert answer.status == 200 and answer.headers["content-type"] == "application/json"
    table = answer.json()
    assert table["kind"] == "Table" and table["apiVersion"] == "meta.k8s.io/v1"
    assert table["metadata"]["resourceVersion"].isdigit()
    columns = [(c["name"], c["type"], c["format"], c["priority"]) for c in table["columnDefinitions"]]
    assert columns == [("Name", "string", "name", 0), ("Data", "string", "", 0), ("Age", "string", "", 0)]
    descriptions = [c["description"] for c in table["columnDefinitions"]]
    assert descriptions[0].startswith("Name must be unique within a namespace.")
    assert descriptions[1].startswith("Data contains the configuration data.")
    assert descriptions[2].startswith("CreationTimestamp is a timestamp representing the server time")
    (row,) = table["rows"]
    name, count, age = row["cells"]
    assert (name, count) == ("t", 2) and age.endswith("s")
    assert row["object"]["kind"] == "PartialObjectMetadata"
    assert row["object"]["apiVersion"] == "meta.k8s.io/v1"
    assert row["object"]["metadata"]["name"] == "t"


def test_table_of_one_namespace(server: Server, ns: str) -> None:
    table = server.request("GET", f"/api/v1/namespaces/{ns}", headers={"Accept": TABLE}).json()
    assert [c["name"] for c in table["columnDefinitions"]] == ["Name", "Status", "Age"]
    assert table["columnDefinitions"][1]["description"] == "The status of the namespace"
    (row,) = table["rows"]
    assert row["cells"][:2] == [ns, "Active"]


def test_table_include_object_none(server: Server, ns: str) -> None:
    create_cm(server, ns, "t")
    table = server.request(
        "GET", f"/api/v1/namespaces/{ns}/configmaps?includeObject=None", headers={"Accept": TABLE}
    ).json()
    assert [row["cells"][0] for row in table["rows"]] == ["t"]
    assert all(row.get("object") is None for row in table["rows"])


def test_partial_object_metadata(server: Server, ns: str) -> None:
    created = create_cm(server, ns, "pm")
    listed = server.request("GET", f"/api/v1/namespaces/{ns}/configmaps", headers={"Accept": PARTIAL_LIST})
    assert listed.status == 200
    body = listed.json()
    assert body["kind"] == "PartialObjectMetadataList" and body["apiVersion"] == "meta.k8s.io/v1"
    (item,) = body["items"]
    assert item == {
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": created["metadata"],
    }
    one = server.request("GET", f"/api/v1/namespaces/{ns}/configmaps/pm", headers={"Accept": PARTIAL}).json()
    assert one == item


# -- JSON as Go writes it --------------------------------------------------------------------------------


def test_empty_maps_are_omitted_as_go_omits_them(server: Server, ns: str) -> None:
    body = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "empty", "labels": {}, "annotations": {}},
        "data": {},
    }
    created = server.request("POST", f"/api/v1/namespaces/{ns}/configmaps", body).json()
    assert "data" not in created, created
    assert "labels" not in created["metadata"] and "annotations" not in created["metadata"], created


def test_json_response_field_order(server: Server, ns: str) -> None:
    """Byte-level parity with kube-apiserver's JSON, for tools that compare raw bodies."""
    raw = server.request("GET", f"/api/v1/namespaces/{ns}").body
    assert raw.startswith(b'{"kind":"Namespace","apiVersion":"v1","metadata":{"name":'), raw[:80]
    assert list(json.loads(raw)) == ["kind", "apiVersion", "metadata", "spec", "status"]
