"""Quantity, named format and semver functions of the Kubernetes CEL library
(k8s.io/apiserver pkg/cel/library quantity.go, format.go, semverlib.go)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from kapiserver.apimachinery import quantity as q
from kapiserver.apimachinery import strfmt, validation

from .library import FUNCTIONS, box, register
from .runtime import engine

# -- quantity --------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=4096)
def _parse(text: str) -> q.Quantity:
    """Quantities repeat (limits in rules, values across objects): parse each text once."""
    return q.parse_quantity(text)


@functools.lru_cache(maxsize=4096)
def _canonical(text: str) -> str:
    return q.canonical(_parse(text))


@register("quantity")
def _quantity(s: str) -> dict[str, str]:
    try:
        return box("Quantity", _canonical(s))
    except q.QuantityError as err:
        raise ValueError(f"quantity parse error: {err}") from None


@register("isQuantity")
def _is_quantity(s: str) -> bool:
    try:
        q.parse_quantity(s)
    except q.QuantityError:
        return False
    return True


def _qv(value: Any) -> q.Quantity:
    return _parse(value["v"])


def _q_arg(value: Any) -> q.Quantity:
    return q.parse_quantity(str(value)) if isinstance(value, int) else _qv(value)


FUNCTIONS["k8s_isInteger"] = lambda v: q.is_integer(_qv(v))
FUNCTIONS["k8s_asApproximateFloat"] = lambda v: q.float_value(_qv(v))
FUNCTIONS["k8s_add"] = lambda a, b: box("Quantity", q.canonical(q.add(_qv(a), _q_arg(b))))
FUNCTIONS["k8s_isLessThan"] = lambda a, b: _compare(a, b) < 0
FUNCTIONS["k8s_isGreaterThan"] = lambda a, b: _compare(a, b) > 0
FUNCTIONS["k8s_compareTo"] = lambda a, b: _compare(a, b)


@register("sign")
def _sign(v: Any) -> int:
    return _qv(v).sign()


@register("asInteger")
def _as_integer(v: Any) -> int:
    value = _qv(v)
    if not q.is_integer(value) or not -(2**63) <= q.value(value) < 2**63:
        raise ValueError("cannot convert value to integer")
    return q.value(value)


@register("sub")
def _sub(a: Any, b: Any) -> dict[str, str]:
    other = _q_arg(b)
    negated = q.Quantity(-other.mantissa, other.exponent, other.format)
    return box("Quantity", q.canonical(q.add(_qv(a), negated)))


def _compare(a: Any, b: Any) -> int:
    if a.get("@k8s") == "Semver":
        return _semver_compare(a["v"], b["v"])
    return q.compare(_qv(a), _qv(b))


# -- named formats -----------------------------------------------------------------------------------

def _mask_trailing_dash(name: str) -> str:
    """A prefix (generateName) may end in a dash: random characters follow it."""
    return name[:-1] + "a" if len(name) > 1 and name.endswith("-") else name


_NAMED: dict[str, Callable[[str], list[str]]] = {
    "dns1123Label": validation.is_dns1123_label,
    "dns1123Subdomain": validation.is_dns1123_subdomain,
    "dns1035Label": validation.is_dns1035_label,
    "qualifiedName": validation.is_qualified_name,
    "dns1123LabelPrefix": lambda s: validation.is_dns1123_label(_mask_trailing_dash(s)),
    "dns1123SubdomainPrefix": lambda s: validation.is_dns1123_subdomain(_mask_trailing_dash(s)),
    "dns1035LabelPrefix": lambda s: validation.is_dns1035_label(_mask_trailing_dash(s)),
    "labelValue": validation.is_valid_label_value if hasattr(validation, "is_valid_label_value") else (lambda s: []),
    "uri": lambda s: [] if strfmt.check("uri")(s) else ["invalid URI"],  # type: ignore[misc]
    "uuid": lambda s: [] if strfmt.check("uuid")(s) else ["does not match the UUID format"],  # type: ignore[misc]
    "byte": lambda s: [] if strfmt.check("byte")(s) else ["invalid base64"],  # type: ignore[misc]
    "date": lambda s: [] if strfmt.check("date")(s) else ["invalid date"],  # type: ignore[misc]
    "datetime": lambda s: [] if strfmt.check("datetime")(s) else ["invalid datetime"],  # type: ignore[misc]
}

def _format_constructor(name: str) -> Callable[[], dict[str, str]]:
    return lambda: box("Format", name)


for _name in _NAMED:
    FUNCTIONS["k8s_format_" + _name] = _format_constructor(_name)


@register("format.named")
def _format_named(name: str) -> Any:
    return engine().OptionalValue.of(box("Format", name)) if name in _NAMED else engine().OptionalValue.none()


@register("validate")
def _validate(fmt: Any, s: str) -> Any:
    errs = _NAMED[fmt["v"]](s)
    return engine().OptionalValue.of(list(errs)) if errs else engine().OptionalValue.none()


# -- semver --------------------------------------------------------------------------------------------

_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$")


def _normalize(s: str) -> str:
    s = s.removeprefix("v")
    parts = s.split("-", 1)[0].split("+", 1)[0].split(".")
    rest = s[len(".".join(parts)):]
    parts = [p.lstrip("0") or "0" for p in parts] + ["0"] * (3 - len(parts))
    return ".".join(parts) + rest


@register("semver")
def _semver(s: str, normalize: bool = False) -> dict[str, str]:
    text = _normalize(s) if normalize else s
    if _SEMVER.match(text) is None:
        raise ValueError(f"Semver parse error during conversion from string: {_semver_error(text)}")
    return box("Semver", text)


def _semver_error(s: str) -> str:
    return "Version string empty" if not s else "No Major.Minor.Patch elements found"


@register("isSemver")
def _is_semver(s: str, normalize: bool = False) -> bool:
    return _SEMVER.match(_normalize(s) if normalize else s) is not None


def _semver_parts(v: str) -> tuple[int, int, int, str]:
    m = _SEMVER.match(v)
    assert m is not None
    return int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4) or ""


def _semver_compare(a: str, b: str) -> int:
    pa, pb = _semver_parts(a), _semver_parts(b)
    if pa[:3] != pb[:3]:
        return -1 if pa[:3] < pb[:3] else 1
    if pa[3] == pb[3]:
        return 0
    if not pa[3] or not pb[3]:
        return 1 if not pa[3] else -1
    for x, y in zip(pa[3].split("."), pb[3].split(".")):
        if x == y:
            continue
        if x.isdigit() and y.isdigit():
            return -1 if int(x) < int(y) else 1
        if x.isdigit() != y.isdigit():
            return -1 if x.isdigit() else 1
        return -1 if x < y else 1
    return (len(pa[3].split(".")) > len(pb[3].split("."))) - (len(pa[3].split(".")) < len(pb[3].split(".")))


FUNCTIONS["k8s_major"] = lambda v: _semver_parts(v["v"])[0]
FUNCTIONS["k8s_minor"] = lambda v: _semver_parts(v["v"])[1]
FUNCTIONS["k8s_patch"] = lambda v: _semver_parts(v["v"])[2]
