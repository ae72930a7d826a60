"""certificates.k8s.io: CSR strategies and validation, ClusterTrustBundles, PodCertificateRequests."""

from __future__ import annotations

import base64
import copy
import datetime
import hashlib
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.oid import NameOID

from kapiserver.apimachinery.user import UserInfo
from kapiserver.registry.certificates import certificatesigningrequests as csrs
from kapiserver.registry.certificates import (
    clustertrustbundles,
    csr_validation,
    podcertificaterequests,
    signers,
)
from kapiserver.registry.rest import RequestContext

CTX = RequestContext(api_group="certificates.k8s.io", api_version="v1",
                     user=UserInfo("jane", uid="42", groups=("devs",), extra={"scopes": ("a",)}))
KEY = ec.generate_private_key(ec.SECP256R1())


def request_pem() -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "jane")])
    csr = x509.CertificateSigningRequestBuilder().subject_name(name).sign(KEY, hashes.SHA256())
    return base64.b64encode(csr.public_bytes(serialization.Encoding.PEM)).decode()


def ca_pem(ca: bool = True) -> bytes:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ca")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(KEY.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True).sign(KEY, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM)


REQUEST = request_pem()


def csr(**spec: Any) -> dict[str, Any]:
    body = {"request": REQUEST, "signerName": "kubernetes.io/kube-apiserver-client", "usages": ["client auth"]}
    return {"metadata": {"name": "c", "resourceVersion": "1"}, "spec": {**body, **spec}}


def test_create_stamps_the_requester_and_clears_status() -> None:
    obj = csr(username="mallory", groups=["system:masters"])
    obj["status"] = {"conditions": [{"type": "Approved", "status": "True"}]}
    csrs.CSRStrategy().prepare_for_create(CTX, obj)
    assert obj["spec"]["username"] == "jane" and obj["spec"]["uid"] == "42"
    assert obj["spec"]["groups"] == ["devs"] and obj["spec"]["extra"] == {"scopes": ["a"]}
    assert obj["status"] == {}
    assert csr_validation.validate_csr_create(obj) == []


@pytest.mark.parametrize("spec,expected", [
    ({"request": base64.b64encode(b"foo").decode()},
     ['spec.request: Invalid value: "Zm9v": PEM block type must be CERTIFICATE REQUEST']),
    ({"usages": []}, ["spec.usages: Required value"]),
    ({"usages": ["client auth", "client auth"]}, ['spec.usages[1]: Duplicate value: "client auth"']),
    ({"signerName": "kubernetes.io/legacy-unknown"},
     [('spec.signerName: Invalid value: "kubernetes.io/legacy-unknown": the legacy signerName is not allowed via '
      'this API version')]),
    ({"signerName": ""}, ["spec.signerName: Required value"]),
    ({"signerName": "example/signer"},
     ['spec.signerName: Invalid value: "example": should be a domain with at least two segments separated by dots']),
    ({"signerName": "Example.com/signer"},
     [('spec.signerName: Invalid value: "Example.com": validating label "Example": a lowercase RFC 1123 label must '
      "consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character "
      "(e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")]),
    ({"expirationSeconds": 599},
     ["spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 600 seconds (10 minutes)"]),
])
def test_csr_validation(spec: dict[str, Any], expected: list[str]) -> None:
    assert [str(e) for e in csr_validation.validate_csr_create(csr(**spec))] == expected


def test_bad_usage_lists_every_supported_value() -> None:
    [err] = csr_validation.validate_csr_create(csr(usages=["bogus"]))
    assert err.field == "spec.usages[0]" and '"any", "cert sign", "client auth"' in err.detail


def approved(obj: dict[str, Any]) -> dict[str, Any]:
    new = copy.deepcopy(obj)
    new.setdefault("status", {})["conditions"] = [{"type": "Approved", "status": "True", "reason": "KubectlApprove"}]
    return new


def test_approval_only_changes_conditions_and_fills_timestamps() -> None:
    old = csr()
    old["status"] = {}
    new = approved(old)
    new["spec"]["usages"] = ["server auth"]
    new["status"]["certificate"] = base64.b64encode(ca_pem()).decode()
    strategy = csrs.CSRApprovalStrategy()
    strategy.prepare_for_update(CTX, new, old)
    assert new["spec"] == old["spec"] and "certificate" not in new["status"]
    condition = new["status"]["conditions"][0]
    assert condition["lastUpdateTime"] == condition["lastTransitionTime"]
    assert strategy.validate_update(CTX, new, old) == []


