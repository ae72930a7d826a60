"""CertificateSigningRequest validation (upstream pkg/apis/certificates/validation).

Each write path may change something different: a main update changes only metadata, the
status subresource may set `status.certificate` (once) and non-approval conditions, the
approval subresource may add Approved or Denied. Stored objects that already break a rule
(duplicate usages, legacy signer, both Approved and Denied, ...) keep being updatable.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, replace

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm

from kapiserver.apimachinery import field, objectmeta
from kapiserver.apimachinery.types import Object
from kapiserver.registry.core.podspec.access import as_dict, as_str, dicts, strings
from kapiserver.registry.core.podspec.godiff import cmp_diff

from . import signers

VALID_USAGES = tuple(sorted((
    "signing", "digital signature", "content commitment", "key encipherment", "key agreement", "data encipherment",
    "cert sign", "crl sign", "encipher only", "decipher only", "any", "server auth", "client auth", "code signing",
    "email protection", "s/mime", "ipsec end system", "ipsec tunnel", "ipsec user", "timestamping", "ocsp signing",
    "microsoft sgc", "netscape sgc")))
TRUE_ONLY_CONDITIONS = ("Approved", "Denied", "Failed")
ALL_STATUSES = ("False", "True", "Unknown")
MIN_EXPIRATION_SECONDS = 600
_SPEC = field.new_path("spec")
_CONDITIONS = field.new_path("status", "conditions")
_CERTIFICATE = field.new_path("status", "certificate")


@dataclass(frozen=True, slots=True)
class Options:
    allow_setting_approval_conditions: bool = False
    allow_setting_certificate: bool = False
    allow_both_approved_and_denied: bool = False
    allow_legacy_signer_name: bool = False
    allow_duplicate_condition_types: bool = False
    allow_empty_condition_type: bool = False
    allow_arbitrary_certificate: bool = False
    allow_unknown_usages: bool = False
    allow_duplicate_usages: bool = False


def request_error(request: bytes) -> str | None:
    """certificates.ParseCSR + CheckSignature: the error upstream reports, or None."""
    blocks = signers.pem_blocks(request)
    if not blocks or blocks[0].type != "CERTIFICATE REQUEST":
        return "PEM block type must be CERTIFICATE REQUEST"
    try:
        csr = x509.load_der_x509_csr(blocks[0].data)
    except ValueError:
        return "asn1: structure error: the certificate request is malformed"
    try:
        valid = csr.is_signature_valid
    except (UnsupportedAlgorithm, InvalidSignature, ValueError):
        return "x509: cannot verify signature: algorithm unimplemented"
    return None if valid else "x509: signature verification failure"


def certificate_error(pem: bytes) -> str | None:
    """validateCertificate: empty, or only CERTIFICATE blocks without headers that parse."""
    if not pem:
        return None
    blocks = signers.pem_blocks(pem)
    for block in blocks:
        if block.type != "CERTIFICATE":
            return f"only CERTIFICATE PEM blocks are allowed, found {field.go_quote(block.type)}"
        if block.headers:
            return "no PEM block headers are permitted"
        if signers.parse_certificate(block.data) is None:
            return "x509: malformed certificate"
    if not blocks:
        return "must contain at least one CERTIFICATE PEM block"
    return None


def _validate_conditions(conditions: list[Object], opts: Options) -> field.ErrorList:
    errs: field.ErrorList = []
    seen: set[str] = set()
    approved = denied = False
    for i, condition in enumerate(conditions):
        kind, status = as_str(condition.get("type")), as_str(condition.get("status"))
        if not opts.allow_empty_condition_type and not kind:
            errs.append(field.required(_CONDITIONS.index(i).child("type"), ""))
        allowed = ("True",) if kind in TRUE_ONLY_CONDITIONS else ALL_STATUSES
        if not status:
            errs.append(field.required(_CONDITIONS.index(i).child("status"), ""))
        elif status not in allowed:
            errs.append(field.not_supported(_CONDITIONS.index(i).child("status"), status, allowed))
        if not opts.allow_both_approved_and_denied:
            if kind == "Approved":
                approved = True
                if denied:
                    errs.append(field.invalid(_CONDITIONS, kind, "Approved and Denied conditions are mutually exclusive"))
            elif kind == "Denied":
                denied = True
                if approved:
                    errs.append(field.invalid(_CONDITIONS, kind, "Approved and Denied conditions are mutually exclusive"))
        if not opts.allow_duplicate_condition_types:
            if kind in seen:
                errs.append(field.duplicate(_CONDITIONS.index(i).child("type"), kind))
            seen.add(kind)
    return errs


def _validate_usages(usages: list[str], opts: Options) -> field.ErrorList:
    errs: field.ErrorList = []
    if not usages:
        errs.append(field.required(_SPEC.child("usages"), ""))
    if not opts.allow_unknown_usages:
        errs += [field.not_supported(_SPEC.child("usages").index(i), usage, VALID_USAGES)
                 for i, usage in enumerate(usages) if usage not in VALID_USAGES]
    if not opts.allow_duplicate_usages:
        seen: set[str] = set()
        for i, usage in enumerate(usages):
            if usage in seen:
                errs.append(field.duplicate(_SPEC.child("usages").index(i), usage))
            seen.add(usage)
    return errs


def validate_csr(obj: Object, opts: Options) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(obj.get("metadata", {}), False, lambda name, prefix: [],
                                           field.new_path("metadata"))
    spec = as_dict(obj.get("spec"))
    request = signers.decode_bytes(spec.get("request"))
    error = request_error(request)
    if error is not None:
        # a []byte bad value is rendered as json.Marshal writes it: a base64 string
        errs.append(field.invalid(_SPEC.child("request"), base64.b64encode(request).decode(), error))
    errs += _validate_usages(strings(spec.get("usages")), opts)
    signer_name = as_str(spec.get("signerName"))
    if not opts.allow_legacy_signer_name and signer_name == signers.LEGACY_UNKNOWN_SIGNER_NAME:
        errs.append(field.invalid(_SPEC.child("signerName"), signer_name,
                                  "the legacy signerName is not allowed via this API version"))
    else:
        errs += signers.validate_signer_name(_SPEC.child("signerName"), signer_name)
    seconds = spec.get("expirationSeconds")
    if isinstance(seconds, int) and seconds < MIN_EXPIRATION_SECONDS:
        errs.append(field.invalid(_SPEC.child("expirationSeconds"), seconds,
                                  "may not specify a duration less than 600 seconds (10 minutes)"))
    status = as_dict(obj.get("status"))
    errs += _validate_conditions(dicts(status.get("conditions")), opts)
    if not opts.allow_arbitrary_certificate:
        error = certificate_error(signers.decode_bytes(status.get("certificate")))
        if error is not None:
            errs.append(field.invalid(_CERTIFICATE, "<certificate data>", error))
    return errs


def _conditions_of(obj: Object, kind: str) -> list[Object]:
    return [c for c in dicts(as_dict(obj.get("status")).get("conditions")) if c.get("type") == kind]


def _certificate(obj: Object) -> object:
    return as_dict(obj.get("status")).get("certificate") or ""


def options_for(obj: Object, old: Object | None) -> Options:
    """getValidationOptions: tolerate what the stored object already has."""
    if old is None:
        return Options()
    conditions = dicts(as_dict(old.get("status")).get("conditions"))
    kinds = [as_str(c.get("type")) for c in conditions]
    usages = strings(as_dict(old.get("spec")).get("usages"))
    same_certificate = _certificate(obj) == _certificate(old)
    old_cert_bad = certificate_error(signers.decode_bytes(_certificate(old))) is not None
    return Options(
        allow_both_approved_and_denied="Approved" in kinds and "Denied" in kinds,
        allow_legacy_signer_name=as_dict(old.get("spec")).get("signerName") == signers.LEGACY_UNKNOWN_SIGNER_NAME,
        allow_duplicate_condition_types=len(set(kinds)) != len(kinds),
        allow_empty_condition_type="" in kinds,
        allow_arbitrary_certificate=same_certificate or old_cert_bad,
        allow_unknown_usages=any(u not in VALID_USAGES for u in usages),
        allow_duplicate_usages=len(set(usages)) != len(usages),
    )


def validate_csr_create(obj: Object) -> field.ErrorList:
    return validate_csr(obj, options_for(obj, None))


def _condition_diff(old: list[Object], new: list[Object]) -> str:
    for before, after in zip(old, new):
        if before != after:
            return cmp_diff(before, after, "certificates.v1.CertificateSigningRequestCondition")
    return ""


def validate_csr_update(obj: Object, old: Object, opts: Options) -> field.ErrorList:
    errs = validate_csr(obj, opts)
    for kind in ("Approved", "Denied", "Failed"):
        if len(_conditions_of(obj, kind)) < len(_conditions_of(old, kind)):
            errs.append(field.forbidden(_CONDITIONS, f"updates may not remove a condition of type {field.go_quote(kind)}"))
    if not opts.allow_setting_approval_conditions:
        for kind in ("Approved", "Denied"):
            before, after = _conditions_of(old, kind), _conditions_of(obj, kind)
            if len(after) > len(before):
                errs.append(field.forbidden(_CONDITIONS, f"updates may not add a condition of type {field.go_quote(kind)}"))
            elif len(after) == len(before) and before != after:
                errs.append(field.forbidden(_CONDITIONS, f"updates may not modify a condition of type "
                                                         f"{field.go_quote(kind)}\n{_condition_diff(before, after)}"))
    if _certificate(obj) != _certificate(old):
        if not opts.allow_setting_certificate:
            errs.append(field.forbidden(_CERTIFICATE, "updates may not set certificate content"))
        elif _certificate(old):
            errs.append(field.forbidden(_CERTIFICATE, "updates may not modify existing certificate content"))
    return errs + objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                         field.new_path("metadata"))


def validate_csr_main_update(obj: Object, old: Object) -> field.ErrorList:
    return validate_csr_update(obj, old, options_for(obj, old))


def validate_csr_status_update(obj: Object, old: Object) -> field.ErrorList:
    return validate_csr_update(obj, old, replace(options_for(obj, old), allow_setting_certificate=True))


def validate_csr_approval_update(obj: Object, old: Object) -> field.ErrorList:
    return validate_csr_update(obj, old, replace(options_for(obj, old), allow_setting_approval_conditions=True))
