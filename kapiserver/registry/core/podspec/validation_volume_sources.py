"""The checks of each in-tree volume source, the ephemeral claim template and the
clusterTrustBundle projection (upstream validate<Source>VolumeSource and friends).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from kapiserver.apimachinery import field, metav1_validation, objectmeta, quantity, validation
from kapiserver.apimachinery.types import Object

from .access import as_dict, as_int, as_str, opt_int, strings
from .paths import validate_local_descending_path, validate_local_non_reserved_path

_PARTITION_ERROR = validation.inclusive_range_error(1, 255)
_IQN = re.compile(r"iqn\.\d{4}-\d{2}\.([a-zA-Z0-9\-.]+)(:[^,;*&$|\s]+)\Z", re.ASCII)
_EUI = re.compile(r"eui.[a-zA-Z0-9]{16}", re.ASCII)
_NAA = re.compile(r"naa.[a-zA-Z0-9]{32}", re.ASCII)
_ACCESS_MODES = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"]

Check = Callable[[Object, field.Path], field.ErrorList]


def _required(source: Object, path: field.Path, *keys: str) -> field.ErrorList:
    return [field.required(path.child(key), "") for key in keys if not source.get(key)]


def _secret_ref_name(source: Object, path: field.Path) -> field.ErrorList:
    ref = source.get("secretRef")
    if isinstance(ref, dict) and not as_str(ref.get("name")):
        return [field.required(path.child("secretRef", "name"), "")]
    return []


def _partition(source: Object, path: field.Path) -> field.ErrorList:
    partition = as_int(source.get("partition"))
    if partition < 0 or partition > 255:
        return [field.invalid(path.child("partition"), partition, _PARTITION_ERROR)]
    return []


def _git_repo(source: Object, path: field.Path) -> field.ErrorList:
    return _required(source, path, "repository") + validate_local_descending_path(
        as_str(source.get("directory")), path.child("directory"))


def _nfs(source: Object, path: field.Path) -> field.ErrorList:
    errs = _required(source, path, "server", "path")
    if not as_str(source.get("path")).startswith("/"):
        errs.append(field.invalid(path.child("path"), as_str(source.get("path")), "must be an absolute path"))
    return errs


def _flocker(source: Object, path: field.Path) -> field.ErrorList:
    name, uuid = as_str(source.get("datasetName")), as_str(source.get("datasetUUID"))
    errs: field.ErrorList = []
    if not name and not uuid:
        errs.append(field.required(path, "one of datasetName and datasetUUID is required"))
    if name and uuid:
        errs.append(field.invalid(path, "resource", "datasetName and datasetUUID can not be specified simultaneously"))
    if "/" in name:
        errs.append(field.invalid(path.child("datasetName"), name, "must not contain '/'"))
    return errs


def _quobyte(source: Object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    registry = as_str(source.get("registry"))
    if not registry:
        errs.append(field.required(path.child("registry"),
                                   "must be a host:port pair or multiple pairs separated by commas"))
    elif len(as_str(source.get("tenant"))) >= 65:
        errs.append(field.required(path.child("tenant"), "must be a UUID and may not exceed a length of 64 characters"))
    else:
        for pair in registry.split(","):
            if not _is_host_port(pair):
                errs.append(field.invalid(path.child("registry"), registry,
                                          "must be a host:port pair or multiple pairs separated by commas"))
    return errs + _required(source, path, "volume")


def _is_host_port(pair: str) -> bool:
    """Whether Go's net.SplitHostPort accepts the pair."""
    if pair.startswith("["):
        end = pair.find("]")
        return end != -1 and pair[end + 1:end + 2] == ":" and "]" not in pair[end + 1:]
    return pair.count(":") == 1


