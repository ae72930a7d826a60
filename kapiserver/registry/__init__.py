"""The registry (upstream pkg/registry and k8s.io/apiserver/pkg/registry).

`store.Store` implements every verb over one `spec.ResourceSpec` (its strategy decides
what is specific to the kind); each API group package lists its specs in a
`provider.StorageProvider`. The endpoints layer sees only the capability Protocols of
`rest`, probed once at install time.
"""
