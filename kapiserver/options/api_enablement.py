"""API enablement flags (upstream APIEnablementOptions): `--runtime-config`."""

from __future__ import annotations

from .base import FlagSet
from .flags import Flag, parse_bool


class APIEnablementOptions(FlagSet):
    title = "API enablement"
    flags = (
        Flag("runtime-config", "map", {}, "A set of key=value pairs that enable or disable built-in APIs. "
             "Supported options are:\nv1=true|false for the core API group\n<group>/<version>=true|false for a "
             "specific API group and version (e.g. apps/v1=true)\napi/all=true|false controls all API versions\n"
             "api/ga=true|false controls all API versions of the form v[0-9]+\napi/beta=true|false controls all "
             "API versions of the form v[0-9]+beta[0-9]+\napi/alpha=true|false controls all API versions of the "
             "form v[0-9]+alpha[0-9]+\napi/legacy is deprecated, and will be removed in a future version",
             repeatable=True),
        Flag("runtime-config-emulation-forward-compatible", "bool", False, "If true, for any beta+ APIs enabled "
             "by default or by --runtime-config at the emulation version, their future versions with higher "
             "priority/stability will be auto enabled even if they introduced after the emulation version.",
             support="harmless"),
    )

    def validate(self) -> list[str]:
        problems = super().validate()
        for key, value in self["runtime_config"].items():
            try:
                parse_bool(value)
            except ValueError:
                problems.append(f"invalid value of {key}: {value}, err: strconv.ParseBool: parsing "
                                f"\"{value}\": invalid syntax")
            if key.count("/") > 1 or not key:
                problems.append(f"invalid key {key}")
        return problems
