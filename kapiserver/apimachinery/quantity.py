"""Resource quantities: "500m", "1.5Gi", "2e3" (upstream apimachinery/pkg/api/resource).

A quantity is kept as an exact decimal (`mantissa * 10**exponent`) plus the two things
upstream's Quantity carries that reach clients: its format (DecimalSI, BinarySI or
DecimalExponent) and, when the input was already canonical, the very string it was parsed
from. Parsing follows ParseQuantity step by step, because its corner cases are visible:
"1000m" prints as "1", "1.5Gi" as "1536Mi", "0.1Ki" as "102400m", "+1Gi" stays "+1Gi",
values finer than a nano are rounded up, and the error messages are upstream's.

Upstream stores a parsed value either as an int64 amount or as an arbitrary-precision
decimal; `int64_form` remembers which, because arithmetic on quantities (adding usage,
negating) keeps the int64 form only while both operands have it, as upstream's does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

DECIMAL_SI = "DecimalSI"
BINARY_SI = "BinarySI"
DECIMAL_EXPONENT = "DecimalExponent"

ERR_FORMAT_WRONG = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
ERR_NUMERIC = "unable to parse numeric part of quantity"
ERR_SUFFIX = "unable to parse quantity's suffix"

NANO = -9
MILLI = -3
_MAX_INT64 = 2**63 - 1
_MAX_INT64_FACTORS = 18
_DECIMAL_SUFFIXES = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_BINARY_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL_BY_EXPONENT = {exp: suffix for suffix, exp in _DECIMAL_SUFFIXES.items()}
_BINARY_BY_EXPONENT = {exp: suffix for suffix, exp in _BINARY_SUFFIXES.items()}
_SUFFIX_CHARS = frozenset("eEinumkKMGTP")


def _pow10(n: int) -> int:
    """10**n for n >= 0, typed as the int it is."""
    return int(10**n)


class QuantityError(ValueError):
    """A string that is not a quantity; str() is upstream's error text."""


@dataclass(frozen=True, slots=True)
class Quantity:
    """An exact quantity: mantissa * 10**exponent, in a format."""

    mantissa: int
    exponent: int
    format: str = DECIMAL_SI
    # The input string, kept when it already was canonical (upstream's cached `s`).
    cached: str = ""
    # (value, scale) when upstream holds this as an int64Amount; None for its inf.Dec form.
    int64_form: tuple[int, int] | None = (0, 0)

    def __str__(self) -> str:
        return canonical(self)

    def sign(self) -> int:
        return (self.mantissa > 0) - (self.mantissa < 0)

    def is_zero(self) -> bool:
        return self.mantissa == 0


ZERO = Quantity(0, 0, DECIMAL_SI, "", (0, 0))


# --- parsing ---------------------------------------------------------------------------------


def _parse_string(text: str) -> tuple[bool, str, str, str, str]:
    """upstream parseQuantityString: (positive, value, numerator, denominator, suffix)."""
    positive = True
    pos = 0
    end = len(text)
    if pos < end and text[0] in "+-":
        positive = text[0] == "+"
        pos += 1
    while pos < end and text[pos] == "0":
        pos += 1
    if pos >= end:
        return positive, "0", "0", "", ""
    start = pos
    while pos < end and text[pos].isascii() and text[pos].isdigit():
        pos += 1
    if pos >= end:
        return positive, text, text[start:], "", ""
    num = text[start:pos] or "0"
    denom = ""
    if text[pos] == ".":
        pos += 1
        start = pos
        while pos < end and text[pos].isascii() and text[pos].isdigit():
            pos += 1
        denom = text[start:pos]
        if pos >= end:
            return positive, text, num, denom, ""
    value = text[:pos]
    suffix_start = pos
    while pos < end and text[pos] in _SUFFIX_CHARS:
        pos += 1
    if pos < end and text[pos] in "+-":
        pos += 1
    while pos < end:
        if not (text[pos].isascii() and text[pos].isdigit()):
            raise QuantityError(ERR_FORMAT_WRONG)
        pos += 1
    return positive, value, num, denom, text[suffix_start:]


def _interpret(suffix: str) -> tuple[int, int, str] | None:
    """(base, exponent, format) of a suffix, or None when it is not one."""
    if suffix in _DECIMAL_SUFFIXES:
        return 10, _DECIMAL_SUFFIXES[suffix], DECIMAL_SI
    if suffix in _BINARY_SUFFIXES:
        return 2, _BINARY_SUFFIXES[suffix], BINARY_SI
    if len(suffix) > 1 and suffix[0] in "eE":
        digits = suffix[1:]
        body = digits[1:] if digits[:1] in ("+", "-") else digits
        if body and body.isascii() and body.isdigit():
            exponent = int(digits)
            if -(2**31) <= exponent < 2**31:
                return 10, exponent, DECIMAL_EXPONENT
    return None


