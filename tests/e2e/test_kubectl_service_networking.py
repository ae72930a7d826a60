"""Service networking, reviews, tokens and events.k8s.io through kubectl v1.35: every Service type's columns,
IPAddress objects and the kubernetes ServiceCIDR, refusals with upstream's messages, releases, a restart that
keeps every reservation, `kubectl auth can-i` / `whoami`, `kubectl create token`, events in both shapes."""

from __future__ import annotations

import base64
import ipaddress
import json
from typing import Any

from harness import Server, parse_table

RANGE = ipaddress.ip_network("10.0.0.0/24")


def rows(server: Server, *args: str) -> dict[str, dict[str, str]]:
    _, found = parse_table(server.kubectl("get", *args).stdout)
    return {r["NAME"]: r for r in found}


def ip_addresses(server: Server) -> dict[str, str]:
    return {r["NAME"]: r["PARENTREF"] for r in rows(server, "ipaddresses").values()}


def apply(server: Server, ns: str, manifest: dict[str, Any], check: bool = True) -> Any:
    return server.kubectl("-n", ns, "apply", "-f", "-", input=json.dumps(manifest), check=check)


def service(name: str, **spec: Any) -> dict[str, Any]:
    spec.setdefault("ports", [{"port": 80}])
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name}, "spec": spec}


def test_service_types_and_their_columns(server: Server, ns: str) -> None:
    k = server.kubectl
    k("-n", ns, "create", "service", "nodeport", "np", "--tcp=80:8080")
    k("-n", ns, "create", "service", "loadbalancer", "lb", "--tcp=80:8080", "--tcp=443:8443")
    k("-n", ns, "create", "service", "externalname", "en", "--external-name=db.example.com")
    found = rows(server, "-n", ns, "svc")
    assert found["np"]["TYPE"] == "NodePort" and ipaddress.ip_address(found["np"]["CLUSTER-IP"]) in RANGE
    port = int(found["np"]["PORT(S)"].split(":")[1].split("/")[0])
    assert 30000 <= port <= 32767 and found["np"]["PORT(S)"] == f"80:{port}/TCP"
    assert found["lb"]["EXTERNAL-IP"] == "<pending>" and found["lb"]["PORT(S)"].count(":") == 2
    assert (found["en"]["CLUSTER-IP"], found["en"]["EXTERNAL-IP"]) == ("<none>", "db.example.com")
    refs = ip_addresses(server)
    assert refs[found["np"]["CLUSTER-IP"]] == f"services/{ns}/np"
    assert refs[found["lb"]["CLUSTER-IP"]] == f"services/{ns}/lb"
    cidrs = rows(server, "servicecidrs")
    assert cidrs["kubernetes"]["CIDRS"] == "10.0.0.0/24"
    assert refs["10.0.0.1"] == "services/default/kubernetes"


def test_chosen_addresses_and_ports_are_reserved_once(server: Server, ns: str) -> None:
    apply(server, ns, service("first", clusterIP="10.0.0.200", type="NodePort",
                              ports=[{"port": 80, "nodePort": 31999}]))
    out = apply(server, ns, service("second", clusterIP="10.0.0.200"), check=False)
    assert out.returncode != 0
    assert ('The Service "second" is invalid: spec.clusterIPs: Invalid value: ["10.0.0.200"]: failed to allocate '
            "IP 10.0.0.200: provided IP is already allocated") in out.stderr
    out = apply(server, ns, service("third", type="NodePort", ports=[{"port": 80, "nodePort": 31999}]), check=False)
    assert ('The Service "third" is invalid: spec.ports[0].nodePort: Invalid value: 31999: provided port is already '
            "allocated") in out.stderr
    out = apply(server, ns, service("fourth", clusterIP="10.9.9.9"), check=False)
    assert "failed to allocate IP 10.9.9.9: the provided network does not match the current range" in out.stderr


