"""Go's %v for the numbers and values that upstream's schema messages print.

kube-openapi formats bounds with %v: a float64 bound prints in Go's shortest form, with an
exponent from 1e+06 up ("1e+06", "1.5", "10"), an int64 bound as an integer. Python's
repr differs ("10.0", "1000000.0"), hence this module.
"""

from __future__ import annotations

import math
from typing import Any


def go_float(value: float) -> str:
    """fmt.Sprintf("%v", float64): strconv 'g' with the shortest precision, exponent if < -4 or >= 6."""
    if math.isnan(value):
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if str(value).startswith("-") else "0"
    text = repr(float(value))
    mantissa, _, exp_text = text.partition("e")
    digits = mantissa.replace("-", "").replace(".", "").lstrip("0").rstrip("0") or "0"
    sign = "-" if value < 0 else ""
    exp = int(exp_text) if exp_text else _decimal_exponent(mantissa)
    if exp < -4 or exp >= 6:
        body = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{body}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if exp >= 0:
        whole = digits[: exp + 1].ljust(exp + 1, "0")
        frac = digits[exp + 1:]
        return f"{sign}{whole}" + (f".{frac}" if frac else "")
    return f"{sign}0.{'0' * (-exp - 1)}{digits}"


def _decimal_exponent(mantissa: str) -> int:
    """The power of ten of the first significant digit of a plain decimal string."""
    text = mantissa.lstrip("-")
    whole, _, frac = text.partition(".")
    whole = whole.lstrip("0")
    if whole:
        return len(whole) - 1
    stripped = frac.lstrip("0")
    return -(len(frac) - len(stripped) + 1)


def go_number(value: Any) -> str:
    """%v of a JSON number as Go decoded it: int64 plainly, float64 via go_float."""
    if isinstance(value, float):
        return go_float(value)
    return str(value)


def go_value(value: Any) -> str:
    """%v of a decoded JSON value (maps print as map[k:v], slices as [a b])."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return go_number(value)
    if isinstance(value, list):
        return "[" + " ".join(go_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{go_value(value[k])}" for k in sorted(value)) + "]"
    return str(value)
