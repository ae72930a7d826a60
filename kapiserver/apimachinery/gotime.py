"""Go's time.Parse for the two layouts the API's timestamps use (metav1.Time: time.RFC3339;
metav1.MicroTime: RFC3339Micro), with the same acceptance and the same error text.

The error text reaches clients inside a 400 ("Lease in version "v1" cannot be handled as a
Lease: parsing time ..."), so it follows Go's ParseError: which element of the layout could
not be read, and what was left of the value at that point. The quirks are Go's and are kept:
a one-digit hour is read, a comma may stand for the decimal point, RFC3339 takes a fraction of
any length after the seconds while RFC3339Micro wants exactly six digits, and zone offsets up
to 24:60 pass. Only these two layouts are supported; the chunk table below is what Go's
nextStdChunk makes of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

RFC3339 = "2006-01-02T15:04:05Z07:00"
RFC3339_MICRO = "2006-01-02T15:04:05.000000Z07:00"


class ParseError(ValueError):
    """time.ParseError; str() is Go's Error()."""


@dataclass(slots=True)
class _Parsed:
    layout: str
    year: int = 0
    month: int = 1
    day: int = 1
    hour: int = 0
    minute: int = 0
    second: int = 0
    nanos: int = 0
    offset: int = 0  # seconds east of UTC
    problems: list[str] = field(default_factory=list)


# A step reads one layout element from the value: (rest, range error or "", ok).
Step = Callable[[str, _Parsed], tuple[str, str, bool]]


def quote(text: str) -> str:
    """time's quote(): double quotes; control and non-ASCII bytes as \\xNN, '"' and '\\' escaped."""
    out = ['"']
    for char in text:
        if char < " " or char >= "\x80":
            out.extend(f"\\x{byte:02x}" for byte in char.encode("utf-8", "surrogatepass"))
        else:
            out.append("\\" + char if char in '"\\' else char)
    out.append('"')
    return "".join(out)


def _is_digit(text: str, i: int) -> bool:
    return i < len(text) and "0" <= text[i] <= "9"


def _getnum(text: str, fixed: bool) -> tuple[int, str, bool]:
    """One or two digits (two when fixed)."""
    if not _is_digit(text, 0):
        return 0, text, False
    if not _is_digit(text, 1):
        if fixed:
            return 0, text, False
        return int(text[0]), text[1:], True
    return int(text[:2]), text[2:], True


def _atoi(text: str) -> int | None:
    """time's atoi: an optional sign, then digits only (nothing else, possibly none)."""
    negative = text[:1] == "-"
    if text[:1] in ("-", "+"):
        text = text[1:]
    if any(not "0" <= c <= "9" for c in text):
        return None
    value = int(text) if text else 0
    return -value if negative else value


def _nanoseconds(text: str, nbytes: int) -> tuple[int, str, bool]:
    """time's parseNanoseconds over text[:nbytes], the separator included."""
    if text[0] not in ".,":
        return 0, "", False
    nbytes = min(nbytes, 10)
    value = _atoi(text[1:nbytes])
    if value is None:
        return 0, "", False
    if value < 0:
        return 0, "fractional second", True
    return value * 10 ** (10 - nbytes), "", True


def _year(text: str, t: _Parsed) -> tuple[str, str, bool]:
    if len(text) < 4 or not _is_digit(text, 0):
        return text, "", False
    value = _atoi(text[:4])
    t.year = value or 0
    return text[4:], "", value is not None


def _month(text: str, t: _Parsed) -> tuple[str, str, bool]:
    t.month, rest, ok = _getnum(text, True)
    return rest, "month" if ok and not 1 <= t.month <= 12 else "", ok


def _day(text: str, t: _Parsed) -> tuple[str, str, bool]:
    t.day, rest, ok = _getnum(text, True)  # checked against the month once all is read
    return rest, "", ok


def _hour(text: str, t: _Parsed) -> tuple[str, str, bool]:
    t.hour, rest, ok = _getnum(text, False)
    return rest, "hour" if t.hour >= 24 else "", ok


def _minute(text: str, t: _Parsed) -> tuple[str, str, bool]:
    t.minute, rest, ok = _getnum(text, True)
    return rest, "minute" if t.minute >= 60 else "", ok


