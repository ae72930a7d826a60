"""The generic API server (upstream k8s.io/apiserver/pkg/server): config, the handler chain,
delegation, health checks, lifecycle and TLS serving. aiohttp lives here and in endpoints."""
