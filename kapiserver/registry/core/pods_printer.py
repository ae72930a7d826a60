"""The pod printer (upstream pkg/printers/internalversion printPod and its column definitions).

The server prints every column, wide ones included (upstream's TableConvertor always asks
for wide output); kubectl hides priority-1 columns unless `-o wide`. The STATUS cell is
upstream's reason computation: phase or status.reason, SchedulingGated, the first init
container that has not finished ("Init:1/3", "Init:CrashLoopBackOff", "Init:ExitCode:1"),
the last container's waiting or terminated reason, "NotReady"/"Running" for completed pods
with a running sidecar, then "Terminating" or "Unknown" for pods being deleted.
"""

from __future__ import annotations

import datetime as _dt

from kapiserver.apimachinery import timefmt
from kapiserver.apimachinery.types import Object
from kapiserver.registry.table import (
    AGE_COLUMN,
    NAME_COLUMN,
    Column,
    Printer,
    name_of,
    translate_timestamp_since,
)

from .podspec import helpers

_POD_IP_DOC = "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated."
_NODE_NAME_DOC = ("NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for "
                  "scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this "
                  "node becomes responsible for the lifecycle of this pod. This field should not be used to express "
                  "a desire for the pod to be scheduled on a specific node. "
                  "https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename")
_NOMINATED_DOC = ("nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be "
                  "scheduled right away as preemption victims receive their graceful termination periods. This field "
                  "does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the "
                  "pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the "
                  "resources on this node to a higher priority pod that is created after preemption. As a result, "
                  "this field may be different than PodSpec.nodeName when the pod is scheduled.")
_READINESS_GATES_DOC = ("If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when "
                        "all its containers are ready AND all conditions specified in the readiness gates have status "
                        'equal to "True" More info: '
                        "https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates")

POD_COLUMNS = (
    NAME_COLUMN,
    Column("Ready", "string", "", "The aggregate readiness state of this pod for accepting traffic."),
    Column("Status", "string", "", "The aggregate status of the containers in this pod."),
    Column("Restarts", "string", "", "The number of times the containers in this pod have been restarted and when "
                                     "the last container in this pod has restarted."),
    AGE_COLUMN,
    Column("IP", "string", "", _POD_IP_DOC, 1),
    Column("Node", "string", "", _NODE_NAME_DOC, 1),
    Column("Nominated Node", "string", "", _NOMINATED_DOC, 1),
    Column("Readiness Gates", "string", "", _READINESS_GATES_DOC, 1),
)
_ZERO_TIME = _dt.datetime.min.replace(tzinfo=_dt.UTC)
NODE_UNREACHABLE_REASON = "NodeLost"


def _time(value: object) -> _dt.datetime:
    if not isinstance(value, str) or not value:
        return _ZERO_TIME
    try:
        return timefmt.parse_time(value)
    except ValueError:
        return _ZERO_TIME


def _terminated(state: object) -> Object | None:
    value = state.get("terminated") if isinstance(state, dict) else None
    return value if isinstance(value, dict) else None


def _waiting(state: object) -> Object | None:
    value = state.get("waiting") if isinstance(state, dict) else None
    return value if isinstance(value, dict) else None


def _last_finished(container: Object, current: _dt.datetime) -> _dt.datetime:
    last = _terminated(container.get("lastState"))
    if last is not None:
        finished = _time(last.get("finishedAt"))
        if current < finished:
            return finished
    return current


def _condition_true(status: Object, kind: str) -> bool:
    condition = helpers.pod_condition(status, kind)
    return condition is not None and condition.get("status") == "True"


class _Counts:
    __slots__ = ("last_restart", "ready", "reason", "restarts")

    def __init__(self, reason: str):
        self.restarts = 0
        self.ready = 0
        self.last_restart = _ZERO_TIME
        self.reason = reason


def _init_containers(pod: Object, counts: _Counts, sidecar: _Counts) -> bool:
    """Walk init container statuses; returns whether the pod is still initializing."""
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    by_name = {c.get("name"): c for c in spec.get("initContainers") or [] if isinstance(c, dict)}
    total_init = len(spec.get("initContainers") or [])
    for i, container in enumerate(status.get("initContainerStatuses") or []):
        if not isinstance(container, dict):
            continue
        restartable = helpers.is_restartable_init_container(by_name.get(container.get("name")))
        counts.restarts += int(container.get("restartCount") or 0)
        counts.last_restart = _last_finished(container, counts.last_restart)
        if restartable:
            sidecar.restarts += int(container.get("restartCount") or 0)
            sidecar.last_restart = _last_finished(container, sidecar.last_restart)
        terminated = _terminated(container.get("state"))
        waiting = _waiting(container.get("state"))
        if terminated is not None and int(terminated.get("exitCode") or 0) == 0:
            continue
        if restartable and container.get("started") is True:
            if container.get("ready") is True:
                counts.ready += 1
            continue
        if terminated is not None:
            if not terminated.get("reason"):
                signal = int(terminated.get("signal") or 0)
                counts.reason = f"Init:Signal:{signal}" if signal else \
                    f"Init:ExitCode:{int(terminated.get('exitCode') or 0)}"
            else:
                counts.reason = "Init:" + str(terminated["reason"])
        elif waiting is not None and waiting.get("reason") and waiting["reason"] != "PodInitializing":
            counts.reason = "Init:" + str(waiting["reason"])
        else:
            counts.reason = f"Init:{i}/{total_init}"
        return True
    return False


