"""bindings: the legacy way to bind a pod, POST /api/v1/namespaces/{ns}/bindings
(upstream pod/storage LegacyBindingREST).

Create-only and never stored: the Binding names the pod in its own metadata.name, and is
handed to pods/binding for that pod. The spec's storage_path is the pods' so the REST is
built over the pods' storage.
"""

from __future__ import annotations

import dataclasses

from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import CreateOptions, RequestContext, ValidateObjectFunc
from kapiserver.registry.spec import ResourceSpec
from kapiserver.storage.interface import Storage

from .pods import PODS
from .pods_binding import BindingREST
from .pods_store import PodStore
from .podspec.access import as_dict, as_str


class LegacyBindingREST:
    preserve_request_object_meta = True

    def __init__(self, spec: ResourceSpec, storage: Storage):
        self._binding = BindingREST(PodStore(PODS, storage))

    async def create(self, ctx: RequestContext, obj: Object, create_validation: ValidateObjectFunc | None,
                     options: CreateOptions) -> Object:
        name = as_str(as_dict(obj.get("metadata")).get("name"))
        return await self._binding.create(dataclasses.replace(ctx, name=name), obj, create_validation, options)


BINDINGS = ResourceSpec(
    group="", version="v1", kind="Binding", plural="bindings", singular="binding", namespaced=True,
    rest_factory=LegacyBindingREST, stored=False, storage_path="pods",
)