def parse_quantity(text: str) -> Quantity:
    """upstream ParseQuantity; raises QuantityError with upstream's message."""
    if not text:
        raise QuantityError(ERR_FORMAT_WRONG)
    if text == "0":
        return Quantity(0, 0, DECIMAL_SI, "0", (0, 0))
    positive, value, num, denom, suffix = _parse_string(text)
    interpreted = _interpret(suffix)
    if interpreted is None:
        raise QuantityError(ERR_SUFFIX)
    base, exponent, fmt = interpreted
    fast = _parse_int64(text, positive, num, denom, base, exponent, fmt)
    if fast is not None:
        return fast
    return _parse_decimal(value, base, exponent, fmt)


def _parse_int64(text: str, positive: bool, num: str, denom: str, base: int, exponent: int,
                 fmt: str) -> Quantity | None:
    """upstream's int64Amount fast path; None when the value needs the decimal path."""
    multiplier = 1
    if fmt in (DECIMAL_EXPONENT, DECIMAL_SI):
        scale = exponent
        precision = _MAX_INT64_FACTORS - (len(num) + len(denom))
    elif exponent >= 0 and not denom:
        scale = 0
        multiplier = 1 << exponent
        precision = 15 - len(num) - int(exponent * 3 / 10) - 1
    else:
        return None
    if precision < 0:
        return None
    scale -= len(denom)
    if scale < NANO:
        return None
    shifted = num + denom
    number = int(shifted)
    if number > _MAX_INT64:
        raise QuantityError(ERR_NUMERIC)
    result = number * multiplier
    if result > _MAX_INT64:
        return None
    if not positive:
        result = -result
    cached = ""
    if fmt == BINARY_SI:
        if exponent % 10 == 0 and number & 0x07 != 0:
            cached = text
    elif scale % 3 == 0 and not shifted.endswith("000") and shifted[0] != "0":
        cached = text
    return Quantity(result, scale, fmt, cached, (result, scale))


def _decimal_digits(value: str) -> tuple[int, int]:
    """inf.Dec SetString for a plain decimal: (unscaled, exponent); raises on anything else."""
    sign = 1
    body = value
    if body[:1] in ("+", "-"):
        sign = -1 if body[0] == "-" else 1
        body = body[1:]
    whole, _, frac = body.partition(".")
    digits = whole + frac
    if not digits or not (digits.isascii() and digits.isdigit()):
        raise QuantityError(ERR_NUMERIC)
    return sign * int(digits), -len(frac)


def _parse_decimal(value: str, base: int, exponent: int, fmt: str) -> Quantity:
    mantissa, exp10 = _decimal_digits(value)
    if base == 10:
        exp10 += exponent
    else:
        mantissa *= 1 << exponent
    negative = mantissa < 0
    mantissa = abs(mantissa)
    if mantissa != 0:
        mantissa, exp10 = _round_away(mantissa, exp10, NANO)
    if fmt == BINARY_SI and _compare_abs(mantissa, exp10, _MAX_INT64, 0) > 0:
        mantissa, exp10 = _MAX_INT64, 0
    if fmt == BINARY_SI and mantissa != 0 and _compare_abs(mantissa, exp10, 1, 0) < 0:
        fmt = DECIMAL_SI
    if negative:
        mantissa = -mantissa
    return Quantity(mantissa, exp10, fmt, "", None)


def _round_away(mantissa: int, exp10: int, scale: int) -> tuple[int, int]:
    """Round |mantissa|*10**exp10 up to at most `-scale` decimals (inf.RoundUp)."""
    if exp10 >= scale:
        return mantissa, exp10
    divisor = _pow10(scale - exp10)
    quotient, remainder = divmod(abs(mantissa), divisor)
    if remainder:
        quotient += 1
    return (quotient if mantissa >= 0 else -quotient), scale


def _compare_abs(m1: int, e1: int, m2: int, e2: int) -> int:
    e = min(e1, e2)
    a = m1 * _pow10(e1 - e)
    b = m2 * _pow10(e2 - e)
    return (a > b) - (a < b)


