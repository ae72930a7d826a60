"""What a fresh v1.35 cluster shows of the bootstrap data (RBAC policy, system PriorityClasses, APF
configuration), and what a restart keeps of user edits, driven through kubectl v1.35.
"""

from __future__ import annotations

import json
import time

from harness import Server, parse_table


def test_fresh_cluster_bootstrap_objects(server: Server) -> None:
    k = server.kubectl
    header, rows = parse_table(k("get", "clusterroles").stdout)
    assert header == ["NAME", "CREATED", "AT"]
    names = {r["NAME"] for r in rows}
    assert {"admin", "edit", "view", "cluster-admin", "system:discovery", "system:node",
            "system:controller:job-controller", "system:aggregate-to-edit"} <= names
    admin = json.loads(k("get", "clusterrole", "admin", "-o", "json").stdout)
    assert admin["aggregationRule"]["clusterRoleSelectors"] == [
        {"matchLabels": {"rbac.authorization.k8s.io/aggregate-to-admin": "true"}}]
    resources = {res for rule in admin["rules"] for res in rule.get("resources", [])}
    assert {"rolebindings", "pods/exec", "deployments", "localsubjectaccessreviews", "pods/log"} <= resources

    _, rows = parse_table(k("get", "clusterrolebindings", "-o", "wide").stdout)
    by_name = {r["NAME"]: r for r in rows}
    assert by_name["cluster-admin"]["ROLE"] == "ClusterRole/cluster-admin"
    assert by_name["cluster-admin"]["GROUPS"] == "system:masters"
    assert by_name["system:kube-dns"]["SERVICEACCOUNTS"] == "kube-system/kube-dns"
    _, rows = parse_table(k("get", "roles", "-n", "kube-system").stdout)
    assert "extension-apiserver-authentication-reader" in {r["NAME"] for r in rows}

    header, rows = parse_table(k("get", "priorityclasses").stdout)
    assert header == ["NAME", "VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY"]
    assert [(r["NAME"], r["VALUE"], r["GLOBAL-DEFAULT"]) for r in rows] == [
        ("system-cluster-critical", "2000000000", "false"), ("system-node-critical", "2000001000", "false")]

    header, rows = parse_table(k("get", "flowschemas").stdout)
    assert header == ["NAME", "PRIORITYLEVEL", "MATCHINGPRECEDENCE", "DISTINGUISHERMETHOD", "AGE", "MISSINGPL"]
    assert {r["NAME"]: (r["PRIORITYLEVEL"], r["MATCHINGPRECEDENCE"], r["MISSINGPL"]) for r in rows} == {
        "exempt": ("exempt", "1", "False"), "probes": ("exempt", "2", "False"),
        "system-leader-election": ("leader-election", "100", "False"),
        "system-node-high": ("node-high", "400", "False"), "system-nodes": ("system", "500", "False"),
        "kube-controller-manager": ("workload-high", "800", "False"),
        "kube-scheduler": ("workload-high", "800", "False"),
        "kube-system-service-accounts": ("workload-high", "900", "False"),
        "service-accounts": ("workload-low", "9000", "False"),
        "global-default": ("global-default", "9900", "False"), "catch-all": ("catch-all", "10000", "False")}
    header, rows = parse_table(k("get", "prioritylevelconfigurations").stdout)
    assert header == ["NAME", "TYPE", "NOMINALCONCURRENCYSHARES", "QUEUES", "HANDSIZE", "QUEUELENGTHLIMIT", "AGE"]
    cells = {r["NAME"]: [r[h] for h in header[1:6]] for r in rows}
    assert cells["exempt"] == ["Exempt", "<none>", "<none>", "<none>", "<none>"]
    assert cells["catch-all"] == ["Limited", "5", "<none>", "<none>", "<none>"]
    assert cells["workload-low"] == ["Limited", "100", "128", "6", "50"]
    assert len(cells) == 8

    ready = server.request("GET", "/readyz?verbose").body.decode()
    for hook in ("rbac/bootstrap-roles", "scheduling/bootstrap-system-priority-classes",
                 "priority-and-fairness-config-producer"):
        assert f"[+]poststarthook/{hook} ok" in ready


