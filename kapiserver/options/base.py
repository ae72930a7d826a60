"""The shape every flag set shares: declared flags, then complete() and validate()."""

from __future__ import annotations

from typing import Any, ClassVar

from .flags import Flag


class FlagSet:
    """A named group of flags (upstream's NamedFlagSets entry), holding their parsed values."""

    title: ClassVar[str] = ""
    flags: ClassVar[tuple[Flag, ...]] = ()

    def __init__(self) -> None:
        self.values: dict[str, Any] = {f.dest: f.default for f in self.flags}
        self.explicit: set[str] = set()

    def load(self, values: dict[str, Any], explicit: set[str]) -> None:
        for flag in self.flags:
            self.values[flag.dest] = values[flag.dest]
            if flag.dest in explicit:
                self.explicit.add(flag.dest)

    def __getitem__(self, dest: str) -> Any:
        return self.values[dest]

    def __setitem__(self, dest: str, value: Any) -> None:
        self.values[dest] = value

    def is_set(self, dest: str) -> bool:
        return dest in self.explicit

    def complete(self) -> None:
        """Fill defaults that depend on other flags."""

    def validate(self) -> list[str]:
        """Every problem, so the user sees them all at once; unsupported flags among them."""
        problems = []
        for flag in self.flags:
            if flag.support == "no" and flag.dest in self.explicit and self.values[flag.dest] != flag.default:
                problems.append(f"--{flag.name} is not supported by kapiserver yet")
        return problems
