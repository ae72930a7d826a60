"""The default field manager on built-in kinds: upstream's managedfields tests
(fieldmanager_test.go, internal/*_test.go) and the apiserver apply integration cases,
carried over through a harness that keeps the live object as upstream's TestFieldManager does."""

from __future__ import annotations

import itertools
import json
import pathlib
from typing import Any

import pytest
import yaml

from kapiserver.apimachinery import errors, meta
from kapiserver.apimachinery import managedfields as mf
from kapiserver.apimachinery.managedfields import managers as layers
from kapiserver.apimachinery.managedfields.lastapplied import LAST_APPLIED_CONFIG_ANNOTATION

HERE = pathlib.Path(__file__).parent


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A clock that moves one second per stamp, so every change has a distinct time."""
    ticks = itertools.count(1)

    def now() -> str:
        second = next(ticks)
        return f"2024-01-01T00:{second // 60:02d}:{second % 60:02d}Z"

    monkeypatch.setattr(layers.timefmt, "now_rfc3339", now)
    return now


class Harness:
    """upstream managedfieldstest.TestFieldManager: a live object and the field manager."""

    def __init__(self, api_version: str, kind: str, subresource: str = "", **options: Any):
        self.fm = mf.new_default_field_manager(mf.builtin(), api_version, kind, subresource, **options)
        self.live: dict[str, Any] = {"apiVersion": api_version, "kind": kind}

    def update(self, obj: dict[str, Any], manager: str) -> None:
        self.live = self.fm.update(self.live, meta.deep_copy(obj), manager)

    def apply(self, obj: dict[str, Any], manager: str, force: bool = False) -> None:
        self.live = self.fm.apply(self.live, meta.deep_copy(obj), manager, force)

    def managed(self) -> list[dict[str, Any]]:
        return meta.metadata(self.live).get("managedFields") or []

    def managers(self) -> list[str]:
        return [e["manager"] for e in self.managed()]

    def fields_of(self, manager: str) -> dict[str, Any]:
        return next(e["fieldsV1"] for e in self.managed() if e["manager"] == manager)


def y(text: str) -> dict[str, Any]:
    return yaml.safe_load(text)


DEPLOYMENT = y("""
apiVersion: apps/v1
kind: Deployment
metadata: {name: deployment, labels: {app: nginx}}
spec:
  replicas: 3
  selector: {matchLabels: {app: nginx}}
  template:
    metadata: {labels: {app: nginx}}
    spec:
      containers:
      - {name: nginx, image: "nginx:latest"}
