"""Sparse objects: what gogo-protobuf writes and what encoding/json then emits.

The fixtures are fully populated, so they never show the zero-value rules. Each case
here states the rule it checks, derived from the Go types (k8s.io/api v1.35):

- gogo-protobuf writes every non-pointer field, even "" / 0 / false, and every
  non-pointer struct (metav1.Time's zero value is written with size 0); pointers, slices,
  maps and []byte only when non-nil; map entries sorted by key.
- encoding/json drops omitempty fields that are "", 0, false, nil or empty, but never
  drops a struct (so "status": {} and the zero Time's null appear), keeps pointers to zero
  values, and writes null for nil slices, maps and pointers without omitempty.
"""

from __future__ import annotations

from typing import Any

import pytest

from kapiserver.apimachinery import protobuf


def ld(number: int, payload: bytes) -> bytes:
    """A length-delimited field (payloads here are shorter than 128 bytes)."""
    assert len(payload) < 128
    return bytes([number << 3 | 2, len(payload)]) + payload


def vi(number: int, value: int) -> bytes:
    """A varint field with a one-byte value."""
    assert 0 <= value < 128
    return bytes([number << 3, value])


def envelope(api_version: str, kind: str, body: bytes) -> bytes:
    type_meta = ld(1, api_version.encode()) + ld(2, kind.encode())
    return b"k8s\x00" + ld(1, type_meta) + ld(2, body) + ld(3, b"") + ld(4, b"")


def object_meta(name: bytes) -> bytes:
    """ObjectMeta with only a name: the six strings, generation 0 and a zero (omitted) creationTimestamp."""
    return (
        ld(1, name) + ld(2, b"") + ld(3, b"") + ld(4, b"") + ld(5, b"") + ld(6, b"") + vi(7, 0) + ld(8, b"")
    )


def roundtrip(obj: dict[str, Any]) -> dict[str, Any]:
    return protobuf.decode_object(protobuf.encode_object(obj))


def test_configmap_with_name_and_data() -> None:
    obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"}, "data": {"b": "2", "a": "1"}}
    data = ld(2, ld(1, b"a") + ld(2, b"1")) + ld(2, ld(1, b"b") + ld(2, b"2"))  # sorted by key
    # binaryData (nil map) and immutable (nil *bool) are not written.
    assert protobuf.encode_object(obj) == envelope("v1", "ConfigMap", ld(1, object_meta(b"cm")) + data)
    # creationTimestamp is tagged omitzero in v1.35 (Go 1.24): the zero Time is omitted.
    assert roundtrip(obj) == {
        "kind": "ConfigMap",
        "apiVersion": "v1",
        "metadata": {"name": "cm"},
        "data": {"b": "2", "a": "1"},
    }


def test_configmap_empty_values_survive() -> None:
    """Map values are written even when empty; a binaryData value of "" is a non-nil []byte."""
    obj = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "cm"},
        "data": {"k": ""},
        "binaryData": {"b": ""},
    }
    body = protobuf.encode_object(obj)
    assert ld(3, ld(1, b"b") + ld(2, b"")) in body
    assert roundtrip(obj)["data"] == {"k": ""}
    assert roundtrip(obj)["binaryData"] == {"b": ""}


def _deployment(**spec: Any) -> dict[str, Any]:
    template = {
        "metadata": {"labels": {"app": "d"}},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]},
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "d"},
        "spec": {**spec, "selector": {"matchLabels": {"app": "d"}}, "template": template},
    }


def test_deployment_with_zero_replicas_keeps_them() -> None:
    """replicas is *int32: 0 is written on the wire and kept in JSON (it means scaled down)."""
    encoded = protobuf.encode_object(_deployment(replicas=0))
    decoded = protobuf.decode_object(encoded)
    assert decoded["spec"]["replicas"] == 0
    assert decoded == {
        "kind": "Deployment",
        "apiVersion": "apps/v1",
        "metadata": {"name": "d"},
        "spec": {
            "replicas": 0,
            "selector": {"matchLabels": {"app": "d"}},
            "template": {
                "metadata": {"labels": {"app": "d"}},
                # Container.resources is a struct: always present; image is omitempty but set.
                "spec": {"containers": [{"name": "c", "image": "nginx", "resources": {}}]},
            },
            # strategy is a struct with only omitempty fields; status likewise.
            "strategy": {},
        },
        "status": {},
    }


