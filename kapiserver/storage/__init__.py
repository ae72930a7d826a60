"""Storage (upstream k8s.io/apiserver/pkg/storage): keys, revisions and objects, nothing of HTTP.

`interface.Storage` is the one seam the registry talks to. Backends: `memory` and `sqlite`
share the log-structured core in `logstructured` (kine's design: one ordered log of
changes, revision = log position); an etcd3 backend implements the same Protocol directly.
"""
