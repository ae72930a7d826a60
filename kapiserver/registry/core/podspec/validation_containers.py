"""Containers, init containers and ephemeral containers (upstream validateContainers,
validateInitContainers, validateEphemeralContainers, validateContainerCommon and the probe,
handler, port and pull-policy checks they call).

Container names are unique across all three lists; each list reports a collision with
the lists validated before it, so a name clash is reported once, where upstream reports it.
"""

from __future__ import annotations

from kapiserver.apimachinery import field, objectmeta, validation
from kapiserver.apimachinery.types import Object

from .. import internal_json
from . import features
from .access import as_dict, as_int, as_str, dicts, opt_int, strings
from .options import PodValidationOptions
from .validation_env import validate_env, validate_env_from, validate_volume_devices, validate_volume_mounts
from .validation_resources import validate_container_resource_requirements
from .validation_security import validate_security_context

_PORT_PROTOCOLS = ("SCTP", "TCP", "UDP")
_CONTAINER_RESTART_POLICIES = ("Always", "OnFailure", "Never")
_PULL_POLICIES = ("Always", "IfNotPresent", "Never")
_INIT_ONLY_FORBIDDEN = "may not be set for init containers without restartPolicy=Always"
_EPHEMERAL_FORBIDDEN = "cannot be set for an Ephemeral Container"
# EphemeralContainerCommon fields, in Go order, that an ephemeral container may not set.
_EPHEMERAL_DISALLOWED = ("ports", "resources", "resizePolicy", "restartPolicy", "restartPolicyRules",
                         "livenessProbe", "readinessProbe", "startupProbe", "lifecycle")


class ContainerContext:
    """What every container check needs from the pod spec around it."""

    __slots__ = ("claim_names", "grace_period", "host_users", "opts", "restart_policy", "volumes")

    def __init__(self, volumes: dict[str, Object], claim_names: set[str], grace_period: int | None,
                 opts: PodValidationOptions, restart_policy: str, host_users: bool):
        self.volumes = volumes
        self.claim_names = claim_names
        self.grace_period = grace_period
        self.opts = opts
        self.restart_policy = restart_policy
        self.host_users = host_users


def validate_containers(containers: object, ctx: ContainerContext, path: field.Path) -> field.ErrorList:
    items = dicts(containers)
    if not items:
        return [field.required(path, "")]
    errs: field.ErrorList = []
    names: set[str] = set()
    for i, container in enumerate(items):
        item = path.index(i)
        errs += _validate_container_common(container, ctx, item)
        name = as_str(container.get("name"))
        if name in names:
            errs.append(field.duplicate(item.child("name"), name))
        else:
            names.add(name)
        errs += _validate_lifecycle_and_probes(container, ctx, item)
        if container.get("restartPolicy") is not None:
            policy = as_str(container.get("restartPolicy"))
            if not features.enabled("ContainerRestartRules"):
                errs.append(field.forbidden(item.child("restartPolicy"), "may not be set for non-init containers"))
            elif policy not in _CONTAINER_RESTART_POLICIES:
                errs.append(field.not_supported(item.child("restartPolicy"), policy, list(_CONTAINER_RESTART_POLICIES)))
    return errs + check_host_port_conflicts(items, path)