""")


def conflict_of(failure: pytest.ExceptionInfo[errors.StatusError]) -> tuple[int, str, list[dict[str, Any]]]:
    status = failure.value.status
    return status["code"], status["message"], status["details"]["causes"]


# --- fieldmanager_test.go ---------------------------------------------------------------------


def test_update_apply_conflict() -> None:
    f = Harness("apps/v1", "Deployment")
    f.update(DEPLOYMENT, "fieldmanager_test")
    with pytest.raises(errors.StatusError) as failure:
        f.apply(
            y(
                '{"apiVersion": apps/v1, "kind": Deployment, "metadata": {"name": deployment}, '
                '"spec": {"replicas": 101}}'
            ),
            "fieldmanager_conflict",
        )
    code, message, causes = conflict_of(failure)
    assert code == 409 and failure.value.reason == "Conflict"
    assert message == (
        'Apply failed with 1 conflict: conflict with "fieldmanager_test" using apps/v1: .spec.replicas'
    )
    assert causes == [
        {
            "reason": "FieldManagerConflict",
            "message": 'conflict with "fieldmanager_test" using apps/v1',
            "field": ".spec.replicas",
        }
    ]


def test_apply_strips_fields() -> None:
    f = Harness("apps/v1", "Deployment")
    obj = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": "b",
            "namespace": "b",
            "uid": "b",
            "generation": 0,
            "resourceVersion": "b",
            "creationTimestamp": "2024-01-01T00:00:00Z",
            "managedFields": [{"manager": "update", "operation": "Apply", "apiVersion": "apps/v1"}],
        },
    }
    f.update(obj, "fieldmanager_test")
    assert f.managed() == []


@pytest.mark.parametrize(
    "body,message",
    [
        (
            '{"apiVersion": apps/v1beta1, "kind": Deployment}',
            "invalid object type: apps/v1beta1, Kind=Deployment",
        ),
        ("{}", "invalid object type: /, Kind="),
    ],
)
def test_version_check(body: str, message: str) -> None:
    f = Harness("apps/v1", "Deployment")
    f.apply(y('{"apiVersion": apps/v1, "kind": Deployment}'), "fieldmanager_test")
    with pytest.raises(errors.StatusError) as failure:
        f.apply(y(body), "fieldmanager_test")
    assert failure.value.code == 400 and failure.value.message == message


def test_apply_does_not_strip_labels() -> None:
    f = Harness("v1", "Pod")
    f.apply(y('{"apiVersion": v1, "kind": Pod, "metadata": {"labels": {"a": "b"}}}'), "fieldmanager_test")
    assert len(f.managed()) == 1
    assert f.managed()[0]["fieldsV1"] == {"f:metadata": {"f:labels": {"f:a": {}}}}


@pytest.mark.parametrize("name", ["upstream_pod.yaml", "upstream_node.yaml"])
def test_apply_new_object(name: str) -> None:
    obj = y((HERE / name).read_text())
    f = Harness(obj["apiVersion"], obj["kind"])
    f.apply(obj, "fieldmanager_test")
    assert f.managers() == ["fieldmanager_test"]


def test_apply_fails_with_managed_fields() -> None:
    f = Harness("v1", "Pod")
    with pytest.raises(errors.StatusError) as failure:
        f.apply(y('{"apiVersion": v1, "kind": Pod, "metadata": {"managedFields": [{"manager": test}]}}'), "m")
    assert failure.value.code == 400 and failure.value.message == "metadata.managedFields must be nil"
    with pytest.raises(errors.StatusError):
        f.apply(y('{"apiVersion": v1, "kind": Pod, "metadata": {"managedFields": []}}'), "m")


def test_no_op_changes() -> None:
    f = Harness("v1", "Pod")
    # Upstream's case also sends `creationTimestamp: null`, which its unstructured harness keeps;
    # a v1.35 Pod struct omits a zero creationTimestamp (omitzero), so it is left out here.
    obj = y('{"apiVersion": v1, "kind": Pod, "metadata": {"labels": {"a": "b"}}}')
    f.apply(obj, "fieldmanager_test_apply")
    before = meta.deep_copy(f.live)
    f.apply(obj, "fieldmanager_test_apply_other")
    assert f.live != before, "a new applier of the same values owns them too"
    before = meta.deep_copy(f.live)
    f.update(obj, "fieldmanager_test_update")
    # The update's object is the body as sent; apply's result is the Go struct's encoding.
    view = mf.builtin().structured_view
    assert f.managed() == before["metadata"]["managedFields"], "a no-op update changes no ownership"
    assert view(f.live) == view(before), "a no-op update changes nothing"
    before = meta.deep_copy(f.live)
    f.apply(obj, "fieldmanager_test_apply", force=True)
    assert f.live == before, "a no-op apply changes nothing"


@pytest.mark.parametrize("reset", [[], [{}]])
def test_reset_managed_fields(reset: list[Any]) -> None:
    f = Harness("v1", "Pod")
    f.apply(
        y('{"apiVersion": v1, "kind": Pod, "metadata": {"labels": {"a": "b"}}}'), "fieldmanager_test_apply"
    )
    meta.ensure_metadata(f.live)["uid"] = "uid"
    f.update(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"uid": "uid", "managedFields": reset, "labels": {"a": "b"}},
        },
        "update_manager",
    )
    assert f.managed() == []


def _with_last_applied(obj: dict[str, Any], text: str) -> dict[str, Any]:
    out = meta.deep_copy(obj)
    meta.ensure_metadata(out).setdefault("annotations", {})[LAST_APPLIED_CONFIG_ANNOTATION] = text
    return out


def test_server_side_apply_with_invalid_last_applied() -> None:
    f = Harness("apps/v1", "Deployment")
    created = y(
        "{apiVersion: apps/v1, kind: Deployment, metadata: {name: my-deployment, labels: {app: my-app-v1}},"
        " spec: {replicas: 1}}"
    )
    f.update(_with_last_applied(created, "invalid-object"), "kubectl-client-side-apply-test")
    applied = y(
        "{apiVersion: apps/v1, kind: Deployment, metadata: {name: my-deployment, labels: {app: my-app-v2}},"
        " spec: {replicas: 100}}"
    )
    with pytest.raises(errors.StatusError) as failure:
        f.apply(applied, "kubectl")
    assert failure.value.code == 409
    assert meta.annotations(f.live)[LAST_APPLIED_CONFIG_ANNOTATION] == "invalid-object"
    f.apply(applied, "kubectl", force=True)
    last = meta.annotations(f.live)[LAST_APPLIED_CONFIG_ANNOTATION]
    assert "my-app-v2" in last and last.endswith("\n")


def test_interop_client_side_and_server_side_apply() -> None:
    f = Harness("apps/v1", "Deployment")
    created = meta.deep_copy(DEPLOYMENT)
    f.update(_with_last_applied(created, json.dumps(created)), "kubectl-client-side-apply-test")
    applied = meta.deep_copy(DEPLOYMENT)
    applied["metadata"]["labels"]["app"] = "my-app-v2"
    applied["spec"]["replicas"] = 8
    applied["spec"]["template"]["spec"]["containers"][0]["image"] = "my-image-v2"
    f.apply(applied, "kubectl")  # conflicts allowed by the annotation: forced
    last = json.loads(meta.annotations(f.live)[LAST_APPLIED_CONFIG_ANNOTATION])
    assert last["spec"]["template"]["spec"]["containers"][0]["image"] == "my-image-v2"
    assert "kubectl" in f.managers()
    # Another manager is not allowed through the annotation.
    other = meta.deep_copy(applied)
    other["spec"]["replicas"] = 9
    with pytest.raises(errors.StatusError):
        f.apply(other, "not-kubectl")


def test_no_tracking_for_client_side_apply_until_first_apply() -> None:
    f = Harness("apps/v1", "Deployment")
    base = y(
        "{apiVersion: apps/v1, kind: Deployment, metadata: {name: my-deployment, labels: {app: my-app}},"
        " spec: {replicas: 100}}"
    )
    f.update(base, "test_kubectl_create")
    assert f.managed()
    stop = meta.deep_copy(base)
    stop["metadata"]["managedFields"] = []
    stop["metadata"]["uid"] = "nonempty"
    f.update(stop, "test_kubectl_replace")
    assert f.managed() == []
    again = meta.deep_copy(base)
    again["metadata"]["uid"] = "nonempty"
    f.update(_with_last_applied(again, json.dumps(base)), "test_k_client_side_apply")
    assert f.managed() == []
    f.apply(base, "test_server_side_apply_without_upgrade")
    assert f.managers()[:2] == ["test_server_side_apply_without_upgrade", "before-first-apply"]
    upgraded = y(
        "{apiVersion: apps/v1, kind: Deployment, metadata: {name: my-deployment, labels: {app: my-app-v2}},"
        " spec: {replicas: 8}}"
    )
    f.apply(upgraded, "kubectl")
    assert "my-app-v2" in meta.annotations(f.live)[LAST_APPLIED_CONFIG_ANNOTATION]


def test_update_via_subresource_keeps_stored_managed_fields() -> None:
    f = Harness("v1", "Pod", "scale")
    obj = y('{"apiVersion": v1, "kind": Pod, "metadata": {"labels": {"a": "b"}}}')
    obj["metadata"]["managedFields"] = [
        {
            "manager": "test",
            "operation": "Apply",
            "apiVersion": "apps/v1",
            "fieldsType": "FieldsV1",
            "fieldsV1": {"f:metadata": {"f:labels": {"f:another_field": {}}}},
        }
    ]
    f.update(obj, "fieldmanager_test_subresource")
    assert f.managers() == ["fieldmanager_test_subresource"]
    assert f.managed()[0]["subresource"] == "scale"
    reset = meta.deep_copy(obj)
    reset["metadata"]["managedFields"] = []
    f.update(reset, "fieldmanager_test_subresource")
    assert len(f.managed()) == 1


def test_no_op_apply_and_update_keep_managed_fields() -> None:
    f = Harness("apps/v1", "Deployment")
    initial = meta.deep_copy(DEPLOYMENT)
    del initial["spec"]["replicas"]
    f.apply(initial, "fieldmanager_z")
    f.apply(
        y(
            '{"apiVersion": apps/v1, "kind": Deployment, "metadata": {"name": deployment}, '
            '"spec": {"replicas": 101}}'
        ),
        "fieldmanager_b",
    )
    before = meta.deep_copy(f.managed())
    f.apply(initial, "fieldmanager_z")
    assert f.managed() == before
    g = Harness("apps/v1", "Deployment")
    g.update(initial, "fieldmanager_z")
    before = meta.deep_copy(g.managed())
    g.update(initial, "fieldmanager_z")
    assert g.managed() == before


def test_live_object_managed_fields_not_removed() -> None:
    f = Harness("apps/v1", "Deployment")
    f.apply(DEPLOYMENT, "fieldmanager_z")
    live = f.live
    snapshot = meta.deep_copy(live)
    f.apply(
        y(
            '{"apiVersion": apps/v1, "kind": Deployment, "metadata": {"name": deployment}, '
            '"spec": {"replicas": 101}}'
        ),
        "fieldmanager_z",
        force=True,
    )
    assert live == snapshot, "the live object handed in is never modified"


# --- ownership details seen through managedFields ---------------------------------------------


def test_create_records_the_creator_with_go_struct_fields() -> None:
    f = Harness("apps/v1", "Deployment")
    f.update(DEPLOYMENT, "kubectl-create")
    (entry,) = f.managed()
    assert list(entry) == ["manager", "operation", "apiVersion", "time", "fieldsType", "fieldsV1"]
    assert entry["fieldsV1"] == {
        "f:metadata": {"f:labels": {".": {}, "f:app": {}}},
        "f:spec": {
            "f:replicas": {},
            "f:selector": {},
            "f:template": {
                "f:metadata": {"f:labels": {".": {}, "f:app": {}}},
                "f:spec": {
                    "f:containers": {
                        'k:{"name":"nginx"}': {".": {}, "f:image": {}, "f:name": {}, "f:resources": {}}
                    }
                },
            },
        },
    }


def test_apply_owns_only_what_it_sends() -> None:
    f = Harness("apps/v1", "Deployment")
    f.apply(DEPLOYMENT, "apply_test")
    assert f.fields_of("apply_test") == {
        "f:metadata": {"f:labels": {"f:app": {}}},
        "f:spec": {
            "f:replicas": {},
            "f:selector": {},
            "f:template": {
                "f:metadata": {"f:labels": {"f:app": {}}},
                "f:spec": {"f:containers": {'k:{"name":"nginx"}': {".": {}, "f:image": {}, "f:name": {}}}},
            },
        },
    }


def test_apply_managed_fields_after_updates() -> None:
    """TestApplyManagedFields: the applier keeps its labels, the updater takes data.key."""
    f = Harness("v1", "ConfigMap")
    f.apply(
        y(
            '{"apiVersion": v1, "kind": ConfigMap, "metadata": {"name": test-cm, "namespace": default, '
            '"labels": {"test-label": test}}, "data": {"key": value}}'
        ),
        "apply_test",
    )
    meta.ensure_metadata(f.live)["uid"] = "uid"
    changed = meta.deep_copy(f.live)
    changed["data"]["new-key"] = "value"
    f.update(changed, "updater")
    changed = meta.deep_copy(f.live)
    changed["data"]["key"] = "new value"
    f.update(changed, "updater")
    assert [(e["manager"], e["operation"], e["fieldsV1"]) for e in f.managed()] == [
        ("apply_test", "Apply", {"f:metadata": {"f:labels": {"f:test-label": {}}}}),
        ("updater", "Update", {"f:data": {"f:key": {}, "f:new-key": {}}}),
    ]
    assert f.managed()[0]["time"] != f.managed()[1]["time"]


def test_apply_removes_fields_it_stops_applying_unless_shared() -> None:
    f = Harness("apps/v1", "Deployment")
    with_hostname = meta.deep_copy(DEPLOYMENT)
    with_hostname["spec"]["template"]["spec"]["hostname"] = "test-hostname"
    without = meta.deep_copy(DEPLOYMENT)
    del without["spec"]["replicas"]
    f.apply(with_hostname, "apply_test")
    f.apply(without, "apply_test")
    assert "replicas" not in f.live["spec"]
    assert "hostname" not in f.live["spec"]["template"]["spec"]
    shared = Harness("apps/v1", "Deployment")
    for manager in ("shared_owner_1", "shared_owner_2"):
        shared.apply(with_hostname, manager)
    shared.apply(without, "shared_owner_1")
    assert shared.live["spec"]["replicas"] == 3
    assert shared.live["spec"]["template"]["spec"]["hostname"] == "test-hostname"


def test_apply_can_transfer_field_ownership_to_a_controller() -> None:
    f = Harness("apps/v1", "Deployment")
    f.apply(DEPLOYMENT, "test_applier")
    meta.ensure_metadata(f.live)["uid"] = "uid"
    scaled = meta.deep_copy(f.live)
    scaled["spec"]["replicas"] = 4
    f.update(scaled, "test_updater")
    without = meta.deep_copy(DEPLOYMENT)
    del without["spec"]["replicas"]
    f.apply(without, "test_applier")
    assert f.live["spec"]["replicas"] == 4


def test_apply_removes_a_container_port() -> None:
    f = Harness("apps/v1", "Deployment")
    with_port = meta.deep_copy(DEPLOYMENT)
    with_port["spec"]["template"]["spec"]["containers"][0]["ports"] = [
        {"containerPort": 80, "protocol": "TCP"}
    ]
    f.apply(with_port, "apply_test")
    assert f.fields_of("apply_test")["f:spec"]["f:template"]["f:spec"]["f:containers"]['k:{"name":"nginx"}'][
        "f:ports"
    ] == {'k:{"containerPort":80,"protocol":"TCP"}': {".": {}, "f:containerPort": {}, "f:protocol": {}}}
    f.apply(DEPLOYMENT, "apply_test")
    assert "ports" not in f.live["spec"]["template"]["spec"]["containers"][0]


def test_port_key_takes_the_protocol_default() -> None:
    f = Harness("apps/v1", "Deployment")
    with_port = meta.deep_copy(DEPLOYMENT)
    with_port["spec"]["template"]["spec"]["containers"][0]["ports"] = [{"containerPort": 80}]
    f.apply(with_port, "apply_test")
    ports = f.fields_of("apply_test")["f:spec"]["f:template"]["f:spec"]["f:containers"]['k:{"name":"nginx"}']
    assert list(ports["f:ports"]) == ['k:{"containerPort":80,"protocol":"TCP"}']


def test_multiple_conflicts_message() -> None:
    f = Harness("v1", "ConfigMap")
    f.apply(
        y('{"apiVersion": v1, "kind": ConfigMap, "metadata": {"name": x}, "data": {"a": "1", "b": "2"}}'), "a"
    )
    f.apply(y('{"apiVersion": v1, "kind": ConfigMap, "metadata": {"name": x}, "data": {"c": "3"}}'), "b")
    meta.ensure_metadata(f.live)["uid"] = "uid"
    changed = meta.deep_copy(f.live)
    changed["data"]["d"] = "4"
    f.update(changed, "c")
    with pytest.raises(errors.StatusError) as failure:
        f.apply(
            y(
                '{"apiVersion": v1, "kind": ConfigMap, "metadata": {"name": x}, '
                '"data": {"a": "x", "b": "y", "c": "z", "d": "w"}}'
            ),
            "z",
        )
    code, message, causes = conflict_of(failure)
    assert code == 409
    assert message == (
        'Apply failed with 4 conflicts: conflicts with "a":\n- .data.a\n- .data.b\n'
        'conflicts with "b":\n- .data.c\nconflicts with "c" using v1:\n- .data.d'
    )
    assert [c["field"] for c in causes] == [".data.a", ".data.b", ".data.c", ".data.d"]
    assert causes[3]["message"] == 'conflict with "c" using v1'


def test_forced_apply_takes_fields_and_drops_empty_managers() -> None:
    f = Harness("v1", "ConfigMap")
    f.apply(y('{"apiVersion": v1, "kind": ConfigMap, "metadata": {"name": x}, "data": {"a": "1"}}'), "a")
    f.apply(
        y('{"apiVersion": v1, "kind": ConfigMap, "metadata": {"name": x}, "data": {"a": "2"}}'),
        "b",
        force=True,
    )
    assert f.managers() == ["b"]
    assert f.live["data"] == {"a": "2"}


def test_apply_atomic_list_and_map_are_owned_whole() -> None:
    f = Harness("v1", "Pod")
    f.apply(
        y("""
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  nodeSelector: {disk: ssd}
  containers:
  - {name: c, image: i, args: [a, b]}