def _second(text: str, t: _Parsed) -> tuple[str, str, bool]:
    t.second, rest, ok = _getnum(text, True)
    if not ok:
        return rest, "", False
    if t.second >= 60:
        return rest, "second", True
    if t.layout == RFC3339 and len(rest) >= 2 and rest[0] in ".," and _is_digit(rest, 1):
        n = 2  # a fraction the layout does not mention: any number of digits
        while _is_digit(rest, n):
            n += 1
        t.nanos, range_error, ok = _nanoseconds(rest, n)
        return rest[n:], range_error, ok
    return rest, "", True


def _fraction(text: str, t: _Parsed) -> tuple[str, str, bool]:
    if len(text) < 7:  # exactly the six digits of the layout, after the separator
        return text, "", False
    t.nanos, range_error, ok = _nanoseconds(text, 7)
    return text[7:], range_error, ok


def _zone(text: str, t: _Parsed) -> tuple[str, str, bool]:
    if text[:1] == "Z":
        return text[1:], "", True
    if len(text) < 6 or text[3] != ":":
        return text, "", False
    sign, rest = text[0], text[6:]
    hours, _, ok = _getnum(text[1:3], True)
    minutes = 0
    if ok:
        minutes, _, ok = _getnum(text[4:6], True)
    range_error = "time zone offset minute" if minutes > 60 else "time zone offset hour" if hours > 24 else ""
    t.offset = (hours * 60 + minutes) * 60 * (-1 if sign == "-" else 1)
    return rest, range_error, ok and sign in "+-"


_DATE_TIME: tuple[tuple[str, str, Step], ...] = (
    ("", "2006", _year), ("-", "01", _month), ("-", "02", _day), ("T", "15", _hour), (":", "04", _minute),
    (":", "05", _second),
)
_CHUNKS = {
    RFC3339: (*_DATE_TIME, ("", "Z07:00", _zone)),
    RFC3339_MICRO: (*_DATE_TIME, ("", ".000000", _fraction), ("", "Z07:00", _zone)),
}


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _days_in(month: int, year: int) -> int:
    if month == 2:
        return 29 if _is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 in the proleptic Gregorian calendar, for any year (0000 included)."""
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


# The canonical UTC forms, as servers and clients write them: read directly when in range.
_CANONICAL = {
    RFC3339: re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?Z\Z", re.ASCII),
    RFC3339_MICRO: re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{6})Z\Z", re.ASCII),
}


def _canonical(layout: str, value: str) -> tuple[int, int] | None:
    match = _CANONICAL[layout].match(value)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.group(1, 2, 3, 4, 5, 6))
    if not (1 <= month <= 12 and 1 <= day <= _days_in(month, year) and hour < 24 and minute < 60 and second < 60):
        return None
    fraction = match.group(7)
    nanos = int(fraction[:9].ljust(9, "0")) if fraction else 0
    return _days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second, nanos


def parse(layout: str, value: str) -> tuple[int, int]:
    """time.Parse(layout, value) -> (Unix seconds, nanoseconds); raises ParseError."""
    fast = _canonical(layout, value)
    if fast is not None:
        return fast
    t = _Parsed(layout)
    rest = value
    for prefix, element, step in _CHUNKS[layout]:
        if not rest.startswith(prefix):
            raise ParseError(f"parsing time {quote(value)} as {quote(layout)}: cannot parse {quote(rest)} as "
                             f"{quote(prefix)}")
        rest = rest[len(prefix):]
        hold = rest
        rest, range_error, ok = step(rest, t)
        if range_error:
            raise ParseError(f"parsing time {quote(value)}: {range_error} out of range")
        if not ok:
            raise ParseError(f"parsing time {quote(value)} as {quote(layout)}: cannot parse {quote(hold)} as "
                             f"{quote(element)}")
    if rest:
        raise ParseError(f"parsing time {quote(value)}: extra text: {quote(rest)}")
    if not 1 <= t.day <= _days_in(t.month, t.year):
        raise ParseError(f"parsing time {quote(value)}: day out of range")
    days = _days_from_civil(t.year, t.month, t.day)
    return days * 86400 + t.hour * 3600 + t.minute * 60 + t.second - t.offset, t.nanos
