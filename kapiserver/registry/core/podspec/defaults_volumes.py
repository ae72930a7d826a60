"""Defaults of pod volumes (upstream SetDefaults_Volume, the per-source SetDefaults_* and the
`+default=` markers of k8s.io/api/core/v1 that the generated defaulters apply).
"""

from __future__ import annotations

from kapiserver.apimachinery import quantity
from kapiserver.apimachinery.types import Object

from . import features, helpers
from .imageref import default_pull_policy

# 0644, the mode upstream gives files of secret, configMap, downwardAPI and projected volumes.
DEFAULT_FILE_MODE = 420
DEFAULT_TOKEN_EXPIRATION_SECONDS = 3600
VOLUME_SOURCES = (
    "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs", "iscsi",
    "glusterfs", "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "downwardAPI", "fc",
    "azureFile", "configMap", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "projected",
    "portworxVolume", "scaleIO", "storageos", "csi", "ephemeral", "image",
)
# `+default=` markers: (source, key, value, pointer?). A pointer defaults only when nil;
# a string field also when empty (Go cannot tell the two apart).
_SCALAR_DEFAULTS: tuple[tuple[str, str, object, bool], ...] = (
    ("iscsi", "iscsiInterface", "default", False),
    ("rbd", "pool", "rbd", False), ("rbd", "user", "admin", False), ("rbd", "keyring", "/etc/ceph/keyring", False),
    ("azureDisk", "cachingMode", "ReadWrite", True), ("azureDisk", "fsType", "ext4", True),
    ("azureDisk", "readOnly", False, True), ("azureDisk", "kind", "Shared", True),
    ("scaleIO", "storageMode", "ThinProvisioned", False), ("scaleIO", "fsType", "xfs", False),
    ("hostPath", "type", "", True),
)


def set_defaults_volume(volume: Object) -> None:
    if not any(volume.get(source) is not None for source in VOLUME_SOURCES):
        volume["emptyDir"] = {}
    for source, key, value, pointer in _SCALAR_DEFAULTS:
        body = volume.get(source)
        if isinstance(body, dict) and (body.get(key) is None or not pointer and body.get(key) == ""):
            body[key] = value
    for source in ("secret", "configMap", "downwardAPI", "projected"):
        body = volume.get(source)
        if isinstance(body, dict) and body.get("defaultMode") is None:
            body["defaultMode"] = DEFAULT_FILE_MODE
    if isinstance(volume.get("downwardAPI"), dict):
        _default_downward_items(volume["downwardAPI"].get("items"))
    if isinstance(volume.get("projected"), dict):
        _default_projected(volume["projected"])
    if isinstance(volume.get("emptyDir"), dict) and "sizeLimit" in volume["emptyDir"]:
        limit = volume["emptyDir"]["sizeLimit"]
        if limit is not None:
            volume["emptyDir"]["sizeLimit"] = quantity.canonical(quantity.from_json(limit))
    if isinstance(volume.get("ephemeral"), dict):
        _default_ephemeral(volume["ephemeral"])
    image = volume.get("image")
    if features.enabled("ImageVolume") and isinstance(image, dict) and not image.get("pullPolicy"):
        image["pullPolicy"] = default_pull_policy(str(image.get("reference") or ""))


def _default_downward_items(items: object) -> None:
    for item in items or []:  # type: ignore[attr-defined]
        if not isinstance(item, dict):
            continue
        if isinstance(item.get("fieldRef"), dict) and not item["fieldRef"].get("apiVersion"):
            item["fieldRef"]["apiVersion"] = "v1"
        if isinstance(item.get("resourceFieldRef"), dict):
            ref = item["resourceFieldRef"]
            ref["divisor"] = quantity.canonical(quantity.from_json(ref.get("divisor")))


def _default_projected(projected: Object) -> None:
    for source in projected.get("sources") or []:
        if not isinstance(source, dict):
            continue
        if isinstance(source.get("downwardAPI"), dict):
            _default_downward_items(source["downwardAPI"].get("items"))
        token = source.get("serviceAccountToken")
        if isinstance(token, dict) and token.get("expirationSeconds") is None:
            token["expirationSeconds"] = DEFAULT_TOKEN_EXPIRATION_SECONDS


def _default_ephemeral(ephemeral: Object) -> None:
    template = ephemeral.get("volumeClaimTemplate")
    if not isinstance(template, dict):
        return
    spec = template.get("spec")
    if not isinstance(spec, dict):
        spec = template["spec"] = {}
    if spec.get("volumeMode") is None:
        spec["volumeMode"] = "Filesystem"
    resources = spec.get("resources")
    if isinstance(resources, dict):
        for key in ("limits", "requests"):
            if key in resources:
                resources[key] = helpers.normalize_resource_list(resources[key])
