"""csidrivers, storage.k8s.io/v1 (upstream pkg/registry/storage/csidriver, ValidateCSIDriver*,
SetDefaults_CSIDriver).

attachRequired and volumeLifecycleModes are immutable. Upstream's PrepareForCreate sets no
generation, so a new driver has none; the first change of the spec makes it 1.
"""

from __future__ import annotations

from kapiserver.apimachinery import field, objectmeta
from kapiserver.apimachinery.types import Object
from kapiserver.registry.core.podspec.access import as_dict, as_list, as_str, dicts, strings
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy, bump_generation_on_change, immutable
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

FS_GROUP_POLICIES = ("File", "None", "ReadWriteOnceWithFSType")  # sorted, as sets.List prints them
LIFECYCLE_MODES = ("Persistent", "Ephemeral")
MIN_TOKEN_EXPIRATION = 600
MAX_TOKEN_EXPIRATION = 1 << 32
_SPEC = field.new_path("spec")


def default_csi_driver(obj: Object) -> None:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        spec = obj["spec"] = {}
    for key, value in (("attachRequired", True), ("podInfoOnMount", False), ("storageCapacity", False),
                       ("fsGroupPolicy", "ReadWriteOnceWithFSType"), ("requiresRepublish", False),
                       ("seLinuxMount", False)):
        if spec.get(key) is None:
            spec[key] = value
    if not spec.get("volumeLifecycleModes"):
        spec["volumeLifecycleModes"] = ["Persistent"]


