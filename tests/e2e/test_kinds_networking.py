"""Every kind of the networking area through kubectl v1.35 and the `kubernetes` Python client:
Ingresses and IngressClasses (with the DefaultIngressClass admission plugin), NetworkPolicies,
ServiceCIDRs and IPAddresses (networking.k8s.io/v1), EndpointSlices (discovery.k8s.io/v1), the
Service types test_kubectl_service_networking.py does not print (LoadBalancer status, NodePort
with external IPs, ExternalName, dual-stack fields), RuntimeClasses (node.k8s.io/v1),
PriorityClasses (scheduling.k8s.io/v1) and Leases (coordination.k8s.io/v1).

Each kind: a manifest as the Kubernetes docs or a chart writes it, read back with the defaults
v1.35 sets, printed with upstream's columns (pkg/printers/internalversion/printers.go; the server
builds tables wide, so kubectl never clips an address), refused variants with upstream's field
paths and messages (bad values rendered as json.Marshal does since apimachinery 1.34: internal
structs with Go field names), and the status subresources through `kubectl patch --subresource`.

Cluster-scoped objects are named after the test's namespace and deleted at the end.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any

from harness import Server, get_json, parse_table, refused
from kubernetes import client

SERVICE_RANGE = ipaddress.ip_network("10.0.0.0/24")


def table(server: Server, *args: str) -> tuple[list[str], dict[str, dict[str, str]]]:
    header, rows = parse_table(server.kubectl("get", *args).stdout)
    return header, {row["NAME"]: row for row in rows}


def apply(server: Server, ns: str, manifest: str | dict[str, Any]) -> str:
    text = manifest if isinstance(manifest, str) else json.dumps(manifest)
    return server.kubectl("-n", ns, "apply", "-f", "-", input=text).stdout


def absent(server: Server, *args: str) -> bool:
    result = server.kubectl("get", *args, "--ignore-not-found", "-o", "name", check=False)
    return result.returncode == 0 and result.stdout == ""


# -- IngressClass and the DefaultIngressClass admission plugin ----------------------------------------


def ingress_class(name: str, default: bool, **spec: Any) -> str:
    annotations = {"ingressclass.kubernetes.io/is-default-class": "true"} if default else {}
    return json.dumps({"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
                       "metadata": {"name": name, "annotations": annotations,
                                    "labels": {"app.kubernetes.io/component": "controller"}},
                       "spec": {"controller": "k8s.io/ingress-nginx", **spec}})


def bare_ingress(name: str, annotations: dict[str, str] | None = None) -> dict[str, Any]:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": name, "annotations": annotations or {}},
            "spec": {"defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}}}


def test_ingress_class_and_the_default_class(server: Server, ns: str) -> None:
    name, older = f"nginx-{ns}", f"old-{ns}"
    server.kubectl("apply", "-f", "-", input=ingress_class(older, True))
    server.kubectl("apply", "-f", "-", input=ingress_class(name, True, parameters={
        "apiGroup": "k8s.example.com", "kind": "IngressParameters", "name": "external-lb"}))
    try:
        created = get_json(server, "ingressclass", name)
        assert created["metadata"]["generation"] == 1 and "status" not in created
        assert created["spec"] == {"controller": "k8s.io/ingress-nginx", "parameters": {
            "apiGroup": "k8s.example.com", "kind": "IngressParameters", "name": "external-lb", "scope": "Cluster"}}
        for wide in ((), ("-o", "wide")):
            header, rows = table(server, "ingressclass", name, older, *wide)
            assert header == ["NAME", "CONTROLLER", "PARAMETERS", "AGE"]
            assert [rows[name][c] for c in header[:3]] == [
                name, "k8s.io/ingress-nginx", "IngressParameters.k8s.example.com/external-lb"]
            assert rows[older]["PARAMETERS"] == "<none>"

        # Two classes claim the default: the newer one wins, or the lower name within one second.
        expected = name if created["metadata"]["creationTimestamp"] > get_json(
            server, "ingressclass", older)["metadata"]["creationTimestamp"] else min(name, older)
        apply(server, ns, bare_ingress("defaulted"))
        assert get_json(server, "-n", ns, "ingress", "defaulted")["spec"]["ingressClassName"] == expected
        legacy = server.kubectl("-n", ns, "apply", "-f", "-", input=json.dumps(
            bare_ingress("legacy", {"kubernetes.io/ingress.class": "traefik"})))
        assert ('Warning: annotation "kubernetes.io/ingress.class" is deprecated, please use '
                "'spec.ingressClassName' instead") in legacy.stderr
        assert "ingressClassName" not in get_json(server, "-n", ns, "ingress", "legacy")["spec"]
        server.kubectl("delete", "ingressclass", older)
        apply(server, ns, bare_ingress("second"))
        assert get_json(server, "-n", ns, "ingress", "second")["spec"]["ingressClassName"] == name
        # Only creation is defaulted: an existing Ingress keeps having no class.
        server.kubectl("-n", ns, "annotate", "ingress", "legacy", "kubernetes.io/ingress.class-")
        assert "ingressClassName" not in get_json(server, "-n", ns, "ingress", "legacy")["spec"]

        err = refused(server, "apply", "-f", "-", input=ingress_class(f"bad-{ns}", False, controller="nginx",
                                                                        parameters={"kind": "X", "name": "y",
                                                                                    "scope": "Namespace"}))
        assert err == (f'The IngressClass "bad-{ns}" is invalid: \n'
                       '* spec.controller: Invalid value: "nginx": must be a domain-prefixed path '
                       '(such as "acme.io/foo")\n'
                       "* spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'\n")
        err = refused(server, "apply", "-f", "-", input=ingress_class(
            f"bad-{ns}", False, parameters={"kind": "X", "name": "y", "scope": "Global", "namespace": "n"}))
        assert ('spec.parameters.scope: Unsupported value: "Global": supported values: "Cluster", "Namespace"'
                in err)
        err = refused(server, "patch", "ingressclass", name, "-p", '{"spec":{"controller":"example.com/other"}}')
        assert err == (f'The IngressClass "{name}" is invalid: spec.controller: Invalid value: '
                       '"example.com/other": field is immutable\n')
        assert absent(server, "ingressclass", f"bad-{ns}")

        api = client.NetworkingV1Api(server.api)
        listed = api.list_ingress_class(label_selector="app.kubernetes.io/component=controller")
        assert name in [c.metadata.name for c in listed.items]
        patched = api.patch_ingress_class(name, {"metadata": {"annotations": {
            "ingressclass.kubernetes.io/is-default-class": "false"}}})
        assert patched.spec.parameters.scope == "Cluster" and patched.metadata.generation == 1
        apply(server, ns, bare_ingress("third"))
        assert "ingressClassName" not in get_json(server, "-n", ns, "ingress", "third")["spec"]
    finally:
        server.kubectl("delete", "ingressclass", name, older, "--ignore-not-found")


# -- Ingress ------------------------------------------------------------------------------------------

INGRESS = """
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: name-virtual-host-ingress
  annotations:
    nginx.ingress.kubernetes.io/rewrite-target: /
