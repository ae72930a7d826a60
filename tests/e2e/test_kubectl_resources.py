"""The other resources of issue 2 through kubectl: create them as users do, read the columns upstream prints."""

from __future__ import annotations

import base64
import ipaddress
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from harness import Server, parse_table

SERVICE_RANGE = ipaddress.ip_network("10.0.0.0/24")  # --service-cluster-ip-range default


def post(server: Server, path: str, body: dict[str, Any]) -> dict[str, Any]:
    answer = server.request("POST", path, body)
    assert answer.status == 201, answer.body
    return answer.json()


def rows(server: Server, *args: str) -> tuple[list[str], list[dict[str, str]]]:
    return parse_table(server.kubectl("get", *args).stdout)


def test_service_clusterip(server: Server, ns: str) -> None:
    assert server.kubectl("-n", ns, "create", "service", "clusterip", "web", "--tcp=80:8080").stdout == (
        "service/web created\n"
    )
    header, (row,) = rows(server, "-n", ns, "svc")
    assert header == ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]
    assert (row["NAME"], row["TYPE"], row["EXTERNAL-IP"], row["PORT(S)"]) == (
        "web",
        "ClusterIP",
        "<none>",
        "80/TCP",
    )
    svc = json.loads(server.kubectl("-n", ns, "get", "svc", "web", "-o", "json").stdout)
    assert svc["spec"]["selector"] == {"app": "web"}
    assert svc["spec"]["ports"] == [{"name": "80-8080", "port": 80, "protocol": "TCP", "targetPort": 8080}]
    assert svc["spec"]["sessionAffinity"] == "None" and svc["spec"]["type"] == "ClusterIP"
    assert svc["spec"]["ipFamilies"] == ["IPv4"] and svc["spec"]["ipFamilyPolicy"] == "SingleStack"
    assert svc["spec"]["internalTrafficPolicy"] == "Cluster"
    cluster_ip = svc["spec"]["clusterIP"]
    assert ipaddress.ip_address(cluster_ip) in SERVICE_RANGE, (
        f"clusterIP {cluster_ip!r} not allocated from the range"
    )
    assert svc["spec"]["clusterIPs"] == [cluster_ip] and row["CLUSTER-IP"] == cluster_ip


def test_headless_service(server: Server, ns: str) -> None:
    server.kubectl("-n", ns, "create", "service", "clusterip", "hl", "--clusterip=None")
    _, (row,) = rows(server, "-n", ns, "svc", "hl")
    assert (row["TYPE"], row["CLUSTER-IP"], row["PORT(S)"]) == ("ClusterIP", "None", "<none>")


def test_default_kubernetes_service(server: Server) -> None:
    """kube-apiserver itself keeps default/kubernetes at the first IP of the service range."""
    answer = server.request("GET", "/api/v1/namespaces/default/services/kubernetes")
    assert answer.status == 200, "kube-apiserver creates default/kubernetes at start"
    svc = answer.json()
    assert svc["metadata"]["labels"] == {"component": "apiserver", "provider": "kubernetes"}
    assert svc["spec"]["clusterIP"] == "10.0.0.1"
    (port,) = svc["spec"]["ports"]
    assert (port["name"], port["port"], port["protocol"]) == ("https", 443, "TCP")