def _validate_token_requests(requests: list[Object], path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    audiences: set[str] = set()
    for i, request in enumerate(requests):
        audience = as_str(request.get("audience"))
        if audience in audiences:
            errs.append(field.duplicate(path.index(i).child("audience"), audience))
            continue
        audiences.add(audience)
        seconds = request.get("expirationSeconds")
        if not isinstance(seconds, int):
            continue
        if seconds < MIN_TOKEN_EXPIRATION:
            errs.append(field.invalid(path.index(i).child("expirationSeconds"), seconds,
                                      "may not specify a duration less than 10 minutes"))
        if seconds > MAX_TOKEN_EXPIRATION:
            errs.append(field.invalid(path.index(i).child("expirationSeconds"), seconds,
                                      "may not specify a duration larger than 2^32 seconds"))
    return errs


def validate_csi_driver_spec(spec: Object) -> field.ErrorList:
    errs: field.ErrorList = []
    # upstream reports attachRequired under the misspelt path "attachedRequired"
    for key, path_name in (("attachRequired", "attachedRequired"), ("podInfoOnMount", "podInfoOnMount"),
                           ("storageCapacity", "storageCapacity")):
        if spec.get(key) is None:
            errs.append(field.required(_SPEC.child(path_name), ""))
    policy = spec.get("fsGroupPolicy")
    if policy is not None and policy not in FS_GROUP_POLICIES:
        errs.append(field.not_supported(_SPEC.child("fsGroupPolicy"), policy, FS_GROUP_POLICIES))
    errs += _validate_token_requests(dicts(spec.get("tokenRequests")), _SPEC.child("tokenRequests"))
    for mode in as_list(spec.get("volumeLifecycleModes")):
        if mode not in LIFECYCLE_MODES:
            errs.append(field.not_supported(_SPEC.child("volumeLifecycleModes"), mode, LIFECYCLE_MODES))
    if spec.get("seLinuxMount") is None:
        errs.append(field.required(_SPEC.child("seLinuxMount"), ""))
    period = spec.get("nodeAllocatableUpdatePeriodSeconds")
    if isinstance(period, int) and period < 10:
        errs.append(field.invalid(_SPEC.child("nodeAllocatableUpdatePeriodSeconds"), period,
                                  "must be greater than or equal to 10 seconds"))
    return errs


def validate_csi_driver(obj: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(obj.get("metadata", {}), False, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))
    return errs + validate_csi_driver_spec(as_dict(obj.get("spec")))


def validate_csi_driver_update(obj: Object, old: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                  field.new_path("metadata"))
    spec, old_spec = as_dict(obj.get("spec")), as_dict(old.get("spec"))
    errs += validate_csi_driver_spec(spec)
    errs += immutable(_SPEC.child("attachedRequired"), spec.get("attachRequired"), old_spec.get("attachRequired"))
    return errs + immutable(_SPEC.child("volumeLifecycleModes"), spec.get("volumeLifecycleModes"),
                            old_spec.get("volumeLifecycleModes"))


class CSIDriverStrategy(Strategy):
    def default(self, obj: Object) -> None:
        default_csi_driver(obj)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        bump_generation_on_change(obj, old, "spec")

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_csi_driver(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_csi_driver_update(obj, old)


ATTACH_REQUIRED_DESCRIPTION = (
    'attachRequired indicates this CSI volume driver requires an attach operation (because it implements '
    'the CSI ControllerPublishVolume() method), and that the Kubernetes attach detach controller should '
    'call the attach volume interface which checks the volumeattachment status and waits until the volume'
    ' is attached before proceeding to mounting. The CSI external-attacher coordinates with CSI volume '
    'driver and updates the volumeattachment status when the attach operation is complete. If the value '
    'is specified to false, the attach operation will be skipped. Otherwise the attach operation will be '
    'called.\n\nThis field is immutable.'
)
POD_INFO_DESCRIPTION = (
    'podInfoOnMount indicates this CSI volume driver requires additional pod information (like podName, '
    'podUID, etc.) during mount operations, if set to true. If set to false, pod information will not be '
    'passed on mount. Default is false.\n\nThe CSI driver specifies podInfoOnMount as part of driver '
    'deployment. If true, Kubelet will pass pod information as VolumeContext in the CSI '
    'NodePublishVolume() calls. The CSI driver is responsible for parsing and validating the information '
    'passed in as VolumeContext.\n\nThe following VolumeContext will be passed if podInfoOnMount is set to '
    'true. This list might grow, but the prefix will be used. "csi.storage.k8s.io/pod.name": pod.Name '
    '"csi.storage.k8s.io/pod.namespace": pod.Namespace "csi.storage.k8s.io/pod.uid": string(pod.UID) '
    '"csi.storage.k8s.io/ephemeral": "true" if the volume is an ephemeral inline volume'
    '\n                                defined by a CSIVolumeSource, otherwise "false"\n\n'
    '"csi.storage.k8s.io/ephemeral" is a new feature in Kubernetes 1.16. It is only required for drivers '
    'which support both the "Persistent" and "Ephemeral" VolumeLifecycleMode. Other drivers can leave pod'
    " info disabled and/or ignore this field. As Kubernetes 1.15 doesn't support this field, drivers can "
    'only support one mode when deployed on such a cluster and the deployment determines which mode that '
    'is, for example via a command line parameter of the driver.\n\nThis field was immutable in Kubernetes '
    '< 1.29 and now is mutable.'
)
STORAGE_CAPACITY_DESCRIPTION = (
    'storageCapacity indicates that the CSI volume driver wants pod scheduling to consider the storage '
    'capacity that the driver deployment will report by creating CSIStorageCapacity objects with capacity'
    ' information, if set to true.\n\nThe check can be enabled immediately when deploying a driver. In that'
    ' case, provisioning new volumes with late binding will pause until the driver deployment has '
    'published some suitable CSIStorageCapacity object.\n\nAlternatively, the driver can be deployed with '
    'the field unset or false and it can be flipped later when storage capacity information has been '
    'published.\n\nThis field was immutable in Kubernetes <= 1.22 and now is mutable.'
)
TOKEN_REQUESTS_DESCRIPTION = (
    "tokenRequests indicates the CSI driver needs pods' service account tokens it is mounting volume for "
    'to do necessary authentication. Kubelet will pass the tokens in VolumeContext in the CSI '
    'NodePublishVolume calls. The CSI driver should parse and validate the following VolumeContext: '
    '"csi.storage.k8s.io/serviceAccount.tokens": {\n  "<audience>": {\n    "token": <token>,\n    '
    '"expirationTimestamp": <expiration timestamp in RFC3339>,\n  },\n  ...\n}\n\nNote: Audience in each '
    'TokenRequest should be different and at most one token is empty string. To receive a new token after'
    ' expiry, RequiresRepublish can be used to trigger NodePublishVolume periodically.'
)
REPUBLISH_DESCRIPTION = (
    'requiresRepublish indicates the CSI driver wants `NodePublishVolume` being periodically called to '
    'reflect any possible change in the mounted volume. This field defaults to false.\n\nNote: After a '
    'successful initial NodePublishVolume call, subsequent calls to NodePublishVolume should only update '
    'the contents of the volume. New mount points will not be seen by a running container.'
)
MODES_DESCRIPTION = (
    'volumeLifecycleModes defines what kind of volumes this CSI volume driver supports. The default if '
    'the list is empty is "Persistent", which is the usage defined by the CSI specification and '
    'implemented in Kubernetes via the usual PV/PVC mechanism.\n\nThe other mode is "Ephemeral". In this '
    'mode, volumes are defined inline inside the pod spec with CSIVolumeSource and their lifecycle is '
    'tied to the lifecycle of that pod. A driver has to be aware of this because it is only going to get '
    'a NodePublishVolume call for such a volume.\n\nFor more information about implementing this mode, see '
    'https://kubernetes-csi.github.io/docs/ephemeral-local-volumes.html A driver can support one or more '
    'of these modes and more modes may be added in the future.\n\nThis field is beta. This field is '
    'immutable.'
)


def _flag(spec: Object, key: str, default: bool) -> bool:
    return bool(spec[key]) if spec.get(key) is not None else default


def _row(obj: Object) -> list[object]:
    spec = as_dict(obj.get("spec"))
    token_requests = "<unset>"
    if spec.get("tokenRequests") is not None:
        token_requests = ",".join(as_str(t.get("audience")) for t in dicts(spec["tokenRequests"]))
    modes = ",".join(strings(spec.get("volumeLifecycleModes"))) or "<none>"
    return [name_of(obj), _flag(spec, "attachRequired", True), _flag(spec, "podInfoOnMount", False),
            _flag(spec, "storageCapacity", False), token_requests, _flag(spec, "requiresRepublish", False), modes,
            age(obj)]


CSIDRIVERS = ResourceSpec(
    group="storage.k8s.io", version="v1", kind="CSIDriver", plural="csidrivers", singular="csidriver",
    namespaced=False, strategy=CSIDriverStrategy(), return_deleted_object=True,
    printer=Printer((
        NAME_COLUMN,
        Column("AttachRequired", "boolean", "", ATTACH_REQUIRED_DESCRIPTION),
        Column("PodInfoOnMount", "boolean", "", POD_INFO_DESCRIPTION),
        Column("StorageCapacity", "boolean", "", STORAGE_CAPACITY_DESCRIPTION),
        Column("TokenRequests", "string", "", TOKEN_REQUESTS_DESCRIPTION),
        Column("RequiresRepublish", "boolean", "", REPUBLISH_DESCRIPTION),
        Column("Modes", "string", "", MODES_DESCRIPTION),
        AGE_COLUMN,
    ), _row),
)
