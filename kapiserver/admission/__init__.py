"""Admission (upstream k8s.io/apiserver/pkg/admission): plugins that mutate and validate writes.

Endpoint handlers call the mutating phase themselves and hand the validating phase to
the registry as plain callables, as upstream does, so the registry never imports this.
"""
