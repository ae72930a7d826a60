"""networking, storage, certificates, admissionregistration, resource and discovery kinds through kubectl v1.35:
discovery rows, real manifests, upstream's columns, refused variants and the CSR approval flow."""

from __future__ import annotations

import base64
import json

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from harness import Server, parse_table


def manifests(suffix: str) -> str:
    return f"""
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {{name: web}}
spec:
  ingressClassName: nginx
  tls: [{{hosts: [example.com], secretName: example-tls}}]
  rules:
  - host: example.com
    http:
      paths:
      - {{path: /, pathType: Prefix, backend: {{service: {{name: web, port: {{number: 80}}}}}}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: db}}
spec:
  podSelector: {{matchLabels: {{role: db}}}}
  ingress: [{{from: [{{podSelector: {{matchLabels: {{role: frontend}}}}}}], ports: [{{port: 6379}}]}}]
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard-{suffix}
  annotations: {{storageclass.kubernetes.io/is-default-class: "true"}}
provisioner: rancher.io/local-path
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {{name: hook-{suffix}}}
webhooks:
- name: webhook.cert-manager.io
  rules: [{{apiGroups: [cert-manager.io], apiVersions: [v1], operations: [CREATE, UPDATE], resources: ["*/*"]}}]
  admissionReviewVersions: [v1]
  sideEffects: None
  clientConfig: {{service: {{name: cert-manager-webhook, namespace: cert-manager, path: /validate}}}}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {{name: web-abc, labels: {{kubernetes.io/service-name: web}}}}
addressType: IPv4
ports: [{{name: http, protocol: TCP, port: 80}}]
endpoints: [{{addresses: [10.1.2.3], conditions: {{ready: true}}}}]
"""


def test_real_manifests_print_upstream_columns(server: Server, ns: str) -> None:
    server.kubectl("-n", ns, "apply", "-f", "-", input=manifests(ns))
    out = server.kubectl("-n", ns, "get", "ingress,networkpolicy,endpointslices").stdout
    assert "CLASS   HOSTS         ADDRESS   PORTS     AGE" in out and "nginx   example.com             80, 443" in out
    assert "POD-SELECTOR" in out and "role=db" in out
    assert "ADDRESSTYPE   PORTS   ENDPOINTS   AGE" in out and "IPv4          80      10.1.2.3" in out
    header, rows = parse_table(server.kubectl("get", "storageclass", f"standard-{ns}").stdout)
    assert header == ["NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE", "ALLOWVOLUMEEXPANSION", "AGE"]
    assert [rows[0][c] for c in header[:5]] == [f"standard-{ns} (default)", "rancher.io/local-path", "Delete",
                                                "Immediate", "false"]
    hook = json.loads(server.kubectl("get", "validatingwebhookconfiguration", f"hook-{ns}", "-o", "json").stdout)
    [item] = hook["webhooks"]
    assert (item["failurePolicy"], item["matchPolicy"], item["timeoutSeconds"], item["namespaceSelector"],
            item["clientConfig"]["service"]["port"], item["rules"][0]["scope"]) == ("Fail", "Equivalent", 10, {}, 443, "*")
    ingress = json.loads(server.kubectl("-n", ns, "get", "ingress", "web", "-o", "json").stdout)
    assert ingress["status"] == {"loadBalancer": {}} and ingress["metadata"]["generation"] == 1
    server.kubectl("delete", "storageclass", f"standard-{ns}")
    server.kubectl("delete", "validatingwebhookconfiguration", f"hook-{ns}")


def test_refused_variants(server: Server, ns: str) -> None:
    bad = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: bad}\nspec: {rules: [{host: 1.2.3.4}]}\n"
    result = server.kubectl("-n", ns, "apply", "-f", "-", input=bad, check=False)
    assert result.returncode != 0
    assert 'spec.rules[0].host: Invalid value: "1.2.3.4": must be a DNS name, not an IP address' in result.stderr
    hook = ('{"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingWebhookConfiguration",'
            '"metadata":{"name":"bad-' + ns + '"},"webhooks":[{"name":"a.b.c","clientConfig":{"url":"http://x"},'
            '"admissionReviewVersions":["v1"]}]}')
    result = server.kubectl("create", "-f", "-", input=hook, check=False)
    assert "webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun" in result.stderr
    assert "'https' is the only allowed URL scheme; desired format: https://host[/path]" in result.stderr


def test_csr_create_approve(server: Server, ns: str) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    request = x509.CertificateSigningRequestBuilder().subject_name(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "jane")])).sign(key, hashes.SHA256())
    pem = base64.b64encode(request.public_bytes(serialization.Encoding.PEM)).decode()
    name = f"csr-{ns}"
    body = {"apiVersion": "certificates.k8s.io/v1", "kind": "CertificateSigningRequest", "metadata": {"name": name},
            "spec": {"request": pem, "signerName": "kubernetes.io/kube-apiserver-client", "expirationSeconds": 86400,
                     "usages": ["client auth"]}}
    server.kubectl("create", "-f", "-", input=json.dumps(body))
    header, (row,) = parse_table(server.kubectl("get", "csr", name).stdout)
    assert header == ["NAME", "AGE", "SIGNERNAME", "REQUESTOR", "REQUESTEDDURATION", "CONDITION"]
    assert (row["REQUESTEDDURATION"], row["CONDITION"]) == ("24h", "Pending") and row["REQUESTOR"]
    assert server.kubectl("certificate", "approve", name).stdout == (
        f"certificatesigningrequest.certificates.k8s.io/{name} approved\n")
    _, (row,) = parse_table(server.kubectl("get", "csr", name).stdout)
    assert row["CONDITION"] == "Approved"
    again = server.kubectl("certificate", "deny", name, check=False)
    assert "is already Approved" in again.stderr
    server.kubectl("delete", "csr", name)