spec:
  ingressClassName: nginx-example
  tls:
  - hosts: [foo.bar.com]
    secretName: foo-tls
  rules:
  - host: foo.bar.com
    http:
      paths:
      - pathType: Prefix
        path: /
        backend:
          service: {name: service1, port: {number: 80}}
  - host: bar.foo.com
    http:
      paths:
      - pathType: ImplementationSpecific
        backend:
          service: {name: service2, port: {name: http}}
  - host: "*.foo.com"
    http:
      paths:
      - pathType: Exact
        path: /api
        backend:
          resource: {apiGroup: k8s.example.com, kind: StorageBucket, name: static-assets}
  - host: www.example.com
    http:
      paths:
      - {pathType: Prefix, path: /, backend: {service: {name: www, port: {number: 8080}}}}
"""


def ingress_with(spec: dict[str, Any], name: str = "bad", **annotations: str) -> dict[str, Any]:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": name, "annotations": annotations}, "spec": spec}


def test_ingress(server: Server, ns: str) -> None:
    apply(server, ns, INGRESS)
    name = "name-virtual-host-ingress"
    created = get_json(server, "-n", ns, "ingress", name)
    assert created["metadata"]["generation"] == 1 and created["status"] == {"loadBalancer": {}}
    assert created["spec"]["rules"][1]["http"]["paths"][0] == {
        "pathType": "ImplementationSpecific", "backend": {"service": {"name": "service2", "port": {"name": "http"}}}}
    header, rows = table(server, "-n", ns, "ingress")
    assert header == ["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"]
    assert [rows[name][c] for c in header[:5]] == [
        name, "nginx-example", "foo.bar.com,bar.foo.com,*.foo.com + 1 more...", "", "80, 443"]
    assert table(server, "-n", ns, "ingress", "-o", "wide")[0] == header

    # The controller reports its load balancer; the address is printed whole, the spec is untouched.
    lb = {"status": {"loadBalancer": {"ingress": [
        {"hostname": "k8s-default-ingress-0123456789.us-east-1.elb.amazonaws.com"}, {"ip": "203.0.113.7"}]}}}
    server.kubectl("-n", ns, "patch", "ingress", name, "--subresource=status", "--type=merge", "-p", json.dumps(lb))
    _, rows = table(server, "-n", ns, "ingress", name)
    assert rows[name]["ADDRESS"] == "203.0.113.7,k8s-default-ingress-0123456789.us-east-1.elb.amazonaws.com"
    assert get_json(server, "-n", ns, "ingress", name)["metadata"]["generation"] == 1
    err = refused(server, "-n", ns, "patch", "ingress", name, "--subresource=status", "--type=merge", "-p",
                  '{"status":{"loadBalancer":{"ingress":[{"hostname":"10.0.0.9"}]}}}')
    assert (f'The Ingress "{name}" is invalid: status.loadBalancer.ingress[0].hostname: Invalid value: '
            '"10.0.0.9": must be a DNS name, not an IP address\n') == err

    backend = {"service": {"name": "web", "port": {"number": 80}}}
    cases = [
        ({"rules": [{"host": "foo.bar.com", "http": {"paths": [{"path": "/", "backend": backend}]}}]},
         "spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified"),
        ({"rules": [{"http": {"paths": [{"path": "/", "pathType": "Regex", "backend": backend}]}}]},
         ('spec.rules[0].http.paths[0].pathType: Unsupported value: "Regex": supported values: "Exact", '
         '"ImplementationSpecific", "Prefix"')),
        ({"rules": [{"http": {"paths": [{"path": "api", "pathType": "Prefix", "backend": backend}]}}]},
         'spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path'),
        ({}, "spec: Invalid value: null: either `defaultBackend` or `rules` must be specified"),
        ({"defaultBackend": {"service": {"name": "web", "port": {"name": "http", "number": 80}}}},
         'spec.defaultBackend: Invalid value: "": cannot set both port name & port number'),
        ({"tls": [{"hosts": ["*.*.example.com"]}], "defaultBackend": backend},
         ('spec.tls[0].hosts[0]: Invalid value: "*.*.example.com": a wildcard DNS-1123 subdomain must start with '
         "'*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' "
         "or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is "
         "'\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")),
    ]
    for spec, message in cases:
        assert refused(server, "-n", ns, "apply", "-f", "-", input=json.dumps(ingress_with(spec))) == (
            f'The Ingress "bad" is invalid: {message}\n')
    mismatch = ingress_with({"ingressClassName": "nginx", "defaultBackend": backend},
                            **{"kubernetes.io/ingress.class": "traefik"})
    assert refused(server, "-n", ns, "create", "-f", "-", input=json.dumps(mismatch)).endswith(
        'The Ingress "bad" is invalid: annotations.kubernetes.io/ingress.class: Invalid value: "traefik": '
        "must match `ingressClassName` when both are specified\n")
    assert absent(server, "-n", ns, "ingress", "bad")

    api = client.NetworkingV1Api(server.api)
    body = client.V1Ingress(metadata=client.V1ObjectMeta(name="py"), spec=client.V1IngressSpec(
        ingress_class_name="nginx-example", rules=[client.V1IngressRule(
            host="py.example.com", http=client.V1HTTPIngressRuleValue(paths=[client.V1HTTPIngressPath(
                path="/", path_type="Prefix", backend=client.V1IngressBackend(service=client.V1IngressServiceBackend(
                    name="py", port=client.V1ServiceBackendPort(number=80))))]))]))
    made = api.create_namespaced_ingress(ns, body)
    assert made.metadata.generation == 1 and made.status.load_balancer.ingress is None
    patched = api.patch_namespaced_ingress("py", ns, {"spec": {"tls": [{"hosts": ["py.example.com"],
                                                                         "secretName": "py-tls"}]}})
    assert patched.metadata.generation == 2 and patched.spec.tls[0].secret_name == "py-tls"
    status = api.patch_namespaced_ingress_status("py", ns, {"status": {"loadBalancer": {"ingress": [
        {"ip": "198.51.100.4", "ports": [{"port": 443, "protocol": "TCP"}]}]}}})
    assert status.status.load_balancer.ingress[0].ports[0].port == 443 and status.metadata.generation == 2
    assert sorted(i.metadata.name for i in api.list_namespaced_ingress(ns).items) == [name, "py"]


# -- NetworkPolicy ------------------------------------------------------------------------------------

NETWORK_POLICIES = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: test-network-policy
spec:
  podSelector:
    matchLabels:
      role: db
  policyTypes:
  - Ingress
  - Egress
  ingress:
  - from:
    - ipBlock:
        cidr: 172.17.0.0/16
        except:
        - 172.17.1.0/24
    - namespaceSelector:
        matchLabels:
          project: myproject
    - podSelector:
        matchLabels:
          role: frontend
    ports:
    - protocol: TCP
      port: 6379
  egress:
  - to:
    - ipBlock:
        cidr: 10.0.0.0/24
    ports:
    - protocol: TCP
      port: 5978
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-ingress
spec:
  podSelector: {}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: dns-and-node-ports
spec:
  podSelector:
    matchExpressions: [{key: app, operator: In, values: [api, worker]}]
  egress:
  - ports:
    - {port: 53, protocol: UDP}
    - {port: 32000, endPort: 32768}
"""


