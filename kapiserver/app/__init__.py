"""The composition root (upstream cmd/kube-apiserver/app): the only package that knows everything."""