"""),
        "applier",
    )
    spec = f.fields_of("applier")["f:spec"]
    assert spec["f:nodeSelector"] == {}
    assert spec["f:containers"]['k:{"name":"c"}']["f:args"] == {}


def test_set_lists_are_owned_per_value() -> None:
    f = Harness("v1", "Pod")
    f.apply(y("{apiVersion: v1, kind: Pod, metadata: {name: p, finalizers: [a.io/x, b.io/y]}}"), "applier")
    assert f.fields_of("applier") == {"f:metadata": {"f:finalizers": {'v:"a.io/x"': {}, 'v:"b.io/y"': {}}}}
    f.apply(y("{apiVersion: v1, kind: Pod, metadata: {name: p, finalizers: [c.io/z]}}"), "other")
    assert f.live["metadata"]["finalizers"] == ["a.io/x", "b.io/y", "c.io/z"]


def test_typed_errors_are_internal_errors() -> None:
    f = Harness("v1", "ConfigMap")
    with pytest.raises(errors.StatusError) as failure:
        f.apply(
            y('{"apiVersion": v1, "kind": ConfigMap, "metadata": {"name": x, "namespace": ns}, "sops": {}}'),
            "m",
        )
    assert failure.value.code == 500 and failure.value.reason == ""
    assert failure.value.message == (
        "failed to create typed patch object (ns/x; /v1, Kind=ConfigMap): .sops: field not declared in schema"
    )
    with pytest.raises(errors.StatusError) as failure:
        f.apply(y('{"apiVersion": v1, "kind": ConfigMap, "metadata": {"name": x}, "data": {"a": 1}}'), "m")
    assert failure.value.message == (
        "failed to create typed patch object (/x; /v1, Kind=ConfigMap): .data.a: "
        "expected string, got &value.valueUnstructured{Value:1}"
    )


def test_duplicate_keys_in_applied_list_are_refused() -> None:
    f = Harness("v1", "Pod")
    with pytest.raises(errors.StatusError) as failure:
        f.apply(
            y("""
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: c
    image: i
    env: [{name: A, value: "1"}, {name: A, value: "2"}]
