"""Pod volumes (upstream ValidateVolumes and validateVolumeSource with each source's checks).

A volume has exactly one source: the first one found (in upstream's order) is validated,
every later one is "may not specify more than 1 volume type". Note upstream's own path
quirks, kept: gcePersistentDisk is checked at `persistentDisk`, cephfs at `cephfs`, and a
second downwardAPI source is reported at `downwarAPI`.
"""

from __future__ import annotations

from kapiserver.apimachinery import field, objectmeta, quantity, validation
from kapiserver.apimachinery.types import Object

from .access import as_int, as_str, dicts, opt_int
from .options import PodValidationOptions
from .paths import validate_local_non_reserved_path, validate_path_no_backsteps
from .validation_env import (
    VALID_VOLUME_FIELD_PATHS,
    validate_container_resource_field_selector,
    validate_object_field_selector,
)
from .validation_volume_sources import SIMPLE_SOURCES, validate_pvc_template

FILE_MODE_ERROR = "must be a number between 0 and 0777 (octal), both inclusive"
_HOST_PATH_TYPES = ["", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate",
                    "Socket"]
# (JSON key, path used for the source's own checks, path used for "more than 1") in upstream's order.
_SOURCES = (
    ("emptyDir", "emptyDir", "emptyDir"), ("hostPath", "hostPath", "hostPath"), ("gitRepo", "gitRepo", "gitRepo"),
    ("gcePersistentDisk", "persistentDisk", "gcePersistentDisk"),
    ("awsElasticBlockStore", "awsElasticBlockStore", "awsElasticBlockStore"), ("secret", "secret", "secret"),
    ("nfs", "nfs", "nfs"), ("iscsi", "iscsi", "iscsi"), ("glusterfs", "glusterfs", "glusterfs"),
    ("flocker", "flocker", "flocker"), ("persistentVolumeClaim", "persistentVolumeClaim", "persistentVolumeClaim"),
    ("rbd", "rbd", "rbd"), ("cinder", "cinder", "cinder"), ("cephfs", "cephfs", "cephFS"),
    ("quobyte", "quobyte", "quobyte"), ("downwardAPI", "downwardAPI", "downwarAPI"), ("fc", "fc", "fc"),
    ("flexVolume", "flexVolume", "flexVolume"), ("configMap", "configMap", "configMap"),
    ("azureFile", "azureFile", "azureFile"), ("vsphereVolume", "vsphereVolume", "vsphereVolume"),
    ("photonPersistentDisk", "photonPersistentDisk", "photonPersistentDisk"),
    ("portworxVolume", "portworxVolume", "portworxVolume"), ("azureDisk", "azureDisk", "azureDisk"),
    ("storageos", "storageos", "storageos"), ("projected", "projected", "projected"),
    ("scaleIO", "scaleIO", "scaleIO"), ("csi", "csi", "csi"), ("ephemeral", "ephemeral", "ephemeral"),
    ("image", "image", "image"),
)


def validate_volumes(volumes: object, pod_meta: Object | None, path: field.Path,
                     opts: PodValidationOptions) -> tuple[dict[str, Object], field.ErrorList]:
    """The valid volumes by name (for mounts to refer to), and the errors."""
    errs: field.ErrorList = []
    pod_name = as_str((pod_meta or {}).get("name"))
    items = dicts(volumes)
    created_claims = {f"{pod_name}-{as_str(v.get('name'))}" for v in items
                      if pod_name and isinstance(v.get("ephemeral"), dict)}
    valid: dict[str, Object] = {}
    for i, volume in enumerate(items):
        item = path.index(i)
        name = as_str(volume.get("name"))
        volume_errs = _validate_source(volume, item, name, pod_name, opts)
        if not name:
            volume_errs.append(field.required(item.child("name"), ""))
        else:
            volume_errs += [field.invalid(item.child("name"), name, msg) for msg in validation.is_dns1123_label(name)]
        if name in valid:
            volume_errs.append(field.duplicate(item.child("name"), name))
        if volume_errs:
            errs += volume_errs
        else:
            valid[name] = volume
        claim = volume.get("persistentVolumeClaim")
        if isinstance(claim, dict) and as_str(claim.get("claimName")) in created_claims:
            errs.append(field.invalid(item.child("persistentVolumeClaim").child("claimName"), claim["claimName"],
                                      "must not reference a PVC that gets created for an ephemeral volume"))
    return valid, errs


