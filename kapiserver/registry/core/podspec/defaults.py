"""Defaults of a v1 PodSpec and Pod (upstream pkg/apis/core/v1/defaults.go and the generated
SetObjectDefaults_Pod / SetObjectDefaults_PodTemplate), plus the effects of upstream's
v1 <-> internal round trip that clients see on every write.

Two entry points, because upstream defaults a Pod more than a pod template:
`set_defaults_pod` (requests from limits, pod-level resources, enableServiceLinks, host
ports with hostNetwork, then the spec) for pods, and `set_defaults_pod_spec` for the spec
inside a template (Deployments, Jobs, ...). Both mutate the dict they are given and raise
`quantity.QuantityError` for a quantity that does not parse: upstream fails to decode such
a body, so the caller turns it into the kind's 400 decode error.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import quantity
from kapiserver.apimachinery.types import Object

from . import features, helpers
from .defaults_volumes import set_defaults_volume
from .imageref import default_pull_policy

DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30
DEFAULT_SCHEDULER_NAME = "default-scheduler"
TERMINATION_MESSAGE_PATH_DEFAULT = "/dev/termination-log"
# Annotations the v1 <-> internal conversion drops (pre-1.8 init containers).
INIT_CONTAINER_ANNOTATIONS = frozenset({
    "pod.beta.kubernetes.io/init-containers", "pod.alpha.kubernetes.io/init-containers",
    "pod.beta.kubernetes.io/init-container-statuses", "pod.alpha.kubernetes.io/init-container-statuses",
})
_CONTAINER_STATUS_LISTS = ("initContainerStatuses", "containerStatuses", "ephemeralContainerStatuses")


def _dict(parent: Object, key: str) -> Object:
    """parent[key] as a dict, created when missing or null (a nil struct pointer Go fills)."""
    value = parent.get(key)
    if not isinstance(value, dict):
        value = parent[key] = {}
    return value


# --- pod -------------------------------------------------------------------------------------


def set_defaults_pod(pod: Object) -> None:
    """SetObjectDefaults_Pod, with the conversion effects on metadata and status."""
    spec = _dict(pod, "spec")
    for kind in ("containers", "initContainers"):
        for container in spec.get(kind) or []:
            if isinstance(container, dict):
                _requests_from_limits(container)
    if features.enabled("PodLevelResources") and isinstance(spec.get("resources"), dict):
        _normalize_resource_lists(spec["resources"])
        for kind in ("containers", "initContainers"):
            for container in spec.get(kind) or []:
                if isinstance(container, dict) and isinstance(container.get("resources"), dict):
                    _normalize_resource_lists(container["resources"])
        _default_huge_page_pod_limits(spec)
        _default_pod_requests(spec)
    if spec.get("enableServiceLinks") is None:
        spec["enableServiceLinks"] = True
    if spec.get("hostNetwork") is True:
        for kind in ("containers", "initContainers"):
            for container in spec.get(kind) or []:
                for port in (container or {}).get("ports") or []:
                    if isinstance(port, dict) and not port.get("hostPort"):
                        port["hostPort"] = port.get("containerPort", 0)
    set_defaults_pod_spec(spec)
    _drop_init_container_annotations(pod.get("metadata"))
    if isinstance(pod.get("status"), dict):
        default_pod_status(pod["status"])


def _requests_from_limits(container: Object) -> None:
    """Requests default to limits, per resource, for regular and init containers of a Pod."""
    resources = container.get("resources")
    if not isinstance(resources, dict) or not isinstance(resources.get("limits"), dict):
        return
    requests = resources.get("requests")
    if not isinstance(requests, dict):
        requests = resources["requests"] = {}
    for name, amount in resources["limits"].items():
        requests.setdefault(name, amount)


def _drop_init_container_annotations(metadata: Any) -> None:
    if not isinstance(metadata, dict) or not isinstance(metadata.get("annotations"), dict):
        return
    annotations = metadata["annotations"]
    for key in INIT_CONTAINER_ANNOTATIONS & annotations.keys():
        del annotations[key]


def default_pod_status(status: Object) -> None:
    """The status side of the conversion round trip: IP lists synced, quantities rounded."""
    _sync_ips(status, "podIP", "podIPs")
    _sync_ips(status, "hostIP", "hostIPs")
    for kind in _CONTAINER_STATUS_LISTS:
        for item in status.get(kind) or []:
            if not isinstance(item, dict):
                continue
            if "allocatedResources" in item:
                item["allocatedResources"] = helpers.normalize_resource_list(item["allocatedResources"])
            if isinstance(item.get("resources"), dict):
                _normalize_resource_lists(item["resources"])


def _sync_ips(status: Object, single: str, plural: str) -> None:
    """v1 podIP/podIPs (hostIP/hostIPs): the single field wins; each fills the other."""
    one = status.get(single) or ""
    many = status.get(plural) or []
    first = many[0].get("ip", "") if many and isinstance(many[0], dict) else ""
    if one and (not many or first != one):
        status[plural] = [{"ip": one}]
    elif not one and first:
        status[single] = first


# --- pod spec --------------------------------------------------------------------------------


def set_defaults_pod_spec(spec: Object) -> None:
    """SetDefaults_PodSpec and every nested default of a PodSpec (pods and templates)."""
    if not spec.get("dnsPolicy"):
        spec["dnsPolicy"] = "ClusterFirst"
    if not spec.get("restartPolicy"):
        spec["restartPolicy"] = "Always"
    if not isinstance(spec.get("securityContext"), dict):
        spec["securityContext"] = {}
    if spec.get("terminationGracePeriodSeconds") is None:
        spec["terminationGracePeriodSeconds"] = DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS
    if not spec.get("schedulerName"):
        spec["schedulerName"] = DEFAULT_SCHEDULER_NAME
    _sync_service_account(spec)
    for volume in spec.get("volumes") or []:
        if isinstance(volume, dict):
            set_defaults_volume(volume)
    for kind in helpers.CONTAINER_LISTS:
        for container in spec.get(kind) or []:
            if isinstance(container, dict):
                set_defaults_container(container)
    if "overhead" in spec:
        spec["overhead"] = helpers.normalize_resource_list(spec["overhead"])
    if isinstance(spec.get("resources"), dict):
        _normalize_resource_lists(spec["resources"])


def _sync_service_account(spec: Object) -> None:
    """serviceAccount is the deprecated alias of serviceAccountName; the new field wins."""
    if not spec.get("serviceAccountName") and spec.get("serviceAccount"):
        spec["serviceAccountName"] = spec["serviceAccount"]
    if spec.get("serviceAccountName"):
        spec["serviceAccount"] = spec["serviceAccountName"]
    else:
        spec.pop("serviceAccount", None)


def set_defaults_container(container: Object) -> None:
    """SetDefaults_Container plus the generated defaults of what a container holds."""
    if not container.get("imagePullPolicy"):
        container["imagePullPolicy"] = default_pull_policy(str(container.get("image") or ""))
    if not container.get("terminationMessagePath"):
        container["terminationMessagePath"] = TERMINATION_MESSAGE_PATH_DEFAULT
    if not container.get("terminationMessagePolicy"):
        container["terminationMessagePolicy"] = "File"
    for port in container.get("ports") or []:
        if isinstance(port, dict) and not port.get("protocol"):
            port["protocol"] = "TCP"
    for env in container.get("env") or []:
        value_from = env.get("valueFrom") if isinstance(env, dict) else None
        if isinstance(value_from, dict):
            default_env_source(value_from)
    resources = container.get("resources")
    if not isinstance(resources, dict):
        resources = container["resources"] = {}
    _normalize_resource_lists(resources)
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        if isinstance(container.get(probe), dict):
            set_defaults_probe(container[probe])
    lifecycle = container.get("lifecycle")
    if isinstance(lifecycle, dict):
        for hook in ("postStart", "preStop"):
            handler = lifecycle.get(hook)
            if isinstance(handler, dict) and isinstance(handler.get("httpGet"), dict):
                set_defaults_http_get(handler["httpGet"])


def default_env_source(value_from: Object) -> None:
    if isinstance(value_from.get("fieldRef"), dict):
        set_defaults_object_field_selector(value_from["fieldRef"])
    if isinstance(value_from.get("resourceFieldRef"), dict):
        normalize_divisor(value_from["resourceFieldRef"])
    if isinstance(value_from.get("fileKeyRef"), dict):
        value_from["fileKeyRef"].setdefault("optional", False)


def set_defaults_object_field_selector(selector: Object) -> None:
    if not selector.get("apiVersion"):
        selector["apiVersion"] = "v1"


def normalize_divisor(selector: Object) -> None:
    """A ResourceFieldSelector's divisor is a Quantity held by value: Go always writes it."""
    selector["divisor"] = quantity.canonical(quantity.from_json(selector.get("divisor")))