def test_type_changes_and_deletes_release(server: Server, ns: str) -> None:
    k = server.kubectl
    k("-n", ns, "create", "service", "nodeport", "web", "--tcp=80:8080")
    web = json.loads(k("-n", ns, "get", "svc", "web", "-o", "json").stdout)
    ip, port = web["spec"]["clusterIP"], web["spec"]["ports"][0]["nodePort"]
    k("-n", ns, "patch", "svc", "web", "-p", '{"spec":{"type":"ClusterIP"}}')
    apply(server, ns, service("taker", type="NodePort", ports=[{"port": 80, "nodePort": port}]))
    k("-n", ns, "patch", "svc", "web", "-p", '{"spec":{"type":"ExternalName","externalName":"x.example.com"}}')
    assert ip not in ip_addresses(server)
    taker = json.loads(k("-n", ns, "get", "svc", "taker", "-o", "json").stdout)["spec"]["clusterIP"]
    k("-n", ns, "delete", "svc", "taker")
    assert taker not in ip_addresses(server)
    apply(server, ns, service("again", type="NodePort", clusterIP=taker, ports=[{"port": 80, "nodePort": port}]))


def test_reservations_survive_a_restart(fresh_server: Server) -> None:
    srv = fresh_server
    k = srv.kubectl
    k("create", "ns", "keep")
    k("-n", "keep", "create", "service", "nodeport", "web", "--tcp=80:8080")
    before = json.loads(k("-n", "keep", "get", "svc", "web", "-o", "json").stdout)["spec"]
    assert srv.restart() == 0
    after = json.loads(k("-n", "keep", "get", "svc", "web", "-o", "json").stdout)["spec"]
    assert after == before
    kube = json.loads(k("get", "svc", "kubernetes", "-o", "json").stdout)
    assert kube["spec"]["clusterIP"] == "10.0.0.1" and len(rows(srv, "-n", "default", "svc")) == 1
    out = k("-n", "keep", "create", "service", "nodeport", "copy", "--tcp=80:8080",
            f"--node-port={before['ports'][0]['nodePort']}", check=False)
    assert "provided port is already allocated" in out.stderr


def test_auth_can_i_and_whoami(server: Server) -> None:
    k = server.kubectl
    assert k("auth", "can-i", "create", "pods").stdout == "yes\n"
    assert k("auth", "can-i", "delete", "nodes", "--as=someone").stdout == "yes\n"
    lines = k("auth", "whoami").stdout.splitlines()
    assert lines[0].split() == ["ATTRIBUTE", "VALUE"] and lines[1].split()[0] == "Username"
    assert "system:authenticated" in lines[2]


def test_create_token(server: Server, ns: str) -> None:
    k = server.kubectl
    k("-n", ns, "create", "serviceaccount", "bot")
    token = k("-n", ns, "create", "token", "bot", "--duration=2h").stdout.strip()
    header, payload, _ = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["alg"] == "ES256"
    assert claims["sub"] == f"system:serviceaccount:{ns}:bot" and claims["exp"] - claims["iat"] == 7200
    assert claims["iss"] == claims["aud"][0] == "https://kubernetes.default.svc.cluster.local"
    assert claims["kubernetes.io"]["serviceaccount"]["name"] == "bot"
    out = k("-n", ns, "create", "token", "bot", "--duration=5m", check=False)
    assert "may not specify a duration less than 10 minutes" in out.stderr


def test_events_in_both_shapes(server: Server, ns: str) -> None:
    event = {"apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": {"name": "e1"},
             "eventTime": "2024-01-01T00:00:00.000000Z", "reportingController": "example.com/ctl",
             "reportingInstance": "i-1", "action": "Create", "reason": "Created", "note": "hello", "type": "Normal",
             "regarding": {"kind": "Pod", "name": "p1", "namespace": ns}}
    server.kubectl("-n", ns, "create", "-f", "-", input=json.dumps(event))
    core = json.loads(server.kubectl("-n", ns, "get", "events", "e1", "-o", "json").stdout)
    assert (core["message"], core["reportingComponent"], core["involvedObject"]["name"]) == (
        "hello", "example.com/ctl", "p1")
    header, *lines = server.kubectl("-n", ns, "get", "events.v1.events.k8s.io").stdout.splitlines()
    assert header.split() == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    assert [line.split()[1:] for line in lines] == [["Normal", "Created", "pod/p1", "hello"]]