def test_deployment_without_replicas_omits_them() -> None:
    decoded = roundtrip(_deployment())
    assert "replicas" not in decoded["spec"]
    assert list(decoded["spec"]) == ["selector", "template", "strategy"]


def test_deployment_without_selector_writes_null() -> None:
    """selector is *LabelSelector with json:"selector" (no omitempty): nil is null."""
    obj = _deployment()
    del obj["spec"]["selector"]
    assert roundtrip(obj)["spec"]["selector"] is None


def test_pod_with_empty_strings() -> None:
    obj = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "", "namespace": ""},
        "spec": {
            "containers": [{"name": "", "image": ""}],
            "nodeName": "",  # string,omitempty: dropped
            "runtimeClassName": "",  # *string: a pointer to "" is kept
            "hostNetwork": False,  # bool,omitempty: dropped
            "priority": 0,  # *int32: kept
        },
    }
    assert roundtrip(obj) == {
        "kind": "Pod",
        "apiVersion": "v1",
        "metadata": {},
        "spec": {
            # Container.name has no omitempty: "" stays; image is omitempty: dropped.
            "containers": [{"name": "", "resources": {}}],
            "runtimeClassName": "",
            "priority": 0,
        },
        "status": {},
    }


def test_pod_without_containers_writes_null() -> None:
    """PodSpec.containers is json:"containers" without omitempty: a nil slice is null."""
    assert roundtrip({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}})["spec"] == {
        "containers": None
    }


def test_empty_pointer_struct_is_kept() -> None:
    """securityContext is *PodSecurityContext: present-but-empty is written (size 0) and read back as {}."""
    obj = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {"containers": [], "securityContext": {}},
    }
    assert roundtrip(obj)["spec"] == {"containers": None, "securityContext": {}}


def test_clusterrole_without_rules_writes_null() -> None:
    """ClusterRole.rules is json:"rules" without omitempty; an empty list cannot be told from nil on the wire."""
    obj = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": {"name": "r"},
        "rules": [],
    }
    assert roundtrip(obj)["rules"] is None


def test_service_port_target_port_forms() -> None:
    """targetPort is a value IntOrString: int and string forms round-trip; absent is the zero, 0."""
    ports = [{"port": 80, "targetPort": 8080}, {"port": 81, "targetPort": "http"}, {"port": 82}]
    obj = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {"ports": ports}}
    got = roundtrip(obj)["spec"]["ports"]
    assert [p["targetPort"] for p in got] == [8080, "http", 0]
    # ServicePort.port has no omitempty; protocol and name are omitempty strings.
    assert got[2] == {"port": 82, "targetPort": 0}


def test_time_is_truncated_to_seconds_and_normalised_to_utc() -> None:
    """metav1.Time carries whole seconds on the wire; JSON is RFC 3339 in UTC."""
    obj = {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": "n", "creationTimestamp": "2024-03-01T12:00:00.75+02:00"},
    }
    assert roundtrip(obj)["metadata"]["creationTimestamp"] == "2024-03-01T10:00:00Z"


def test_micro_time_keeps_microseconds() -> None:
    obj = {
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": {"name": "l"},
        "spec": {"holderIdentity": "me", "renewTime": "2024-03-01T11:00:00.123456+01:00"},
    }
    assert roundtrip(obj)["spec"] == {"holderIdentity": "me", "renewTime": "2024-03-01T10:00:00.123456Z"}


def test_secret_bytes_are_base64() -> None:
    obj = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "s"},
        "data": {"k": "aGVsbG8="},
        "type": "Opaque",
    }
    encoded = protobuf.encode_object(obj)
    assert ld(2, ld(1, b"k") + ld(2, b"hello")) in encoded
    assert roundtrip(obj)["data"] == {"k": "aGVsbG8="}