def test_network_policy(server: Server, ns: str) -> None:
    apply(server, ns, NETWORK_POLICIES)
    specs = {p["metadata"]["name"]: p["spec"] for p in get_json(server, "-n", ns, "networkpolicies")["items"]}
    assert specs["default-deny-ingress"] == {"podSelector": {}, "policyTypes": ["Ingress"]}
    assert specs["dns-and-node-ports"]["policyTypes"] == ["Ingress", "Egress"]
    assert specs["dns-and-node-ports"]["egress"][0]["ports"] == [
        {"port": 53, "protocol": "UDP"}, {"port": 32000, "endPort": 32768, "protocol": "TCP"}]
    assert specs["test-network-policy"]["ingress"][0]["from"][0] == {
        "ipBlock": {"cidr": "172.17.0.0/16", "except": ["172.17.1.0/24"]}}
    created = get_json(server, "-n", ns, "networkpolicy", "test-network-policy")
    assert created["metadata"]["generation"] == 1 and "status" not in created
    for wide in ((), ("-o", "wide")):
        header, rows = table(server, "-n", ns, "netpol", *wide)
        assert header == ["NAME", "POD-SELECTOR", "AGE"]
        assert {n: r["POD-SELECTOR"] for n, r in rows.items()} == {
            "default-deny-ingress": "<none>", "dns-and-node-ports": "app in (api,worker)",
            "test-network-policy": "role=db"}

    bad = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "bad"},
           "spec": {"podSelector": {"matchLabels": {"app": "-x"}}, "policyTypes": ["Ingress", "Outbound"],
                    "ingress": [{"from": [{"ipBlock": {"cidr": "10.0.0.0/8", "except": ["192.168.0.0/16"]},
                                           "podSelector": {}}, {}],
                                 "ports": [{"protocol": "ICMP", "port": "http", "endPort": 90}]}]}}
    assert refused(server, "-n", ns, "apply", "-f", "-", input=json.dumps(bad)) == (
        'The NetworkPolicy "bad" is invalid: \n'
        '* spec.podSelector.matchLabels: Invalid value: "-x": a valid label must be an empty string or consist of '
        "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
        "'MyValue',  or 'my_value',  or '12345', regex used for validation is "
        "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')\n"
        '* spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"\n'
        "* spec.ingress[0].ports[0].endPort: Invalid value: 90: may not be specified when `port` is non-numeric\n"
        '* spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "192.168.0.0/16": must be a strict subset of '
        "`cidr`\n"
        "* spec.ingress[0].from[0]: Forbidden: may not specify both ipBlock and another peer\n"
        "* spec.ingress[0].from[1]: Required value: must specify a peer\n"
        '* spec.policyTypes[1]: Unsupported value: "Outbound": supported values: "Ingress", "Egress"\n')
    bad["spec"] = {"podSelector": {}, "policyTypes": ["Ingress", "Egress", "Ingress"]}
    assert refused(server, "-n", ns, "apply", "-f", "-", input=json.dumps(bad)) == (
        'The NetworkPolicy "bad" is invalid: spec.policyTypes: Invalid value: ["Ingress","Egress","Ingress"]: '
        "may not specify more than two policyTypes\n")
    assert absent(server, "-n", ns, "networkpolicy", "bad")

    api = client.NetworkingV1Api(server.api)
    body = client.V1NetworkPolicy(metadata=client.V1ObjectMeta(name="allow-web"), spec=client.V1NetworkPolicySpec(
        pod_selector=client.V1LabelSelector(match_labels={"app": "web"}),
        ingress=[client.V1NetworkPolicyIngressRule(ports=[client.V1NetworkPolicyPort(port=8080)])]))
    made = api.create_namespaced_network_policy(ns, body)
    assert made.spec.policy_types == ["Ingress"] and made.spec.ingress[0].ports[0].protocol == "TCP"
    patched = api.patch_namespaced_network_policy("allow-web", ns, {"spec": {"egress": [{}]}})
    assert patched.spec.policy_types == ["Ingress"] and patched.metadata.generation == 2
    assert len(api.list_namespaced_network_policy(ns).items) == 4


# -- ServiceCIDR and IPAddress -----------------------------------------------------------------------


def test_default_service_cidr_and_its_addresses(server: Server) -> None:
    default = get_json(server, "servicecidr", "kubernetes")
    assert default["spec"] == {"cidrs": ["10.0.0.0/24"]}
    [ready] = default["status"]["conditions"]
    assert (ready["type"], ready["status"], ready["reason"], ready["message"]) == (
        "Ready", "True", "", "Kubernetes default Service CIDR is ready")
    header, rows = table(server, "servicecidrs", "-o", "wide")
    assert header == ["NAME", "CIDRS", "AGE"] and rows["kubernetes"]["CIDRS"] == "10.0.0.0/24"
    kube = get_json(server, "ipaddress", "10.0.0.1")
    assert kube["spec"] == {"parentRef": {"resource": "services", "namespace": "default", "name": "kubernetes"}}
    assert kube["metadata"]["labels"] == {"ipaddress.kubernetes.io/ip-family": "IPv4",
                                          "ipaddress.kubernetes.io/managed-by": "ipallocator.k8s.io"}
    for wide in ((), ("-o", "wide")):
        header, rows = table(server, "ipaddresses", "10.0.0.1", *wide)
        assert header == ["NAME", "PARENTREF"] and rows["10.0.0.1"]["PARENTREF"] == "services/default/kubernetes"