def test_main_update_and_status_update_cannot_approve() -> None:
    old = csr()
    new = approved(old)
    assert [str(e) for e in csr_validation.validate_csr_main_update(new, old)] == [
        'status.conditions: Forbidden: updates may not add a condition of type "Approved"']
    status_update = approved(old)
    csrs.CSRStatusStrategy().prepare_for_update(CTX, status_update, old)
    assert [str(e) for e in csrs.CSRStatusStrategy().validate_update(CTX, status_update, old)] == [
        'status.conditions: Forbidden: updates may not add a condition of type "Approved"']
    denied = approved(old)
    denied["status"]["conditions"].append({"type": "Denied", "status": "True"})
    assert [str(e) for e in csr_validation.validate_csr_approval_update(denied, old)] == [
        'status.conditions: Invalid value: "Denied": Approved and Denied conditions are mutually exclusive']
    removed = copy.deepcopy(old)
    assert [str(e) for e in csr_validation.validate_csr_approval_update(removed, approved(old))] == [
        'status.conditions: Forbidden: updates may not remove a condition of type "Approved"']


def test_status_sets_the_certificate_once() -> None:
    old = approved(csr())
    issued = copy.deepcopy(old)
    issued["status"]["certificate"] = base64.b64encode(ca_pem()).decode()
    assert csr_validation.validate_csr_status_update(issued, old) == []
    assert [str(e) for e in csr_validation.validate_csr_main_update(issued, old)] == [
        "status.certificate: Forbidden: updates may not set certificate content"]
    again = copy.deepcopy(issued)
    again["status"]["certificate"] = base64.b64encode(ca_pem()).decode()
    assert [str(e) for e in csr_validation.validate_csr_status_update(again, issued)] == [
        "status.certificate: Forbidden: updates may not modify existing certificate content"]
    junk = copy.deepcopy(old)
    junk["status"]["certificate"] = base64.b64encode(b"junk").decode()
    assert [str(e) for e in csr_validation.validate_csr_status_update(junk, old)] == [
        'status.certificate: Invalid value: "<certificate data>": must contain at least one CERTIFICATE PEM block']
    assert csrs.csr_condition(issued) == "Approved,Issued"


def test_csr_printer_and_fields() -> None:
    obj = csr(username="jane", expirationSeconds=86400)
    obj["status"] = {"conditions": [{"type": "Denied"}, {"type": "Approved"}, {"type": "Failed"}]}
    row = csrs.CERTIFICATESIGNINGREQUESTS.printer.row(obj)
    assert [row[0]] + row[2:] == ["c", "kubernetes.io/kube-apiserver-client", "jane", "24h", "Denied,Failed"]
    assert csrs.CERTIFICATESIGNINGREQUESTS.printer.row(csr(signerName=""))[2:6] == ["<none>", "", "<none>", "Pending"]
    assert [c.name for c in csrs.CERTIFICATESIGNINGREQUESTS.printer.columns] == [
        "Name", "Age", "SignerName", "Requestor", "RequestedDuration", "Condition"]
    assert csrs.CERTIFICATESIGNINGREQUESTS.field_set(obj)["spec.signerName"] == "kubernetes.io/kube-apiserver-client"
    assert [s.name for s in csrs.CERTIFICATESIGNINGREQUESTS.subresources] == ["approval", "status"]


def bundle(name: str, signer: str, pem: str) -> dict[str, Any]:
    return {"metadata": {"name": name, "resourceVersion": "1"}, "spec": {"signerName": signer, "trustBundle": pem}}