def _validate_source(volume: Object, path: field.Path, name: str, pod_name: str,
                     opts: PodValidationOptions) -> field.ErrorList:
    errs: field.ErrorList = []
    count = 0
    for key, check_path, clash_path in _SOURCES:
        source = volume.get(key)
        if not isinstance(source, dict):
            continue
        if count > 0:
            errs.append(field.forbidden(path.child(clash_path), "may not specify more than 1 volume type"))
            if key == "iscsi":
                errs += _iscsi_name_length(source, path, name)
            continue
        count += 1
        errs += _check_source(key, source, path.child(check_path), path, name, pod_name, opts)
    if count == 0:
        errs.append(field.required(path, "must specify a volume type"))
    return errs


def _iscsi_name_length(source: Object, path: field.Path, name: str) -> field.ErrorList:
    if source.get("initiatorName") is not None and len(name + ":" + as_str(source.get("targetPortal"))) > 64:
        return [field.invalid(path.child("name"), name, "Total length of <volume name>:<iscsi.targetPortal> must be "
                                                         "under 64 characters if iscsi.initiatorName is specified.")]
    return []


def _check_source(key: str, source: Object, path: field.Path, volume_path: field.Path, name: str, pod_name: str,
                  opts: PodValidationOptions) -> field.ErrorList:
    if key == "emptyDir":
        limit = source.get("sizeLimit")
        if limit is not None and _quantity(limit).sign() < 0:
            return [field.forbidden(path.child("sizeLimit"), "SizeLimit field must be a valid resource quantity")]
        return []
    if key == "hostPath":
        return _host_path(source, path)
    if key in ("secret", "configMap"):
        return _secret_or_config_map(key, source, path)
    if key == "downwardAPI":
        return _downward_api(source, path)
    if key == "projected":
        return _projected(source, path, opts)
    if key == "iscsi":
        from .validation_volume_sources import validate_iscsi

        return validate_iscsi(source, path) + _iscsi_name_length(source, volume_path, name)
    if key == "ephemeral":
        return _ephemeral(source, path, volume_path, name, pod_name)
    if key == "image":
        from .validation_containers import validate_pull_policy

        errs: field.ErrorList = []
        if opts.resource_is_pod and not as_str(source.get("reference")):
            errs.append(field.required(path.child("reference"), ""))
        return errs + validate_pull_policy(as_str(source.get("pullPolicy")), path.child("pullPolicy"))
    return SIMPLE_SOURCES[key](source, path)


def _quantity(value: object) -> quantity.Quantity:
    try:
        return quantity.from_json(value)
    except quantity.QuantityError:
        return quantity.ZERO


def _host_path(source: Object, path: field.Path) -> field.ErrorList:
    host_path = as_str(source.get("path"))
    if not host_path:
        return [field.required(path.child("path"), "")]
    errs = validate_path_no_backsteps(host_path, path.child("path"))
    kind = source.get("type")
    if kind is not None and as_str(kind) not in _HOST_PATH_TYPES:
        errs.append(field.not_supported(path.child("type"), as_str(kind), _HOST_PATH_TYPES))
    return errs


def _mode_errors(value: object, path: field.Path) -> field.ErrorList:
    mode = opt_int(value)
    if mode is not None and (mode > 0o777 or mode < 0):
        return [field.invalid(path, mode, FILE_MODE_ERROR)]
    return []


