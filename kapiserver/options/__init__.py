"""ServerRunOptions: kube-apiserver's named flag sets, in upstream's order (cmd/kube-apiserver/app/options).

cli.main parses argv into them, calls complete() on each, then gathers every flag set's
validate() problems and reports them all at once.
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Sequence

from .admission import AdmissionOptions
from .api_enablement import APIEnablementOptions
from .audit import AuditOptions
from .authentication import AuthenticationOptions
from .authorization import AuthorizationOptions
from .base import FlagSet
from .features import FeatureOptions
from .flags import Flag, format_flag_help, parse_args
from .generic import GenericOptions
from .misc import MiscOptions
from .serving import SecureServingOptions
from .storage import StorageOptions

DESCRIPTION = """The Kubernetes API server validates and configures data
for the api objects which include pods, services, replicationcontrollers, and
others. The API Server services REST operations and provides the frontend to the
cluster's shared state through which all other components interact.

kapiserver serves the API of kube-apiserver v1.35 from one Python process, on an
embedded SQLite store by default."""


class ServerRunOptions:
    def __init__(self) -> None:
        self.generic = GenericOptions()
        self.storage = StorageOptions()
        self.serving = SecureServingOptions()
        self.audit = AuditOptions()
        self.features = FeatureOptions()
        self.authentication = AuthenticationOptions()
        self.authorization = AuthorizationOptions()
        self.api_enablement = APIEnablementOptions()
        self.admission = AdmissionOptions()
        self.misc = MiscOptions()
        self.help_requested = False
        self.parse_errors: list[str] = []

    @property
    def flag_sets(self) -> tuple[FlagSet, ...]:
        return (self.generic, self.storage, self.serving, self.audit, self.features, self.authentication,
                self.authorization, self.api_enablement, self.admission, self.misc)

    def all_flags(self) -> list[Flag]:
        return [flag for flag_set in self.flag_sets for flag in flag_set.flags]

    def parse(self, argv: Sequence[str]) -> None:
        parsed = parse_args(argv, self.all_flags())
        self.help_requested = parsed.help
        self.parse_errors = parsed.errors
        for flag_set in self.flag_sets:
            flag_set.load(parsed.values, parsed.explicit)

    def complete(self) -> None:
        for flag_set in self.flag_sets:
            flag_set.complete()

    def validate(self) -> list[str]:
        return list(self.parse_errors) + [p for flag_set in self.flag_sets for p in flag_set.validate()]

    def help_text(self) -> str:
        width = min(shutil.get_terminal_size((120, 20)).columns, 160)
        lines = [DESCRIPTION, "", "Usage:", "  kapiserver [flags]", ""]
        sections = [(f.title, f.flags) for f in self.flag_sets]
        sections.append(("Global", (Flag("help", "bool", False, "help for kapiserver", shorthand="h"),)))
        for title, flags in sections:
            lines.append(f"{title} flags:")
            lines.append("")
            entries = [format_flag_help(flag) for flag in sorted(flags, key=lambda f: f.name)]
            column = min(max(len(head) for head, _ in entries) + 8, 50)
            for head, text in entries:
                prefix = f"  {head}".ljust(column)
                wrapped = textwrap.wrap(text, max(width - column, 40)) or [""]
                if len(prefix) > column:
                    lines.append(prefix.rstrip())
                    lines.extend(" " * column + part for part in wrapped)
                else:
                    lines.append(prefix + wrapped[0])
                    lines.extend(" " * column + part for part in wrapped[1:])
            lines.append("")
        return "\n".join(lines)
