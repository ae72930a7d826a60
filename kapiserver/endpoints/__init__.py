"""HTTP <-> REST verbs (upstream k8s.io/apiserver/pkg/endpoints): request info, negotiation,
one handler module per verb, discovery and OpenAPI documents."""