def test_service_cidr_and_ip_address(server: Server, ns: str) -> None:
    cidr, ip = f"extra-{ns}", "10.96.0.10"
    manifest = {"apiVersion": "networking.k8s.io/v1", "kind": "ServiceCIDR", "metadata": {"name": cidr},
                "spec": {"cidrs": ["10.96.0.0/24"]}}
    address = {"apiVersion": "networking.k8s.io/v1", "kind": "IPAddress", "metadata": {"name": ip},
               "spec": {"parentRef": {"group": "", "resource": "services", "namespace": ns, "name": "kube-dns"}}}
    server.kubectl("apply", "-f", "-", input=json.dumps(manifest))
    server.kubectl("apply", "-f", "-", input=json.dumps(address))
    try:
        created = get_json(server, "servicecidr", cidr)
        assert created["spec"] == {"cidrs": ["10.96.0.0/24"]} and created["status"] == {}
        assert get_json(server, "ipaddress", ip)["spec"] == {"parentRef": {
            "resource": "services", "namespace": ns, "name": "kube-dns"}}
        _, rows = table(server, "servicecidr", cidr)
        assert rows[cidr]["CIDRS"] == "10.96.0.0/24"
        _, rows = table(server, "ipaddress", ip)
        assert rows[ip]["PARENTREF"] == f"services/{ns}/kube-dns"

        # A single-family range may gain the other family; nothing else about it changes.
        server.kubectl("patch", "servicecidr", cidr, "--type=merge", "-p",
                       '{"spec":{"cidrs":["10.96.0.0/24","fd00:10:96::/112"]}}')
        _, rows = table(server, "servicecidr", cidr)
        assert rows[cidr]["CIDRS"] == "10.96.0.0/24,fd00:10:96::/112"
        assert refused(server, "patch", "servicecidr", cidr, "--type=merge", "-p",
                       '{"spec":{"cidrs":["10.97.0.0/24","fd00:10:96::/112"]}}') == (
            f'The ServiceCIDR "{cidr}" is invalid: spec.cidrs[0]: Invalid value: "10.97.0.0/24": field is immutable\n')
        assert refused(server, "patch", "servicecidr", cidr, "--type=merge", "-p", '{"spec":{"cidrs":["10.96.0.0/24"]}}'
                       ) == (f'The ServiceCIDR "{cidr}" is invalid: spec.cidrs: Invalid value: ["10.96.0.0/24"]: '
                             "field is immutable\n")
        condition = {"type": "Ready", "status": "True", "reason": "", "message": "ok",
                     "lastTransitionTime": "2024-01-01T00:00:00Z"}
        server.kubectl("patch", "servicecidr", cidr, "--subresource=status", "--type=merge", "-p",
                       json.dumps({"status": {"conditions": [condition]}, "spec": {"cidrs": ["10.1.0.0/24"]}}))
        after = get_json(server, "servicecidr", cidr)
        assert after["status"]["conditions"] == [condition] and len(after["spec"]["cidrs"]) == 2

        for cidrs, message in [
            (["10.1.0.0/24", "10.2.0.0/24", "fd00::/64"],
             ('spec.cidrs: Invalid value: {"CIDRs":["10.1.0.0/24","10.2.0.0/24","fd00::/64"]}: may only hold up to '
             "2 values")),
            (["10.1.0.0/24", "10.2.0.0/24"],
             ('spec.cidrs: Invalid value: ["10.1.0.0/24","10.2.0.0/24"]: may specify no more than one IP for each IP '
             "family, i.e 192.168.0.0/24 and 2001:db8::/64")),
            (["10.1.0.1/24"], ('spec.cidrs[0]: Invalid value: "10.1.0.1/24": must not have bits set beyond the prefix '
                              "length")),
            ([], "spec.cidrs: Required value: at least one CIDR required"),
        ]:
            bad = {**manifest, "metadata": {"name": f"bad-{ns}"}, "spec": {"cidrs": cidrs}}
            assert refused(server, "apply", "-f", "-", input=json.dumps(bad)) == (
                f'The ServiceCIDR "bad-{ns}" is invalid: {message}\n')
        assert absent(server, "servicecidr", f"bad-{ns}")

        for name, spec, message in [
            ("10.096.0.1", address["spec"], 'metadata.name: Invalid value: "10.096.0.1": must not have leading 0s'),
            ("2001:DB8::1", {}, ('\n* metadata.name: Invalid value: "2001:DB8::1": must be in canonical form '
                                '("2001:db8::1")\n* spec.parentRef: Required value')),
            ("192.168.7.7", {"parentRef": {"resource": "services"}}, "spec.parentRef.name: Required value"),
        ]:
            bad = {**address, "metadata": {"name": name}, "spec": spec}
            assert refused(server, "apply", "-f", "-", input=json.dumps(bad)) == (
                f'The IPAddress "{name}" is invalid: {message}\n')
        assert refused(server, "patch", "ipaddress", ip, "--type=merge", "-p",
                       '{"spec":{"parentRef":{"name":"other"}}}') == (
            f'The IPAddress "{ip}" is invalid: spec.parentRef: Invalid value: {{"Group":"","Resource":"services",'
            f'"Namespace":"{ns}","Name":"other"}}: field is immutable\n')

        api = client.NetworkingV1Api(server.api)
        listed = api.list_ip_address(label_selector="ipaddress.kubernetes.io/managed-by=ipallocator.k8s.io")
        assert "10.0.0.1" in [a.metadata.name for a in listed.items] and ip not in [a.metadata.name for a in
                                                                                    listed.items]
        read = api.read_service_cidr(cidr)
        assert read.status.conditions[0].message == "ok" and read.spec.cidrs[1] == "fd00:10:96::/112"
        patched = api.patch_ip_address(ip, {"metadata": {"labels": {"owner": "dns"}}})
        assert patched.spec.parent_ref.name == "kube-dns" and patched.metadata.labels == {"owner": "dns"}
    finally:
        server.kubectl("delete", "ipaddress", ip, "--ignore-not-found")
        server.kubectl("delete", "servicecidr", cidr, "--ignore-not-found")


# -- EndpointSlice ------------------------------------------------------------------------------------

