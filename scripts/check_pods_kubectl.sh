#!/usr/bin/env bash
# End-to-end check of pods with the real kubectl v1.35, run by hand:
#
#   scripts/check_pods_kubectl.sh [path/to/kubectl] [python]
#
# Starts a kapiserver on a free port with a fresh data directory, then: applies a Pod
# manifest, reads `kubectl get pods` (and -o wide), checks upstream's defaults in -o yaml,
# expects upstream's messages for invalid pods and a forbidden spec update, binds the pod
# (pods/binding), resizes it (pods/resize), reads the printer after a status write, evicts a pod (pods/eviction) and
# deletes one gracefully. Prints each check and exits non-zero on the first failure.
set -euo pipefail

KUBECTL=${1:-/tmp/dl/x/layer/kubectl/kubectl}
PYTHON=${2:-/tmp/venv/bin/python}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA=$(mktemp -d /tmp/check-pods.XXXXXX)
NS=check-pods

cd "$ROOT"
"$PYTHON" -m kapiserver --data-dir "$DATA" --secure-port 0 >"$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 50); do [ -f "$DATA/admin.kubeconfig" ] && break; sleep 0.2; done
export KUBECONFIG="$DATA/admin.kubeconfig"
k() { "$KUBECTL" "$@"; }
for _ in $(seq 50); do k get --raw /readyz >/dev/null 2>&1 && break; sleep 0.2; done

check() {  # check <description> <expected substring> <actual text>
    if [[ "$3" == *"$2"* ]]; then echo "ok   $1"; else
        echo "FAIL $1"; echo "  expected to contain: $2"; echo "  got: $3"; exit 1; fi
}

k create namespace "$NS" >/dev/null
POD='apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  containers:
  - name: nginx
    image: nginx:1.27
    ports: [{containerPort: 80}]
    resources: {limits: {cpu: 500m, memory: 128Mi}}
  - name: side
    image: busybox
    command: [sleep, "3600"]
    volumeMounts: [{name: cfg, mountPath: /cfg}]
  volumes:
  - name: cfg
    configMap: {name: web-config}'

check "apply creates the pod" "pod/web created" "$(echo "$POD" | k -n $NS apply -f - 2>&1)"
check "apply again is unchanged" "pod/web unchanged" "$(echo "$POD" | k -n $NS apply -f - 2>&1)"
OUT=$(k -n $NS get pods 2>&1)
check "get pods header" "NAME   READY   STATUS    RESTARTS   AGE" "$OUT"
check "get pods row" "web    0/2     Pending   0" "$OUT"
check "get pods -o wide" "IP       NODE     NOMINATED NODE   READINESS GATES" "$(k -n $NS get pods -o wide 2>&1)"
YAML=$(k -n $NS get pod web -o yaml)
for want in "imagePullPolicy: IfNotPresent" "imagePullPolicy: Always" "protocol: TCP" \
            "terminationMessagePath: /dev/termination-log" "terminationMessagePolicy: File" \
            "dnsPolicy: ClusterFirst" "enableServiceLinks: true" "restartPolicy: Always" \
            "schedulerName: default-scheduler" "securityContext: {}" "terminationGracePeriodSeconds: 30" \
            "defaultMode: 420" "resources: {}" "generation: 1" "phase: Pending" "qosClass: Burstable" \
            "      requests:
        cpu: 500m
        memory: 128Mi"; do
    check "default: ${want%%$'\n'*}" "$want" "$YAML"
done

BAD='apiVersion: v1
kind: Pod
metadata: {name: bad}
spec:
  restartPolicy: Sometimes
  containers:
  - name: Bad_Name
    image: ""
    ports: [{containerPort: 99999}]'
OUT=$(echo "$BAD" | k -n $NS apply -f - 2>&1 || true)
check "invalid pod is refused" 'The Pod "bad" is invalid:' "$OUT"
check "container name message" "spec.containers[0].name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 label" "$OUT"
check "image required" "spec.containers[0].image: Required value" "$OUT"
check "port range" "spec.containers[0].ports[0].containerPort: Invalid value: 99999: must be between 1 and 65535, inclusive" "$OUT"
check "restart policy" 'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"' "$OUT"
OUT=$(k -n $NS run q --image=nginx --restart=Never --dry-run=server \
      --overrides='{"spec":{"containers":[{"name":"q","image":"nginx","resources":{"limits":{"cpu":"2"},"requests":{"cpu":"3"}}}]}}' 2>&1 || true)