def _containers(pod: Object, counts: _Counts) -> None:
    status = pod.get("status") or {}
    has_running = False
    for container in reversed(status.get("containerStatuses") or []):
        if not isinstance(container, dict):
            continue
        counts.restarts += int(container.get("restartCount") or 0)
        counts.last_restart = _last_finished(container, counts.last_restart)
        waiting = _waiting(container.get("state"))
        terminated = _terminated(container.get("state"))
        if waiting is not None and waiting.get("reason"):
            counts.reason = str(waiting["reason"])
        elif terminated is not None and terminated.get("reason"):
            counts.reason = str(terminated["reason"])
        elif terminated is not None:
            signal = int(terminated.get("signal") or 0)
            counts.reason = f"Signal:{signal}" if signal else f"ExitCode:{int(terminated.get('exitCode') or 0)}"
        elif container.get("ready") is True and isinstance((container.get("state") or {}).get("running"), dict):
            has_running = True
            counts.ready += 1
    if counts.reason == "Completed" and has_running:
        counts.reason = "Running" if _condition_true(status, "Ready") else "NotReady"


def pod_row(pod: Object) -> list[object]:
    spec, status, meta = pod.get("spec") or {}, pod.get("status") or {}, pod.get("metadata") or {}
    phase = status.get("phase") or ""
    counts = _Counts(status.get("reason") or phase)
    for condition in status.get("conditions") or []:
        if isinstance(condition, dict) and condition.get("type") == "PodScheduled" \
                and condition.get("reason") == "SchedulingGated":
            counts.reason = "SchedulingGated"
    total = len(spec.get("containers") or []) + sum(
        1 for c in spec.get("initContainers") or [] if helpers.is_restartable_init_container(c))
    sidecar = _Counts("")
    initializing = _init_containers(pod, counts, sidecar)
    if not initializing or _condition_true(status, "Initialized"):
        counts.restarts, counts.last_restart = sidecar.restarts, sidecar.last_restart
        _containers(pod, counts)
    if meta.get("deletionTimestamp") and status.get("reason") == NODE_UNREACHABLE_REASON:
        counts.reason = "Unknown"
    elif meta.get("deletionTimestamp") and phase not in ("Failed", "Succeeded"):
        counts.reason = "Terminating"
    restarts = str(counts.restarts)
    if counts.restarts != 0 and counts.last_restart != _ZERO_TIME:
        restarts = f"{counts.restarts} ({translate_timestamp_since(timefmt.format_time(counts.last_restart))} ago)"
    pod_ips = status.get("podIPs") or []
    pod_ip = (pod_ips[0] or {}).get("ip", "") if pod_ips and isinstance(pod_ips[0], dict) else ""
    return [name_of(pod), f"{counts.ready}/{total}", counts.reason, restarts,
            translate_timestamp_since(meta.get("creationTimestamp")), pod_ip or "<none>",
            spec.get("nodeName") or "<none>", status.get("nominatedNodeName") or "<none>",
            _readiness_gates(spec, status)]


def _readiness_gates(spec: Object, status: Object) -> str:
    gates = spec.get("readinessGates") or []
    if not gates:
        return "<none>"
    true_conditions = 0
    for gate in gates:
        condition = helpers.pod_condition(status, (gate or {}).get("conditionType"))  # type: ignore[arg-type]
        if condition is not None and condition.get("status") == "True":
            true_conditions += 1
    return f"{true_conditions}/{len(gates)}"


def row_conditions(pod: Object) -> list[Object]:
    """The row conditions printPod adds for finished pods (metav1.RowCompleted)."""
    phase = (pod.get("status") or {}).get("phase")
    if phase == "Succeeded":
        return [{"type": "Completed", "status": "True", "reason": "Succeeded",
                 "message": "The pod has completed successfully."}]
    if phase == "Failed":
        return [{"type": "Completed", "status": "True", "reason": "Failed", "message": "The pod failed."}]
    return []


POD_PRINTER = Printer(POD_COLUMNS, pod_row)
