"""Environment and mounts of a container (upstream ValidateEnv, ValidateEnvFrom,
validateObjectFieldSelector, ValidateVolumeMounts, ValidateVolumeDevices).

Paths and messages are upstream's, quirks included: an env source count error is
reported at `valueFrom` with an empty value, envFrom's at the list itself, and subPath
checks at `volumeMounts.subPath` without the index.
"""

from __future__ import annotations

from kapiserver.apimachinery import field, objectmeta, quantity, validation
from kapiserver.apimachinery.types import Object

from . import features
from .access import as_dict, as_str, dicts
from .options import PodValidationOptions
from .paths import validate_local_descending_path, validate_path_no_backsteps

VALID_ENV_FIELD_PATHS = ("metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName",
                         "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP",
                         "status.podIPs")
VALID_VOLUME_FIELD_PATHS = ("metadata.name", "metadata.namespace", "metadata.labels", "metadata.annotations",
                            "metadata.uid")
VALID_RESOURCE_FIELD_PATHS = ("limits.cpu", "limits.memory", "limits.ephemeral-storage", "requests.cpu",
                              "requests.memory", "requests.ephemeral-storage")
_HUGE_PAGE_PREFIXES = ("requests.hugepages-", "limits.hugepages-")
_DOWNWARD_LABELS = frozenset({
    "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid",
    "spec.nodeName", "spec.restartPolicy", "spec.serviceAccountName", "spec.schedulerName", "status.phase",
    "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
})
_MEMORY_DIVISORS = frozenset({"1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei"})
_DIVISOR_LIST = "1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei"
_DIVISOR_RULES = (
    (("limits.cpu", "requests.cpu"), frozenset({"1m", "1"}),
     "only divisor's values 1m and 1 are supported with the cpu resource"),
    (("limits.memory", "requests.memory"), _MEMORY_DIVISORS,
     f"only divisor's values {_DIVISOR_LIST} are supported with the memory resource"),
    (("limits.ephemeral-storage", "requests.ephemeral-storage"), _MEMORY_DIVISORS,
     f"only divisor's values {_DIVISOR_LIST} are supported with the local ephemeral storage resource"),
)


def split_subscripted_path(path: str) -> tuple[str, str, bool]:
    """upstream fieldpath.SplitMaybeSubscriptedPath: "metadata.labels['app']" -> (path, key)."""
    if not path.endswith("']"):
        return path, "", False
    head, sep, key = path[:-2].partition("['")
    if not sep or not head:
        return path, "", False
    return head, key, True


def convert_downward_api_field_label(version: str, label: str) -> tuple[str, str | None]:
    """upstream ConvertDownwardAPIFieldLabel: (internal label, error message)."""
    if version != "v1":
        return "", f"unsupported pod version: {version}"
    head, _, subscripted = split_subscripted_path(label)
    if subscripted:
        if head in ("metadata.annotations", "metadata.labels"):
            return label, None
        return "", f"field label does not support subscript: {label}"
    if label in _DOWNWARD_LABELS:
        return label, None
    if label == "spec.host":
        return "spec.nodeName", None
    return "", f"field label not supported: {label}"


def validate_object_field_selector(selector: Object, expressions: tuple[str, ...],
                                   path: field.Path) -> field.ErrorList:
    api_version = as_str(selector.get("apiVersion"))
    field_path = as_str(selector.get("fieldPath"))
    if not api_version:
        return [field.required(path.child("apiVersion"), "")]
    if not field_path:
        return [field.required(path.child("fieldPath"), "")]
    internal, problem = convert_downward_api_field_label(api_version, field_path)
    if problem is not None:
        return [field.invalid(path.child("fieldPath"), field_path, f"error converting fieldPath: {problem}")]
    head, key, subscripted = split_subscripted_path(internal)
    if subscripted:
        name = key.lower() if head == "metadata.annotations" else key
        if head in ("metadata.annotations", "metadata.labels"):
            return [field.invalid(path, name, msg) for msg in validation.is_qualified_name(name)]
        return [field.invalid(path, head, "does not support subscript")]
    if internal not in expressions:
        return [field.not_supported(path.child("fieldPath"), internal, sorted(expressions))]
    return []


def _validate_divisor(resource: str, divisor: object, path: field.Path) -> field.ErrorList:
    try:
        parsed = quantity.from_json(divisor)
    except quantity.QuantityError:
        return []
    if parsed.is_zero():
        return []
    text = quantity.canonical(parsed)
    for names, allowed, message in _DIVISOR_RULES:
        if resource in names and text not in allowed:
            return [field.invalid(path.child("divisor"), resource, message)]
    if resource.startswith(_HUGE_PAGE_PREFIXES) and text not in _MEMORY_DIVISORS:
        return [field.invalid(path.child("divisor"), resource, f"only divisor's values {_DIVISOR_LIST} are "
                              "supported with the hugepages resource")]
    return []


