"""pods/binding: a scheduler assigns a pod to a node (upstream pod/storage BindingREST).

A Binding names the pod (metadata.name, which must be the pod of the URL) and a target
Node. The pod gets spec.nodeName, the Binding's annotations (and, with
PodTopologyLabelsAdmission, its labels), a PodScheduled=True condition, and loses its
nominated node. A pod is bound once: binding it again, binding a pod being deleted or one
still gated fails with a 409 on "pods/binding". The Binding's uid and resourceVersion,
when set, are preconditions on the pod.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kapiserver.apimachinery import errors, field, meta, timefmt
from kapiserver.apimachinery.schema import GroupResource
from kapiserver.apimachinery.types import Object
from kapiserver.storage import errors as storage_errors
from kapiserver.storage.interface import Preconditions, Storage

from .. import storeerr
from ..dryrun import DryRunStorage
from ..rest import CreateOptions, RequestContext, ValidateObjectFunc
from .podspec import features, helpers
from .podspec.access import as_dict, as_str

if TYPE_CHECKING:
    from ..store import Store

BINDING_RESOURCE = GroupResource("", "pods/binding")
SUCCESS: Object = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"}


class _BindRefused(Exception):
    """A reason the pod cannot be bound; answered as a Conflict on pods/binding."""


def validate_pod_binding(binding: Object) -> field.ErrorList:
    """upstream ValidatePodBinding."""
    errs: field.ErrorList = []
    target = as_dict(binding.get("target"))
    kind = as_str(target.get("kind"))
    if kind and kind != "Node":
        errs.append(field.not_supported(field.new_path("target", "kind"), kind, ["Node", "<empty>"]))
    if not as_str(target.get("name")):
        errs.append(field.required(field.new_path("target", "name"), ""))
    return errs


def _unknown_error(message: str) -> errors.StatusError:
    """What upstream answers for an error that is not an API status (a plain aggregate)."""
    return errors.from_status({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                               "message": message, "code": 500})


def bind(pod: Object, node: str, binding_meta: Object, now: str) -> Object:
    """The pod after binding; raises _BindRefused with upstream's reason."""
    name = meta.name(pod)
    spec = pod.setdefault("spec", {})
    if meta.deletion_timestamp(pod):
        raise _BindRefused(f"pod {name} is being deleted, cannot be assigned to a host")
    if spec.get("nodeName"):
        raise _BindRefused(f"pod {name} is already assigned to node {field.go_quote(str(spec['nodeName']))}")
    if spec.get("schedulingGates"):
        raise _BindRefused(f"pod {name} has non-empty .spec.schedulingGates")
    spec["nodeName"] = node
    status = pod.setdefault("status", {})
    if features.enabled("ClearingNominatedNodeNameAfterBinding"):
        status.pop("nominatedNodeName", None)
    metadata = meta.ensure_metadata(pod)
    annotations = as_dict(binding_meta.get("annotations"))
    if annotations:
        metadata["annotations"] = {**as_dict(metadata.get("annotations")), **annotations}
    labels = as_dict(binding_meta.get("labels"))
    if features.enabled("PodTopologyLabelsAdmission") and labels:
        metadata["labels"] = {**as_dict(metadata.get("labels")), **labels}
    helpers.update_pod_condition(status, {"type": "PodScheduled", "status": "True"}, now)
    return pod


class BindingREST:
    """Only create; the handler keeps the Binding's uid and resourceVersion for preconditions."""

    preserve_request_object_meta = True

    def __init__(self, store: Store):
        self._store = store

    async def create(self, ctx: RequestContext, obj: Object, create_validation: ValidateObjectFunc | None,
                     options: CreateOptions) -> Object:
        binding_meta = as_dict(obj.get("metadata"))
        name = as_str(binding_meta.get("name"))
        if ctx.name != name:
            raise errors.bad_request("name in URL does not match name in Binding object")
        errs = validate_pod_binding(obj)
        if errs:
            raise _unknown_error(field.aggregate_message(errs))
        if create_validation is not None:
            await create_validation(ctx, meta.deep_copy(obj))
        node = as_str(as_dict(obj.get("target")).get("name"))
        await self._assign(ctx, name, node, binding_meta, options.is_dry_run)
        return dict(SUCCESS)

    async def _assign(self, ctx: RequestContext, name: str, node: str, binding_meta: Object, dry_run: bool) -> None:
        key = self._store.key(ctx, name)
        uid, rv = as_str(binding_meta.get("uid")), as_str(binding_meta.get("resourceVersion"))
        preconditions = Preconditions(uid or None, rv or None) if uid or rv else None
        storage: Storage = DryRunStorage(self._store.storage) if dry_run else self._store.storage
        now = timefmt.now_rfc3339()

        async def try_update(existing: Object | None) -> Object:
            assert existing is not None
            return bind(meta.deep_copy(existing), node, binding_meta, now)

        pods = self._store.gr
        try:
            await storage.guaranteed_update(key, preconditions, try_update)
        except _BindRefused as exc:
            raise errors.conflict(BINDING_RESOURCE, name, str(exc)) from None
        except storage_errors.StorageError as exc:
            if exc.code == storage_errors.KEY_NOT_FOUND:
                raise storeerr.interpret_get_error(exc, pods, name) from exc
            raise storeerr.interpret_update_error(exc, pods, name) from exc
