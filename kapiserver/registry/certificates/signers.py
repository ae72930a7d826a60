"""Signer names and PEM helpers the certificates.k8s.io kinds share (upstream core
ValidateSignerName, ValidateClusterTrustBundleName, IsKubernetesSignerName, and the Go
crypto/x509 checks the validators run).

Parsing uses `cryptography`; where Go's parser would explain a malformed DER structure in
its own words, the message here says the same thing in fewer of them.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable

from cryptography import x509

from kapiserver.apimachinery import field, objectmeta, validation

DNS1123_SUBDOMAIN_MAX_LENGTH = 253
DNS1123_LABEL_MAX_LENGTH = 63
MAX_PATH_SEGMENT_LENGTH = DNS1123_SUBDOMAIN_MAX_LENGTH + DNS1123_LABEL_MAX_LENGTH + 1
MAX_SIGNER_NAME_LENGTH = DNS1123_SUBDOMAIN_MAX_LENGTH + MAX_PATH_SEGMENT_LENGTH + 1
KUBERNETES_SIGNER_PREFIX = "kubernetes.io/"
LEGACY_UNKNOWN_SIGNER_NAME = "kubernetes.io/legacy-unknown"

_PEM_BLOCK = re.compile(rb"-----BEGIN ([^-\r\n]*)-----\r?\n(.*?)-----END \1-----", re.DOTALL)


def validate_signer_name(path: field.Path, signer_name: str) -> field.ErrorList:
    """`example.com/signer-name`: a domain of at least two labels, then a path of dotted subdomains."""
    if not signer_name:
        return [field.required(path, "")]
    segments = signer_name.split("/")
    if len(segments) != 2:
        return [field.invalid(path, signer_name,
                              "must be a fully qualified domain and path of the form 'example.com/signer-name'")]
    domain, name_path = segments
    errs: field.ErrorList = []
    if len(domain) > DNS1123_SUBDOMAIN_MAX_LENGTH:
        errs.append(field.too_long(path, DNS1123_SUBDOMAIN_MAX_LENGTH))
    labels = domain.split(".")
    for label in labels:
        messages = validation.is_dns1123_label(label)
        if messages:
            errs += [field.invalid(path, domain, f"validating label {field.go_quote(label)}: {m}") for m in messages]
            break
    if len(labels) < 2:
        errs.append(field.invalid(path, domain, "should be a domain with at least two segments separated by dots"))
    for label in name_path.split("."):
        messages = validation.is_dns1123_subdomain(label)
        if messages:
            errs += [field.invalid(path, name_path, f"validating label {field.go_quote(label)}: {m}")
                     for m in messages]
            break
    if len(signer_name) > MAX_SIGNER_NAME_LENGTH:
        errs.append(field.too_long(path, MAX_SIGNER_NAME_LENGTH))
    return errs


def is_kubernetes_signer_name(signer_name: str) -> bool:
    return signer_name.startswith(KUBERNETES_SIGNER_PREFIX)


def cluster_trust_bundle_name_validator(signer_name: str) -> Callable[[str, bool], list[str]]:
    """ValidateClusterTrustBundleName: bundles of a signer are named `<signer with : for />:<name>`."""

    def validate(name: str, prefix: bool) -> list[str]:
        if not signer_name:
            if ":" in name:
                return ['ClusterTrustBundle without signer name must not have ":" in its name']
            return objectmeta.name_is_dns_subdomain(name, prefix)
        required = signer_name.replace("/", ":") + ":"
        if not name.startswith(required):
            return [f"ClusterTrustBundle for signerName {signer_name} must be named with prefix {required}"]
        return objectmeta.name_is_dns_subdomain(name[len(required):], prefix)

    return validate


def decode_bytes(value: object) -> bytes:
    """A []byte field as JSON carries it (base64); anything else reads as empty."""
    if not isinstance(value, str):
        return b""
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return b""


class PEMBlock:
    __slots__ = ("data", "headers", "type")

    def __init__(self, type_: str, headers: bool, data: bytes):
        self.type = type_
        self.headers = headers
        self.data = data


def pem_blocks(data: bytes) -> list[PEMBlock]:
    """encoding/pem.Decode, repeatedly: each well-formed block in order (garbage between is skipped)."""
    blocks = []
    for match in _PEM_BLOCK.finditer(data):
        body = match.group(2)
        headers = False
        lines = body.split(b"\n")
        if lines and b":" in lines[0]:
            headers = True
            while lines and lines[0].strip():
                lines.pop(0)
        try:
            raw = base64.b64decode(b"".join(line.strip() for line in lines), validate=True)
        except (binascii.Error, ValueError):
            continue
        blocks.append(PEMBlock(match.group(1).decode(errors="replace"), headers, raw))
    return blocks


def parse_certificate(der: bytes) -> x509.Certificate | None:
    try:
        return x509.load_der_x509_certificate(der)
    except ValueError:
        return None