def validate_container_resource_field_selector(selector: Object, path: field.Path, volume: bool) -> field.ErrorList:
    errs: field.ErrorList = []
    resource = as_str(selector.get("resource"))
    if volume and not as_str(selector.get("containerName")):
        errs.append(field.required(path.child("containerName"), ""))
    elif not resource:
        errs.append(field.required(path.child("resource"), ""))
    elif resource not in VALID_RESOURCE_FIELD_PATHS and not resource.startswith(_HUGE_PAGE_PREFIXES):
        errs.append(field.not_supported(path.child("resource"), resource, sorted(VALID_RESOURCE_FIELD_PATHS)))
    return errs + _validate_divisor(resource, selector.get("divisor"), path)


def _validate_key_selector(selector: Object, path: field.Path) -> field.ErrorList:
    name = as_str(selector.get("name"))
    errs = [field.invalid(path.child("name"), name, msg) for msg in objectmeta.name_is_dns_subdomain(name, False)]
    key = as_str(selector.get("key"))
    if not key:
        errs.append(field.required(path.child("key"), ""))
    else:
        errs += [field.invalid(path.child("key"), key, msg) for msg in validation.is_config_map_key(key)]
    return errs


def _env_name_errors(name: str, opts: PodValidationOptions) -> list[str]:
    if opts.allow_relaxed_environment_variable_validation:
        return validation.is_relaxed_env_var_name(name)
    return validation.is_env_var_name(name)


def validate_env(env: object, path: field.Path, opts: PodValidationOptions) -> field.ErrorList:
    errs: field.ErrorList = []
    for i, var in enumerate(dicts(env)):
        item = path.index(i)
        name = as_str(var.get("name"))
        if not name:
            errs.append(field.required(item.child("name"), ""))
        else:
            errs += [field.invalid(item.child("name"), name, msg) for msg in _env_name_errors(name, opts)]
        errs += _validate_env_value_from(var, item.child("valueFrom"))
    return errs


def _validate_env_value_from(var: Object, path: field.Path) -> field.ErrorList:
    source = var.get("valueFrom")
    if not isinstance(source, dict):
        return []
    errs: field.ErrorList = []
    count = 0
    if isinstance(source.get("fieldRef"), dict):
        count += 1
        errs += validate_object_field_selector(source["fieldRef"], VALID_ENV_FIELD_PATHS, path.child("fieldRef"))
    if isinstance(source.get("resourceFieldRef"), dict):
        count += 1
        errs += validate_container_resource_field_selector(source["resourceFieldRef"], path.child("resourceFieldRef"),
                                                           False)
    for kind in ("configMapKeyRef", "secretKeyRef"):
        if isinstance(source.get(kind), dict):
            count += 1
            errs += _validate_key_selector(source[kind], path.child(kind))
    if isinstance(source.get("fileKeyRef"), dict) and features.enabled("EnvFiles"):
        count += 1
    if count == 0:
        errs.append(field.invalid(path, "", "must specify one of: `fieldRef`, `resourceFieldRef`, "
                                            "`configMapKeyRef` or `secretKeyRef`"))
    elif as_str(var.get("value")):
        errs.append(field.invalid(path, "", "may not be specified when `value` is not empty"))
    elif count > 1:
        errs.append(field.invalid(path, "", "may not have more than one field specified at a time"))
    return errs


def validate_env_from(sources: object, path: field.Path, opts: PodValidationOptions) -> field.ErrorList:
    errs: field.ErrorList = []
    for i, source in enumerate(dicts(sources)):
        item = path.index(i)
        prefix = as_str(source.get("prefix"))
        if prefix:
            errs += [field.invalid(item.child("prefix"), prefix, msg) for msg in _env_name_errors(prefix, opts)]
        count = 0
        for kind in ("configMapRef", "secretRef"):
            if isinstance(source.get(kind), dict):
                count += 1
                name = as_str(source[kind].get("name"))
                if not name:
                    errs.append(field.required(item.child(kind).child("name"), ""))
                else:
                    errs += [field.invalid(item.child(kind).child("name"), name, msg)
                             for msg in objectmeta.name_is_dns_subdomain(name, True)]
        if count == 0:
            errs.append(field.invalid(path, "", "must specify one of: `configMapRef` or `secretRef`"))
        elif count > 1:
            errs.append(field.invalid(path, "", "may not have more than one field specified at a time"))
    return errs


# --- mounts and devices ----------------------------------------------------------------------


def _is_pvc(source: Object) -> bool:
    return isinstance(source.get("persistentVolumeClaim"), dict) or isinstance(source.get("ephemeral"), dict)


