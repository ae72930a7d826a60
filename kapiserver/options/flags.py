"""A small pflag-compatible flag machinery: declarations, value parsers, parsing, help.

Upstream's flags are pflag flags: `--name=value`, `--name value`, bare `--bool`,
repeated slice flags that accumulate, and comma lists. Each flag set declares its flags
as data (`Flag`); whether kapiserver implements a flag is part of the declaration, so
validation can refuse a flag that would silently do nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Support = Literal["yes", "harmless", "no"]


class FlagError(ValueError):
    pass


_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_duration(text: str) -> float:
    """Go's time.ParseDuration, in seconds."""
    value = text.strip()
    if value in ("0", ""):
        return 0.0
    sign = -1.0 if value.startswith("-") else 1.0
    value = value.lstrip("+-")
    pos = 0
    total = 0.0
    for match in _DURATION_PART.finditer(value):
        if match.start() != pos:
            break
        total += float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        pos = match.end()
    if pos != len(value) or pos == 0:
        raise FlagError(f'time: invalid duration "{text}"')
    return sign * total


def format_duration(seconds: float) -> str:
    """Go's Duration.String for whole seconds and up ("1m0s", "5m0s", "1h0m0s", "0s")."""
    if seconds == 0:
        return "0s"
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes}m{secs}s"
    if minutes:
        return f"{minutes}m{secs}s"
    return f"{secs}s"


def parse_bool(text: str) -> bool:
    if text in ("1", "t", "T", "true", "TRUE", "True"):
        return True
    if text in ("0", "f", "F", "false", "FALSE", "False"):
        return False
    raise FlagError(f'strconv.ParseBool: parsing "{text}": invalid syntax')


def parse_int(text: str) -> int:
    try:
        return int(text, 10)
    except ValueError:
        raise FlagError(f'strconv.ParseInt: parsing "{text}": invalid syntax') from None


def parse_string_slice(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()] if text else []


def parse_map(text: str) -> dict[str, str]:
    """`k=v,k2=v2` (mapStringString / runtime-config); a bare key means "true"."""
    out: dict[str, str] = {}
    for part in parse_string_slice(text):
        key, sep, value = part.partition("=")
        out[key.strip()] = value.strip() if sep else "true"
    return out


@dataclass(frozen=True)
class Flag:
    """One flag: its upstream name, value type, default and help, and whether it works here."""

    name: str
    kind: Literal["string", "int", "bool", "duration", "strings", "map", "float"]
    default: Any
    help: str
    support: Support = "yes"
    type_name: str = ""
    shorthand: str = ""
    # Accumulate repeated uses (pflag stringSlice/stringArray) instead of replacing.
    repeatable: bool = False

    @property
    def dest(self) -> str:
        return self.name.replace("-", "_")

    def parse(self, text: str) -> Any:
        if self.kind == "int":
            return parse_int(text)
        if self.kind == "float":
            try:
                return float(text)
            except ValueError:
                raise FlagError(f'strconv.ParseFloat: parsing "{text}": invalid syntax') from None
        if self.kind == "bool":
            return parse_bool(text)
        if self.kind == "duration":
            return parse_duration(text)
        if self.kind == "strings":
            return parse_string_slice(text)
        if self.kind == "map":
            return parse_map(text)
        return text

    def default_text(self) -> str:
        if self.kind == "duration":
            return format_duration(self.default)
        if self.kind == "strings":
            return "[" + ",".join(self.default) + "]" if self.default else ""
        if self.kind == "map":
            return ",".join(f"{k}={v}" for k, v in self.default.items()) if self.default else ""
        if self.kind == "bool":
            return "true" if self.default else ""
        return str(self.default) if self.default not in ("", None) else ""


@dataclass
class ParsedFlags:
    values: dict[str, Any] = field(default_factory=dict)
    explicit: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)
    help: bool = False
    version: str | None = None


def parse_args(argv: Sequence[str], flags: Sequence[Flag]) -> ParsedFlags:
    by_name = {f.name: f for f in flags}
    by_short = {f.shorthand: f for f in flags if f.shorthand}
    parsed = ParsedFlags({f.dest: _copy_default(f.default) for f in flags})
    args = list(argv)
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg in ("-h", "--help"):
            parsed.help = True
            continue
        if not arg.startswith("-") or arg == "-":
            parsed.errors.append(f'unexpected argument "{arg}"')
            continue
        if arg == "--":
            parsed.errors.extend(f'unexpected argument "{rest}"' for rest in args[i:])
            break
        body = arg.lstrip("-")
        name, has_value, value = body.partition("=")
        flag = by_name.get(name) if arg.startswith("--") else by_short.get(name)
        if flag is None:
            parsed.errors.append(f"unknown flag: {arg.split('=', 1)[0]}")
            continue
        if not has_value:
            if flag.kind == "bool":
                value = "true"
            elif i < len(args):
                value = args[i]
                i += 1
            else:
                parsed.errors.append(f"flag needs an argument: {arg}")
                continue
        try:
            parsed_value = flag.parse(value)
        except FlagError as exc:
            parsed.errors.append(f'invalid argument "{value}" for "--{flag.name}" flag: {exc}')
            continue
        if flag.repeatable and flag.dest in parsed.explicit:
            if flag.kind == "map":
                parsed.values[flag.dest].update(parsed_value)
            else:
                parsed.values[flag.dest].extend(parsed_value)
        else:
            parsed.values[flag.dest] = parsed_value
        parsed.explicit.add(flag.dest)
    return parsed


def _copy_default(value: Any) -> Any:
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return value


def format_flag_help(flag: Flag) -> tuple[str, str]:
    type_name = flag.type_name or {"string": "string", "int": "int", "bool": "", "duration": "duration",
                                   "strings": "strings", "map": "mapStringString", "float": "float"}[flag.kind]
    head = f"-{flag.shorthand}, --{flag.name}" if flag.shorthand else f"    --{flag.name}"
    if type_name:
        head += f" {type_name}"
    text = flag.help
    default = flag.default_text()
    if default and flag.kind != "bool":
        text += f' (default "{default}")' if flag.kind == "string" else f" (default {default})"
    elif flag.kind == "bool" and flag.default:
        text += " (default true)"
    if flag.support == "no":
        text += " [not supported by kapiserver yet]"
    return head, text


ValidateFunc = Callable[[dict[str, Any]], list[str]]