def set_defaults_probe(probe: Object) -> None:
    for name, default in (("timeoutSeconds", 1), ("periodSeconds", 10), ("successThreshold", 1),
                          ("failureThreshold", 3)):
        if not probe.get(name):
            probe[name] = default
    if isinstance(probe.get("httpGet"), dict):
        set_defaults_http_get(probe["httpGet"])
    grpc = probe.get("grpc")
    if isinstance(grpc, dict) and grpc.get("service") is None:
        grpc["service"] = ""


def set_defaults_http_get(action: Object) -> None:
    if not action.get("path"):
        action["path"] = "/"
    if not action.get("scheme"):
        action["scheme"] = "HTTP"


# --- quantities ------------------------------------------------------------------------------


def _normalize_resource_lists(resources: Object) -> None:
    for key in ("limits", "requests"):
        if key in resources:
            resources[key] = helpers.normalize_resource_list(resources[key])


# --- pod-level resources (PodLevelResources) -------------------------------------------------


def _add_list(total: dict[str, quantity.Quantity], extra: dict[str, quantity.Quantity]) -> None:
    for name, amount in extra.items():
        total[name] = quantity.add(total[name], amount) if name in total else amount


def _max_list(total: dict[str, quantity.Quantity], other: dict[str, quantity.Quantity]) -> None:
    for name, amount in other.items():
        if name not in total or quantity.compare(amount, total[name]) > 0:
            total[name] = amount


