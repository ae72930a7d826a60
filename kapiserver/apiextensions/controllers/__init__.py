"""The controllers of the apiextensions server (upstream apiextensions-apiserver pkg/controller
and the controllers started by apiserver.go), as asyncio tasks the server owns.

- informer.py     one list+watch of CRDs shared by all (upstream's CRD informer and lister)
- workqueue.py    keys to sync, deduplicated, retried with backoff (client-go workqueue)
- naming.py       NamesAccepted: conflicts between CRDs of a group
- establishing.py Established once the names are accepted
- apiapproval.py  KubernetesAPIApprovalPolicyConformant for *.k8s.io groups
- finalizer.py    deleting a CRD: its custom resources first, then the finalizer
- publishing.py   discovery and OpenAPI of the served custom resources
"""