def _fc(source: Object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    wwns, wwids = strings(source.get("targetWWNs")), strings(source.get("wwids"))
    if not wwns and not wwids:
        errs.append(field.required(path.child("targetWWNs"), "must specify either targetWWNs or wwids, but not both"))
    if wwns and wwids:
        errs.append(field.invalid(path.child("targetWWNs"), wwns,
                                  "targetWWNs and wwids can not be specified simultaneously"))
    if wwns:
        lun = opt_int(source.get("lun"))
        if lun is None:
            errs.append(field.required(path.child("lun"), "lun is required if targetWWNs is specified"))
        elif lun < 0 or lun > 255:
            errs.append(field.invalid(path.child("lun"), lun, validation.inclusive_range_error(0, 255)))
    return errs


def _flex(source: Object, path: field.Path) -> field.ErrorList:
    errs = _required(source, path, "driver")
    for key in as_dict(source.get("options")):
        namespace = key.split("/", 1)[0] if "/" in key else key
        normalized = "." + namespace.lower()
        if normalized.endswith((".kubernetes.io", ".k8s.io")):
            errs.append(field.invalid(path.child("options").key(key), key,
                                      "kubernetes.io and k8s.io namespaces are reserved"))
    return errs


def _azure_disk(source: Object, path: field.Path) -> field.ErrorList:
    errs = _required(source, path, "diskName", "diskURI")
    caching, kind = source.get("cachingMode"), source.get("kind")
    if caching is not None and caching not in ("None", "ReadOnly", "ReadWrite"):
        errs.append(field.not_supported(path.child("cachingMode"), as_str(caching), ["None", "ReadOnly", "ReadWrite"]))
    if kind is not None and kind not in ("Dedicated", "Managed", "Shared"):
        errs.append(field.not_supported(path.child("kind"), as_str(kind), ["Dedicated", "Managed", "Shared"]))
    uri = as_str(source.get("diskURI"))
    if kind == "Managed" and not uri.startswith("/subscriptions/"):
        errs.append(field.not_supported(path.child("diskURI"), uri, [
            "/subscriptions/{sub-id}/resourcegroups/{group-name}/providers/microsoft.compute/disks/{disk-id}"]))
    if kind is not None and kind != "Managed" and not uri.startswith("https://"):
        errs.append(field.not_supported(path.child("diskURI"), uri, [
            "https://{account-name}.blob.core.windows.net/{container-name}/{disk-name}.vhd"]))
    return errs


def _storageos(source: Object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    name = as_str(source.get("volumeName"))
    if not name:
        errs.append(field.required(path.child("volumeName"), ""))
    else:
        errs += [field.invalid(path.child("volumeName"), name, m) for m in validation.is_dns1123_label(name)]
    namespace = as_str(source.get("volumeNamespace"))
    if namespace:
        errs += [field.invalid(path.child("volumeNamespace"), namespace, m)
                 for m in validation.is_dns1123_label(namespace)]
    return errs + _secret_ref_name(source, path)


def _csi(source: Object, path: field.Path) -> field.ErrorList:
    driver = as_str(source.get("driver"))
    errs: field.ErrorList = []
    if not driver:
        errs.append(field.required(path.child("driver"), ""))
    if len(driver) > 63:
        errs.append(field.too_long(path.child("driver"), 63))
    errs += [field.invalid(path.child("driver"), driver, m) for m in validation.is_dns1123_subdomain(driver.lower())]
    ref = source.get("nodePublishSecretRef")
    if isinstance(ref, dict):
        name = as_str(ref.get("name"))
        if not name:
            errs.append(field.required(path.child("nodePublishSecretRef", "name"), ""))
        else:
            errs += [field.invalid(path.child("name"), name, m) for m in objectmeta.name_is_dns_subdomain(name, False)]
    return errs


def _pvc(source: Object, path: field.Path) -> field.ErrorList:
    return _required(source, path, "claimName")


SIMPLE_SOURCES: dict[str, Check] = {
    "gitRepo": _git_repo,
    "gcePersistentDisk": lambda s, p: _required(s, p, "pdName") + _partition(s, p),
    "awsElasticBlockStore": lambda s, p: _required(s, p, "volumeID") + _partition(s, p),
    "nfs": _nfs,
    "glusterfs": lambda s, p: _required(s, p, "endpoints", "path"),
    "flocker": _flocker,
    "persistentVolumeClaim": _pvc,
    "rbd": lambda s, p: _required(s, p, "monitors", "image"),
    "cinder": lambda s, p: _required(s, p, "volumeID") + _secret_ref_name(s, p),
    "cephfs": lambda s, p: _required(s, p, "monitors"),
    "quobyte": _quobyte,
    "fc": _fc,
    "flexVolume": _flex,
    "azureFile": lambda s, p: _required(s, p, "secretName", "shareName"),
    "vsphereVolume": lambda s, p: _required(s, p, "volumePath"),
    "photonPersistentDisk": lambda s, p: _required(s, p, "pdID"),
    "portworxVolume": lambda s, p: _required(s, p, "volumeID"),
    "azureDisk": _azure_disk,
    "storageos": _storageos,
    "scaleIO": lambda s, p: _required(s, p, "gateway", "system", "volumeName"),
    "csi": _csi,
}


def _iqn_errors(value: str, path: field.Path, prefix_message: str) -> field.ErrorList:
    if not value.startswith(("iqn", "eui", "naa")):
        return [field.invalid(path, value, prefix_message)]
    if value.startswith("iqn"):
        valid = _IQN.search(value) is not None
    else:
        valid = (_EUI if value.startswith("eui") else _NAA).fullmatch(value) is not None
    return [] if valid else [field.invalid(path, value, "must be valid format")]


def validate_iscsi(source: Object, path: field.Path) -> field.ErrorList:
    errs = _required(source, path, "targetPortal")
    iqn = as_str(source.get("iqn"))
    if not iqn:
        errs.append(field.required(path.child("iqn"), ""))
    else:
        errs += _iqn_errors(iqn, path.child("iqn"), "must be valid format starting with iqn, eui, or naa")
    lun = as_int(source.get("lun"))
    if lun < 0 or lun > 255:
        errs.append(field.invalid(path.child("lun"), lun, validation.inclusive_range_error(0, 255)))
    if (source.get("chapAuthDiscovery") is True or source.get("chapAuthSession") is True) \
            and not isinstance(source.get("secretRef"), dict):
        errs.append(field.required(path.child("secretRef"), ""))
    initiator = source.get("initiatorName")
    if initiator is not None:
        errs += _iqn_errors(as_str(initiator), path.child("initiatorname"),
                            "must be valid format starting with iqn, eui, or naa")
    return errs


def validate_cluster_trust_bundle(bundle: Object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    name, signer = bundle.get("name"), bundle.get("signerName")
    if name is not None and signer is not None:
        errs.append(field.invalid(path, bundle, "only one of name and signerName may be used"))
    elif name is not None:
        if not as_str(name):
            errs.append(field.required(path.child("name"), "must be a valid object name"))
        if bundle.get("labelSelector") is not None:
            errs.append(field.invalid(path.child("labelSelector"), bundle["labelSelector"],
                                      "labelSelector must be unset if name is specified"))
    elif signer is not None:
        if not as_str(signer):
            errs.append(field.required(path.child("signerName"), "must be a valid signer name"))
        errs += metav1_validation.validate_label_selector(
            bundle.get("labelSelector") if isinstance(bundle.get("labelSelector"), dict) else None,
            metav1_validation.LabelSelectorValidationOptions(), path.child("labelSelector"))
    else:
        errs.append(field.required(path, "either name or signerName must be specified"))
    if not as_str(bundle.get("path")):
        errs.append(field.required(path.child("path"), ""))
    return errs + validate_local_non_reserved_path(as_str(bundle.get("path")), path.child("path"))


def validate_pvc_template(template: Object, path: field.Path) -> field.ErrorList:
    """ValidatePersistentVolumeClaimTemplate, for the checks users meet: metadata limited to
    labels and annotations, access modes and a positive storage request."""
    meta = as_dict(template.get("metadata"))
    meta_path = path.child("metadata")
    errs = objectmeta.validate_annotations(as_dict(meta.get("annotations")), meta_path.child("annotations"))
    errs += metav1_validation.validate_labels(as_dict(meta.get("labels")), meta_path.child("labels"))
    for key in meta:
        if key not in ("labels", "annotations", "creationTimestamp") and meta[key] not in (None, "", {}, []):
            errs.append(field.forbidden(meta_path.child(key), "cannot be set"))
    spec = as_dict(template.get("spec"))
    spec_path = path.child("spec")
    modes = strings(spec.get("accessModes"))
    if not modes:
        errs.append(field.required(spec_path.child("accessModes"), "at least 1 access mode is required"))
    for mode in modes:
        if mode not in _ACCESS_MODES:
            errs.append(field.not_supported(spec_path.child("accessModes"), mode, _ACCESS_MODES))
    if "ReadWriteOncePod" in modes and any(m != "ReadWriteOncePod" and m in _ACCESS_MODES for m in modes):
        errs.append(field.forbidden(spec_path.child("accessModes"), "may not use ReadWriteOncePod with other access "
                                                                    "modes"))
    requests = as_dict(as_dict(spec.get("resources")).get("requests"))
    storage_path = spec_path.child("resources").key("storage")
    if "storage" not in requests:
        errs.append(field.required(storage_path, ""))
    else:
        try:
            storage = quantity.from_json(requests["storage"])
        except quantity.QuantityError:
            storage = quantity.ZERO
        if storage.sign() <= 0:
            errs.append(field.invalid(storage_path, quantity.canonical(storage), "must be greater than zero"))
    volume_mode = spec.get("volumeMode")
    if volume_mode is not None and volume_mode not in ("Block", "Filesystem"):
        errs.append(field.not_supported(spec_path.child("volumeMode"), as_str(volume_mode), ["Block", "Filesystem"]))
    return errs