def validate_key_to_path(item: Object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    if not as_str(item.get("key")):
        errs.append(field.required(path.child("key"), ""))
    target = as_str(item.get("path"))
    if not target:
        errs.append(field.required(path.child("path"), ""))
    errs += validate_local_non_reserved_path(target, path.child("path"))
    return errs + _mode_errors(item.get("mode"), path.child("mode"))


def _secret_or_config_map(key: str, source: Object, path: field.Path) -> field.ErrorList:
    name_key = "secretName" if key == "secret" else "name"
    errs: field.ErrorList = []
    if not as_str(source.get(name_key)):
        errs.append(field.required(path.child(name_key), ""))
    errs += _mode_errors(source.get("defaultMode"), path.child("defaultMode"))
    for i, item in enumerate(dicts(source.get("items"))):
        errs += validate_key_to_path(item, path.child("items").index(i))
    return errs


def _downward_file(item: Object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    target = as_str(item.get("path"))
    if not target:
        errs.append(field.required(path.child("path"), ""))
    errs += validate_local_non_reserved_path(target, path.child("path"))
    if isinstance(item.get("fieldRef"), dict):
        errs += validate_object_field_selector(item["fieldRef"], VALID_VOLUME_FIELD_PATHS, path.child("fieldRef"))
        if isinstance(item.get("resourceFieldRef"), dict):
            errs.append(field.invalid(path, "resource", "fieldRef and resourceFieldRef can not be specified "
                                                        "simultaneously"))
    elif isinstance(item.get("resourceFieldRef"), dict):
        errs += validate_container_resource_field_selector(item["resourceFieldRef"], path.child("resourceFieldRef"),
                                                           True)
    else:
        errs.append(field.required(path, "one of fieldRef and resourceFieldRef is required"))
    return errs + _mode_errors(item.get("mode"), path.child("mode"))


def _downward_api(source: Object, path: field.Path) -> field.ErrorList:
    errs = _mode_errors(source.get("defaultMode"), path.child("defaultMode"))
    for item in dicts(source.get("items")):
        errs += _downward_file(item, path)
    return errs


def _projected(source: Object, path: field.Path, opts: PodValidationOptions) -> field.ErrorList:
    errs = _mode_errors(source.get("defaultMode"), path.child("defaultMode"))
    seen: set[str] = set()

    def record(target: str, shown: object) -> None:
        if target in seen:
            errs.append(field.invalid(path, shown, "conflicting duplicate paths"))
        seen.add(target)

    for i, projection in enumerate(dicts(source.get("sources"))):
        src_path = path.child("sources").index(i)
        count = 0
        for kind in ("secret", "configMap"):
            body = projection.get(kind)
            if not isinstance(body, dict):
                continue
            count += 1
            if not as_str(body.get("name")):
                errs.append(field.required(src_path.child(kind).child("name"), ""))
            for j, item in enumerate(dicts(body.get("items"))):
                errs += validate_key_to_path(item, src_path.child(kind).child("items").index(j))
                if as_str(item.get("path")):
                    record(as_str(item.get("path")), as_str(body.get("name")))
        if isinstance(projection.get("downwardAPI"), dict):
            count += 1
            for item in dicts(projection["downwardAPI"].get("items")):
                errs += _downward_file(item, src_path.child("downwardAPI"))
                if as_str(item.get("path")):
                    record(as_str(item.get("path")), as_str(item.get("path")))
        token = projection.get("serviceAccountToken")
        if isinstance(token, dict):
            count += 1
            errs += _service_account_token(token, src_path.child("serviceAccountToken"), path, opts)
        bundle = projection.get("clusterTrustBundle")
        if isinstance(bundle, dict):
            count += 1
            from .validation_volume_sources import validate_cluster_trust_bundle

            errs += validate_cluster_trust_bundle(bundle, src_path.child("clusterTrustBundle"))
            record(as_str(bundle.get("path")), as_str(bundle.get("path")))
        if count > 1:
            errs.append(field.forbidden(src_path, "may not specify more than 1 volume type per source"))
    return errs


def _service_account_token(token: Object, path: field.Path, projected_path: field.Path,
                           opts: PodValidationOptions) -> field.ErrorList:
    errs: field.ErrorList = []
    expiration = as_int(token.get("expirationSeconds"))
    if expiration < 10 * 60:
        errs.append(field.invalid(path.child("expirationSeconds"), expiration,
                                  "may not specify a duration less than 10 minutes"))
    if expiration > 1 << 32:
        errs.append(field.invalid(path.child("expirationSeconds"), expiration,
                                  "may not specify a duration larger than 2^32 seconds"))
    target = as_str(token.get("path"))
    if not target:
        errs.append(field.required(projected_path.child("path"), ""))
    elif not opts.allow_non_local_projected_token_path:
        errs += validate_local_non_reserved_path(target, projected_path.child("path"))
    return errs


def _ephemeral(source: Object, path: field.Path, volume_path: field.Path, name: str,
               pod_name: str) -> field.ErrorList:
    template = source.get("volumeClaimTemplate")
    if not isinstance(template, dict):
        return [field.required(path.child("volumeClaimTemplate"), "")]
    errs = validate_pvc_template(template, path.child("volumeClaimTemplate"))
    if pod_name and name:
        claim_name = f"{pod_name}-{name}"
        errs += [field.invalid(volume_path.child("name"), name, f"PVC name {field.go_quote(claim_name)}: {msg}")
                 for msg in objectmeta.name_is_dns_subdomain(claim_name, False)]
    return errs