"""),
            "m",
        )
    assert failure.value.message.endswith(
        '.spec.containers[name="c"].env: duplicate entries for key [name="A"]'
    )


# --- capmanagers_test.go, skipnonapplied_test.go, managedfieldsupdater_test.go -------------------


def _pod_with_labels(*labels: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"labels": {k: "true" for k in labels}}}


def test_cap_managers_merges_the_oldest_entries() -> None:
    f = Harness("v1", "Pod", max_update_managers=3)
    for n in range(1, 5):
        f.update(_pod_with_labels(*["one", "two", "three", "four"][:n]), f"fieldmanager_test_update_{n}")
    assert f.managers() == ["ancient-changes", "fieldmanager_test_update_3", "fieldmanager_test_update_4"]
    assert f.fields_of("ancient-changes") == {"f:metadata": {"f:labels": {".": {}, "f:one": {}, "f:two": {}}}}


def _entry(name: str, version: str, hour: int, *fields: str) -> dict[str, Any]:
    return {
        "manager": name,
        "operation": "Update",
        "apiVersion": version,
        "time": f"2024-01-01T{hour:02d}:00:00Z",
        "fieldsType": "FieldsV1",
        "fieldsV1": {f"f:{f}": {} for f in fields},
    }


@pytest.mark.parametrize(
    "entries,expected",
    [
        (
            [
                _entry("update-manager1", "v1", 1, "a"),
                _entry("update-manager2", "v1", 2, "b"),
                _entry("update-manager3", "v1", 3, "c"),
                _entry("update-manager4", "v1", 4, "d"),
            ],
            [
                _entry("ancient-changes", "v1", 2, "a", "b"),
                _entry("update-manager3", "v1", 3, "c"),
                _entry("update-manager4", "v1", 4, "d"),
            ],
        ),
        (
            [
                _entry("ancient-changes", "v1", 2, "a", "b"),
                _entry("update-manager3", "v1", 3, "c"),
                _entry("update-manager4", "v1", 4, "d"),
                _entry("update-manager5", "v1", 5, "e"),
            ],
            [
                _entry("ancient-changes", "v1", 3, "a", "b", "c"),
                _entry("update-manager4", "v1", 4, "d"),
                _entry("update-manager5", "v1", 5, "e"),
            ],
        ),
        (
            [
                _entry("update-manager1", "v1", 1, "a"),
                _entry("update-manager2", "v2", 2, "b"),
                _entry("update-manager3", "v1", 3, "c"),
                _entry("update-manager4", "v1", 4, "d"),
                _entry("update-manager5", "v1", 5, "e"),
            ],
            [
                _entry("update-manager2", "v2", 2, "b"),
                _entry("ancient-changes", "v1", 4, "a", "c", "d"),
                _entry("update-manager5", "v1", 5, "e"),
            ],
        ),
    ],
)
def test_cap_update_managers(entries: list[dict[str, Any]], expected: list[dict[str, Any]]) -> None:
    cap = layers.CapManagersManager(None, 3)  # type: ignore[arg-type]
    managed = mf.managed.decode_managed_fields(entries)
    assert mf.managed.encode_managed_fields(cap.cap(managed)) == expected


def test_twenty_updaters_leave_eleven_entries() -> None:
    """TestApplyGroupsManySeparateUpdates."""
    f = Harness("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration")
    f.apply(
        {
            "apiVersion": "admissionregistration.k8s.io/v1",
            "kind": "ValidatingWebhookConfiguration",
            "metadata": {"name": "webhook", "labels": {"applier": "true"}},
        },
        "apply_test",
    )
    meta.ensure_metadata(f.live)["uid"] = "uid"
    for i in range(20):
        changed = meta.deep_copy(f.live)
        changed["metadata"]["labels"][f"updater{i}"] = "new"
        f.update(changed, f"updater{i}")
    assert len(f.managed()) == 11
    assert f.managers()[:2] == ["apply_test", "ancient-changes"]


def test_updates_are_not_tracked_before_the_first_apply() -> None:
    f = Harness("v1", "Pod")
    f.live["metadata"] = {"uid": "existing"}
    f.update(_pod_with_labels("a"), "updater")
    assert f.managed() == []
    f.apply(_pod_with_labels("b"), "applier")
    assert f.managers() == ["applier", "before-first-apply"]
    assert f.fields_of("before-first-apply") == {"f:metadata": {"f:labels": {".": {}, "f:a": {}}}}


def test_update_time_changes_only_with_changes(clock: Any) -> None:
    f = Harness("v1", "ConfigMap")
    f.update({"apiVersion": "v1", "kind": "ConfigMap", "data": {"a": "1"}}, "m")
    first = f.managed()[0]["time"]
    meta.ensure_metadata(f.live)["uid"] = "uid"
    f.update(meta.deep_copy(f.live), "m")
    assert f.managed()[0]["time"] == first
    changed = meta.deep_copy(f.live)
    changed["data"]["a"] = "2"
    f.update(changed, "m")
    assert f.managed()[0]["time"] != first


def test_taking_over_fields_keeps_the_previous_owner_time() -> None:
    f = Harness("v1", "ConfigMap")
    f.update({"apiVersion": "v1", "kind": "ConfigMap", "data": {"a": "1", "b": "1"}}, "first")
    first_time = f.managed()[0]["time"]
    meta.ensure_metadata(f.live)["uid"] = "uid"
    changed = meta.deep_copy(f.live)
    changed["data"]["a"] = "2"
    f.update(changed, "second")
    times = {e["manager"]: e["time"] for e in f.managed()}
    assert times["first"] == first_time and times["second"] != first_time


# --- custom resources (the schema source a CRD plugs in) ---------------------------------------

WIDGET_SCHEMA = {
    "type": "object",
    "properties": {
        "spec": {
            "type": "object",
            "properties": {
                "size": {"type": "integer"},
                "ports": {
                    "type": "array",
                    "x-kubernetes-list-type": "map",
                    "x-kubernetes-list-map-keys": ["port"],
                    "items": {
                        "type": "object",
                        "properties": {"port": {"type": "integer"}, "name": {"type": "string"}},
                    },
                },
                "tags": {"type": "array", "items": {"type": "string"}},
                "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
            },
        }
    },
}


def test_custom_resource_apply_uses_its_structural_schema() -> None:
    types = mf.typeconverter.for_custom_resource("example.com", "Widget", {"v1": WIDGET_SCHEMA})
    fm = mf.new_default_field_manager(types, "example.com/v1", "Widget")
    obj = fm.apply(
        None,
        {
            "apiVersion": "example.com/v1",
            "kind": "Widget",
            "metadata": {"name": "w", "labels": {"a": "b"}},
            "spec": {
                "size": 1,
                "ports": [{"port": 80, "name": "http"}],
                "tags": ["x"],
                "extra": {"x": {"y": 1}},
            },
        },
        "m",
        False,
    )
    assert obj["metadata"]["managedFields"][0]["fieldsV1"] == {
        "f:metadata": {"f:labels": {"f:a": {}}},
        "f:spec": {
            "f:extra": {"f:x": {".": {}, "f:y": {}}},
            "f:ports": {'k:{"port":80}': {".": {}, "f:name": {}, "f:port": {}}},
            "f:size": {},
            "f:tags": {},
        },
    }
    with pytest.raises(errors.StatusError) as failure:
        fm.apply(
            None,
            {
                "apiVersion": "example.com/v1",
                "kind": "Widget",
                "metadata": {"name": "w"},
                "spec": {"nope": 1},
            },
            "m",
            False,
        )
    assert failure.value.message.endswith(".spec.nope: field not declared in schema")


def test_custom_resource_without_schema_is_deduced() -> None:
    types = mf.typeconverter.for_custom_resource("example.com", "Blob", {"v1": None})
    fm = mf.new_default_field_manager(types, "example.com/v1", "Blob")
    obj = fm.apply(
        None,
        {
            "apiVersion": "example.com/v1",
            "kind": "Blob",
            "metadata": {"name": "b"},
            "spec": {"list": [1, 2], "map": {"k": "v"}},
        },
        "m",
        False,
    )
    assert obj["metadata"]["managedFields"][0]["fieldsV1"] == {
        "f:spec": {".": {}, "f:list": {}, "f:map": {".": {}, "f:k": {}}}
    }