def validate_init_containers(containers: object, regular: object, ctx: ContainerContext,
                             path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    names = {as_str(c.get("name")) for c in dicts(regular)}
    for i, container in enumerate(dicts(containers)):
        item = path.index(i)
        errs += _validate_container_common(container, ctx, item)
        restart_always = False
        if container.get("restartPolicy") is not None:
            policy = as_str(container.get("restartPolicy"))
            if policy != "Always":
                errs.append(field.not_supported(item.child("restartPolicy"), policy, ["Always"]))
            restart_always = policy == "Always"
        name = as_str(container.get("name"))
        if name in names:
            errs.append(field.duplicate(item.child("name"), name))
        elif name:
            names.add(name)
        errs += check_host_port_conflicts([container], path)
        if restart_always:
            errs += _validate_lifecycle_and_probes(container, ctx, item)
        else:
            for key in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe"):
                if container.get(key) is not None:
                    errs.append(field.forbidden(item.child(key), _INIT_ONLY_FORBIDDEN))
        if not ctx.opts.allow_sidecar_resize_policy and container.get("resizePolicy"):
            errs.append(field.invalid(item.child("resizePolicy"),
                                      internal_json.marshal_list(container["resizePolicy"], "core.v1.ContainerResizePolicy"),
                                      "must not be set for init containers"))
    return errs


def validate_ephemeral_containers(ephemeral: object, containers: object, init_containers: object,
                                  ctx: ContainerContext, path: field.Path) -> field.ErrorList:
    items = dicts(ephemeral)
    if not items:
        return []
    errs: field.ErrorList = []
    others = {as_str(c.get("name")) for c in dicts(containers) + dicts(init_containers)}
    names = set(others)
    for i, container in enumerate(items):
        item = path.index(i)
        errs += _validate_container_common(container, ctx, item)
        errs += validate_container_only_for_pod(container, item)
        name = as_str(container.get("name"))
        if name in names:
            errs.append(field.duplicate(item.child("name"), name))
        else:
            names.add(name)
        target = as_str(container.get("targetContainerName"))
        if target and target not in others:
            errs.append(field.not_found(item.child("targetContainerName"), target))
        for key in _EPHEMERAL_DISALLOWED:
            if _is_set(container.get(key)):
                errs.append(field.forbidden(item.child(key), _EPHEMERAL_FORBIDDEN))
        for j, mount in enumerate(dicts(container.get("volumeMounts"))):
            for key in ("subPath", "subPathExpr"):
                if as_str(mount.get(key)):
                    errs.append(field.forbidden(item.child("volumeMounts").index(j).child(key), _EPHEMERAL_FORBIDDEN))
    return errs


def _is_set(value: object) -> bool:
    """Whether a field differs from Go's zero value (an empty resources struct is zero)."""
    if isinstance(value, dict):
        return any(v is not None for v in value.values())
    return value not in (None, "", 0, False, [])


def validate_container_only_for_pod(container: Object, path: field.Path) -> field.ErrorList:
    image = as_str(container.get("image"))
    if image != image.strip(" \t\n\r\v\f\x85\xa0"):
        return [field.invalid(path.child("image"), image, "must not have leading or trailing whitespace")]
    return []


def _validate_container_common(container: Object, ctx: ContainerContext, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    name = as_str(container.get("name"))
    if not name:
        errs.append(field.required(path.child("name"), ""))
    else:
        errs += [field.invalid(path.child("name"), name, msg) for msg in validation.is_dns1123_label(name)]
    if not as_str(container.get("image")):
        errs.append(field.required(path.child("image"), ""))
    policy = as_str(container.get("terminationMessagePolicy"))
    if not policy:
        errs.append(field.required(path.child("terminationMessagePolicy"), ""))
    elif policy not in ("File", "FallbackToLogsOnError"):
        errs.append(field.not_supported(path.child("terminationMessagePolicy"), policy,
                                        ["File", "FallbackToLogsOnError"]))
    errs += validate_container_ports(container.get("ports"), path.child("ports"))
    errs += validate_env(container.get("env"), path.child("env"), ctx.opts)
    errs += validate_env_from(container.get("envFrom"), path.child("envFrom"), ctx.opts)
    errs += validate_volume_mounts(container, ctx.volumes, path.child("volumeMounts"))
    errs += validate_volume_devices(container, ctx.volumes, path.child("volumeDevices"))
    errs += validate_pull_policy(as_str(container.get("imagePullPolicy")), path.child("imagePullPolicy"))
    errs += validate_container_resource_requirements(as_dict(container.get("resources")), ctx.claim_names,
                                                     path.child("resources"), ctx.opts)
    errs += _validate_resize_policy(container.get("resizePolicy"), path.child("resizePolicy"), ctx.restart_policy)
    errs += validate_security_context(container.get("securityContext"), path.child("securityContext"),
                                      ctx.host_users)
    return errs


def validate_container_ports(ports: object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    names: set[str] = set()
    for i, port in enumerate(dicts(ports)):
        item = path.index(i)
        name = as_str(port.get("name"))
        if name:
            problems = validation.is_valid_port_name(name)
            if problems:
                errs += [field.invalid(item.child("name"), name, msg) for msg in problems]
            elif name in names:
                errs.append(field.duplicate(item.child("name"), name))
            else:
                names.add(name)
        container_port = as_int(port.get("containerPort"))
        if container_port == 0:
            errs.append(field.required(item.child("containerPort"), ""))
        else:
            errs += [field.invalid(item.child("containerPort"), container_port, msg)
                     for msg in validation.is_valid_port_num(container_port)]
        host_port = as_int(port.get("hostPort"))
        if host_port != 0:
            errs += [field.invalid(item.child("hostPort"), host_port, msg)
                     for msg in validation.is_valid_port_num(host_port)]
        protocol = as_str(port.get("protocol"))
        if not protocol:
            errs.append(field.required(item.child("protocol"), ""))
        elif protocol not in _PORT_PROTOCOLS:
            errs.append(field.not_supported(item.child("protocol"), protocol, list(_PORT_PROTOCOLS)))
    return errs


def check_host_port_conflicts(containers: list[Object], path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    seen: set[str] = set()
    for ci, container in enumerate(containers):
        for pi, port in enumerate(dicts(container.get("ports"))):
            host_port = as_int(port.get("hostPort"))
            if host_port == 0:
                continue
            key = f"{as_str(port.get('protocol'))}/{as_str(port.get('hostIP'))}/{host_port}"
            if key in seen:
                errs.append(field.duplicate(path.index(ci).child("ports").index(pi).child("hostPort"), key))
            else:
                seen.add(key)
    return errs


def validate_pull_policy(policy: str, path: field.Path) -> field.ErrorList:
    if policy in _PULL_POLICIES:
        return []
    if not policy:
        return [field.required(path, "")]
    return [field.not_supported(path, policy, list(_PULL_POLICIES))]


def _validate_resize_policy(policies: object, path: field.Path, pod_restart_policy: str) -> field.ErrorList:
    errs: field.ErrorList = []
    seen: set[str] = set()
    for i, policy in enumerate(dicts(policies)):
        resource = as_str(policy.get("resourceName"))
        if resource in seen:
            errs.append(field.duplicate(path.index(i), resource))
        seen.add(resource)
        if not resource:
            errs.append(field.required(path, ""))
        elif resource not in ("cpu", "memory"):
            errs.append(field.not_supported(path, resource, ["cpu", "memory"]))
        restart = as_str(policy.get("restartPolicy"))
        if not restart:
            errs.append(field.required(path, ""))
        elif restart not in ("NotRequired", "RestartContainer"):
            errs.append(field.not_supported(path, restart, ["NotRequired", "RestartContainer"]))
        if pod_restart_policy == "Never" and restart != "NotRequired":
            errs.append(field.invalid(path, restart, "must be 'NotRequired' when `restartPolicy` is 'Never'"))
    return errs


# --- probes and lifecycle handlers -----------------------------------------------------------


def _validate_lifecycle_and_probes(container: Object, ctx: ContainerContext, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    lifecycle = container.get("lifecycle")
    if isinstance(lifecycle, dict):
        for hook in ("postStart", "preStop"):
            if isinstance(lifecycle.get(hook), dict):
                errs += _validate_handler(lifecycle[hook], ("exec", "httpGet", "tcpSocket", "sleep"), ctx,
                                          path.child("lifecycle").child(hook))
    for key in ("livenessProbe", "readinessProbe", "startupProbe"):
        probe = container.get(key)
        if not isinstance(probe, dict):
            continue
        errs += _validate_probe(probe, ctx, path.child(key))
        if key == "readinessProbe":
            if probe.get("terminationGracePeriodSeconds") is not None:
                errs.append(field.invalid(path.child(key).child("terminationGracePeriodSeconds"),
                                          as_int(probe["terminationGracePeriodSeconds"]),
                                          "must not be set for readinessProbes"))
        elif as_int(probe.get("successThreshold")) != 1:
            errs.append(field.invalid(path.child(key).child("successThreshold"),
                                      as_int(probe.get("successThreshold")), "must be 1"))
    return errs


def _validate_probe(probe: Object, ctx: ContainerContext, path: field.Path) -> field.ErrorList:
    errs = _validate_handler(probe, ("exec", "httpGet", "tcpSocket", "grpc"), ctx, path)
    for key in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"):
        errs += objectmeta.validate_nonnegative_field(as_int(probe.get(key)), path.child(key))
    grace = opt_int(probe.get("terminationGracePeriodSeconds"))
    if grace is not None and grace <= 0:
        errs.append(field.invalid(path.child("terminationGracePeriodSeconds"), grace, "must be greater than 0"))
    return errs


def _validate_handler(handler: Object, kinds: tuple[str, ...], ctx: ContainerContext,
                      path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    count = 0
    for kind in kinds:
        action = handler.get(kind)
        if not isinstance(action, dict):
            continue
        if count > 0:
            errs.append(field.forbidden(path.child(kind), "may not specify more than 1 handler type"))
            continue
        count += 1
        errs += _validate_action(kind, action, ctx, path.child(kind))
    if count == 0:
        errs.append(field.required(path, "must specify a handler type"))
    return errs


def _validate_action(kind: str, action: Object, ctx: ContainerContext, path: field.Path) -> field.ErrorList:
    if kind == "exec":
        return [] if strings(action.get("command")) else [field.required(path.child("command"), "")]
    if kind == "httpGet":
        errs: field.ErrorList = []
        if not as_str(action.get("path")):
            errs.append(field.required(path.child("path"), ""))
        errs += validate_port_num_or_name(action.get("port"), path.child("port"))
        scheme = as_str(action.get("scheme"))
        if scheme not in ("HTTP", "HTTPS"):
            errs.append(field.not_supported(path.child("scheme"), scheme, ["HTTP", "HTTPS"]))
        for header in dicts(action.get("httpHeaders")):
            name = as_str(header.get("name"))
            errs += [field.invalid(path.child("httpHeaders"), name, msg) for msg in validation.is_http_header_name(name)]
        return errs
    if kind == "tcpSocket":
        return validate_port_num_or_name(action.get("port"), path.child("port"))
    if kind == "grpc":
        return validate_port_num_or_name(as_int(action.get("port")), path.child("port"))
    return _validate_sleep(action, ctx, path)


def _validate_sleep(action: Object, ctx: ContainerContext, path: field.Path) -> field.ErrorList:
    seconds = as_int(action.get("seconds"))
    grace = ctx.grace_period
    if grace is None:
        return []
    if ctx.opts.allow_pod_lifecycle_sleep_action_zero_value:
        if seconds < 0 or seconds > grace:
            return [field.invalid(path, seconds, "must be non-negative and less than terminationGracePeriodSeconds "
                                  f"({grace})")]
    elif seconds <= 0 or seconds > grace:
        return [field.invalid(path, seconds, f"must be greater than 0 and less than terminationGracePeriodSeconds "
                              f"({grace}). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.")]
    return []


def validate_port_num_or_name(port: object, path: field.Path) -> field.ErrorList:
    """An IntOrString port: a number in range, or an IANA service name."""
    if isinstance(port, str):
        return [field.invalid(path, port, msg) for msg in validation.is_valid_port_name(port)]
    number = as_int(port)
    return [field.invalid(path, number, msg) for msg in validation.is_valid_port_num(number)]