ENDPOINT_SLICE = """
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: example-abc
  labels:
    kubernetes.io/service-name: example
addressType: IPv4
ports:
  - name: http
    protocol: TCP
    port: 80
  - name: metrics
    port: 9090
    appProtocol: http
endpoints:
  - addresses:
      - "10.1.2.3"
    conditions:
      ready: true
      serving: true
      terminating: false
    hostname: pod-1
    nodeName: node-1
    zone: us-west2-a
    targetRef: {kind: Pod, name: example-1, namespace: default}
  - addresses: ["10.1.2.4"]
  - addresses: ["10.1.2.5"]
  - addresses: ["10.1.2.6"]
"""


def test_endpoint_slice(server: Server, ns: str) -> None:
    apply(server, ns, ENDPOINT_SLICE)
    created = get_json(server, "-n", ns, "endpointslice", "example-abc")
    assert created["metadata"]["generation"] == 1
    assert created["ports"] == [{"name": "http", "protocol": "TCP", "port": 80},
                                {"name": "metrics", "protocol": "TCP", "port": 9090, "appProtocol": "http"}]
    assert created["endpoints"][0]["conditions"] == {"ready": True, "serving": True, "terminating": False}
    assert [e["conditions"] for e in created["endpoints"][1:]] == [{}, {}, {}]
    apply(server, ns, {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                       "metadata": {"name": "headless-xyz", "labels": {"kubernetes.io/service-name": "headless"}},
                       "addressType": "IPv6", "ports": [{}], "endpoints": []})
    headless = get_json(server, "-n", ns, "endpointslice", "headless-xyz")
    # Stored as protobuf upstream, an empty list comes back as null.
    assert headless["ports"] == [{"name": "", "protocol": "TCP"}] and headless["endpoints"] is None
    for wide in ((), ("-o", "wide")):
        header, rows = table(server, "-n", ns, "endpointslices", *wide)
        assert header == ["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"]
        assert [rows["example-abc"][c] for c in header[1:4]] == [
            "IPv4", "80,9090", "10.1.2.3,10.1.2.4,10.1.2.5 + 1 more..."]
        assert [rows["headless-xyz"][c] for c in header[1:4]] == ["IPv6", "<unset>", "<unset>"]
    _, rows = table(server, "-n", ns, "endpointslices", "-l", "kubernetes.io/service-name=example")
    assert list(rows) == ["example-abc"]

    bad = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "metadata": {"name": "bad"},
           "addressType": "IPv4",
           "ports": [{"name": "http", "port": 80}, {"name": "http", "port": 81, "protocol": "ICMP"}],
           "endpoints": [{"addresses": ["fd00::1"]}, {"addresses": []}, {"addresses": ["10.0.0.9"],
                                                                          "hostname": "Pod_1"}]}
    assert refused(server, "-n", ns, "apply", "-f", "-", input=json.dumps(bad)) == (
        'The EndpointSlice "bad" is invalid: \n'
        '* endpoints[0].addresses[0]: Invalid value: "fd00::1": must be an IPv4 address\n'
        "* endpoints[1].addresses: Required value: must contain at least 1 address\n"
        '* endpoints[2].hostname: Invalid value: "Pod_1": a lowercase RFC 1123 label must consist of lower case '
        "alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  "
        "or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')\n"
        '* ports[1].name: Duplicate value: "http"\n'
        '* ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"\n')
    del bad["addressType"]
    bad.update(ports=[], endpoints=[])
    assert refused(server, "-n", ns, "apply", "-f", "-", input=json.dumps(bad)) == (
        'The EndpointSlice "bad" is invalid: addressType: Required value\n')
    bad["addressType"] = "IP"
    assert refused(server, "-n", ns, "apply", "-f", "-", input=json.dumps(bad)) == (
        'The EndpointSlice "bad" is invalid: addressType: Unsupported value: "IP": supported values: "FQDN", '
        '"IPv4", "IPv6"\n')
    assert absent(server, "-n", ns, "endpointslice", "bad")
    assert refused(server, "-n", ns, "patch", "endpointslice", "headless-xyz", "--type=merge", "-p",
                   '{"addressType":"IPv4"}') == (
        'The EndpointSlice "headless-xyz" is invalid: addressType: Invalid value: "IPv4": field is immutable\n')

    api = client.DiscoveryV1Api(server.api)
    body = client.V1EndpointSlice(
        metadata=client.V1ObjectMeta(generate_name="py-", labels={"kubernetes.io/service-name": "py"}),
        address_type="FQDN", ports=[client.DiscoveryV1EndpointPort(name="https", port=443)],
        endpoints=[client.V1Endpoint(addresses=["db.example.com"], conditions=client.V1EndpointConditions(
            ready=True))])
    made = api.create_namespaced_endpoint_slice(ns, body)
    assert made.metadata.name.startswith("py-") and made.ports[0].protocol == "TCP"
    patched = api.patch_namespaced_endpoint_slice(made.metadata.name, ns, {"metadata": {"labels": {"x": "y"}}})
    assert patched.metadata.generation == 2  # labels count as a change for EndpointSlices
    patched = api.patch_namespaced_endpoint_slice(made.metadata.name, ns, {"metadata": {"annotations": {"a": "b"}}})
    assert patched.metadata.generation == 2
    listed = api.list_namespaced_endpoint_slice(ns, label_selector="kubernetes.io/service-name=py")
    assert [s.metadata.name for s in listed.items] == [made.metadata.name]


# -- Service types ------------------------------------------------------------------------------------

SERVICES = """
apiVersion: v1
kind: Service
metadata: {name: web-lb}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: 8080}
  - {name: https, port: 443, targetPort: 8443}
---
apiVersion: v1
kind: Service
metadata: {name: my-database}
spec:
  type: ExternalName
  externalName: db.example.com
---
apiVersion: v1
kind: Service
metadata: {name: syslog}
spec:
  type: NodePort
  selector: {app: syslog}
  externalIPs: [198.51.100.32]
  ports: [{port: 514, protocol: UDP}]
---
apiVersion: v1
kind: Service
metadata: {name: prefer-dual}
spec:
  ipFamilyPolicy: PreferDualStack
  selector: {app: web}
  ports: [{port: 80}]
"""


def service(name: str, **spec: Any) -> str:
    spec.setdefault("ports", [{"port": 80}])
    return json.dumps({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name}, "spec": spec})


