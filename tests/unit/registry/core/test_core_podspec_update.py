"""ValidatePodUpdate, ValidatePodStatusUpdate and ValidatePodEphemeralContainersUpdate."""

from __future__ import annotations

import copy
from typing import Any

from kapiserver.registry.core.podspec import set_defaults_pod, validation_options
from kapiserver.registry.core.podspec.godiff import cmp_diff, go_field_name
from kapiserver.registry.core.podspec.validation_update import (
    UPDATABLE_POD_SPEC_FIELDS,
    validate_pod_ephemeral_containers_update,
    validate_pod_status_update,
    validate_pod_update,
)

PREFIX = ("spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
          "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing "
          "tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n")


def stored(**spec: Any) -> dict[str, Any]:
    obj = {"metadata": {"name": "p", "namespace": "d", "resourceVersion": "1", "uid": "u"},
           "spec": {"containers": [{"name": "c", "image": "nginx"}], **spec}}
    set_defaults_pod(obj)
    return obj


def update(old: dict[str, Any], change: Any) -> list[str]:
    new = copy.deepcopy(old)
    change(new)
    opts = validation_options(new["spec"], old["spec"], new["metadata"], old["metadata"], True)
    return [str(e) for e in validate_pod_update(new, old, opts)]


def test_updatable_fields_message_is_upstreams() -> None:
    assert ",".join(UPDATABLE_POD_SPEC_FIELDS) + "\n" == PREFIX[len("spec: Forbidden: pod updates may not change "
                                                                    "fields other than "):]


def test_image_may_change() -> None:
    assert update(stored(), lambda p: p["spec"]["containers"][0].update(image="nginx:2")) == []


def test_empty_image_is_required() -> None:
    """Reported twice, as upstream does: by the spec checks and by ValidateContainerUpdates."""
    assert update(stored(), lambda p: p["spec"]["containers"][0].update(image="")) == [
        "spec.containers[0].image: Required value"] * 2


def test_other_changes_are_forbidden_with_a_diff() -> None:
    (message,) = update(stored(), lambda p: p["spec"].update(restartPolicy="Never"))
    assert message.startswith(PREFIX)
    diff = message[len(PREFIX):]
    assert diff.startswith("  core.PodSpec{\n") and diff.endswith("  }\n")
    assert '- \tRestartPolicy:                 "Always",' in diff
    assert '+ \tRestartPolicy:                 "Never",' in diff


def test_adding_a_container_is_refused_first() -> None:
    errs = update(stored(), lambda p: p["spec"]["containers"].append({"name": "d", "image": "x",
                                                                      "imagePullPolicy": "Always",
                                                                      "terminationMessagePolicy": "File"}))
    assert errs == ["spec.containers: Forbidden: pod updates may not add or remove containers"]


def test_active_deadline_may_only_shrink() -> None:
    old = stored(activeDeadlineSeconds=100)
    assert update(old, lambda p: p["spec"].update(activeDeadlineSeconds=50)) == []
    assert update(old, lambda p: p["spec"].update(activeDeadlineSeconds=200)) == [
        "spec.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to previous value"]
    errs = update(old, lambda p: p["spec"].pop("activeDeadlineSeconds"))
    assert errs[0] == ('spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer '
                       "to nil value")
    assert update(stored(), lambda p: p["spec"].update(activeDeadlineSeconds=10)) == []


def test_tolerations_may_only_be_added() -> None:
    old = stored(tolerations=[{"key": "a", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 5}])
    assert update(old, lambda p: p["spec"]["tolerations"].append({"key": "b", "operator": "Exists"})) == []
    assert update(old, lambda p: p["spec"]["tolerations"][0].update(tolerationSeconds=1)) == []
    assert update(old, lambda p: p["spec"]["tolerations"][0].update(key="z")) == [
        "spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds"]


