"""What the ValidatingAdmissionPolicy plugin reads (upstream: its informers, the REST mapper and
the dynamic client): policies and bindings, namespaces, and params of any kind.

A paramKind names a built-in kind (found in the control plane's resource declarations) or a
custom resource (found among the CustomResourceDefinitions, served version and all); params
are read from the watch cache (resourceVersion "0"), as upstream reads its informers. Params
of a custom resource are read as stored, in the CRD's storage version.
"""

from __future__ import annotations

from kapiserver.admission.plugins.policy.params import ParamResolver, ParamStore
from kapiserver.admission.plugins.policy.source import PolicySource
from kapiserver.admission.plugins.policy.validating import ValidatingAdmissionPolicy
from kapiserver.apimachinery.types import Object
from kapiserver.controlplane.instance import storage_providers
from kapiserver.storage.factory import StorageFactory
from kapiserver.storage.interface import ListOptions

POLICIES = "/registry/validatingadmissionpolicies"
BINDINGS = "/registry/validatingadmissionpolicybindings"
CRDS = "/registry/apiextensions.k8s.io/customresourcedefinitions"


def _builtin_kinds() -> dict[tuple[str, str, str], tuple[str, bool]]:
    out: dict[tuple[str, str, str], tuple[str, bool]] = {}
    for provider in storage_providers():
        for spec in provider.specs:
            out.setdefault((spec.group, spec.version, spec.kind), (spec.key_root, spec.namespaced))
    return out


def _store(storage: StorageFactory, key_root: str, namespaced: bool) -> ParamStore:
    backing = storage.storage_for(key_root)

    async def get(namespace: str, name: str) -> Object | None:
        key = f"{key_root}/{namespace}/{name}" if namespaced else f"{key_root}/{name}"
        return await backing.get(key, "0", ignore_not_found=True)

    async def list_(namespace: str) -> list[Object]:
        prefix = f"{key_root}/{namespace}" if namespaced and namespace else key_root
        return (await backing.get_list(prefix, ListOptions("0"))).items

    return ParamStore(namespaced, get, list_)


def param_resolver(storage: StorageFactory) -> ParamResolver:
    builtin: dict[tuple[str, str, str], tuple[str, bool]] = {}
    crds = storage.storage_for(CRDS)

    async def resolve(api_version: str, kind: str) -> ParamStore | None:
        group, _, version = api_version.rpartition("/")
        if not builtin:
            builtin.update(_builtin_kinds())
        found = builtin.get((group, version, kind))
        if found is not None:
            return _store(storage, *found)
        for crd in (await crds.get_list(CRDS, ListOptions("0"))).items:
            spec = crd.get("spec") or {}
            names = spec.get("names") or {}
            if spec.get("group") != group or names.get("kind") != kind:
                continue
            if not any(v.get("name") == version and v.get("served") for v in spec.get("versions") or []):
                continue
            return _store(storage, f"/registry/{group}/{names.get('plural', '')}", spec.get("scope") == "Namespaced")
        return None

    return resolve


def validating_admission_policy(storage: StorageFactory) -> ValidatingAdmissionPolicy:
    source = PolicySource(storage.storage_for(POLICIES), POLICIES, storage.storage_for(BINDINGS), BINDINGS)
    namespaces = storage.storage_for("/registry/namespaces")

    async def get_namespace(name: str) -> Object | None:
        return await namespaces.get(f"/registry/namespaces/{name}", "0", ignore_not_found=True)

    return ValidatingAdmissionPolicy(source, get_namespace, param_resolver(storage))