def test_serviceaccount(server: Server, ns: str) -> None:
    assert (
        server.kubectl("-n", ns, "create", "serviceaccount", "bot").stdout == "serviceaccount/bot created\n"
    )
    header, found = rows(server, "-n", ns, "sa", "bot")
    assert header == ["NAME", "SECRETS", "AGE"]
    assert [(r["NAME"], r["SECRETS"]) for r in found] == [("bot", "0")]


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_service_account_tokens_verify_with_the_issuers_published_keys(server: Server, ns: str) -> None:
    server.kubectl("-n", ns, "create", "serviceaccount", "signed")
    token = server.kubectl("-n", ns, "create", "token", "signed", "--audience=vault").stdout.strip()
    configuration = json.loads(server.kubectl("get", "--raw", "/.well-known/openid-configuration").stdout)
    assert configuration == {
        "issuer": "https://kubernetes.default.svc.cluster.local",
        "jwks_uri": configuration["jwks_uri"],
        "response_types_supported": ["id_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["ES256"],
    }
    port = server.url.rsplit(":", 1)[1]
    assert configuration["jwks_uri"].startswith("https://") and configuration["jwks_uri"].endswith(
        f":{port}/openid/v1/jwks")
    answer = server.request("GET", "/openid/v1/jwks")
    assert answer.headers["content-type"] == "application/jwk-set+json"
    assert answer.headers["cache-control"] == "public, max-age=3600"
    (key,) = answer.json()["keys"]
    header, claims, signature = token.split(".")
    assert json.loads(_b64url_decode(header)) == {"alg": "ES256", "kid": key["kid"]}
    assert {k: key[k] for k in ("use", "kty", "crv", "alg")} == {"use": "sig", "kty": "EC", "crv": "P-256",
                                                                  "alg": "ES256"}
    public = ec.EllipticCurvePublicNumbers(int.from_bytes(_b64url_decode(key["x"]), "big"),
                                           int.from_bytes(_b64url_decode(key["y"]), "big"), ec.SECP256R1())
    raw = _b64url_decode(signature)
    public.public_key().verify(
        encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")),
        f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    payload = json.loads(_b64url_decode(claims))
    assert payload["aud"] == ["vault"] and payload["sub"] == f"system:serviceaccount:{ns}:signed"
    assert payload["iss"] == configuration["issuer"]


def test_secret_types(server: Server, ns: str) -> None:
    server.kubectl(
        "-n",
        ns,
        "create",
        "secret",
        "docker-registry",
        "reg",
        "--docker-server=r.example",
        "--docker-username=u",
        "--docker-password=p",
    )
    header, found = rows(server, "-n", ns, "secrets", "reg")
    assert header == ["NAME", "TYPE", "DATA", "AGE"]
    assert [(r["NAME"], r["TYPE"], r["DATA"]) for r in found] == [
        ("reg", "kubernetes.io/dockerconfigjson", "1")
    ]
    bad = server.request(
        "POST",
        f"/api/v1/namespaces/{ns}/secrets",
        {"metadata": {"name": "bad"}, "type": "kubernetes.io/dockerconfigjson", "data": {}},
    )
    assert bad.status == 422
    assert bad.json()["details"]["causes"] == [
        {"reason": "FieldValueRequired", "message": "Required value", "field": "data[.dockerconfigjson]"}
    ]


def test_node(server: Server, request: pytest.FixtureRequest) -> None:
    name = f"e2e-node-{abs(hash(request.node.nodeid)) % 10000}"
    post(
        server,
        "/api/v1/nodes",
        {"metadata": {"name": name, "labels": {"node-role.kubernetes.io/control-plane": ""}}},
    )
    status = {
        "conditions": [
            {
                "type": "Ready",
                "status": "True",
                "reason": "KubeletReady",
                "message": "ok",
                "lastHeartbeatTime": "2026-01-01T00:00:00Z",
                "lastTransitionTime": "2026-01-01T00:00:00Z",
            }
        ],
        "nodeInfo": {
            "kubeletVersion": "v1.35.0",
            "machineID": "",
            "systemUUID": "",
            "bootID": "",
            "kernelVersion": "",
            "osImage": "",
            "containerRuntimeVersion": "",
            "kubeProxyVersion": "",
            "operatingSystem": "linux",
            "architecture": "amd64",
        },
    }
    patched = server.request(
        "PATCH",
        f"/api/v1/nodes/{name}/status",
        {"status": status},
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert patched.status == 200, patched.body
    header, (row,) = rows(server, "nodes", name)
    assert header == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
    assert (row["NAME"], row["STATUS"], row["ROLES"], row["VERSION"]) == (
        name,
        "Ready",
        "control-plane",
        "v1.35.0",
    )
    server.kubectl("delete", "node", name)


def test_lease(server: Server, ns: str) -> None:
    post(
        server,
        f"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases",
        {
            "apiVersion": "coordination.k8s.io/v1",
            "kind": "Lease",
            "metadata": {"name": "lock"},
            "spec": {"holderIdentity": "me", "leaseDurationSeconds": 15},
        },
    )
    header, (row,) = rows(server, "-n", ns, "leases")
    assert header == ["NAME", "HOLDER", "AGE"]
    assert (row["NAME"], row["HOLDER"]) == ("lock", "me")


def test_event(server: Server, ns: str) -> None:
    post(
        server,
        f"/api/v1/namespaces/{ns}/events",
        {
            "metadata": {"name": "ev1"},
            "type": "Warning",
            "reason": "BackOff",
            "message": "Back-off restarting",
            "involvedObject": {"kind": "Pod", "name": "web", "namespace": ns},
            "firstTimestamp": "2026-01-01T00:00:00Z",
            "lastTimestamp": "2026-01-01T00:00:00Z",
            "count": 1,
            "source": {"component": "kubelet"},
        },
    )
    out = server.kubectl("-n", ns, "get", "events").stdout.splitlines()
    assert out[0].split() == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    assert out[1].split()[1:] == ["Warning", "BackOff", "pod/web", "Back-off", "restarting"]


def test_endpoints(server: Server, ns: str) -> None:
    post(
        server,
        f"/api/v1/namespaces/{ns}/endpoints",
        {
            "metadata": {"name": "ep"},
            "subsets": [{"addresses": [{"ip": "10.1.0.5"}, {"ip": "10.1.0.6"}], "ports": [{"port": 8080}]}],
        },
    )
    header, (row,) = rows(server, "-n", ns, "endpoints")
    assert header == ["NAME", "ENDPOINTS", "AGE"]
    assert (row["NAME"], row["ENDPOINTS"]) == ("ep", "10.1.0.5:8080,10.1.0.6:8080")
