"""Authentication (upstream k8s.io/apiserver/pkg/authentication): who is making a request."""