def validate_volume_mounts(container: Object, volumes: dict[str, Object], path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    devices = {as_str(d.get("name")): as_str(d.get("devicePath")) for d in dicts(container.get("volumeDevices"))}
    mount_points: set[str] = set()
    for i, mount in enumerate(dicts(container.get("volumeMounts"))):
        item = path.index(i)
        name = as_str(mount.get("name"))
        mount_path = as_str(mount.get("mountPath"))
        if not name:
            errs.append(field.required(item.child("name"), ""))
        if name not in volumes:
            errs.append(field.not_found(item.child("name"), name))
        if not mount_path:
            errs.append(field.required(item.child("mountPath"), ""))
        if mount_path in mount_points:
            errs.append(field.invalid(item.child("mountPath"), mount_path, "must be unique"))
        mount_points.add(mount_path)
        if name in devices:
            errs.append(field.invalid(item.child("name"), name, "must not already exist in volumeDevices"))
        if mount_path in devices.values():
            errs.append(field.invalid(item.child("mountPath"), mount_path,
                                      "must not already exist as a path in volumeDevices"))
        sub_path = as_str(mount.get("subPath"))
        sub_path_expr = as_str(mount.get("subPathExpr"))
        if isinstance(volumes.get(name, {}).get("image"), dict):
            if sub_path:
                errs.append(field.invalid(item.child("subPath"), sub_path, "not allowed in image volume sources"))
            if sub_path_expr:
                errs.append(field.invalid(item.child("subPathExpr"), sub_path_expr,
                                          "not allowed in image volume sources"))
        if sub_path:
            errs += validate_local_descending_path(sub_path, path.child("subPath"))
        if sub_path_expr:
            if sub_path:
                errs.append(field.invalid(item.child("subPathExpr"), sub_path_expr,
                                          "subPathExpr and subPath are mutually exclusive"))
            errs += validate_local_descending_path(sub_path_expr, path.child("subPathExpr"))
        if mount.get("mountPropagation") is not None:
            errs += _validate_mount_propagation(as_str(mount.get("mountPropagation")), container,
                                                path.child("mountPropagation"))
        errs += _validate_recursive_read_only(mount, path.child("recursiveReadOnly"))
    return errs


def _validate_mount_propagation(mode: str, container: Object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    supported = ("Bidirectional", "HostToContainer", "None")
    if mode not in supported:
        errs.append(field.not_supported(path, mode, list(supported)))
    privileged = as_dict(container.get("securityContext")).get("privileged") is True
    if mode == "Bidirectional" and not privileged:
        errs.append(field.forbidden(path, "Bidirectional mount propagation is available only to privileged containers"))
    return errs


def _validate_recursive_read_only(mount: Object, path: field.Path) -> field.ErrorList:
    mode = mount.get("recursiveReadOnly")
    if mode is None:
        return []
    mode = as_str(mode)
    if mode == "Disabled":
        return []
    if mode in ("Enabled", "IfPossible"):
        errs: field.ErrorList = []
        if mount.get("readOnly") is not True:
            errs.append(field.forbidden(path, "may only be specified when readOnly is true"))
        propagation = mount.get("mountPropagation")
        if propagation is not None and propagation != "None":
            errs.append(field.forbidden(path, "may only be specified when mountPropagation is None or not specified"))
        return errs
    return [field.not_supported(path, mode, ["Disabled", "Enabled", "IfPossible"])]


def validate_volume_devices(container: Object, volumes: dict[str, Object], path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    mounts = {as_str(m.get("name")): as_str(m.get("mountPath")) for m in dicts(container.get("volumeMounts"))}
    device_paths: set[str] = set()
    device_names: set[str] = set()
    for i, device in enumerate(dicts(container.get("volumeDevices"))):
        item = path.index(i)
        name = as_str(device.get("name"))
        device_path = as_str(device.get("devicePath"))
        matched = name in volumes
        if not name:
            errs.append(field.required(item.child("name"), ""))
        if name in device_names:
            errs.append(field.invalid(item.child("name"), name, "must be unique"))
        if matched and not _is_pvc(volumes[name]):
            errs.append(field.invalid(item.child("name"), name, "can only use volume source type of "
                                      "PersistentVolumeClaim or Ephemeral for block mode"))
        if not matched:
            errs.append(field.not_found(item.child("name"), name))
        if not device_path:
            errs.append(field.required(item.child("devicePath"), ""))
        if device_path in device_paths:
            errs.append(field.invalid(item.child("devicePath"), device_path, "must be unique"))
        if device_path and validate_path_no_backsteps(device_path, path.child("devicePath")):
            errs.append(field.invalid(item.child("devicePath"), device_path, "can not contain backsteps ('..')"))
        else:
            device_paths.add(device_path)
        if name in mounts:
            errs.append(field.invalid(item.child("name"), name, "must not already exist in volumeMounts"))
        if device_path in mounts.values():
            errs.append(field.invalid(item.child("devicePath"), device_path,
                                      "must not already exist as a path in volumeMounts"))
        if name:
            device_names.add(name)
    return errs
