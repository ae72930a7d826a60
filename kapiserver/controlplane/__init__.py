"""The kube-apiserver proper (upstream pkg/controlplane): the built-in API groups and what
they bootstrap at start."""
