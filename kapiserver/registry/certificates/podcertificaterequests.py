"""podcertificaterequests, certificates.k8s.io/v1beta1 (upstream
pkg/registry/certificates/podcertificaterequest, ValidatePodCertificateRequest*).

Beta and off by default. The kubelet creates one per projected pod certificate: the
public key must be one of the accepted kinds and the proof of possession must verify
(the pod UID signed with the private key). The spec never changes; the signer writes
`podcertificaterequests/status`, ending in exactly one of Issued, Denied or Failed, after
which status is frozen. Upstream also checks that the requesting node owns the pod and
requires the PodCertificateRequest feature gate; here the runtime-config switch alone decides.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, utils

from kapiserver.apimachinery import field, metav1_validation, objectmeta
from kapiserver.apimachinery.types import Object
from kapiserver.registry import subresources
from kapiserver.registry.core.podspec.access import as_dict, as_str, dicts, semantic_equal
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Printer, age, name_of

from . import signers

MIN_MAX_EXPIRATION_SECONDS = 3600
KUBERNETES_MAX_MAX_EXPIRATION_SECONDS = 86400
MAX_MAX_EXPIRATION_SECONDS = 91 * 86400
MAX_PKIX_PUBLIC_KEY_SIZE = 10 * 1024
MAX_PROOF_OF_POSSESSION_SIZE = 10 * 1024
MAX_UID_LENGTH = 128
TERMINAL_CONDITIONS = ("Issued", "Denied", "Failed")
_SPEC = field.new_path("spec")
_PKIX = _SPEC.child("pkixPublicKey")
_POP = _SPEC.child("proofOfPossession")
POP_FAILED = "could not verify proof-of-possession signature"


def default_pod_certificate_request(obj: Object) -> None:
    spec = obj.get("spec")
    if isinstance(spec, dict) and spec.get("maxExpirationSeconds") is None:
        spec["maxExpirationSeconds"] = KUBERNETES_MAX_MAX_EXPIRATION_SECONDS


def _name_errors(spec: Object) -> field.ErrorList:
    errs: field.ErrorList = []
    for key, validate in (("podName", objectmeta.name_is_dns_subdomain),
                          ("serviceAccountName", objectmeta.name_is_dns_subdomain),
                          ("nodeName", objectmeta.name_is_dns_subdomain)):
        value = as_str(spec.get(key))
        errs += [field.invalid(_SPEC.child(key), value, msg) for msg in validate(value, False)]
        uid_key = key.replace("Name", "UID")
        uid = as_str(spec.get(uid_key))
        if not uid:
            errs.append(field.invalid(_SPEC.child(uid_key), uid, "must not be empty"))
        if len(uid) > MAX_UID_LENGTH:
            errs.append(field.too_long(_SPEC.child(uid_key), MAX_UID_LENGTH))
    return errs


def _json_bytes(data: bytes) -> str:
    """A []byte bad value as json.Marshal writes it: base64, quoted."""
    return base64.b64encode(data).decode()


def _proof_errors(key_der: bytes, proof: bytes, pod_uid: str) -> field.ErrorList:
    try:
        public_key = serialization.load_der_public_key(key_der)
    except (ValueError, TypeError):
        return [field.invalid(_PKIX, _json_bytes(key_der), "must be a valid PKIX-serialized public key")]
    digest = hashlib.sha256(pod_uid.encode()).digest()
    try:
        if isinstance(public_key, ed25519.Ed25519PublicKey):
            public_key.verify(proof, pod_uid.encode())
        elif isinstance(public_key, ec.EllipticCurvePublicKey):
            if public_key.curve.name not in ("secp256r1", "secp384r1", "secp521r1"):
                return [field.invalid(_PKIX, f"curve {public_key.curve.name}",
                                      "elliptic public keys must use curve P256 or P384")]
            public_key.verify(proof, digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
        elif isinstance(public_key, rsa.RSAPublicKey):
            if public_key.key_size not in (3072, 4096):
                return [field.invalid(_PKIX, f"{public_key.key_size}-bit modulus",
                                      "RSA keys must have modulus size 3072 or 4096")]
            public_key.verify(proof, digest, padding.PSS(padding.MGF1(hashes.SHA256()), padding.PSS.AUTO),
                              utils.Prehashed(hashes.SHA256()))
        else:
            return [field.invalid(_PKIX, _json_bytes(key_der),
                                  "unknown public key type; supported types are Ed25519, ECDSA, and RSA")]
    except InvalidSignature:
        return [field.invalid(_POP, field.OMIT, POP_FAILED)]
    return []


def validate_pod_certificate_request_create(obj: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(obj.get("metadata", {}), True, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))
    spec = as_dict(obj.get("spec"))
    signer_name = as_str(spec.get("signerName"))
    errs += signers.validate_signer_name(_SPEC.child("signerName"), signer_name)
    if spec.get("unverifiedUserAnnotations") is not None:
        errs += objectmeta.validate_annotations(as_dict(spec["unverifiedUserAnnotations"]),
                                                _SPEC.child("unverifiedUserAnnotations"))
    errs += _name_errors(spec)
    seconds = spec.get("maxExpirationSeconds")
    if seconds is None:
        return errs + [field.required(_SPEC.child("maxExpirationSeconds"), "must be set")]
    ceiling = KUBERNETES_MAX_MAX_EXPIRATION_SECONDS if signers.is_kubernetes_signer_name(signer_name) \
        else MAX_MAX_EXPIRATION_SECONDS
    if not (isinstance(seconds, int) and MIN_MAX_EXPIRATION_SECONDS <= seconds <= ceiling):
        errs.append(field.invalid(_SPEC.child("maxExpirationSeconds"), seconds,
                                  f"must be in the range [{MIN_MAX_EXPIRATION_SECONDS}, {ceiling}]"))
    key_der = signers.decode_bytes(spec.get("pkixPublicKey"))
    proof = signers.decode_bytes(spec.get("proofOfPossession"))
    if len(key_der) > MAX_PKIX_PUBLIC_KEY_SIZE:
        return errs + [field.too_long(_PKIX, MAX_PKIX_PUBLIC_KEY_SIZE)]
    if len(proof) > MAX_PROOF_OF_POSSESSION_SIZE:
        return errs + [field.too_long(_POP, MAX_PROOF_OF_POSSESSION_SIZE)]
    return errs + _proof_errors(key_der, proof, as_str(spec.get("podUID")))


def validate_pod_certificate_request_update(obj: Object, old: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                  field.new_path("metadata"))
    if not semantic_equal(obj.get("spec"), old.get("spec")):
        errs.append(field.invalid(_SPEC, field.OMIT, "field is immutable"))
    return errs


def _terminal(obj: Object) -> bool:
    return any(c.get("type") in TERMINAL_CONDITIONS for c in dicts(as_dict(obj.get("status")).get("conditions")))


def validate_pod_certificate_request_status_update(obj: Object, old: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                  field.new_path("metadata"))
    if errs:
        return errs
    conditions = dicts(as_dict(obj.get("status")).get("conditions"))
    known = 0
    for i, condition in enumerate(conditions):
        path = field.new_path("status", "conditions").index(i)
        kind = as_str(condition.get("type"))
        if kind in TERMINAL_CONDITIONS:
            known += 1
            if known > 1:
                errs.append(field.invalid(path.child("type"), kind,
                                          'There may be at most one condition with type "Issued", "Denied", or "Failed"'))
            if condition.get("status") != "True":
                errs.append(field.not_supported(path.child("status"), as_str(condition.get("status")), ("True",)))
        else:
            errs.append(field.not_supported(path.child("type"), kind, TERMINAL_CONDITIONS))
    errs += metav1_validation.validate_conditions(conditions, field.new_path("status", "conditions"))
    if errs:
        return errs
    if _terminal(old) and not semantic_equal(obj.get("status"), old.get("status")):
        errs.append(field.invalid(field.new_path("status"), field.OMIT,
                                  "immutable after PodCertificateRequest is issued, denied, or failed"))
    return errs


class PodCertificateRequestStrategy(Strategy):
    def default(self, obj: Object) -> None:
        default_pod_certificate_request(obj)

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        obj["status"] = {}

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        obj["status"] = old.get("status", {})

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_pod_certificate_request_create(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_pod_certificate_request_update(obj, old)


class PodCertificateRequestStatusStrategy(PodCertificateRequestStrategy):
    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        obj["spec"] = old.get("spec", {})

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_pod_certificate_request_status_update(obj, old)


PODCERTIFICATEREQUESTS = ResourceSpec(
    group="certificates.k8s.io", version="v1beta1", kind="PodCertificateRequest", plural="podcertificaterequests",
    singular="podcertificaterequest", namespaced=True, strategy=PodCertificateRequestStrategy(),
    subresources=(subresources.status(PodCertificateRequestStatusStrategy()),),
    printer=Printer((NAME_COLUMN, AGE_COLUMN), lambda obj: [name_of(obj), age(obj)]),
)