def test_status_round_trip() -> None:
    """Status.metadata is a ListMeta struct: always {}; details.group is omitempty."""
    obj = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": 'pods "x" not found',
        "reason": "NotFound",
        "details": {"name": "x", "group": "", "kind": "pods"},
        "code": 404,
    }
    expected = dict(obj, details={"name": "x", "kind": "pods"})
    assert roundtrip(obj) == expected
    assert list(roundtrip(obj)) == list(expected)


def test_list_of_pods() -> None:
    items = [{"metadata": {"name": f"p{i}"}, "spec": {"containers": [{"name": "c"}]}} for i in range(3)]
    obj = {"apiVersion": "v1", "kind": "PodList", "metadata": {"resourceVersion": "7"}, "items": items}
    got = roundtrip(obj)
    assert got["metadata"] == {"resourceVersion": "7"}
    assert [item["metadata"]["name"] for item in got["items"]] == ["p0", "p1", "p2"]
    assert "kind" not in got["items"][0]  # list items carry no TypeMeta on the wire


def test_embedded_raw_extension_is_json() -> None:
    """ControllerRevision.data is a RawExtension: the raw bytes are the compact JSON of the value."""
    payload = {"spec": {"replicas": 1}}
    obj = {
        "apiVersion": "apps/v1",
        "kind": "ControllerRevision",
        "metadata": {"name": "r"},
        "data": payload,
        "revision": 2,
    }
    assert ld(1, b'{"spec":{"replicas":1}}') in protobuf.encode_object(obj)
    assert roundtrip(obj)["data"] == payload


def test_unknown_json_fields_are_dropped() -> None:
    """Go's decoder ignores unknown JSON fields; they have no field number to travel under."""
    obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm", "bogus": 1}, "extra": True}
    got = roundtrip(obj)
    assert "extra" not in got and "bogus" not in got["metadata"]


def test_default_gvk_fills_empty_envelope() -> None:
    body = ld(1, object_meta(b"cm"))
    data = envelope("", "", body)
    with pytest.raises(protobuf.ProtobufError):
        protobuf.decode_object(data)
    got = protobuf.decode_object(data, ("", "v1", "ConfigMap"))
    assert got == {
        "kind": "ConfigMap",
        "apiVersion": "v1",
        "metadata": {"name": "cm"},
    }


def test_options_kinds_are_known_in_every_group_version() -> None:
    """metav1.AddToGroupVersion registers WatchEvent and the *Options kinds in each group version."""
    obj = {
        "apiVersion": "apps/v1",
        "kind": "DeleteOptions",
        "propagationPolicy": "Foreground",
        "gracePeriodSeconds": 0,
    }
    assert roundtrip(obj) == {"kind": "DeleteOptions", "apiVersion": "apps/v1", "gracePeriodSeconds": 0,
                              "propagationPolicy": "Foreground"}  # fmt: skip


def test_named_string_slices_keep_empty_apart_from_nil() -> None:
    """APIResource.verbs is metav1.Verbs ([]string carried as a message, json:"verbs"):
    gogo writes it whenever non-nil, so [] survives, while a missing one reads back as null."""
    resources = [
        {"name": "pods", "singularName": "", "namespaced": True, "kind": "Pod", "verbs": []},
        {"name": "x"},
    ]
    obj = {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "v1", "resources": resources}
    assert ld(4, b"") in protobuf.encode_object(obj)
    got = roundtrip(obj)["resources"]
    assert got[0]["verbs"] == [] and got[1]["verbs"] is None
    # singularName, namespaced and kind have no omitempty: zero values are written out.
    assert got[1] == {"name": "x", "singularName": "", "namespaced": False, "kind": "", "verbs": None}


def test_extra_values_map() -> None:
    """UserInfo.extra is map[string]ExtraValue: entries, even empty ones, come back as lists."""
    obj = {
        "apiVersion": "authentication.k8s.io/v1",
        "kind": "TokenReview",
        "metadata": {},
        "spec": {"token": "t"},
        "status": {"authenticated": True, "user": {"username": "u", "extra": {"b": ["1", "2"], "a": []}}},
    }
    assert roundtrip(obj)["status"]["user"] == {"username": "u", "extra": {"b": ["1", "2"], "a": []}}
