"""Secrets: defaults, type rules, immutability, size, TLS warnings, printing (upstream ValidateSecret*)."""

from __future__ import annotations

import base64
import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from kapiserver.apimachinery import field
from kapiserver.registry.core import secrets
from kapiserver.registry.core.secrets_tls import key_pair_error
from kapiserver.registry.rest import RequestContext

CTX = RequestContext(namespace="ns", api_version="v1")


def b64(text: str | bytes) -> str:
    return base64.b64encode(text.encode() if isinstance(text, str) else text).decode()


def secret(kind: str = "Opaque", data: dict[str, str] | None = None, **extra: object) -> dict[str, object]:
    obj: dict[str, object] = {"metadata": {"name": "s", "namespace": "ns"}, "type": kind}
    if data is not None:
        obj["data"] = data
    obj.update(extra)
    return obj


def messages(errs: field.ErrorList) -> list[str]:
    return [str(e) for e in errs]


def test_defaults_type_and_merges_string_data() -> None:
    obj = {"metadata": {"name": "s"}, "data": {"a": b64("old"), "b": b64("keep")}, "stringData": {"a": "new"}}
    secrets.default_secret(obj)
    assert obj == {"metadata": {"name": "s"}, "type": "Opaque", "data": {"a": b64("new"), "b": b64("keep")}}


def test_string_data_creates_data() -> None:
    obj = {"metadata": {"name": "s"}, "type": "x/y", "stringData": {"k": "v"}}
    secrets.default_secret(obj)
    assert obj == {"metadata": {"name": "s"}, "type": "x/y", "data": {"k": b64("v")}}


@pytest.mark.parametrize("obj,expected", [
    (secret(), []),
    (secret("bootstrap.kubernetes.io/token"), []),
    (secret("kubernetes.io/service-account-token"),
     ["metadata.annotations[kubernetes.io/service-account.name]: Required value"]),
    (secret("kubernetes.io/dockercfg"), ["data[.dockercfg]: Required value"]),
    (secret("kubernetes.io/dockercfg", {".dockercfg": b64("{")}),
     ['data[.dockercfg]: Invalid value: "<secret contents redacted>": unexpected end of JSON input']),
    (secret("kubernetes.io/dockerconfigjson", {".dockerconfigjson": b64("x")}),
     [('data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": '
      "invalid character 'x' looking for beginning of value")]),
    (secret("kubernetes.io/dockerconfigjson", {".dockerconfigjson": b64("[]")}),
     [('data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": '
      "json: cannot unmarshal array into Go value of type map[string]interface {}")]),
    (secret("kubernetes.io/dockerconfigjson", {".dockerconfigjson": b64('{"auths":{}}')}), []),
    (secret("kubernetes.io/basic-auth", {}),
     ["data[username]: Required value", "data[password]: Required value"]),
    (secret("kubernetes.io/basic-auth", {"password": ""}), []),
    (secret("kubernetes.io/ssh-auth", {"ssh-privatekey": ""}), ["data[ssh-privatekey]: Required value"]),
    (secret("kubernetes.io/tls", {"tls.key": ""}), ["data[tls.crt]: Required value"]),
    (secret(data={"bad key": ""}),
     [('data[bad key]: Invalid value: "bad key": a valid config key must consist of alphanumeric characters, '
      "'-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "
      "'[-._a-zA-Z0-9]+')")]),
])
def test_validate_secret(obj: dict[str, object], expected: list[str]) -> None:
    assert messages(secrets.validate_secret(obj)) == expected


def test_size_counts_decoded_bytes() -> None:
    half = b64(b"x" * (512 * 1024))
    assert secrets.validate_secret(secret(data={"a": half, "b": half})) == []
    errs = secrets.validate_secret(secret(data={"a": half, "b": half, "c": b64("!")}))
    assert messages(errs) == ["data: Too long: may not be more than 1048576 bytes"]


def test_name_is_a_dns_subdomain() -> None:
    errs = secrets.validate_secret({"metadata": {"name": "Bad_Name", "namespace": "ns"}, "type": "Opaque"})
    assert len(errs) == 1 and errs[0].field == "metadata.name"


def test_update_type_and_immutable() -> None:
    old = secret(data={"a": b64("1")}, immutable=True, metadata={"name": "s", "namespace": "ns",
                                                                 "resourceVersion": "1"})
    new = secret("kubernetes.io/tls", {"a": b64("2"), "tls.crt": "", "tls.key": ""},
                 metadata={"name": "s", "namespace": "ns", "resourceVersion": "1"})
    assert messages(secrets.validate_secret_update(new, old)) == [
        'type: Invalid value: "kubernetes.io/tls": field is immutable',
        "immutable: Forbidden: field is immutable when `immutable` is set",
        "data: Forbidden: field is immutable when `immutable` is set",
    ]


def test_immutable_keeps_nil_versus_empty_data_apart() -> None:
    meta = {"name": "s", "namespace": "ns", "resourceVersion": "1"}
    old = secret(immutable=True, metadata=meta)
    assert secrets.validate_secret_update(secret(immutable=True, metadata=meta), old) == []
    errs = secrets.validate_secret_update(secret(data={}, immutable=True, metadata=meta), old)
    assert messages(errs) == ["data: Forbidden: field is immutable when `immutable` is set"]


def test_prepare_for_update_keeps_type_when_cleared() -> None:
    obj = secret("")
    secrets.SecretStrategy().prepare_for_update(CTX, obj, secret("kubernetes.io/tls"))
    assert obj["type"] == "kubernetes.io/tls"


def _pem_pair() -> tuple[bytes, bytes, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    other = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "t")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    pem_key = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    other_key = other.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                    serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM), pem_key, other_key


def test_tls_key_pair_errors() -> None:
    cert, key, other = _pem_pair()
    assert key_pair_error(cert, key) == ""
    assert key_pair_error(cert, other) == "tls: private key does not match public key"
    assert key_pair_error(b"", key) == "tls: failed to find any PEM data in certificate input"
    assert key_pair_error(key, cert) == ("tls: failed to find certificate PEM data in certificate input, but did find "
                                         "a private key; PEM inputs may have been switched")
    assert key_pair_error(cert, b"") == "tls: failed to find any PEM data in key input"
    assert key_pair_error(cert, cert) == "tls: found a certificate rather than a key in the PEM for the private key"


def test_tls_warning_on_create() -> None:
    cert, _, other = _pem_pair()
    obj = secret("kubernetes.io/tls", {"tls.crt": b64(cert), "tls.key": b64(other)})
    assert secrets.SecretStrategy().warnings_on_create(CTX, obj) == ["tls: private key does not match public key"]
    assert secrets.SecretStrategy().warnings_on_create(CTX, secret()) == []


def test_printer_and_fields() -> None:
    spec = secrets.SECRETS
    obj = secret("kubernetes.io/basic-auth", {"username": "", "password": ""})
    cells = spec.printer.row(obj)
    assert cells[:3] == ["s", "kubernetes.io/basic-auth", 2]
    assert [(c.name, c.type, c.priority) for c in spec.printer.columns] == [
        ("Name", "string", 0), ("Type", "string", 0), ("Data", "string", 0), ("Age", "string", 0)]
    assert spec.field_set(obj) == {"metadata.name": "s", "metadata.namespace": "ns", "type": "kubernetes.io/basic-auth"}
    assert spec.short_names == () and not spec.return_deleted_object
