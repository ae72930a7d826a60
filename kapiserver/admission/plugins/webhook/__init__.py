"""MutatingAdmissionWebhook and ValidatingAdmissionWebhook (upstream k8s.io/apiserver
pkg/admission/plugin/webhook).

    accessors.py        one webhook of a configuration, its selectors and match conditions parsed once
    matching.py         rules, namespaceSelector, objectSelector (predicates/{rules,namespace,object})
    matchconditions.py  matchConditions evaluated with CEL
    review.py           the AdmissionReview sent and the checks of the one received
    dispatch.py         the two plugins: which webhooks to call, in which order, with which outcome
"""