def test_service_types(server: Server, ns: str) -> None:
    apply(server, ns, SERVICES)
    lb = get_json(server, "-n", ns, "service", "web-lb")
    spec = lb["spec"]
    assert ipaddress.ip_address(spec["clusterIP"]) in SERVICE_RANGE and spec["clusterIPs"] == [spec["clusterIP"]]
    assert all(30000 <= p["nodePort"] <= 32767 for p in spec["ports"]) and lb["status"] == {"loadBalancer": {}}
    assert {k: spec[k] for k in ("allocateLoadBalancerNodePorts", "externalTrafficPolicy", "internalTrafficPolicy",
                                 "ipFamilies", "ipFamilyPolicy", "sessionAffinity")} == {
        "allocateLoadBalancerNodePorts": True, "externalTrafficPolicy": "Cluster", "internalTrafficPolicy": "Cluster",
        "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack", "sessionAffinity": "None"}
    assert get_json(server, "-n", ns, "service", "my-database")["spec"] == {
        "externalName": "db.example.com", "sessionAffinity": "None", "type": "ExternalName"}
    dual = get_json(server, "-n", ns, "service", "prefer-dual")["spec"]
    assert (dual["ipFamilyPolicy"], dual["ipFamilies"], len(dual["clusterIPs"])) == ("PreferDualStack", ["IPv4"], 1)
    syslog = get_json(server, "-n", ns, "service", "syslog")["spec"]
    node_port = syslog["ports"][0]["nodePort"]
    assert syslog["externalTrafficPolicy"] == "Cluster" and "allocateLoadBalancerNodePorts" not in syslog

    header, rows = table(server, "-n", ns, "services", "-o", "wide")
    assert header == ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE", "SELECTOR"]
    web = [p["nodePort"] for p in spec["ports"]]
    assert [rows["web-lb"][c] for c in ("TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "SELECTOR")] == [
        "LoadBalancer", spec["clusterIP"], "<pending>", f"80:{web[0]}/TCP,443:{web[1]}/TCP", "app=web"]
    assert [rows["my-database"][c] for c in ("TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "SELECTOR")] == [
        "ExternalName", "<none>", "db.example.com", "<none>", "<none>"]
    assert [rows["syslog"][c] for c in ("TYPE", "EXTERNAL-IP", "PORT(S)")] == [
        "NodePort", "198.51.100.32", f"514:{node_port}/UDP"]
    assert table(server, "-n", ns, "services")[0] == header[:-1]

    # The cloud controller publishes the load balancer: every address shows, none clipped.
    status = {"status": {"loadBalancer": {"ingress": [
        {"hostname": "a1b2c3-1234567890.us-east-1.elb.amazonaws.com"}, {"ip": "203.0.113.10", "ipMode": "VIP"}]}}}
    server.kubectl("-n", ns, "patch", "service", "web-lb", "--subresource=status", "--type=merge", "-p",
                   json.dumps(status))
    _, rows = table(server, "-n", ns, "service", "web-lb")
    assert rows["web-lb"]["EXTERNAL-IP"] == "203.0.113.10,a1b2c3-1234567890.us-east-1.elb.amazonaws.com"
    err = refused(server, "-n", ns, "patch", "service", "web-lb", "--subresource=status", "--type=merge", "-p",
                  '{"status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.11","ipMode":"Tunnel"}]}}}')
    assert err == ('The Service "web-lb" is invalid: status.loadBalancer.ingress[0].ipMode: Unsupported value: '
                   '"Tunnel": supported values: "Proxy", "VIP"\n')

    cases = [
        (service("ds1", ipFamilyPolicy="SingleStack", ipFamilies=["IPv4", "IPv6"]),
         ('spec.ipFamilyPolicy: Invalid value: "SingleStack": must be \'RequireDualStack\' or \'PreferDualStack\' '
         "when multiple IP families are specified")),
        (service("ds2", ipFamilyPolicy="RequireDualStack"),
         ('spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack '
         "services")),
        (service("ds3", ipFamilyPolicy="Dual", ipFamilies=["IPv4", "IPv4"]),
         ('\n* spec.ipFamilies[1]: Duplicate value: "IPv4"\n* spec.ipFamilyPolicy: Unsupported value: "Dual": '
         'supported values: "PreferDualStack", "RequireDualStack", "SingleStack"')),
        (service("ds4", ipFamilies=["IPv6"]), ('spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this '
                                              "cluster")),
        (service("ds5", clusterIP="10.0.0.5", clusterIPs=["10.0.0.6"]),
         'spec.clusterIPs: Invalid value: ["10.0.0.6"]: first value must match `clusterIP`'),
        (service("en", type="ExternalName", externalName="Not_Valid"),
         ('spec.externalName: Invalid value: "Not_Valid": a lowercase RFC 1123 subdomain must consist of lower case '
         "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
         "'example.com', regex used for validation is "
         "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")),
        (service("dup", ports=[{"name": "a", "port": 80}, {"name": "b", "port": 80}]),
         ('spec.ports[1]: Duplicate value: {"Name":"","Protocol":"TCP","AppProtocol":null,"Port":80,"TargetPort":0,'
         '"NodePort":0}')),
        (service("lb2", type="LoadBalancer", loadBalancerSourceRanges=["10.0.0.0/33"]),
         ('spec.LoadBalancerSourceRanges[0]: Invalid value: "10.0.0.0/33": must be a valid CIDR value, '
         "(e.g. 10.9.8.0/24 or 2001:db8::/64)")),
    ]
    for manifest, message in cases:
        name = json.loads(manifest)["metadata"]["name"]
        assert refused(server, "-n", ns, "apply", "-f", "-", input=manifest) == (
            f'The Service "{name}" is invalid: {message}\n')
        assert absent(server, "-n", ns, "service", name)

    api = client.CoreV1Api(server.api)
    body = client.V1Service(metadata=client.V1ObjectMeta(name="py-lb"), spec=client.V1ServiceSpec(
        type="LoadBalancer", selector={"app": "py"}, allocate_load_balancer_node_ports=False,
        external_traffic_policy="Local", ports=[client.V1ServicePort(port=443, target_port="https")]))
    made = api.create_namespaced_service(ns, body)
    assert made.spec.ports[0].node_port is None and made.spec.health_check_node_port >= 30000
    assert made.spec.ports[0].target_port == "https"
    patched = api.patch_namespaced_service_status("py-lb", ns, {"status": {"loadBalancer": {"ingress": [
        {"ip": "192.0.2.50", "ports": [{"port": 443, "protocol": "TCP"}]}]}}})
    assert patched.status.load_balancer.ingress[0].ip == "192.0.2.50"
    types = {s.metadata.name: s.spec.type for s in api.list_namespaced_service(ns).items}
    assert types == {"web-lb": "LoadBalancer", "my-database": "ExternalName", "syslog": "NodePort",
                     "prefer-dual": "ClusterIP", "py-lb": "LoadBalancer"}


# -- RuntimeClass -------------------------------------------------------------------------------------


def runtime_class(name: str, handler: str = "runsc", **extra: Any) -> str:
    return json.dumps({"apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass", "metadata": {"name": name},
                       "handler": handler, **extra})


def test_runtime_class(server: Server, ns: str) -> None:
    name = f"gvisor-{ns}"
    toleration = {"key": "runtime", "operator": "Equal", "value": "gvisor", "effect": "NoSchedule"}
    server.kubectl("apply", "-f", "-", input=runtime_class(
        name, overhead={"podFixed": {"memory": "120Mi", "cpu": "250m"}},
        scheduling={"nodeSelector": {"runtime": "gvisor"}, "tolerations": [toleration]}))
    try:
        created = get_json(server, "runtimeclass", name)
        assert created["handler"] == "runsc" and created["overhead"] == {"podFixed": {"cpu": "250m",
                                                                                      "memory": "120Mi"}}
        assert created["scheduling"]["tolerations"] == [toleration]
        assert "generation" not in created["metadata"]
        for wide in ((), ("-o", "wide")):
            header, rows = table(server, "runtimeclass", name, *wide)
            assert header == ["NAME", "HANDLER", "AGE"] and rows[name]["HANDLER"] == "runsc"

        assert refused(server, "patch", "runtimeclass", name, "--type=merge", "-p", '{"handler":"kata"}') == (
            f'The RuntimeClass "{name}" is invalid: handler: Invalid value: "kata": field is immutable\n')
        toleration = {"key": "k", "operator": "Exists", "effect": "NoExecute"}
        bad = runtime_class(f"bad-{ns}", "Kata_Containers", overhead={"podFixed": {"cpu": "-1"}},
                            scheduling={"nodeSelector": {"kata": "-yes"}, "tolerations": [toleration, toleration]})
        assert refused(server, "apply", "-f", "-", input=bad) == (
            f'The RuntimeClass "bad-{ns}" is invalid: \n'
            '* handler: Invalid value: "Kata_Containers": a lowercase RFC 1123 label must consist of lower case '
            "alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. "
            "'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')\n"
            '* overhead.limits[cpu]: Invalid value: "-1": must be greater than or equal to 0\n'
            '* scheduling.nodeSelector: Invalid value: "-yes": a valid label must be an empty string or consist of '
            "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
            "'MyValue',  or 'my_value',  or '12345', regex used for validation is "
            "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')\n"
            '* scheduling.tolerations[1]: Duplicate value: {"Key":"k","Operator":"Exists","Value":"",'
            '"Effect":"NoExecute","TolerationSeconds":null}\n')
        assert absent(server, "runtimeclass", f"bad-{ns}")

        api = client.NodeV1Api(server.api)
        made = api.create_runtime_class(client.V1RuntimeClass(metadata=client.V1ObjectMeta(name=f"kata-{ns}"),
                                                              handler="kata"))
        assert made.handler == "kata" and made.overhead is None
        patched = api.patch_runtime_class(name, {"scheduling": {"nodeSelector": {"runtime": "gvisor",
                                                                                 "zone": "a"}}})
        assert patched.scheduling.node_selector == {"runtime": "gvisor", "zone": "a"}
        assert {name, f"kata-{ns}"} <= {r.metadata.name for r in api.list_runtime_class().items}
        assert api.read_runtime_class(name).overhead.pod_fixed == {"cpu": "250m", "memory": "120Mi"}
    finally:
        server.kubectl("delete", "runtimeclass", name, f"kata-{ns}", "--ignore-not-found")


# -- PriorityClass ------------------------------------------------------------------------------------


def priority_class(name: str, value: int, **extra: Any) -> str:
    return json.dumps({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": name},
                       "value": value, **extra})


def test_priority_class(server: Server, ns: str) -> None:
    system = {pc["metadata"]["name"]: pc for pc in get_json(server, "priorityclasses")["items"]
              if pc["metadata"]["name"].startswith("system-")}
    assert {n: (pc["value"], pc["preemptionPolicy"], pc.get("globalDefault")) for n, pc in system.items()} == {
        "system-cluster-critical": (2000000000, "PreemptLowerPriority", None),
        "system-node-critical": (2000001000, "PreemptLowerPriority", None)}
    assert system["system-node-critical"]["description"] == (
        "Used for system critical pods that must not be moved from their current node.")
    high, default, second = f"high-priority-{ns}", f"default-{ns}", f"second-{ns}"
    server.kubectl("apply", "-f", "-", input=priority_class(
        high, 1000000, globalDefault=False, description="This priority class should be used for XYZ service pods only."))
    server.kubectl("apply", "-f", "-", input=priority_class(default, 1000, globalDefault=True,
                                                            preemptionPolicy="Never"))
    try:
        assert get_json(server, "priorityclass", high)["preemptionPolicy"] == "PreemptLowerPriority"
        for wide in ((), ("-o", "wide")):
            header, rows = table(server, "priorityclasses", *wide)
            assert header == ["NAME", "VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY"]
            assert [rows[high][c] for c in ("VALUE", "GLOBAL-DEFAULT", "PREEMPTIONPOLICY")] == [
                "1000000", "false", "PreemptLowerPriority"]
            assert [rows[default][c] for c in ("VALUE", "GLOBAL-DEFAULT", "PREEMPTIONPOLICY")] == [
                "1000", "true", "Never"]
            assert rows["system-node-critical"]["VALUE"] == "2000001000"

        # Only one class may be the global default; a pod without a class gets it.
        err = refused(server, "apply", "-f", "-", input=priority_class(second, 5, globalDefault=True))
        assert err == (f'Error from server (Forbidden): error when creating "STDIN": priorityclasses.scheduling.k8s.io '
                       f'"{second}" is forbidden: PriorityClass {default} is already marked as default. Only one '
                       "default can exist\n")
        server.kubectl("-n", ns, "run", "web", "--image=nginx")
        pod = get_json(server, "-n", ns, "pod", "web")["spec"]
        assert (pod["priorityClassName"], pod["priority"], pod["preemptionPolicy"]) == (default, 1000, "Never")

        for manifest, message in [
            (priority_class(f"system-{ns}", 10), (f'metadata.name: Forbidden: priority class names with \'system-\' '
                                                 f"prefix are reserved for system use only. error: system-{ns} is not "
                                                 "a known system priority class")),
            (priority_class(second, 2000000000), ("value: Forbidden: maximum allowed value of a user defined priority "
                                                 "is 1000000000")),
            (priority_class(second, 1, preemptionPolicy="Sometimes"),
             'preemptionPolicy: Unsupported value: "Sometimes": supported values: "PreemptLowerPriority", "Never"'),
        ]:
            name = json.loads(manifest)["metadata"]["name"]
            assert refused(server, "apply", "-f", "-", input=manifest) == (
                f'The PriorityClass "{name}" is invalid: {message}\n')
            assert absent(server, "priorityclass", name)
        assert refused(server, "patch", "priorityclass", high, "-p", '{"value":7}') == (
            f'The PriorityClass "{high}" is invalid: value: Forbidden: may not be changed in an update.\n')
        assert refused(server, "patch", "priorityclass", high, "-p", '{"preemptionPolicy":"Never"}') == (
            f'The PriorityClass "{high}" is invalid: preemptionPolicy: Invalid value: "Never": field is immutable\n')
        assert refused(server, "delete", "priorityclass", "system-node-critical") == (
            'Error from server (Forbidden): priorityclasses.scheduling.k8s.io "system-node-critical" is forbidden: '
            "this is a system priority class and cannot be deleted\n")

        api = client.SchedulingV1Api(server.api)
        made = api.create_priority_class(client.V1PriorityClass(metadata=client.V1ObjectMeta(name=second), value=10))
        assert made.preemption_policy == "PreemptLowerPriority" and made.global_default is None
        patched = api.patch_priority_class(default, {"globalDefault": False, "description": "no longer default"})
        assert (patched.global_default, patched.value, patched.description) == (None, 1000, "no longer default")
        names = {pc.metadata.name for pc in api.list_priority_class().items}
        assert {high, default, second, "system-node-critical", "system-cluster-critical"} <= names
    finally:
        server.kubectl("delete", "priorityclass", high, default, second, "--ignore-not-found")


# -- Lease --------------------------------------------------------------------------------------------

LEASE = """
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata:
  name: my-controller-leader
spec:
  holderIdentity: my-controller-7d9f8b-abcde_0f1e2d3c
  leaseDurationSeconds: 15
  acquireTime: "2024-05-01T10:00:00.500000Z"
  renewTime: "2024-05-01T10:00:10.123456Z"
  leaseTransitions: 3
"""


def test_lease(server: Server, ns: str) -> None:
    apply(server, ns, LEASE)
    apply(server, ns, {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "empty"}})
    lease = get_json(server, "-n", ns, "lease", "my-controller-leader")
    assert lease["spec"] == {"holderIdentity": "my-controller-7d9f8b-abcde_0f1e2d3c", "leaseDurationSeconds": 15,
                             "acquireTime": "2024-05-01T10:00:00.500000Z",
                             "renewTime": "2024-05-01T10:00:10.123456Z", "leaseTransitions": 3}
    assert get_json(server, "-n", ns, "lease", "empty")["spec"] == {}
    assert "generation" not in lease["metadata"]
    for wide in ((), ("-o", "wide")):
        header, rows = table(server, "-n", ns, "leases", *wide)
        assert header == ["NAME", "HOLDER", "AGE"]
        assert (rows["my-controller-leader"]["HOLDER"], rows["empty"]["HOLDER"]) == (
            "my-controller-7d9f8b-abcde_0f1e2d3c", "")

    bad = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "bad"},
           "spec": {"leaseDurationSeconds": 0, "leaseTransitions": -1}}
    assert refused(server, "-n", ns, "apply", "-f", "-", input=json.dumps(bad)) == (
        'The Lease "bad" is invalid: \n'
        "* spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0\n"
        "* spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0\n")
    assert absent(server, "-n", ns, "lease", "bad")

    # Leader election renews by update; a lease may also be created by PUT (AllowCreateOnUpdate).
    put = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
           "metadata": {"name": "by-put", "namespace": ns}, "spec": {"holderIdentity": "a"}}
    answer = server.request("PUT", f"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases/by-put", put)
    assert answer.status == 201, answer.body
    api = client.CoordinationV1Api(server.api)
    current = api.read_namespaced_lease("my-controller-leader", ns)
    assert current.spec.renew_time.microsecond == 123456 and current.spec.lease_duration_seconds == 15
    current.spec.holder_identity = "my-controller-7d9f8b-fghij_1a2b3c4d"
    current.spec.lease_transitions = 4
    replaced = api.replace_namespaced_lease("my-controller-leader", ns, current)
    assert (replaced.spec.holder_identity, replaced.spec.lease_transitions) == (
        "my-controller-7d9f8b-fghij_1a2b3c4d", 4)
    renewed = api.patch_namespaced_lease("my-controller-leader", ns,
                                         {"spec": {"renewTime": "2024-05-01T10:00:20.000001Z"}})
    assert renewed.spec.renew_time.microsecond == 1
    made = api.create_namespaced_lease(ns, client.V1Lease(metadata=client.V1ObjectMeta(name="py"),
                                                          spec=client.V1LeaseSpec(holder_identity="py-1",
                                                                                  lease_duration_seconds=40)))
    assert made.spec.lease_duration_seconds == 40
    assert sorted(item.metadata.name for item in api.list_namespaced_lease(ns).items) == [
        "by-put", "empty", "my-controller-leader", "py"]


def test_lease_times_must_carry_microseconds(server: Server, ns: str) -> None:
    lease = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "seconds"},
             "spec": {"renewTime": "2024-05-01T10:00:00Z"}}
    assert refused(server, "-n", ns, "create", "-f", "-", input=json.dumps(lease)) == (
        'Error from server (BadRequest): error when creating "STDIN": Lease in version "v1" cannot be handled as a '
        'Lease: parsing time "2024-05-01T10:00:00Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as '
        '".000000"\n')


def test_the_apiserver_identity_lease(server: Server) -> None:
    leases = get_json(server, "-n", "kube-system", "leases", "-l", "apiserver.kubernetes.io/identity=kube-apiserver")
    [lease] = leases["items"]
    name = lease["metadata"]["name"]
    assert name.startswith("apiserver-") and lease["spec"]["holderIdentity"].startswith(name + "_")
    assert lease["spec"]["leaseDurationSeconds"] == 3600
