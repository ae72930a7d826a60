"""The ordered admission chain (upstream admission.chainAdmissionHandler).

Plugins run in the order of `--enable-admission-plugins` resolved against upstream's
recommended order; all mutating plugins run before any validating one.
"""

from __future__ import annotations

from collections.abc import Sequence

from .interfaces import Attributes, MutationInterface, Operation, ValidationInterface


class Chain:
    def __init__(self, plugins: Sequence[object]):
        self.plugins = tuple(plugins)
        self._mutating = [p for p in plugins if isinstance(p, MutationInterface)]
        self._validating = [p for p in plugins if isinstance(p, ValidationInterface)]

    def handles(self, operation: Operation) -> bool:
        return any(p.handles(operation) for p in self.plugins if hasattr(p, "handles"))

    async def admit(self, attrs: Attributes) -> None:
        for plugin in self._mutating:
            if plugin.handles(attrs.operation):
                await plugin.admit(attrs)

    async def validate(self, attrs: Attributes) -> None:
        for plugin in self._validating:
            if plugin.handles(attrs.operation):
                await plugin.validate(attrs)


EMPTY = Chain(())
