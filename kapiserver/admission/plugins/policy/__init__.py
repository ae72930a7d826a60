"""Admission policies (upstream k8s.io/apiserver pkg/admission/plugin/policy): the
ValidatingAdmissionPolicy plugin, its policy source, matching, params and CEL evaluation."""
