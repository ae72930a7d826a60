"""What core validation needs to know about resource quantities (upstream ValidateResourceQuantityValue,
helper.IsIntegerResourceName).

Only the value matters here: sign and whether it is whole. Parsing follows the grammar of
resource.Quantity (decimal number, then a binary-SI, decimal-SI or exponent suffix); the
serialized form of a quantity is the codec's business, not validation's.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from kapiserver.apimachinery import field, validation

from .validation_common import IS_NEGATIVE_ERROR_MSG

_QUANTITY = re.compile(r"^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$")
_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_INTEGER_RESOURCES = frozenset({"pods", "resourcequotas", "services", "replicationcontrollers", "secrets",
                                "configmaps", "persistentvolumeclaims", "services.nodeports",
                                "services.loadbalancers"})
_REQUESTS_PREFIX = "requests."
_NATIVE_PREFIX = "kubernetes.io/"


def parse_quantity(text: str) -> Decimal | None:
    """The value of a quantity string, or None when resource.ParseQuantity would refuse it."""
    match = _QUANTITY.match(text.strip()) if isinstance(text, str) else None
    if match is None:
        return None
    number, suffix = match.groups()
    try:
        value = Decimal(number)
    except InvalidOperation:
        return None
    if suffix in _BINARY:
        return value * _BINARY[suffix]
    if suffix in _DECIMAL:
        return value.scaleb(_DECIMAL[suffix])
    if suffix[:1] in ("e", "E") and re.fullmatch(r"[eE][-+]?[0-9]+", suffix):
        return value.scaleb(int(suffix[1:]))
    return None


def is_native_resource(name: str) -> bool:
    return "/" not in name or _NATIVE_PREFIX in name


def is_extended_resource_name(name: str) -> bool:
    if is_native_resource(name) or name.startswith(_REQUESTS_PREFIX):
        return False
    return not validation.is_qualified_name(_REQUESTS_PREFIX + name)


def is_integer_resource_name(name: str) -> bool:
    return name in _INTEGER_RESOURCES or is_extended_resource_name(name)


def validate_resource_quantity_value(name: str, text: str, path: field.Path) -> field.ErrorList:
    """Non-negative, and whole for integer resources (counted in milli-units, as upstream does)."""
    value = parse_quantity(text)
    if value is None:
        return []  # the decoder refuses malformed quantities before validation runs
    errs: field.ErrorList = []
    if value < 0:
        errs.append(field.invalid(path, text, IS_NEGATIVE_ERROR_MSG))
    if is_integer_resource_name(name) and (value * 1000).to_integral_value(rounding="ROUND_CEILING") % 1000 != 0:
        errs.append(field.invalid(path, text, "must be an integer"))
    return errs
