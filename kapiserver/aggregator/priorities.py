"""The priorities of the built-in group versions (upstream controlplane/apiserver
DefaultGenericAPIServicePriorities merged with kube-apiserver's own apiVersionPriorities).

They become the groupPriorityMinimum / versionPriority of the local APIServices that
autoregistration creates, and so decide the order of groups in /apis and of versions in a
group. A served group version missing from this table gets no APIService, as upstream
(which logs "Skipping APIService creation"); it still shows in aggregated discovery with
the default priority. Custom resources get (1000, 100), the crdRegistrationController's.

The table is upstream's as of v1.35; two entries are not in the copies read while writing
this and are inferred from upstream's conventions (flowcontrol's GA version sits at 21 above
its betas): resource.k8s.io/v1 and scheduling.k8s.io/v1alpha1.
"""

from __future__ import annotations

Priority = tuple[int, int]

CRD_PRIORITY: Priority = (1000, 100)
# The aggregator's own group: above the 20000 validation allows, so it is always listed first.
APIREGISTRATION_PRIORITY: Priority = (20001, 0)

_GENERIC: dict[tuple[str, str], Priority] = {
    ("", "v1"): (18000, 1),
    ("events.k8s.io", "v1"): (17750, 15),
    ("events.k8s.io", "v1beta1"): (17750, 5),
    ("authentication.k8s.io", "v1"): (17700, 15),
    ("authentication.k8s.io", "v1beta1"): (17700, 9),
    ("authentication.k8s.io", "v1alpha1"): (17700, 1),
    ("authorization.k8s.io", "v1"): (17600, 15),
    ("certificates.k8s.io", "v1"): (17300, 15),
    ("certificates.k8s.io", "v1beta1"): (17300, 9),
    ("certificates.k8s.io", "v1alpha1"): (17300, 1),
    ("rbac.authorization.k8s.io", "v1"): (17000, 15),
    ("apiextensions.k8s.io", "v1"): (16700, 15),
    ("admissionregistration.k8s.io", "v1"): (16700, 15),
    ("admissionregistration.k8s.io", "v1beta1"): (16700, 12),
    ("admissionregistration.k8s.io", "v1alpha1"): (16700, 9),
    ("coordination.k8s.io", "v1"): (16500, 15),
    ("coordination.k8s.io", "v1beta1"): (16500, 13),
    ("coordination.k8s.io", "v1alpha2"): (16500, 12),
    ("discovery.k8s.io", "v1"): (16200, 15),
    ("discovery.k8s.io", "v1beta1"): (16200, 12),
    ("flowcontrol.apiserver.k8s.io", "v1"): (16100, 21),
    ("flowcontrol.apiserver.k8s.io", "v1beta3"): (16100, 18),
    ("flowcontrol.apiserver.k8s.io", "v1beta2"): (16100, 15),
    ("flowcontrol.apiserver.k8s.io", "v1beta1"): (16100, 12),
    ("flowcontrol.apiserver.k8s.io", "v1alpha1"): (16100, 9),
    ("internal.apiserver.k8s.io", "v1alpha1"): (16000, 9),
    ("resource.k8s.io", "v1alpha3"): (15900, 9),
    ("storagemigration.k8s.io", "v1beta1"): (15800, 9),
}

_KUBE: dict[tuple[str, str], Priority] = {
    ("", "v1"): (18000, 1),
    ("apps", "v1"): (17800, 15),
    ("autoscaling", "v1"): (17500, 15),
    ("autoscaling", "v2"): (17500, 30),
    ("autoscaling", "v2beta1"): (17500, 9),
    ("autoscaling", "v2beta2"): (17500, 1),
    ("batch", "v1"): (17400, 15),
    ("batch", "v1beta1"): (17400, 9),
    ("batch", "v2alpha1"): (17400, 9),
    ("networking.k8s.io", "v1"): (17200, 15),
    ("networking.k8s.io", "v1beta1"): (17200, 9),
    ("policy", "v1"): (17100, 15),
    ("policy", "v1beta1"): (17100, 9),
    ("storage.k8s.io", "v1"): (16800, 15),
    ("storage.k8s.io", "v1beta1"): (16800, 9),
    ("storage.k8s.io", "v1alpha1"): (16800, 1),
    ("scheduling.k8s.io", "v1"): (16600, 15),
    ("scheduling.k8s.io", "v1alpha1"): (16600, 9),
    ("node.k8s.io", "v1"): (16300, 15),
    ("node.k8s.io", "v1alpha1"): (16300, 1),
    ("node.k8s.io", "v1beta1"): (16300, 9),
    ("resource.k8s.io", "v1"): (16200, 21),
    ("resource.k8s.io", "v1beta2"): (16200, 15),
    ("resource.k8s.io", "v1beta1"): (16200, 9),
    ("resource.k8s.io", "v1alpha3"): (16200, 1),
}

# kube-apiserver's map is merged over the generic one (its entries win).
API_VERSION_PRIORITIES: dict[tuple[str, str], Priority] = {**_GENERIC, **_KUBE}


def builtin_priority(group: str, version: str) -> Priority | None:
    return API_VERSION_PRIORITIES.get((group, version))
