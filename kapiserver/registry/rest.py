"""Capabilities a REST storage may offer, and the options every verb takes (upstream pkg/registry/rest).

The installer probes these Protocols once (`isinstance`) to decide which verbs a
resource serves; handlers then call straight through.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from kapiserver.apimachinery.types import Object
from kapiserver.apimachinery.user import UserInfo
from kapiserver.storage.interface import WatchEvent

DRY_RUN_ALL = "All"


@dataclass(slots=True)
class RequestContext:
    """What a verb knows about its request (upstream's request context values)."""

    namespace: str = ""
    user: UserInfo = field(default_factory=lambda: UserInfo("system:apiserver", groups=("system:masters",)))
    verb: str = ""
    resource: str = ""
    subresource: str = ""
    api_group: str = ""
    api_version: str = ""
    name: str = ""
    # Warnings for the client (upstream warning.AddWarning), sent as `Warning:` headers.
    warnings: list[str] = field(default_factory=list)
    # Annotations for the audit event of this request.
    audit_annotations: dict[str, str] = field(default_factory=dict)

    def add_warning(self, message: str) -> None:
        if message and message not in self.warnings:
            self.warnings.append(message)


@dataclass(frozen=True, slots=True)
class GetOptions:
    resource_version: str = ""


@dataclass(frozen=True, slots=True)
class ListOptions:
    """metav1.ListOptions, parsed; selectors are kept as text and parsed by the store."""

    label_selector: str = ""
    field_selector: str = ""
    resource_version: str = ""
    resource_version_match: str = ""
    limit: int = 0
    continue_token: str = ""
    timeout_seconds: int | None = None
    allow_watch_bookmarks: bool = False
    send_initial_events: bool | None = None
    watch: bool = False


@dataclass(frozen=True, slots=True)
class CreateOptions:
    dry_run: tuple[str, ...] = ()
    field_manager: str = ""
    field_validation: str = ""

    @property
    def is_dry_run(self) -> bool:
        return DRY_RUN_ALL in self.dry_run


@dataclass(frozen=True, slots=True)
class UpdateOptions:
    dry_run: tuple[str, ...] = ()
    field_manager: str = ""
    field_validation: str = ""

    @property
    def is_dry_run(self) -> bool:
        return DRY_RUN_ALL in self.dry_run


@dataclass(frozen=True, slots=True)
class DeleteOptions:
    """metav1.DeleteOptions, as decoded from the body and the query."""

    grace_period_seconds: int | None = None
    uid_precondition: str | None = None
    resource_version_precondition: str | None = None
    orphan_dependents: bool | None = None
    propagation_policy: str | None = None
    dry_run: tuple[str, ...] = ()
    ignore_store_read_error_with_cluster_breaking_potential: bool | None = None

    @property
    def is_dry_run(self) -> bool:
        return DRY_RUN_ALL in self.dry_run


# Admission's validating phase, handed to the store as plain callables (upstream
# rest.ValidateObjectFunc / ValidateObjectUpdateFunc): raise StatusError to refuse.
ValidateObjectFunc = Callable[[RequestContext, Object], Awaitable[None]]
ValidateObjectUpdateFunc = Callable[[RequestContext, Object, Object], Awaitable[None]]


class UpdatedObjectInfo(Protocol):
    """How an update computes the new object from the current one (upstream rest.UpdatedObjectInfo).

    PUT returns its body; PATCH applies the patch to whatever is current, so a retried
    write re-applies the patch to fresh data.
    """

    def preconditions(self) -> tuple[str | None, str | None]:
        """(uid, resourceVersion) the current object must have, if any."""

    async def updated_object(self, ctx: RequestContext, old: Object | None) -> Object:
        """The object to store; `old` is shared and must not be mutated."""


@runtime_checkable
class Getter(Protocol):
    async def get(self, ctx: RequestContext, name: str, options: GetOptions) -> Object: ...


@runtime_checkable
class Lister(Protocol):
    async def list(self, ctx: RequestContext, options: ListOptions) -> Object: ...

    def convert_to_table(self, ctx: RequestContext, obj: Object, include_object: str) -> Object: ...


@runtime_checkable
class Creater(Protocol):
    async def create(
        self, ctx: RequestContext, obj: Object, create_validation: ValidateObjectFunc | None, options: CreateOptions
    ) -> Object: ...


@runtime_checkable
class Updater(Protocol):
    async def update(
        self,
        ctx: RequestContext,
        name: str,
        obj_info: UpdatedObjectInfo,
        create_validation: ValidateObjectFunc | None,
        update_validation: ValidateObjectUpdateFunc | None,
        force_allow_create: bool,
        options: UpdateOptions,
    ) -> tuple[Object, bool]: ...


@runtime_checkable
class GracefulDeleter(Protocol):
    async def delete(
        self, ctx: RequestContext, name: str, delete_validation: ValidateObjectFunc | None, options: DeleteOptions
    ) -> tuple[Object, bool]: ...


@runtime_checkable
class CollectionDeleter(Protocol):
    async def delete_collection(
        self,
        ctx: RequestContext,
        delete_validation: ValidateObjectFunc | None,
        options: DeleteOptions,
        list_options: ListOptions,
    ) -> Object: ...


@runtime_checkable
class Watcher(Protocol):
    def watch(self, ctx: RequestContext, options: ListOptions) -> AsyncIterator[WatchEvent]: ...


@runtime_checkable
class Connecter(Protocol):
    """Subresources that proxy a connection to a node (pods/exec, pods/attach, nodes/proxy ...).

    `connect_methods` are HTTP methods (GET, POST, ...), as upstream's ConnectMethods().
    """

    connect_methods: tuple[str, ...]

    async def connect(self, ctx: RequestContext, name: str, options: dict[str, Any]) -> Object: ...


@runtime_checkable
class TableConvertor(Protocol):
    def convert_to_table(self, ctx: RequestContext, obj: Object, include_object: str) -> Object: ...
