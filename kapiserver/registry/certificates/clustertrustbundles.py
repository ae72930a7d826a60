"""clustertrustbundles, certificates.k8s.io/v1beta1 and v1alpha1 (upstream
pkg/registry/certificates/clustertrustbundle, ValidateClusterTrustBundle*).

Off by default (beta and alpha); v1beta1 owns the storage, v1alpha1 has the same shape.
A bundle of a signer is named after it (`example.com:signer:<name>`); the trust bundle is
only re-parsed when it changes, so a stored bundle stays updatable. spec.signerName is a
selectable field. Upstream also requires the ClusterTrustBundle feature gate; here the
runtime-config switch alone decides.
"""

from __future__ import annotations

from cryptography import x509

from kapiserver.apimachinery import field, objectmeta
from kapiserver.apimachinery.types import Object
from kapiserver.registry import conversion
from kapiserver.registry.core.podspec.access import as_dict, as_str
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy, immutable
from kapiserver.registry.table import NAME_COLUMN, Column, Printer, name_of

from . import signers

MAX_TRUST_BUNDLE_SIZE = 1024 * 1024
OMITTED = "<value omitted>"
_SIGNER = field.new_path("spec", "signerName")
_BUNDLE = field.new_path("spec", "trustBundle")


def _ca_error(index: int, block: signers.PEMBlock) -> str | None:
    if block.type != "CERTIFICATE":
        return f"entry {index} has bad block type: {block.type}"
    if block.headers:
        return f"entry {index} has PEM block headers"
    cert = signers.parse_certificate(block.data)
    if cert is None:
        return f"entry {index} does not parse as X.509"
    try:
        constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return f"entry {index} does not have the CA bit set"
    if not constraints.ca:
        return f"entry {index} does not have the CA bit set"
    return None


def validate_trust_bundle(bundle: str) -> field.ErrorList:
    if len(bundle.encode()) > MAX_TRUST_BUNDLE_SIZE:
        return [field.too_long(_BUNDLE, MAX_TRUST_BUNDLE_SIZE)]
    errs: field.ErrorList = []
    anchors: dict[bytes, list[int]] = {}
    for index, block in enumerate(signers.pem_blocks(bundle.encode())):
        error = _ca_error(index, block)
        if error is not None:
            errs.append(field.invalid(_BUNDLE, OMITTED, error))
        else:
            anchors.setdefault(block.data, []).append(index)
    if errs:
        return errs
    if not anchors:
        return [field.invalid(_BUNDLE, OMITTED, "at least one trust anchor must be provided")]
    return [field.invalid(_BUNDLE, OMITTED, "duplicate trust anchor (indices [" + " ".join(map(str, idx)) + "])")
            for idx in anchors.values() if len(idx) > 1]


def validate_cluster_trust_bundle(obj: Object, parse_bundle: bool = True) -> field.ErrorList:
    spec = as_dict(obj.get("spec"))
    signer_name = as_str(spec.get("signerName"))
    errs = objectmeta.validate_object_meta(obj.get("metadata", {}), False,
                                           signers.cluster_trust_bundle_name_validator(signer_name),
                                           field.new_path("metadata"))
    if signer_name:
        errs += signers.validate_signer_name(_SIGNER, signer_name)
    if parse_bundle:
        errs += validate_trust_bundle(as_str(spec.get("trustBundle")))
    return errs


def validate_cluster_trust_bundle_update(obj: Object, old: Object) -> field.ErrorList:
    spec, old_spec = as_dict(obj.get("spec")), as_dict(old.get("spec"))
    errs = validate_cluster_trust_bundle(obj, spec.get("trustBundle") != old_spec.get("trustBundle"))
    errs += objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                   field.new_path("metadata"))
    return errs + immutable(_SIGNER, as_str(spec.get("signerName")), as_str(old_spec.get("signerName")))


class ClusterTrustBundleStrategy(Strategy):
    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_cluster_trust_bundle(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_cluster_trust_bundle_update(obj, old)


BUNDLE_SIGNER_DESCRIPTION = (
    'signerName indicates the associated signer, if any.\n\nIn order to create or update a '
    'ClusterTrustBundle that sets signerName, you must have the following cluster-scoped permission: '
    'group=certificates.k8s.io resource=signers resourceName=<the signer name> verb=attest.\n\nIf '
    'signerName is not empty, then the ClusterTrustBundle object must be named with the signer name as a '
    'prefix (translating slashes to colons). For example, for the signer name `example.com/foo`, valid '
    'ClusterTrustBundle object names include `example.com:foo:abc` and `example.com:foo:v1`.\n\nIf '
    "signerName is empty, then the ClusterTrustBundle object's name must not have such a prefix.\n\n"
    'List/watch requests for ClusterTrustBundles can filter on this field using a `spec.signerName=NAME` '
    'field selector.'
)


def _row(obj: Object) -> list[object]:
    return [name_of(obj), as_str(as_dict(obj.get("spec")).get("signerName")) or "<none>"]


def selectable_fields(obj: Object) -> dict[str, str]:
    return {"spec.signerName": as_str(as_dict(obj.get("spec")).get("signerName"))}


CLUSTERTRUSTBUNDLES = ResourceSpec(
    group="certificates.k8s.io", version="v1beta1", kind="ClusterTrustBundle", plural="clustertrustbundles",
    singular="clustertrustbundle", namespaced=False, strategy=ClusterTrustBundleStrategy(), fields=selectable_fields,
    printer=Printer((NAME_COLUMN, Column("SignerName", "string", "", BUNDLE_SIGNER_DESCRIPTION)), _row),
)
CLUSTERTRUSTBUNDLES_V1ALPHA1 = conversion.alternate_version(CLUSTERTRUSTBUNDLES, "v1alpha1")