def aggregate_container_resources(spec: Object, key: str) -> dict[str, quantity.Quantity]:
    """upstream resourcehelper.AggregateContainerRequests/Limits: regular containers and
    sidecars add up; the largest init container phase is the floor."""
    total: dict[str, quantity.Quantity] = {}
    for container in spec.get("containers") or []:
        _add_list(total, helpers.resource_list(((container or {}).get("resources") or {}).get(key)))
    sidecars: dict[str, quantity.Quantity] = {}
    init_peak: dict[str, quantity.Quantity] = {}
    for container in spec.get("initContainers") or []:
        amounts = helpers.resource_list(((container or {}).get("resources") or {}).get(key))
        if helpers.is_restartable_init_container(container):
            _add_list(total, amounts)
            _add_list(sidecars, amounts)
            phase = dict(sidecars)
        else:
            phase = dict(amounts)
            _add_list(phase, sidecars)
        _max_list(init_peak, phase)
    _max_list(total, init_peak)
    return total


def _default_huge_page_pod_limits(spec: Object) -> None:
    resources = spec["resources"]
    limits = dict(resources.get("limits") or {})
    requests = resources.get("requests") or {}
    if not limits and not requests:
        return
    for name, amount in aggregate_container_resources(spec, "limits").items():
        if helpers.is_supported_pod_level_resource(name) and helpers.is_huge_page_resource_name(name) \
                and name not in requests and name not in limits:
            limits[name] = quantity.canonical(amount)
    if limits:
        resources["limits"] = dict(sorted(limits.items()))


def _default_pod_requests(spec: Object) -> None:
    resources = spec["resources"]
    limits = resources.get("limits") or {}
    if not limits:
        return
    requests = dict(resources.get("requests") or {})
    for name, amount in aggregate_container_resources(spec, "requests").items():
        if name not in requests and helpers.is_supported_pod_level_resource(name) \
                and helpers.is_overcommit_allowed(name):
            requests[name] = quantity.canonical(amount)
    for name, amount in limits.items():
        if name not in requests and helpers.is_supported_pod_level_resource(name):
            requests[name] = amount
    if requests:
        resources["requests"] = dict(sorted(requests.items()))
