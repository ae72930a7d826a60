"""Admission attributes and plugin interfaces (upstream admission.Attributes, MutationInterface,
ValidationInterface)."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from kapiserver.apimachinery.schema import GroupVersionKind, GroupVersionResource
from kapiserver.apimachinery.types import Object
from kapiserver.apimachinery.user import UserInfo


class Operation(enum.Enum):
    CREATE = "CREATE"
    UPDATE = "UPDATE"
    DELETE = "DELETE"
    CONNECT = "CONNECT"


@dataclass(slots=True)
class Attributes:
    """Everything a plugin may look at; `obj` is the object being written and may be mutated
    in the mutating phase only."""

    operation: Operation
    kind: GroupVersionKind
    resource: GroupVersionResource
    subresource: str
    namespace: str
    name: str
    obj: Object | None
    old_obj: Object | None
    user: UserInfo
    dry_run: bool = False
    options: Object | None = None
    annotations: dict[str, str] = field(default_factory=dict)
    # Where warnings for the client go (the request's Warning headers); None drops them.
    add_warning: Callable[[str], None] | None = None
    # The scheme's defaulting for `obj`'s kind: mutating webhooks re-default what they patch.
    defaulter: Callable[[Object], None] | None = None

    def warn(self, message: str) -> None:
        if self.add_warning is not None:
            self.add_warning(message)


@runtime_checkable
class MutationInterface(Protocol):
    def handles(self, operation: Operation) -> bool: ...

    async def admit(self, attrs: Attributes) -> None:
        """May change attrs.obj; raise StatusError to refuse."""


@runtime_checkable
class ValidationInterface(Protocol):
    def handles(self, operation: Operation) -> bool: ...

    async def validate(self, attrs: Attributes) -> None:
        """Must not change anything; raise StatusError to refuse."""
