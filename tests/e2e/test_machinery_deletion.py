"""Deletion as kube-apiserver v1.35 does it: propagation policies and the garbage collector's
finalizers, preconditions, graceful deletion of pods, user finalizers, deletecollection.

kapiserver runs no garbage collector (neither does kube-apiserver without a controller manager),
so an object given the `orphan` or `foregroundDeletion` finalizer stays, marked as deleting,
until a client removes the finalizer: that is what these tests observe.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from harness import Response, Server
from kubernetes import client
from statuses import assert_status, create_cm, failure

MERGE = {"Content-Type": "application/merge-patch+json"}


def cm_path(ns: str, name: str = "") -> str:
    return f"/api/v1/namespaces/{ns}/configmaps" + (f"/{name}" if name else "")


def delete(server: Server, path: str, options: dict[str, Any] | None = None) -> Response:
    body = {"kind": "DeleteOptions", "apiVersion": "v1", **options} if options is not None else None
    return server.request("DELETE", path, body)


def get(server: Server, path: str) -> dict[str, Any]:
    answer = server.request("GET", path)
    assert answer.status == 200, answer.body
    return answer.json()


def drop_finalizers(server: Server, path: str) -> Response:
    return server.request("PATCH", path, '{"metadata":{"finalizers":null}}', headers=MERGE)


@pytest.mark.parametrize(
    ("options", "finalizer"),
    [
        ({"propagationPolicy": "Orphan"}, "orphan"),
        ({"propagationPolicy": "Foreground"}, "foregroundDeletion"),
        ({"orphanDependents": True}, "orphan"),
    ],
)
def test_propagation_policy_adds_the_garbage_collector_finalizer(
    server: Server, ns: str, options: dict[str, Any], finalizer: str
) -> None:
    created = create_cm(server, ns, "owner")
    answer = delete(server, cm_path(ns, "owner"), options)
    assert answer.status == 200, answer.body
    stored = get(server, cm_path(ns, "owner"))
    assert stored["metadata"]["finalizers"] == [finalizer]
    assert stored["metadata"]["deletionTimestamp"]
    assert stored["metadata"]["deletionGracePeriodSeconds"] == 0
    assert int(stored["metadata"]["resourceVersion"]) > int(created["metadata"]["resourceVersion"])
    # What the garbage collector does once it has handled the dependents: drop its finalizer.
    assert drop_finalizers(server, cm_path(ns, "owner")).status == 200
    assert server.request("GET", cm_path(ns, "owner")).status == 404


def test_delete_waiting_for_finalizers_answers_the_object(server: Server, ns: str) -> None:
    create_cm(server, ns, "owner")
    answer = delete(server, cm_path(ns, "owner"), {"propagationPolicy": "Orphan"})
    assert answer.status == 200, answer.body
    body = answer.json()
    assert body["kind"] == "ConfigMap", body
    assert body["metadata"]["finalizers"] == ["orphan"] and body["metadata"]["deletionTimestamp"]


def test_orphan_dependents_false_is_accepted_with_202(server: Server, ns: str) -> None:
    create_cm(server, ns, "owner")
    answer = delete(server, cm_path(ns, "owner"), {"orphanDependents": False})
    # Not deleted at once and the client asked for cascading: upstream answers 202 Accepted.
    # A configmap without finalizers has nothing to wait for, so it is gone and the answer is 200.
    assert answer.status == 200, answer.body
    assert server.request("GET", cm_path(ns, "owner")).status == 404


def test_background_deletes_at_once(server: Server, ns: str) -> None:
    created = create_cm(server, ns, "bg")
    answer = delete(server, cm_path(ns, "bg"), {"propagationPolicy": "Background"})
    assert answer.status == 200, answer.body
    assert answer.json() == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
        "details": {"name": "bg", "kind": "configmaps", "uid": created["metadata"]["uid"]},
    }
    assert server.request("GET", cm_path(ns, "bg")).status == 404


def test_a_later_policy_replaces_the_garbage_collector_finalizer(server: Server, ns: str) -> None:
    create_cm(server, ns, "x", metadata={"name": "x", "finalizers": ["example.com/hold"]})
    assert delete(server, cm_path(ns, "x"), {"propagationPolicy": "Orphan"}).status == 200
    assert get(server, cm_path(ns, "x"))["metadata"]["finalizers"] == ["example.com/hold", "orphan"]
    # A second delete of an object already being deleted may still change the policy.
    assert delete(server, cm_path(ns, "x"), {"propagationPolicy": "Foreground"}).status == 200
    assert get(server, cm_path(ns, "x"))["metadata"]["finalizers"] == ["example.com/hold", "foregroundDeletion"]
    assert drop_finalizers(server, cm_path(ns, "x")).status == 200
    assert server.request("GET", cm_path(ns, "x")).status == 404


def test_conflicting_policy_options_are_invalid(server: Server, ns: str) -> None:
    create_cm(server, ns, "x")
    answer = delete(server, cm_path(ns, "x"), {"propagationPolicy": "Orphan", "orphanDependents": True})
    assert answer.status == 422, answer.body
    assert answer.json()["message"] == (
        'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "Orphan": '
        "orphanDependents and deletionPropagation cannot be both set"
    )
    unknown = delete(server, cm_path(ns, "x"), {"propagationPolicy": "Later"})
    assert unknown.status == 422, unknown.body
    assert unknown.json()["message"] == (
        'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Later": '
        'supported values: "Foreground", "Background", "Orphan"'
    )
    assert server.request("GET", cm_path(ns, "x")).status == 200


# -- preconditions ------------------------------------------------------------------------------


def test_uid_precondition_mismatch(server: Server, ns: str) -> None:
    create_cm(server, ns, "p")
    answer = delete(server, cm_path(ns, "p"), {"preconditions": {"uid": "not-the-uid"}})
    stored = get(server, cm_path(ns, "p"))
    assert_status(
        answer,
        failure(
            409,
            "Conflict",
            f'Operation cannot be fulfilled on ConfigMap "p": the UID in the precondition (not-the-uid) does not '
            f"match the UID in record ({stored['metadata']['uid']}). The object might have been deleted and then "
            "recreated",
            {"name": "p", "kind": "ConfigMap"},
        ),
    )


def test_resource_version_precondition_mismatch_then_match(server: Server, ns: str) -> None:
    created = create_cm(server, ns, "p")
    rv = created["metadata"]["resourceVersion"]
    server.request("PATCH", cm_path(ns, "p"), '{"data":{"a":"1"}}', headers=MERGE)
    now = get(server, cm_path(ns, "p"))["metadata"]["resourceVersion"]
    answer = delete(server, cm_path(ns, "p"), {"preconditions": {"resourceVersion": rv}})
    assert_status(
        answer,
        failure(
            409,
            "Conflict",
            f'Operation cannot be fulfilled on ConfigMap "p": the ResourceVersion in the precondition ({rv}) does '
            f"not match the ResourceVersion in record ({now}). The object might have been modified",
            {"name": "p", "kind": "ConfigMap"},
        ),
    )
    both = {"preconditions": {"resourceVersion": now, "uid": created["metadata"]["uid"]}}
    assert delete(server, cm_path(ns, "p"), both).status == 200
    assert server.request("GET", cm_path(ns, "p")).status == 404


def test_preconditions_with_the_python_client(server: Server, ns: str) -> None:
    api = client.CoreV1Api(server.api)
    made = api.create_namespaced_config_map(ns, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="c")))
    with pytest.raises(client.ApiException) as caught:
        api.delete_namespaced_config_map(
            "c", ns, body=client.V1DeleteOptions(preconditions=client.V1Preconditions(uid="other"))
        )
    assert caught.value.status == 409
    api.delete_namespaced_config_map(
        "c", ns, body=client.V1DeleteOptions(preconditions=client.V1Preconditions(uid=made.metadata.uid))
    )
    assert server.request("GET", cm_path(ns, "c")).status == 404


# -- user finalizers ----------------------------------------------------------------------------


def test_finalizers_keep_the_object_until_the_last_one_goes(server: Server, ns: str) -> None:
    create_cm(server, ns, "held", metadata={"name": "held", "finalizers": ["example.com/a", "example.com/b"]})
    assert delete(server, cm_path(ns, "held")).status == 200
    held = get(server, cm_path(ns, "held"))
    assert held["metadata"]["deletionTimestamp"] and held["metadata"]["deletionGracePeriodSeconds"] == 0
    assert held["metadata"]["finalizers"] == ["example.com/a", "example.com/b"]
    # Deleting again changes nothing: the deletion is already pending.
    again = delete(server, cm_path(ns, "held"))
    assert again.status == 200, again.body
    assert get(server, cm_path(ns, "held"))["metadata"]["resourceVersion"] == held["metadata"]["resourceVersion"]
    patch = '[{"op":"remove","path":"/metadata/finalizers/0"}]'
    answer = server.request(
        "PATCH", cm_path(ns, "held"), patch, headers={"Content-Type": "application/json-patch+json"}
    )
    assert answer.status == 200, answer.body
    assert get(server, cm_path(ns, "held"))["metadata"]["finalizers"] == ["example.com/b"]
    last = server.request(
        "PATCH", cm_path(ns, "held"), patch, headers={"Content-Type": "application/json-patch+json"}
    )
    assert last.status == 200, last.body
    assert "finalizers" not in last.json()["metadata"]
    assert server.request("GET", cm_path(ns, "held")).status == 404


def test_no_new_finalizers_on_an_object_being_deleted(server: Server, ns: str) -> None:
    create_cm(server, ns, "held", metadata={"name": "held", "finalizers": ["example.com/a"]})
    delete(server, cm_path(ns, "held"))
    answer = server.request(
        "PATCH",
        cm_path(ns, "held"),
        '{"metadata":{"finalizers":["example.com/a","example.com/new"]}}',
        headers=MERGE,
    )
    message = (
        "no new finalizers can be added if the object is being deleted, found new finalizers "
        '[]string{"example.com/new"}'
    )
    assert_status(
        answer,
        failure(
            422,
            "Invalid",
            f'ConfigMap "held" is invalid: metadata.finalizers: Forbidden: {message}',
            {
                "name": "held",
                "kind": "ConfigMap",
                # Twice, as upstream: the generic metadata checks and the kind's own update
                # validation both run ValidateObjectMetaUpdate.
                "causes": [
                    {"reason": "FieldValueForbidden", "message": f"Forbidden: {message}", "field": "metadata.finalizers"}
                ]
                * 2,
            },
        ),
    )
    # Other changes (and keeping the finalizers) are still allowed while the object waits.
    assert server.request("PATCH", cm_path(ns, "held"), '{"data":{"k":"v"}}', headers=MERGE).status == 200


def test_deletion_timestamp_cannot_be_set_or_removed_by_an_update(server: Server, ns: str) -> None:
    create_cm(server, ns, "held", metadata={"name": "held", "finalizers": ["example.com/a"]})
    delete(server, cm_path(ns, "held"))
    before = get(server, cm_path(ns, "held"))
    body = dict(before)
    body["metadata"] = {k: v for k, v in before["metadata"].items() if k != "deletionTimestamp"}
    answer = server.request("PUT", cm_path(ns, "held"), body)
    assert answer.status == 200, answer.body
    assert answer.json()["metadata"]["deletionTimestamp"] == before["metadata"]["deletionTimestamp"]


# -- graceful deletion of pods ------------------------------------------------------------------


def pod(name: str, node: str = "") -> dict[str, Any]:
    spec: dict[str, Any] = {"containers": [{"name": "c", "image": "nginx"}]}
    if node:
        spec["nodeName"] = node
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}


def test_grace_period_on_a_bound_pod(server: Server, ns: str) -> None:
    path = f"/api/v1/namespaces/{ns}/pods"
    assert server.request("POST", path, pod("bound", node="node-1")).status == 201
    answer = delete(server, f"{path}/bound", {"gracePeriodSeconds": 40})
    assert answer.status == 200, answer.body
    # Pods return the deleted object (upstream ReturnDeletedObject), here still present.
    assert answer.json()["kind"] == "Pod"
    assert answer.json()["metadata"]["deletionGracePeriodSeconds"] == 40
    first = get(server, f"{path}/bound")["metadata"]
    assert first["deletionGracePeriodSeconds"] == 40 and first["deletionTimestamp"]
    # A longer period changes nothing; a shorter one brings the deadline forward.
    assert delete(server, f"{path}/bound", {"gracePeriodSeconds": 100}).status == 200
    assert get(server, f"{path}/bound")["metadata"]["deletionGracePeriodSeconds"] == 40
    assert delete(server, f"{path}/bound", {"gracePeriodSeconds": 10}).status == 200
    shorter = get(server, f"{path}/bound")["metadata"]
    assert shorter["deletionGracePeriodSeconds"] == 10
    assert shorter["deletionTimestamp"] <= first["deletionTimestamp"]
    # With no kubelet to confirm, the pod stays; gracePeriodSeconds=0 removes it.
    assert server.request("GET", f"{path}/bound").status == 200
    assert delete(server, f"{path}/bound", {"gracePeriodSeconds": 0}).status == 200
    assert server.request("GET", f"{path}/bound").status == 404


def test_default_grace_period_comes_from_the_pod_spec(server: Server, ns: str) -> None:
    path = f"/api/v1/namespaces/{ns}/pods"
    body = pod("bound", node="node-1")
    body["spec"]["terminationGracePeriodSeconds"] = 7
    assert server.request("POST", path, body).status == 201
    assert delete(server, f"{path}/bound").status == 200
    assert get(server, f"{path}/bound")["metadata"]["deletionGracePeriodSeconds"] == 7


def test_unbound_pod_goes_at_once_whatever_the_grace_period(server: Server, ns: str) -> None:
    path = f"/api/v1/namespaces/{ns}/pods"
    assert server.request("POST", path, pod("free")).status == 201
    answer = delete(server, f"{path}/free", {"gracePeriodSeconds": 60})
    assert answer.status == 200, answer.body
    assert server.request("GET", f"{path}/free").status == 404


def test_graceful_deletion_with_a_finalizer(server: Server, ns: str) -> None:
    path = f"/api/v1/namespaces/{ns}/pods"
    body = pod("bound", node="node-1")
    body["metadata"]["finalizers"] = ["example.com/keep"]
    assert server.request("POST", path, body).status == 201
    assert delete(server, f"{path}/bound", {"gracePeriodSeconds": 0}).status == 200
    # The grace period is over, but the finalizer still holds the pod.
    held = get(server, f"{path}/bound")["metadata"]
    assert held["deletionTimestamp"] and held["deletionGracePeriodSeconds"] == 0
    assert drop_finalizers(server, f"{path}/bound").status == 200
    assert server.request("GET", f"{path}/bound").status == 404


# -- deletecollection ---------------------------------------------------------------------------


def test_deletecollection_with_label_and_field_selectors(server: Server, ns: str) -> None:
    for name, tier in (("a", "web"), ("b", "web"), ("c", "db"), ("d", "web")):
        create_cm(server, ns, name, metadata={"name": name, "labels": {"tier": tier}})
    answer = server.request("DELETE", cm_path(ns) + "?labelSelector=tier%3Dweb&fieldSelector=metadata.name!%3Dd")
    assert answer.status == 200, answer.body
    body = answer.json()
    assert body["kind"] == "ConfigMapList" and body["apiVersion"] == "v1"
    assert [item["metadata"]["name"] for item in body["items"]] == ["a", "b"]
    left = get(server, cm_path(ns))
    assert [item["metadata"]["name"] for item in left["items"]] == ["c", "d"]


def test_deletecollection_respects_finalizers_and_policy(server: Server, ns: str) -> None:
    create_cm(server, ns, "held", metadata={"name": "held", "labels": {"x": "1"}, "finalizers": ["example.com/a"]})
    create_cm(server, ns, "free", metadata={"name": "free", "labels": {"x": "1"}})
    answer = server.request(
        "DELETE",
        cm_path(ns) + "?labelSelector=x",
        json.dumps({"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Orphan"}),
        headers={"Content-Type": "application/json"},
    )
    assert answer.status == 200, answer.body
    names = {item["metadata"]["name"]: item["metadata"] for item in get(server, cm_path(ns))["items"]}
    assert set(names) == {"held", "free"}
    assert names["held"]["finalizers"] == ["example.com/a", "orphan"]
    assert names["free"]["finalizers"] == ["orphan"]


def test_deletecollection_dry_run_deletes_nothing(server: Server, ns: str) -> None:
    create_cm(server, ns, "a")
    answer = server.request("DELETE", cm_path(ns) + "?dryRun=All")
    assert answer.status == 200, answer.body
    assert [i["metadata"]["name"] for i in answer.json()["items"]] == ["a"]
    assert server.request("GET", cm_path(ns, "a")).status == 200


def test_delete_dry_run_keeps_the_object(server: Server, ns: str) -> None:
    create_cm(server, ns, "a", metadata={"name": "a", "finalizers": ["example.com/x"]})
    # With a body, upstream reads the options from it alone (query parameters are ignored).
    answer = delete(server, cm_path(ns, "a"), {"dryRun": ["All"]})
    assert answer.status == 200, answer.body
    stored = get(server, cm_path(ns, "a"))
    assert "deletionTimestamp" not in stored["metadata"]
    out = server.kubectl("-n", ns, "delete", "cm", "a", "--dry-run=server").stdout
    assert out == f'configmap "a" deleted from {ns} namespace (server dry run)\n'
    assert "deletionTimestamp" not in get(server, cm_path(ns, "a"))["metadata"]
