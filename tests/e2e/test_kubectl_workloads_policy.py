"""batch, autoscaling, policy and the remaining core/v1 kinds through kubectl v1.35: discovery rows,
defaults read back, upstream's columns, refused variants, v1/v2 HorizontalPodAutoscalers and a
drain-style eviction against a PodDisruptionBudget."""

from __future__ import annotations

import json

from harness import Server, parse_table

MANIFESTS = """
apiVersion: batch/v1
kind: Job
metadata: {name: pi}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: pi, image: perl}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: hello}
spec:
  schedule: "*/5 * * * *"
  timeZone: Europe/Paris
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: c, image: busybox}]
---
apiVersion: v1
kind: ReplicationController
metadata: {name: nginx}
spec:
  replicas: 2
  template:
    metadata: {labels: {app: nginx}}
    spec:
      containers: [{name: nginx, image: nginx}]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: claim}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
"""



def test_manifests_defaults_and_columns(server: Server, ns: str) -> None:
    server.kubectl("-n", ns, "apply", "-f", "-", input=MANIFESTS)
    job = json.loads(server.kubectl("-n", ns, "get", "job", "pi", "-o", "json").stdout)
    uid = job["metadata"]["uid"]
    assert job["spec"]["selector"] == {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
    assert (job["spec"]["backoffLimit"], job["spec"]["completions"], job["spec"]["completionMode"],
            job["spec"]["podReplacementPolicy"]) == (6, 1, "NonIndexed", "TerminatingOrFailed")
    assert job["spec"]["template"]["metadata"]["labels"]["job-name"] == "pi"
    header, rows = parse_table(server.kubectl("-n", ns, "get", "jobs", "-o", "wide").stdout)
    assert header == ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"]
    assert (rows[0]["STATUS"], rows[0]["COMPLETIONS"]) == ("Running", "0/1")
    out = server.kubectl("-n", ns, "get", "cronjobs").stdout
    assert out.split("\n")[0].split() == ["NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST", "SCHEDULE",
                                          "AGE"]
    assert out.split("\n")[1].split()[:7] == ["hello", "*/5", "*", "*", "*", "*", "Europe/Paris"]
    assert out.split("\n")[1].split()[7:10] == ["False", "0", "<none>"]
    rc = json.loads(server.kubectl("-n", ns, "get", "rc", "nginx", "-o", "json").stdout)
    assert rc["spec"]["selector"] == {"app": "nginx"} and rc["metadata"]["labels"] == {"app": "nginx"}
    server.kubectl("-n", ns, "scale", "rc", "nginx", "--replicas=3")
    header, rows = parse_table(server.kubectl("-n", ns, "get", "rc").stdout)
    assert header == ["NAME", "DESIRED", "CURRENT", "READY", "AGE"] and rows[0]["DESIRED"] == "3"
    out = server.kubectl("-n", ns, "get", "pvc").stdout
    assert out.split("\n")[0].split() == ["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS", "MODES", "STORAGECLASS",
                                          "VOLUMEATTRIBUTESCLASS", "AGE"]
    assert out.split("\n")[1].split()[:3] == ["claim", "Pending", "<unset>"]


def test_refused_variants(server: Server, ns: str) -> None:
    bad_job = "apiVersion: batch/v1\nkind: Job\nmetadata: {name: bad}\nspec:\n  template:\n    spec:\n" \
              "      containers: [{name: c, image: busybox}]\n"
    result = server.kubectl("-n", ns, "apply", "-f", "-", input=bad_job, check=False)
    assert 'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"' in result.stderr
    result = server.kubectl("-n", ns, "create", "cronjob", "x", "--image=busybox", "--schedule=61 * * * *",
                            check=False)
    assert 'spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61' in result.stderr
    result = server.kubectl("-n", ns, "create", "pdb", "p", "--selector=a=b", "--min-available=150%", check=False)
    assert 'spec.minAvailable: Invalid value: "150%": must not be greater than 100%' in result.stderr
    server.kubectl("-n", ns, "create", "job", "imm", "--image=busybox")
    result = server.kubectl("-n", ns, "patch", "job", "imm", "-p", '{"spec":{"completions":3}}', check=False)
    assert "spec.completions: Invalid value: 3: field is immutable" in result.stderr


def test_hpa_served_at_v1_and_v2(server: Server, ns: str) -> None:
    hpa = """apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
  metrics:
  - {type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}}
  - {type: Pods, pods: {metric: {name: qps}, target: {type: AverageValue, averageValue: "1k"}}}
"""
    server.kubectl("-n", ns, "apply", "-f", "-", input=hpa)
    header, rows = parse_table(server.kubectl("-n", ns, "get", "hpa").stdout)
    assert header == ["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"]
    assert [rows[0][c] for c in header[1:6]] == ["Deployment/web", "cpu: <unknown>/60%, <unknown>/1k", "1", "5", "0"]
    v1 = json.loads(server.kubectl("get", "--raw",
                                   f"/apis/autoscaling/v1/namespaces/{ns}/horizontalpodautoscalers/web").stdout)
    assert v1["spec"]["targetCPUUtilizationPercentage"] == 60
    assert json.loads(v1["metadata"]["annotations"]["autoscaling.alpha.kubernetes.io/metrics"])[0]["type"] == "Pods"


def test_eviction_honours_the_disruption_budget(server: Server, ns: str) -> None:
    for name in ("w1", "w2"):
        server.kubectl("-n", ns, "run", name, "--image=nginx", "--labels=app=web")
        server.kubectl("-n", ns, "patch", "pod", name, "--subresource=status", "--type=merge", "-p",
                       '{"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}')
    server.kubectl("-n", ns, "create", "pdb", "web", "--selector=app=web", "--max-unavailable=1")
    server.kubectl("-n", ns, "patch", "pdb", "web", "--subresource=status", "--type=merge", "-p",
                   '{"status":{"observedGeneration":1,"disruptionsAllowed":1,"currentHealthy":2,"desiredHealthy":1}}')
    eviction = '{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"%s"}}'
    base = f"/api/v1/namespaces/{ns}/pods"
    server.kubectl("create", "--raw", f"{base}/w1/eviction", "-f", "-", input=eviction % "w1")
    result = server.kubectl("create", "--raw", f"{base}/w2/eviction", "-f", "-", input=eviction % "w2", check=False)
    assert result.returncode != 0
    assert "Cannot evict pod as it would violate the pod's disruption budget." in result.stderr
    status = json.loads(server.kubectl("-n", ns, "get", "pdb", "web", "-o", "json").stdout)["status"]
    assert status["disruptionsAllowed"] == 0 and list(status["disruptedPods"]) == ["w1"]
