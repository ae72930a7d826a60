"""CEL validation rules of CRD schemas (upstream apiextensions pkg/apiserver/schema/cel, k8s.io/apiserver pkg/cel)."""
