"""Prometheus metrics as kube-apiserver exposes them at /metrics (upstream k8s.io/component-base/metrics).

A Registry holds metric families; each family renders in the text exposition format of the
Go client: families sorted by name, HELP prefixed with the stability level (and the release
that deprecated it), label pairs sorted by name, numbers in Go's shortest 'g' form. The
server owns one Registry; request metrics, storage counts and process figures fill it.
"""

from .registry import Counter, Gauge, Histogram, Registry, Stability

__all__ = ["Counter", "Gauge", "Histogram", "Registry", "Stability"]
