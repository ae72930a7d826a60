"""ResourceQuota admission (upstream k8s.io/apiserver/pkg/admission/plugin/resourcequota with the
evaluators of pkg/quota/v1), one module per upstream file or concern:

- admission.py       the plugin: which requests it looks at, the per-namespace loop, retries, the accessor
- controller.py      check_request: one request against the quotas, the refusals and the new usage
- generic.py         the evaluator contract, object counting, scope selectors
- pods.py            the pod evaluator; pod_resources.py: pod requests, limits and QoS
- services.py        the service and persistent volume claim evaluators
- registry.py        which evaluator serves which resource, and the resources quota ignores
- resources.py       ResourceList arithmetic and printing
"""

from .admission import PLUGIN_NAME, QuotaLister, QuotaStatusWriter, ResourceQuota

__all__ = ["PLUGIN_NAME", "QuotaLister", "QuotaStatusWriter", "ResourceQuota"]