def test_scheduling_gates_may_only_be_removed_and_gated_node_selector_may_grow() -> None:
    old = stored(schedulingGates=[{"name": "a"}, {"name": "b"}], nodeSelector={"x": "1"})
    assert update(old, lambda p: p["spec"].update(schedulingGates=[{"name": "b"}])) == []
    assert update(old, lambda p: p["spec"]["schedulingGates"].append({"name": "c"})) == [
        "spec.schedulingGates[2].name: Forbidden: only deletion is allowed, but found new scheduling gate 'c'"]
    assert update(old, lambda p: p["spec"]["nodeSelector"].update(y="2")) == []
    errs = update(old, lambda p: p["spec"].update(nodeSelector={"x": "2"}))
    assert errs == [('spec.nodeSelector: Invalid value: {"x":"2"}: only additions to spec.nodeSelector are allowed '
                    "(no mutations or deletions)")]


def test_negative_grace_period_may_become_one() -> None:
    old = stored(terminationGracePeriodSeconds=-1)
    assert update(old, lambda p: p["spec"].update(terminationGracePeriodSeconds=1)) == []


def test_metadata_update_rules_apply() -> None:
    errs = update(stored(), lambda p: p["metadata"].update(name="q"))
    assert errs[0] == 'metadata.name: Invalid value: "q": field is immutable'


def status_update(old: dict[str, Any], change: Any) -> list[str]:
    new = copy.deepcopy(old)
    change(new)
    opts = validation_options(new["spec"], old["spec"], new["metadata"], old["metadata"], True)
    return [str(e) for e in validate_pod_status_update(new, old, opts)]


def test_status_update_rules() -> None:
    old = stored(restartPolicy="Never")
    old["status"] = {"phase": "Running", "qosClass": "BestEffort", "containerStatuses": [
        {"name": "c", "state": {"terminated": {"exitCode": 0}}}]}
    assert status_update(old, lambda p: p["status"].update(podIP="10.0.0.1", podIPs=[{"ip": "10.0.0.1"}])) == []
    assert status_update(old, lambda p: p["spec"].update(nodeName="n")) == [
        "status.nodeName: Forbidden: may not be changed directly"]
    assert status_update(old, lambda p: p["status"].update(qosClass="Guaranteed")) == [
        'status.qosClass: Invalid value: "Guaranteed": field is immutable']
    assert status_update(old, lambda p: p["status"]["containerStatuses"][0].update(state={"running": {}})) == [
        "status.containerStatuses[0].state: Forbidden: may not be transitioned to non-terminated state"]
    assert status_update(old, lambda p: p["status"].update(podIPs=[{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}])) == [
        ('status.podIPs: Invalid value: [{"IP":"10.0.0.1"},{"IP":"10.0.0.2"}]: may specify no more than one IP for '
        "each IP family")]


def test_ephemeral_containers_may_be_added_not_changed() -> None:
    old = stored()
    ephemeral = {"name": "debug", "image": "busybox", "imagePullPolicy": "Always", "terminationMessagePolicy": "File",
                 "targetContainerName": "c"}

    def add(p: dict[str, Any]) -> None:
        p["spec"]["ephemeralContainers"] = [dict(ephemeral)]

    new = copy.deepcopy(old)
    add(new)
    opts = validation_options(new["spec"], old["spec"], new["metadata"], old["metadata"], True)
    assert validate_pod_ephemeral_containers_update(new, old, opts) == []
    changed = copy.deepcopy(new)
    changed["spec"]["ephemeralContainers"][0]["image"] = "alpine"
    errs = [str(e) for e in validate_pod_ephemeral_containers_update(changed, new, opts)]
    assert errs[0].startswith('spec.ephemeralContainers: Forbidden: existing ephemeral containers "debug" may not be '
                              "changed\n  core.EphemeralContainer{")


def test_go_names_and_diff_shape() -> None:
    assert [go_field_name(n) for n in ("dnsPolicy", "hostIPC", "httpGet", "podIPs", "tty", "imagePullPolicy")] == [
        "DNSPolicy", "HostIPC", "HTTPGet", "PodIPs", "TTY", "ImagePullPolicy"]
    diff = cmp_diff({"restartPolicy": "Always"}, {"restartPolicy": "Never"})
    assert diff.splitlines()[0] == "  core.PodSpec{" and "... // " in diff
