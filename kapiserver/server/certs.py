"""Self-signed TLS material for a first start (what kubeadm or a user would otherwise provide).

In --data-dir: a CA, a serving certificate for this host and the first service IP, an admin
client certificate (O=system:masters) and admin.kubeconfig. Existing files are reused, so
restarts keep the same identity. ECDSA P-256 keeps generation to milliseconds.
"""

from __future__ import annotations

import base64
import datetime as _dt
import ipaddress
import os
import socket
from dataclasses import dataclass
from pathlib import Path

import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

_VALIDITY = _dt.timedelta(days=3650)


@dataclass(frozen=True, slots=True)
class TLSFiles:
    ca_cert: Path
    ca_key: Path
    serving_cert: Path
    serving_key: Path
    admin_cert: Path
    admin_key: Path
    kubeconfig: Path

    @classmethod
    def in_dir(cls, directory: Path) -> TLSFiles:
        pki = directory / "pki"
        return cls(pki / "ca.crt", pki / "ca.key", pki / "apiserver.crt", pki / "apiserver.key",
                   pki / "admin.crt", pki / "admin.key", directory / "admin.kubeconfig")


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _pem_cert(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _builder(subject: x509.Name, issuer: x509.Name, public_key: ec.EllipticCurvePublicKey) -> x509.CertificateBuilder:
    now = _dt.datetime.now(_dt.UTC)
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - _dt.timedelta(minutes=5)).not_valid_after(now + _VALIDITY))


def _new_ca() -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = _key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"kapiserver-ca@{int(_dt.datetime.now().timestamp())}")])
    cert = (_builder(name, name, key.public_key())
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    return key, cert


def _issue(ca_key: ec.EllipticCurvePrivateKey, ca_cert: x509.Certificate, subject: x509.Name,
           usage: ExtendedKeyUsageOID, sans: list[x509.GeneralName] | None = None
           ) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = _key()
    builder = (_builder(subject, ca_cert.subject, key.public_key())
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(True, False, True, False, False, False, False, False, False),
                              critical=True)
               .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                              critical=False))
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    return key, builder.sign(ca_key, hashes.SHA256())


def serving_names(service_ip: str, extra: list[str]) -> list[x509.GeneralName]:
    dns = ["localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
           "kubernetes.default.svc.cluster.local"]
    host = socket.gethostname()
    if host and host not in dns:
        dns.append(host)
    ips = ["127.0.0.1", "::1"]
    if service_ip:
        ips.append(service_ip)
    for item in extra:
        try:
            ipaddress.ip_address(item)
            ips.append(item)
        except ValueError:
            dns.append(item)
    names: list[x509.GeneralName] = [x509.DNSName(d) for d in dict.fromkeys(dns)]
    names += [x509.IPAddress(ipaddress.ip_address(i)) for i in dict.fromkeys(ips)]
    return names


def ensure_tls_files(directory: Path, service_ip: str, extra_names: list[str]) -> TLSFiles:
    """Create whatever is missing; never replace what exists."""
    files = TLSFiles.in_dir(directory)
    if files.ca_cert.exists() and files.ca_key.exists():
        ca_key = serialization.load_pem_private_key(files.ca_key.read_bytes(), None)
        ca_cert = x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
        assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    else:
        ca_key, ca_cert = _new_ca()
        _write_private(files.ca_key, _pem_key(ca_key))
        _write_private(files.ca_cert, _pem_cert(ca_cert))
    if not (files.serving_cert.exists() and files.serving_key.exists()):
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kube-apiserver")])
        key, cert = _issue(ca_key, ca_cert, subject, ExtendedKeyUsageOID.SERVER_AUTH,
                           serving_names(service_ip, extra_names))
        _write_private(files.serving_key, _pem_key(key))
        _write_private(files.serving_cert, _pem_cert(cert) + _pem_cert(ca_cert))
    if not (files.admin_cert.exists() and files.admin_key.exists()):
        subject = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "system:masters"),
                             x509.NameAttribute(NameOID.COMMON_NAME, "kubernetes-admin")])
        key, cert = _issue(ca_key, ca_cert, subject, ExtendedKeyUsageOID.CLIENT_AUTH)
        _write_private(files.admin_key, _pem_key(key))
        _write_private(files.admin_cert, _pem_cert(cert))
    return files


def write_kubeconfig(path: Path, server_url: str, ca_pem: bytes, cert_pem: bytes, key_pem: bytes,
                     user: str = "kubernetes-admin", cluster: str = "kapiserver") -> None:
    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode()

    config = {
        "apiVersion": "v1", "kind": "Config",
        "clusters": [{"name": cluster, "cluster": {"server": server_url, "certificate-authority-data": b64(ca_pem)}}],
        "users": [{"name": user, "user": {"client-certificate-data": b64(cert_pem),
                                          "client-key-data": b64(key_pem)}}],
        "contexts": [{"name": f"{user}@{cluster}", "context": {"cluster": cluster, "user": user}}],
        "current-context": f"{user}@{cluster}", "preferences": {},
    }
    _write_private(path, yaml.safe_dump(config, sort_keys=False).encode())