def test_cluster_trust_bundles() -> None:
    pem = ca_pem().decode()
    assert clustertrustbundles.validate_cluster_trust_bundle(bundle("example.com:s:a", "example.com/s", pem)) == []
    assert clustertrustbundles.validate_cluster_trust_bundle(bundle("plain", "", pem)) == []
    assert [str(e) for e in clustertrustbundles.validate_cluster_trust_bundle(bundle("a:b", "", pem + pem))] == [
        'metadata.name: Invalid value: "a:b": ClusterTrustBundle without signer name must not have ":" in its name',
        'spec.trustBundle: Invalid value: "<value omitted>": duplicate trust anchor (indices [0 1])']
    assert [str(e) for e in clustertrustbundles.validate_cluster_trust_bundle(
        bundle("x", "", ca_pem(ca=False).decode()))] == [
        'spec.trustBundle: Invalid value: "<value omitted>": entry 0 does not have the CA bit set']
    assert [str(e) for e in clustertrustbundles.validate_cluster_trust_bundle(bundle("x", "", ""))] == [
        'spec.trustBundle: Invalid value: "<value omitted>": at least one trust anchor must be provided']
    old = bundle("example.com:s:a", "example.com/s", pem)
    moved = bundle("example.com:s:a", "example.com/t", pem)
    assert [e.detail for e in clustertrustbundles.validate_cluster_trust_bundle_update(moved, old)][-1] == \
        "field is immutable"
    assert clustertrustbundles.CLUSTERTRUSTBUNDLES.printer.row(old) == ["example.com:s:a", "example.com/s"]
    assert clustertrustbundles.CLUSTERTRUSTBUNDLES_V1ALPHA1.storage_version == "v1beta1"


def pcr(**spec: Any) -> dict[str, Any]:
    key = ed25519.Ed25519PrivateKey.generate()
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    body = {"signerName": "example.com/signer", "podName": "p", "podUID": "uid-1", "serviceAccountName": "sa",
            "serviceAccountUID": "uid-2", "nodeName": "n", "nodeUID": "uid-3",
            "pkixPublicKey": base64.b64encode(der).decode(),
            "proofOfPossession": base64.b64encode(key.sign(b"uid-1")).decode()}
    obj = {"metadata": {"name": "r", "namespace": "ns", "resourceVersion": "1"}, "spec": {**body, **spec}}
    podcertificaterequests.default_pod_certificate_request(obj)
    return obj


def test_pod_certificate_requests() -> None:
    obj = pcr()
    assert obj["spec"]["maxExpirationSeconds"] == 86400
    assert podcertificaterequests.validate_pod_certificate_request_create(obj) == []
    forged = pcr(proofOfPossession=base64.b64encode(b"x" * 64).decode())
    assert [str(e) for e in podcertificaterequests.validate_pod_certificate_request_create(forged)] == [
        "spec.proofOfPossession: Invalid value: could not verify proof-of-possession signature"]
    ecdsa_key = ec.generate_private_key(ec.SECP256R1())
    der = ecdsa_key.public_key().public_bytes(serialization.Encoding.DER,
                                              serialization.PublicFormat.SubjectPublicKeyInfo)
    from cryptography.hazmat.primitives.asymmetric import utils
    proof = ecdsa_key.sign(hashlib.sha256(b"uid-1").digest(), ec.ECDSA(utils.Prehashed(hashes.SHA256())))
    ecdsa = pcr(pkixPublicKey=base64.b64encode(der).decode(), proofOfPossession=base64.b64encode(proof).decode())
    assert podcertificaterequests.validate_pod_certificate_request_create(ecdsa) == []
    too_long = pcr(signerName="kubernetes.io/x", maxExpirationSeconds=90000, podUID="")
    assert [str(e) for e in podcertificaterequests.validate_pod_certificate_request_create(too_long)][:2] == [
        'spec.podUID: Invalid value: "": must not be empty',
        "spec.maxExpirationSeconds: Invalid value: 90000: must be in the range [3600, 86400]"]
    status = copy.deepcopy(obj)
    status["status"] = {"conditions": [{"type": "Issued", "status": "True", "reason": "R", "message": "",
                                        "lastTransitionTime": "2025-01-01T00:00:00Z"},
                                       {"type": "Other", "status": "True", "reason": "R", "message": "",
                                        "lastTransitionTime": "2025-01-01T00:00:00Z"}]}
    assert [str(e) for e in podcertificaterequests.validate_pod_certificate_request_status_update(status, obj)] == [
        'status.conditions[1].type: Unsupported value: "Other": supported values: "Issued", "Denied", "Failed"']
    assert signers.is_kubernetes_signer_name("kubernetes.io/kube-apiserver-client")
