"""CronJob schedules as upstream checks them (robfig/cron v3 `ParseStandard`, Go's
`time.LoadLocation` and `time.ParseDuration`), reduced to what validation needs: whether a
schedule parses, and the exact error text when it does not.

A standard schedule is five fields (minute, hour, day of month, month, day of week), or a
descriptor (`@hourly`, `@every 1h30m`, ...), optionally after `TZ=<zone> ` or
`CRON_TZ=<zone> `. Each field is a comma-separated list of `*`, `?`, a number or a name,
ranges `a-b` and steps `/n`.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass

_DESCRIPTORS = frozenset({"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"})
_EVERY = "@every "
_MONTHS = {name: i for i, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_DAYS = {name: i for i, name in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}


@dataclass(frozen=True, slots=True)
class _Bounds:
    low: int
    high: int
    names: dict[str, int] | None = None


# The standard parser's fields, after the implied "0" seconds field.
_FIELDS = (_Bounds(0, 59), _Bounds(0, 59), _Bounds(0, 23), _Bounds(1, 31), _Bounds(1, 12, _MONTHS),
           _Bounds(0, 6, _DAYS))


class CronError(ValueError):
    """A schedule robfig/cron refuses; str() is its error text."""


def _go_fields(fields: list[str]) -> str:
    return "[" + " ".join(fields) + "]"


def _go_atoi(text: str) -> int:
    """strconv.Atoi, with its error text."""
    if re.fullmatch(r"[+-]?\d+", text) is None:
        raise CronError(f'strconv.Atoi: parsing "{text}": invalid syntax')
    number = int(text)
    if not -(2**63) <= number < 2**63:
        raise CronError(f'strconv.Atoi: parsing "{text}": value out of range')
    return number


def _must_parse_int(expr: str) -> int:
    try:
        number = _go_atoi(expr)
    except CronError as exc:
        raise CronError(f"failed to parse int from {expr}: {exc}") from None
    if number < 0:
        raise CronError(f"negative number ({number}) not allowed: {expr}")
    return number


def _int_or_name(expr: str, names: dict[str, int] | None) -> int:
    if names is not None and expr.lower() in names:
        return names[expr.lower()]
    return _must_parse_int(expr)


def _check_range(expr: str, bounds: _Bounds) -> None:
    range_and_step = expr.split("/")
    low_and_high = range_and_step[0].split("-")
    if low_and_high[0] in ("*", "?"):
        start, end = bounds.low, bounds.high
    else:
        start = _int_or_name(low_and_high[0], bounds.names)
        if len(low_and_high) == 1:
            end = start
        elif len(low_and_high) == 2:
            end = _int_or_name(low_and_high[1], bounds.names)
        else:
            raise CronError(f"too many hyphens: {expr}")
    step = 1
    if len(range_and_step) == 2:
        step = _must_parse_int(range_and_step[1])
        if len(low_and_high) == 1:
            end = bounds.high
    elif len(range_and_step) > 2:
        raise CronError(f"too many slashes: {expr}")
    if start < bounds.low:
        raise CronError(f"beginning of range ({start}) below minimum ({bounds.low}): {expr}")
    if end > bounds.high:
        raise CronError(f"end of range ({end}) above maximum ({bounds.high}): {expr}")
    if start > end:
        raise CronError(f"beginning of range ({start}) beyond end of range ({end}): {expr}")
    if step == 0:
        raise CronError(f"step of range should be a positive number: {expr}")


def _check_descriptor(spec: str) -> None:
    if spec in _DESCRIPTORS:
        return
    if spec.startswith(_EVERY):
        try:
            parse_go_duration(spec[len(_EVERY):])
        except ValueError as exc:
            raise CronError(f"failed to parse duration {spec}: {exc}") from None
        return
    raise CronError(f"unrecognized descriptor: {spec}")


def parse_standard(spec: str) -> None:
    """Raise CronError with robfig/cron's message when `spec` is not a standard schedule."""
    if not spec:
        raise CronError("empty spec string")
    if spec.startswith(("TZ=", "CRON_TZ=")):
        space, equals = spec.find(" "), spec.find("=")
        zone = spec[equals + 1:space] if space > equals else spec[equals + 1:]
        problem = load_location_error(zone)
        if problem is not None:
            raise CronError(f"provided bad location {zone}: {problem}")
        spec = spec[space:].strip() if space >= 0 else ""
    if spec.startswith("@"):
        _check_descriptor(spec)
        return
    fields = spec.split()
    if len(fields) != 5:
        raise CronError(f"expected exactly 5 fields, found {len(fields)}: {_go_fields(fields)}")
    for text, bounds in zip(["0", *fields], _FIELDS, strict=True):
        for expr in (part for part in text.split(",") if part):
            _check_range(expr, bounds)


def load_location_error(name: str) -> str | None:
    """Why Go's time.LoadLocation refuses `name` (with the embedded tz database), or None."""
    if name in ("", "UTC", "Local"):
        return None
    if ".." in name or name.startswith("/") or "\\" in name:
        return "time: invalid location name"
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return f"unknown time zone {name}"
    return None


_UNITS = {"ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000, "s": 10**9, "m": 60 * 10**9,
          "h": 3600 * 10**9}


def parse_go_duration(text: str) -> int:
    """Go's time.ParseDuration in nanoseconds; ValueError carries Go's message."""
    quoted = '"' + text + '"'
    body = text[1:] if text[:1] in "+-" else text
    if body == "0":
        return 0
    if not body:
        raise ValueError(f"time: invalid duration {quoted}")
    total = 0
    pos = 0
    while pos < len(body):
        number = re.match(r"(\d*)(?:\.(\d*))?", body[pos:])
        assert number is not None
        if not number.group(1) and not number.group(2):
            raise ValueError(f"time: invalid duration {quoted}")
        pos += number.end()
        unit_match = re.match(r"[^\d.]*", body[pos:])
        unit = unit_match.group(0) if unit_match else ""
        if not unit:
            raise ValueError(f"time: missing unit in duration {quoted}")
        if unit not in _UNITS:
            raise ValueError(f'time: unknown unit "{unit}" in duration {quoted}')
        pos += len(unit)
        scale = _UNITS[unit]
        total += int(number.group(1) or 0) * scale
        if number.group(2):
            total += int(number.group(2)) * scale // 10 ** len(number.group(2))
        if total >= 2**63:
            raise ValueError(f"time: invalid duration {quoted}")
    return -total if text.startswith("-") else total
