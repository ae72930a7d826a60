"""kapiserver: the Kubernetes API server, in Python."""

__version__ = "0.1.0"

# The Kubernetes release whose API, behaviour and flags this server speaks.
KUBERNETES_VERSION = "v1.35.0"
