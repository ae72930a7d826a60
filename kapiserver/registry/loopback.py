"""A loopback client over the registry for post-start hooks (upstream's hooks use a clientset
against the server itself; here they call the same Stores the handlers call).

Writes go through the kind's strategy exactly as a request would (defaults first, then the
store's prepare/validate), as the system user. Admission is not run, as for upstream's
privileged loopback writes of bootstrap data that admission would let through anyway.
"""

from __future__ import annotations

from kapiserver.apimachinery import errors, meta
from kapiserver.apimachinery.types import Object
from kapiserver.apimachinery.user import API_SERVER_USER, SYSTEM_PRIVILEGED_GROUP, UserInfo

from .rest import CreateOptions, DeleteOptions, GetOptions, ListOptions, RequestContext, UpdateOptions
from .spec import ResourceSpec
from .store import Store

SYSTEM_USER = UserInfo(API_SERVER_USER, groups=(SYSTEM_PRIVILEGED_GROUP,))


class _Replace:
    """UpdatedObjectInfo for a PUT of `obj`, conditional on its resourceVersion."""

    def __init__(self, obj: Object):
        self._obj = obj

    def preconditions(self) -> tuple[str | None, str | None]:
        return None, None

    async def updated_object(self, ctx: RequestContext, old: Object | None) -> Object:
        return meta.deep_copy(self._obj)


class Client:
    """get / list / create / update / delete of one resource, through its Store."""

    def __init__(self, spec: ResourceSpec, store: Store):
        self.spec = spec
        self.store = store

    def _ctx(self, namespace: str = "") -> RequestContext:
        return RequestContext(namespace=namespace if self.spec.namespaced else "", user=SYSTEM_USER)

    async def get(self, name: str, namespace: str = "") -> Object | None:
        try:
            return await self.store.get(self._ctx(namespace), name, GetOptions())
        except errors.StatusError as err:
            if err.reason == "NotFound":
                return None
            raise

    async def list(self, namespace: str = "") -> list[Object]:
        result = await self.store.list(self._ctx(namespace), ListOptions())
        return list(result["items"])

    async def create(self, obj: Object) -> Object:
        obj = meta.deep_copy(obj)
        obj.setdefault("apiVersion", self.spec.api_version)
        obj.setdefault("kind", self.spec.kind)
        self.spec.strategy.default(obj)
        namespace = obj.get("metadata", {}).get("namespace") or ""
        return await self.store.create(self._ctx(namespace), obj, None, CreateOptions())

    async def update(self, obj: Object) -> Object:
        """Replace the object; its resourceVersion must still be current (else Conflict)."""
        obj = meta.deep_copy(obj)
        self.spec.strategy.default(obj)
        namespace = obj.get("metadata", {}).get("namespace") or ""
        out, _ = await self.store.update(self._ctx(namespace), meta.name(obj), _Replace(obj), None, None, False,
                                         UpdateOptions())
        return out

    async def delete(self, name: str, namespace: str = "", uid: str | None = None) -> None:
        await self.store.delete(self._ctx(namespace), name, None, DeleteOptions(uid_precondition=uid))
