"""ResourceQuota admission: usage of pods, services, claims and counted objects; which quotas apply; the
refusals with upstream's messages; the new status.used; and the plugin's write-back loop (dry run,
conflicts retried, its own writes preferred over a stale cache)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from kapiserver.admission.interfaces import Attributes, Operation
from kapiserver.admission.plugins.resourcequota import ResourceQuota, pod_resources, resources
from kapiserver.admission.plugins.resourcequota.controller import check_request
from kapiserver.admission.plugins.resourcequota.generic import Evaluator, scope_selectors
from kapiserver.admission.plugins.resourcequota.pods import PodEvaluator, pod_usage
from kapiserver.admission.plugins.resourcequota.registry import Registry
from kapiserver.admission.plugins.resourcequota.services import claim_usage, service_usage
from kapiserver.apimachinery import errors, quantity
from kapiserver.apimachinery.schema import GroupResource, GroupVersionKind, GroupVersionResource
from kapiserver.apimachinery.user import UserInfo


def q(text: str) -> quantity.Quantity:
    return quantity.parse_quantity(text)


def printed(values: resources.ResourceList) -> dict[str, str]:
    return resources.to_json(values)


def container(name: str, requests: dict[str, str] | None = None, limits: dict[str, str] | None = None,
              **extra: Any) -> dict[str, Any]:
    res: dict[str, Any] = {}
    if requests is not None:
        res["requests"] = requests
    if limits is not None:
        res["limits"] = limits
    return {"name": name, "image": "nginx", "resources": res, **extra}


def pod(*containers: dict[str, Any], init: list[dict[str, Any]] | None = None, **spec: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"containers": list(containers), **spec}
    if init:
        body["initContainers"] = init
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "ns"}, "spec": body,
            "status": {"phase": "Pending"}}


def quota(name: str, hard: dict[str, str] | None, used: dict[str, str] | None = None, rv: str = "10",
          **spec: Any) -> dict[str, Any]:
    status: dict[str, Any] = {}
    if hard is not None:
        status["hard"] = hard
    if used is not None:
        status["used"] = used
    return {"metadata": {"name": name, "namespace": "ns", "resourceVersion": rv},
            "spec": {"hard": dict(hard or {}), **spec}, "status": status}


KINDS = {"pods": "Pod", "services": "Service", "persistentvolumeclaims": "PersistentVolumeClaim",
         "configmaps": "ConfigMap", "secrets": "Secret", "resourcequotas": "ResourceQuota"}


def attrs(obj: dict[str, Any] | None, resource: str = "pods", operation: Operation = Operation.CREATE,
          old: dict[str, Any] | None = None, subresource: str = "", group: str = "", dry_run: bool = False,
          namespace: str = "ns") -> Attributes:
    kind = KINDS.get(resource, "Widget")
    return Attributes(operation, GroupVersionKind(group, "v1", kind), GroupVersionResource(group, "v1", resource),
                      subresource, namespace, "p", obj, old, UserInfo("admin"), dry_run)


def refusal(call: Any) -> str:
    with pytest.raises(errors.StatusError) as caught:
        call()
    assert caught.value.code == 403
    return str(caught.value.status["message"])


# -- resource lists ---------------------------------------------------------------------------------


def test_sums_keep_the_left_format_unless_it_is_zero() -> None:
    assert printed(resources.add({"memory": q("0")}, {"memory": q("1Gi")})) == {"memory": "1Gi"}
    assert printed(resources.add({"memory": q("512Mi")}, {"memory": q("512Mi"), "cpu": q("100m")})) == {
        "cpu": "100m", "memory": "1Gi"}
    assert printed(resources.add({"cpu": q("250m")}, {"cpu": q("500m")})) == {"cpu": "750m"}


def test_subtraction_never_goes_below_zero_and_names_only_on_the_right_become_zero() -> None:
    out = resources.subtract_with_non_negative_result({"cpu": q("1"), "pods": q("1")}, {"cpu": q("2"), "x": q("1")})
    assert printed(out) == {"cpu": "0", "pods": "1", "x": "0"}
    assert resources.remove_zeros(out) == {"pods": q("1")}


def test_less_than_or_equal_and_pretty_print() -> None:
    ok, exceeded = resources.less_than_or_equal({"pods": q("3"), "cpu": q("1")}, {"pods": q("2"), "cpu": q("1")})
    assert (ok, exceeded) == (False, ["pods"])
    assert resources.pretty_print({"pods": q("2"), "cpu": q("500m")}) == "cpu=500m,pods=2"
    assert resources.equals({"a": q("1000m")}, {"a": q("1")}) and not resources.equals({"a": q("1")}, {})


# -- pods -------------------------------------------------------------------------------------------


def test_pod_usage_counts_containers_sidecars_init_containers_and_overhead() -> None:
    sidecar = container("log", {"cpu": "100m", "memory": "64Mi"}, restartPolicy="Always")
    setup = container("setup", {"cpu": "1", "memory": "32Mi"}, {"cpu": "2"})
    body = pod(container("web", {"cpu": "250m", "memory": "128Mi"}, {"cpu": "500m", "memory": "256Mi"}),
               init=[sidecar, setup], overhead={"cpu": "10m"})
    assert printed(pod_usage(body)) == {
        "count/pods": "1", "cpu": "1110m", "limits.cpu": "2010m", "limits.memory": "256Mi", "memory": "192Mi",
        "pods": "1", "requests.cpu": "1110m", "requests.memory": "192Mi"}


def test_pod_usage_of_hugepages_extended_resources_and_ephemeral_storage() -> None:
    body = pod(container("a", {"hugepages-2Mi": "4Mi", "example.com/gpu": "2", "ephemeral-storage": "1Gi",
                               "memory": "1Gi"}, {"hugepages-2Mi": "4Mi", "example.com/gpu": "2",
                                                  "ephemeral-storage": "2Gi"}))
    assert printed(pod_usage(body)) == {
        "count/pods": "1", "ephemeral-storage": "1Gi", "hugepages-2Mi": "4Mi", "limits.ephemeral-storage": "2Gi",
        "memory": "1Gi", "pods": "1", "requests.ephemeral-storage": "1Gi", "requests.example.com/gpu": "2",
        "requests.hugepages-2Mi": "4Mi", "requests.memory": "1Gi"}


def test_finished_pods_and_pods_deleted_past_their_grace_use_only_their_count() -> None:
    done = pod(container("a", {"cpu": "1"}))
    done["status"]["phase"] = "Succeeded"
    assert printed(pod_usage(done)) == {"count/pods": "1"}
    stuck = pod(container("a", {"cpu": "1"}))
    stuck["metadata"].update(deletionTimestamp="2020-01-01T00:00:00Z", deletionGracePeriodSeconds=30)
    assert printed(pod_usage(stuck)) == {"count/pods": "1"}


def test_pod_level_resources_replace_the_container_sums() -> None:
    body = pod(container("a", {"cpu": "100m"}), resources={"requests": {"cpu": "1"}, "limits": {"memory": "1Gi"}})
    assert printed(pod_usage(body)) == {"count/pods": "1", "cpu": "1", "limits.memory": "1Gi", "pods": "1",
                                        "requests.cpu": "1"}
    assert PodEvaluator().constraints(["requests.memory"], body) is None


def test_a_resized_pod_counts_the_larger_of_spec_allocated_and_actuated() -> None:
    body = pod(container("a", {"cpu": "500m"}, {"cpu": "500m"}))
    body["status"]["containerStatuses"] = [{"name": "a", "allocatedResources": {"cpu": "1"},
                                            "resources": {"requests": {"cpu": "1"}, "limits": {"cpu": "2"}}}]
    assert printed(pod_resources.pod_requests(body)) == {"cpu": "1"}
    assert printed(pod_resources.pod_limits(body)) == {"cpu": "2"}
    body["status"]["conditions"] = [{"type": "PodResizePending", "reason": "Infeasible"}]
    body["spec"]["containers"][0]["resources"]["requests"]["cpu"] = "4"
    assert printed(pod_resources.pod_requests(body)) == {"cpu": "1"}


def test_pods_must_name_the_cpu_and_memory_a_quota_tracks() -> None:
    body = pod(container("web", {"cpu": "1"}), container("db"), init=[container("init", limits={"memory": "1Gi"})])
    assert PodEvaluator().constraints(["requests.cpu", "limits.memory", "pods", "requests.storage"], body) == (
        "must specify limits.memory for: db,web; requests.cpu for: db,init")
    assert PodEvaluator().constraints(["pods", "requests.example.com/gpu"], body) is None


def test_pod_scopes() -> None:
    evaluator = PodEvaluator()
    best_effort = pod(container("a"))
    burstable = pod(container("a", {"cpu": "1"}), activeDeadlineSeconds=30, priorityClassName="high",
                    affinity={"podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                        {"weight": 1, "podAffinityTerm": {"topologyKey": "zone", "namespaces": ["other"]}}]}})

    def scope(name: str, operator: str = "Exists", values: list[str] | None = None) -> dict[str, Any]:
        return {"scopeName": name, "operator": operator, **({"values": values} if values else {})}

    assert evaluator.matches_scope(scope("BestEffort"), best_effort)
    assert not evaluator.matches_scope(scope("NotBestEffort"), best_effort)
    assert evaluator.matches_scope(scope("NotBestEffort"), burstable)
    assert evaluator.matches_scope(scope("Terminating"), burstable)
    assert evaluator.matches_scope(scope("NotTerminating"), best_effort)
    assert evaluator.matches_scope(scope("PriorityClass"), burstable)
    assert not evaluator.matches_scope(scope("PriorityClass"), best_effort)
    assert evaluator.matches_scope(scope("PriorityClass", "In", ["high", "low"]), burstable)
    assert evaluator.matches_scope(scope("PriorityClass", "NotIn", ["high"]), best_effort)
    assert not evaluator.matches_scope(scope("PriorityClass", "NotIn", ["high"]), burstable)
    assert evaluator.matches_scope(scope("CrossNamespacePodAffinity"), burstable)
    assert not evaluator.matches_scope(scope("CrossNamespacePodAffinity"), best_effort)
    # A recorded QoS class wins over the containers.
    recorded = pod(container("a"))
    recorded["status"]["qosClass"] = "Burstable"
    assert evaluator.matches_scope(scope("NotBestEffort"), recorded)


def test_which_pod_requests_the_evaluator_looks_at() -> None:
    evaluator = PodEvaluator()
    running, deadline = pod(container("a")), pod(container("a"), activeDeadlineSeconds=5)
    assert evaluator.handles(attrs(running))
    assert evaluator.handles(attrs(running, operation=Operation.UPDATE, old=running, subresource="resize"))
    assert not evaluator.handles(attrs(running, operation=Operation.UPDATE, old=running))
    assert evaluator.handles(attrs(deadline, operation=Operation.UPDATE, old=running))
    assert not evaluator.handles(attrs(running, subresource="binding"))
    assert not evaluator.handles(attrs(running, operation=Operation.UPDATE, old=running, subresource="status"))


def test_pod_matching_resources() -> None:
    names = ["pods", "requests.cpu", "requests.hugepages-1Gi", "hugepages-2Mi", "requests.example.com/gpu",
             "requests.storage", "count/pods", "secrets", "requests.kubernetes.io/x"]
    assert sorted(PodEvaluator().matching_resources(names)) == [
        "count/pods", "hugepages-2Mi", "pods", "requests.cpu", "requests.example.com/gpu", "requests.hugepages-1Gi"]


# -- services, claims, object counts ------------------------------------------------------------------


def test_service_usage_by_type() -> None:
    ports = [{"port": 80}, {"port": 443, "nodePort": 30443}]
    assert printed(service_usage({"spec": {"type": "ClusterIP", "ports": ports}})) == {
        "count/services": "1", "services": "1", "services.loadbalancers": "0", "services.nodeports": "0"}
    assert printed(service_usage({"spec": {"type": "NodePort", "ports": ports}}))["services.nodeports"] == "2"
    balanced = printed(service_usage({"spec": {"type": "LoadBalancer", "ports": ports,
                                               "allocateLoadBalancerNodePorts": False}}))
    assert (balanced["services.loadbalancers"], balanced["services.nodeports"]) == ("1", "1")


def test_claim_usage_by_storage_class() -> None:
    claim = {"spec": {"storageClassName": "gold", "resources": {"requests": {"storage": "1500m"}}}}
    assert printed(claim_usage(claim)) == {
        "count/persistentvolumeclaims": "1", "gold.storageclass.storage.k8s.io/persistentvolumeclaims": "1",
        "gold.storageclass.storage.k8s.io/requests.storage": "2", "persistentvolumeclaims": "1",
        "requests.storage": "2"}
    claim = {"metadata": {"annotations": {"volume.beta.kubernetes.io/storage-class": "silver"}},
             "spec": {"storageClassName": "gold", "resources": {"requests": {"storage": "1Gi"}}},
             "status": {"allocatedResources": {"storage": "2Gi"}}}
    usage = printed(claim_usage(claim))
    assert (usage["requests.storage"], usage["silver.storageclass.storage.k8s.io/requests.storage"]) == ("2Gi", "2Gi")


def test_object_counts_with_legacy_names_and_for_any_resource() -> None:
    registry = Registry()
    assert printed(registry.get("", "secrets").usage({})) == {"count/secrets": "1", "secrets": "1"}
    widgets = registry.get("example.com", "widgets")
    assert printed(widgets.usage({})) == {"count/widgets.example.com": "1"}
    assert widgets.handles(attrs({}, "widgets", group="example.com"))
    assert not widgets.handles(attrs({}, "widgets", Operation.UPDATE, old={}, group="example.com"))
    assert registry.get("example.com", "widgets") is widgets


def test_scope_selectors_join_scopes_and_expressions() -> None:
    scoped = quota("q", {"pods": "1"}, scopes=["BestEffort"], scopeSelector={"matchExpressions": [
        {"scopeName": "PriorityClass", "operator": "In", "values": ["high"]}]})
    assert scope_selectors(scoped) == [{"scopeName": "BestEffort", "operator": "Exists"},
                                       {"scopeName": "PriorityClass", "operator": "In", "values": ["high"]}]


# -- check_request --------------------------------------------------------------------------------------


def test_a_quota_without_status_applies_to_nothing() -> None:
    quotas = [quota("q", None)]
    assert check_request(quotas, attrs(pod(container("a"))), PodEvaluator()) is quotas


def test_a_tracked_name_without_used_value_is_status_unknown() -> None:
    quotas = [quota("q", {"pods": "2", "count/pods": "3", "secrets": "1"}, {"pods": "0"})]
    assert refusal(lambda: check_request(quotas, attrs(pod(container("a"))), PodEvaluator())) == (
        'pods "p" is forbidden: status unknown for quota: q, resources: count/pods,pods')


def test_missing_requests_fail_before_status_is_looked_at() -> None:
    quotas = [quota("compute", {"requests.cpu": "1"})]
    assert refusal(lambda: check_request(quotas, attrs(pod(container("web"))), PodEvaluator())) == (
        'pods "p" is forbidden: failed quota: compute: must specify requests.cpu for: web')


def test_exceeding_names_only_the_exceeded_resources() -> None:
    quotas = [quota("compute", {"pods": "5", "requests.cpu": "1", "requests.memory": "1Gi"},
                    {"pods": "1", "requests.cpu": "500m", "requests.memory": "0"})]
    body = pod(container("web", {"cpu": "600m", "memory": "2Gi"}))
    assert refusal(lambda: check_request(quotas, attrs(body), PodEvaluator())) == (
        'pods "p" is forbidden: exceeded quota: compute, requested: requests.cpu=600m,requests.memory=2Gi, '
        "used: requests.cpu=500m,requests.memory=0, limited: requests.cpu=1,requests.memory=1Gi")


def test_the_new_usage_of_each_applicable_quota() -> None:
    quotas = [quota("compute", {"pods": "5", "requests.memory": "1Gi"}, {"pods": "1", "requests.memory": "0"}),
              quota("best-effort", {"pods": "1"}, {"pods": "0"}, scopes=["BestEffort"]),
              quota("secrets", {"secrets": "1"}, {"secrets": "0"})]
    body = pod(container("web", {"memory": "256Mi"}))
    out = check_request(quotas, attrs(body), PodEvaluator())
    assert out[0]["status"] == {"hard": {"pods": "5", "requests.memory": "1Gi"},
                                "used": {"pods": "2", "requests.memory": "256Mi"}}
    assert out[1] is quotas[1] and out[2] is quotas[2]
    assert quotas[0]["status"]["used"] == {"pods": "1", "requests.memory": "0"}


def test_updates_charge_what_they_add_and_status_writes_are_not_limited() -> None:
    old = {"metadata": {"name": "c", "resourceVersion": "5"},
           "spec": {"resources": {"requests": {"storage": "1Gi"}}}}
    grown = {"metadata": {"name": "c", "resourceVersion": "5"},
             "spec": {"resources": {"requests": {"storage": "3Gi"}}}}
    quotas = [quota("storage", {"requests.storage": "2Gi", "persistentvolumeclaims": "1"},
                    {"requests.storage": "1Gi", "persistentvolumeclaims": "1"})]
    evaluator = Registry().get("", "persistentvolumeclaims")
    update = attrs(grown, "persistentvolumeclaims", Operation.UPDATE, old=old)
    assert refusal(lambda: check_request(quotas, update, evaluator)) == (
        'persistentvolumeclaims "p" is forbidden: exceeded quota: storage, requested: requests.storage=2Gi, '
        "used: requests.storage=1Gi, limited: requests.storage=2Gi")
    allocated = {**old, "status": {"allocatedResources": {"storage": "4Gi"}}}
    status_write = attrs(allocated, "persistentvolumeclaims", Operation.UPDATE, old=old, subresource="status")
    out = check_request(quotas, status_write, evaluator)
    assert out[0]["status"]["used"] == {"persistentvolumeclaims": "1", "requests.storage": "4Gi"}
    shrunk = attrs(old, "persistentvolumeclaims", Operation.UPDATE, old=grown)
    assert check_request(quotas, shrunk, evaluator) is quotas


def test_a_pod_moving_into_a_scope_is_charged_in_full_there() -> None:
    before = pod(container("a"))
    before["metadata"]["resourceVersion"] = "7"
    after = pod(container("a"), activeDeadlineSeconds=60)
    quotas = [quota("terminating", {"pods": "2"}, {"pods": "0"}, scopes=["Terminating"]),
              quota("all", {"pods": "2"}, {"pods": "1"})]
    out = check_request(quotas, attrs(after, operation=Operation.UPDATE, old=before), PodEvaluator())
    assert out[0]["status"]["used"] == {"pods": "1"} and out[1] is quotas[1]


def test_negative_usage_is_refused() -> None:
    body = pod(container("a", {"cpu": "-1"}))
    quotas = [quota("q", {"cpu": "4"}, {"cpu": "0"})]
    assert refusal(lambda: check_request(quotas, attrs(body), PodEvaluator())) == (
        'pods "p" is forbidden: quota usage is negative for resource(s): cpu,requests.cpu')


def test_an_update_without_previous_object_is_refused() -> None:
    quotas = [quota("q", {"services": "1"}, {"services": "0"})]
    evaluator = Registry().get("", "services")
    assert refusal(lambda: check_request(quotas, attrs({}, "services", Operation.UPDATE), evaluator)) == (
        'services "p" is forbidden: unable to get previous usage since prior version of object was not found')


def test_evaluators_that_do_not_handle_a_request_change_nothing() -> None:
    quotas = [quota("q", {"count/widgets.example.com": "0"}, {})]
    evaluator: Evaluator = Registry().get("example.com", "widgets")
    request = attrs({}, "widgets", Operation.UPDATE, old={}, group="example.com")
    assert check_request(quotas, request, evaluator) is quotas


# -- the plugin ----------------------------------------------------------------------------------------


class FakeQuotas:
    """Stored quotas with resourceVersion preconditions, and a watch cache that may lag behind."""

    def __init__(self, *quotas: dict[str, Any]):
        self.stored = {q["metadata"]["name"]: q for q in quotas}
        self.cached = dict(self.stored)
        self.writes: list[dict[str, Any]] = []
        self.lose_races = 0
        self.revision = 100

    async def list(self, namespace: str, consistent: bool) -> list[dict[str, Any]]:
        return list((self.stored if consistent else self.cached).values())

    async def write(self, obj: dict[str, Any]) -> dict[str, Any]:
        name = obj["metadata"]["name"]
        if self.lose_races:
            self.lose_races -= 1
            self.revision += 1
            current = self.stored[name]
            self.stored[name] = {**current, "metadata": {**current["metadata"], "resourceVersion": str(self.revision)}}
        if obj["metadata"]["resourceVersion"] != self.stored[name]["metadata"]["resourceVersion"]:
            raise errors.conflict(GroupResource("", "resourcequotas"), name, errors.OPTIMISTIC_LOCK_MESSAGE)
        self.revision += 1
        stored = {**obj, "metadata": {**obj["metadata"], "resourceVersion": str(self.revision)}}
        self.stored[name] = stored
        self.writes.append(stored)
        return stored


def run(plugin: ResourceQuota, request: Attributes) -> None:
    asyncio.run(plugin.validate(request))


def test_each_create_is_charged_and_the_next_sees_it_through_a_stale_cache() -> None:
    fake = FakeQuotas(quota("counts", {"count/configmaps": "2"}, {"count/configmaps": "0"}))
    plugin = ResourceQuota(fake.list, fake.write)
    configmap = {"metadata": {"name": "c"}}
    run(plugin, attrs(configmap, "configmaps"))
    run(plugin, attrs(configmap, "configmaps"))
    assert [w["status"]["used"] for w in fake.writes] == [{"count/configmaps": "1"}, {"count/configmaps": "2"}]
    with pytest.raises(errors.StatusError) as caught:
        run(plugin, attrs(configmap, "configmaps"))
    assert caught.value.status["message"] == (
        'configmaps "p" is forbidden: exceeded quota: counts, requested: count/configmaps=1, '
        "used: count/configmaps=2, limited: count/configmaps=2")


def test_dry_runs_are_checked_but_not_charged() -> None:
    fake = FakeQuotas(quota("counts", {"secrets": "1"}, {"secrets": "1"}))
    plugin = ResourceQuota(fake.list, fake.write)
    with pytest.raises(errors.StatusError):
        run(plugin, attrs({}, "secrets", dry_run=True))
    fake.stored["counts"]["status"]["used"] = {"secrets": "0"}
    run(plugin, attrs({}, "secrets", dry_run=True))
    assert fake.writes == []


def test_a_lost_race_is_retried_against_the_stored_quota() -> None:
    fake = FakeQuotas(quota("counts", {"secrets": "5"}, {"secrets": "0"}))
    fake.lose_races = 2
    plugin = ResourceQuota(fake.list, fake.write)
    run(plugin, attrs({}, "secrets"))
    assert len(fake.writes) == 1 and fake.writes[0]["status"]["used"] == {"secrets": "1"}
    fake.lose_races = 10
    with pytest.raises(errors.StatusError) as caught:
        run(plugin, attrs({}, "secrets"))
    assert caught.value.code == 409


def test_requests_the_plugin_leaves_alone() -> None:
    fake = FakeQuotas(quota("counts", {"count/namespaces": "0", "count/events": "0", "secrets": "0"},
                            {"count/namespaces": "0", "count/events": "0", "secrets": "0"}))
    plugin = ResourceQuota(fake.list, fake.write)
    namespace = Attributes(Operation.CREATE, GroupVersionKind("", "v1", "Namespace"),
                           GroupVersionResource("", "v1", "namespaces"), "", "ns", "ns", {}, None, UserInfo("admin"))
    run(plugin, namespace)
    run(plugin, attrs({}, "events"))
    run(plugin, attrs({}, "secrets", namespace=""))
    run(plugin, attrs({}, "secrets", Operation.UPDATE, old={}))
    assert fake.writes == [] and plugin.handles(Operation.UPDATE) and not plugin.handles(Operation.DELETE)