def from_json(value: Any) -> Quantity:
    """upstream Quantity.UnmarshalJSON: strings (trimmed) and JSON numbers are accepted."""
    if isinstance(value, bool) or value is None:
        if value is None:
            return ZERO
        raise QuantityError(ERR_FORMAT_WRONG)
    if isinstance(value, int):
        return parse_quantity(str(value))
    if isinstance(value, float):
        return parse_quantity(_go_float_text(value))
    if isinstance(value, str):
        return parse_quantity(value.strip(" \t\n\r\v\f"))
    raise QuantityError(ERR_FORMAT_WRONG)


def _go_float_text(value: float) -> str:
    """The JSON text a float came from, as near as Python can tell."""
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return repr(value).replace("e+", "e")


# --- arithmetic and comparison -------------------------------------------------------------------


def compare(a: Quantity, b: Quantity) -> int:
    """upstream Quantity.Cmp: -1, 0 or 1."""
    e = min(a.exponent, b.exponent)
    x = a.mantissa * _pow10(a.exponent - e)
    y = b.mantissa * _pow10(b.exponent - e)
    return (x > y) - (x < y)


def add(a: Quantity, b: Quantity) -> Quantity:
    """upstream Quantity.Add: the sum keeps a's format unless a is zero."""
    e = min(a.exponent, b.exponent)
    mantissa = a.mantissa * _pow10(a.exponent - e) + b.mantissa * _pow10(b.exponent - e)
    fmt = b.format if a.is_zero() else a.format
    both_int = a.int64_form is not None and b.int64_form is not None
    form = (mantissa, e) if both_int and abs(mantissa) <= _MAX_INT64 else None
    return Quantity(mantissa, e, fmt, "", form)


def round_up(q: Quantity, scale: int) -> Quantity:
    """upstream Quantity.RoundUp: no finer than 10**scale, rounding away from zero."""
    if q.exponent >= scale:
        return q
    mantissa, exponent = _round_away(q.mantissa, q.exponent, scale)
    form = (mantissa, exponent) if q.int64_form is not None else None
    return Quantity(mantissa, exponent, q.format, "", form)


def scaled_value(q: Quantity, scale: int) -> int:
    """upstream ScaledValue: the value in units of 10**scale, rounded away from zero."""
    if q.exponent >= scale:
        return q.mantissa * _pow10(q.exponent - scale)
    return _round_away(q.mantissa, q.exponent, scale)[0]


def value(q: Quantity) -> int:
    return scaled_value(q, 0)


def milli_value(q: Quantity) -> int:
    return scaled_value(q, MILLI)


def is_integer(q: Quantity) -> bool:
    if q.exponent >= 0:
        return True
    return q.mantissa % _pow10(-q.exponent) == 0


# --- printing --------------------------------------------------------------------------------


def canonical(q: Quantity) -> str:
    """upstream Quantity.String: the cached input, or the canonical form of the value."""
    if q.cached:
        return q.cached
    if q.mantissa == 0:
        return "0"
    fmt = q.format
    if fmt == BINARY_SI and (compare(q, _int(-1024)) <= 0 or compare(q, _int(1024)) >= 0) and is_integer(q):
        return _canonical_binary(q)
    if fmt not in (DECIMAL_SI, DECIMAL_EXPONENT, BINARY_SI):
        fmt = DECIMAL_EXPONENT
    if fmt == BINARY_SI:
        fmt = DECIMAL_SI
    number, exponent = _canonical_decimal(q.mantissa, q.exponent)
    if fmt == DECIMAL_SI:
        return f"{number}{_DECIMAL_BY_EXPONENT.get(exponent, '')}"
    return f"{number}e{exponent}" if exponent else str(number)


def _int(number: int) -> Quantity:
    return Quantity(number, 0)


def _canonical_decimal(mantissa: int, exponent: int) -> tuple[int, int]:
    negative = mantissa < 0
    amount = abs(mantissa)
    while amount >= 10 and amount % 10 == 0:
        amount //= 10
        exponent += 1
    while exponent % 3 != 0:
        amount *= 10
        exponent -= 1
    return (-amount if negative else amount), exponent


def _canonical_binary(q: Quantity) -> str:
    number = q.mantissa * _pow10(q.exponent) if q.exponent >= 0 else q.mantissa // _pow10(-q.exponent)
    negative = number < 0
    amount = abs(number)
    times = 0
    while amount >= 1024 and amount % 1024 == 0:
        amount //= 1024
        times += 1
    if negative:
        amount = -amount
    return f"{amount}{_BINARY_BY_EXPONENT.get(times * 10, '')}"


def float_value(q: Quantity) -> float:
    """An approximation for ratios and logs; never for comparisons."""
    return q.mantissa * math.pow(10, q.exponent)