check "requests above limits" 'spec.containers[0].resources.requests: Invalid value: "3": must be less than or equal to cpu limit of 2' "$OUT"

OUT=$(k -n $NS patch pod web -p '{"spec":{"restartPolicy":"Never"}}' 2>&1 || true)
check "spec update is forbidden" 'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`' "$OUT"
check "with a diff" "core.PodSpec{" "$OUT"
check "image may change" "pod/web patched" "$(k -n $NS patch pod web -p '{"spec":{"containers":[{"name":"nginx","image":"nginx:1.28"}]}}' 2>&1)"

check "resize cpu" "pod/web patched" \
      "$(k -n $NS patch pod web --subresource=resize -p '{"spec":{"containers":[{"name":"nginx","resources":{"requests":{"cpu":"400m"}}}]}}' 2>&1)"
check "resized request stored" "400m" "$(k -n $NS get pod web -o jsonpath='{.spec.containers[0].resources.requests.cpu}')"
check "resize may not remove limits" "spec.containers[0].resources.limits: Forbidden: resource limits cannot be removed" \
      "$(k -n $NS patch pod web --subresource=resize --type=json -p '[{"op":"remove","path":"/spec/containers/0/resources/limits"}]' 2>&1 || true)"
check "get --subresource=status prints the pod table" "web    0/2     Pending" "$(k -n $NS get pod web --subresource=status 2>&1)"

echo '{"apiVersion":"v1","kind":"Binding","metadata":{"name":"web"},"target":{"kind":"Node","name":"node-1"}}' > "$DATA/binding.json"
check "binding" '"status":"Success"' "$(k create --raw /api/v1/namespaces/$NS/pods/web/binding -f "$DATA/binding.json" 2>&1)"
check "second binding conflicts" 'pod web is already assigned to node "node-1"' \
      "$(k create --raw /api/v1/namespaces/$NS/pods/web/binding -f "$DATA/binding.json" 2>&1 || true)"
check "field selector spec.nodeName" "web" "$(k -n $NS get pods --field-selector spec.nodeName=node-1 2>&1)"

k -n $NS patch pod web --subresource=status --type=merge -p '{"status":{"phase":"Running","podIP":"10.1.2.3","containerStatuses":[{"name":"nginx","ready":true,"restartCount":2,"image":"nginx","imageID":"","state":{"running":{}}},{"name":"side","ready":false,"restartCount":0,"image":"busybox","imageID":"","state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}}' >/dev/null
OUT=$(k -n $NS get pods -o wide 2>&1)
check "printer after a status write" "web    1/2     CrashLoopBackOff   2" "$OUT"
check "wide cells" "10.1.2.3   node-1" "$OUT"

check "exec without a kubelet answers at once" 'nodes "node-1" not found' "$(k -n $NS exec web -c nginx -- ls 2>&1 || true)"
k -n $NS run unscheduled --image=nginx --restart=Never >/dev/null
check "exec of an unscheduled pod" "pod unscheduled does not have a host assigned" \
      "$(k -n $NS exec unscheduled -- ls 2>&1 || true)"

echo '{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"unscheduled"}}' > "$DATA/eviction.json"
check "eviction" '"status":"Success"' "$(k create --raw /api/v1/namespaces/$NS/pods/unscheduled/eviction -f "$DATA/eviction.json" 2>&1)"
check "evicted pod is gone" "NotFound" "$(k -n $NS get pod unscheduled 2>&1 || true)"

k -n $NS delete pod web --wait=false >/dev/null
check "graceful deletion shows Terminating" "Terminating" "$(k -n $NS get pods 2>&1)"
check "force deletion" 'pod "web" force deleted' "$(k -n $NS delete pod web --grace-period=0 --force 2>&1)"
echo "all pod checks passed"