def test_invalid_objects_are_refused_with_upstreams_messages(server: Server, ns: str) -> None:
    k = server.kubectl
    k("-n", ns, "create", "rolebinding", "rb", "--clusterrole=view", "--user=alice")
    out = k("-n", ns, "patch", "rolebinding", "rb", "--type=merge", "-p", '{"roleRef":{"name":"edit"}}',
            check=False)
    assert out.returncode != 0
    assert ('roleRef: Invalid value: {"APIGroup":"rbac.authorization.k8s.io","Kind":"ClusterRole",'
            '"Name":"edit"}: cannot change roleRef') in out.stderr
    out = k("create", "priorityclass", "system-mine", "--value=5", check=False)
    assert "priority class names with 'system-' prefix are reserved for system use only" in out.stderr
    out = k("delete", "priorityclass", "system-node-critical", check=False)
    assert "this is a system priority class and cannot be deleted" in out.stderr


def test_restart_keeps_user_edits_where_upstream_does(fresh_server: Server) -> None:
    srv = fresh_server
    k = srv.kubectl
    k("patch", "clusterrole", "system:kube-dns", "--type=json", "-p",
      '[{"op":"replace","path":"/rules","value":[{"apiGroups":[""],"resources":["endpoints"],"verbs":["list"]}]}]')
    k("label", "clusterrole", "system:heapster", "mine=yes")
    k("annotate", "clusterrole", "system:kube-aggregator", "rbac.authorization.kubernetes.io/autoupdate=false",
      "--overwrite")
    k("patch", "clusterrole", "system:kube-aggregator", "--type=json", "-p",
      '[{"op":"replace","path":"/rules","value":[]}]')
    k("patch", "prioritylevelconfiguration", "workload-low", "--type=merge", "-p",
      '{"spec":{"limited":{"nominalConcurrencyShares":7}}}')
    k("patch", "prioritylevelconfiguration", "global-default", "--type=merge", "-p",
      '{"metadata":{"annotations":{"apf.kubernetes.io/autoupdate-spec":"false"}},'
      '"spec":{"limited":{"nominalConcurrencyShares":9}}}')
    srv.restart()

    dns = json.loads(k("get", "clusterrole", "system:kube-dns", "-o", "json").stdout)
    assert dns["rules"][0] == {"apiGroups": [""], "resources": ["endpoints"], "verbs": ["list"]}
    granted = {(res, verb) for rule in dns["rules"] for res in rule["resources"] for verb in rule["verbs"]}
    assert granted == {(r, v) for r in ("endpoints", "services") for v in ("list", "watch")}
    heapster = json.loads(k("get", "clusterrole", "system:heapster", "-o", "json").stdout)
    assert heapster["metadata"]["labels"]["mine"] == "yes"
    aggregator = json.loads(k("get", "clusterrole", "system:kube-aggregator", "-o", "json").stdout)
    assert not aggregator.get("rules")
    levels = {r["NAME"]: r["NOMINALCONCURRENCYSHARES"]
              for r in parse_table(k("get", "prioritylevelconfigurations").stdout)[1]}
    assert levels["workload-low"] == "100"
    assert levels["global-default"] == "9"


def test_aggregation_picks_up_new_roles(server: Server) -> None:
    k = server.kubectl
    k("apply", "-f", "-", input="""
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: e2e-widgets-view
  labels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}
rules:
- {apiGroups: [example.com], resources: [widgets], verbs: [get, list, watch]}
""")
    try:
        for role in ("view", "edit", "admin"):
            for _ in range(50):
                rules = json.loads(k("get", "clusterrole", role, "-o", "json").stdout)["rules"]
                if any("widgets" in r.get("resources", []) for r in rules):
                    break
                time.sleep(0.1)
            else:
                raise AssertionError(f"{role} did not aggregate the new role")
    finally:
        k("delete", "clusterrole", "e2e-widgets-view")
