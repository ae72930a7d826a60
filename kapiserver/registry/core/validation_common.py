"""Checks several core kinds share (upstream pkg/apis/core/validation/validation.go helpers).

Ports, protocols, IPs that must not be special, DNS labels and qualified names as core
validation words them. Each returns a field.ErrorList with upstream's path and message;
nothing here mutates its input.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from kapiserver.apimachinery import field, validation, validation_ip

# The StrictIPCIDRValidation gate is alpha and off in v1.35: legacy IP/CIDR fields accept
# leading zeros and IPv4-mapped IPv6.
STRICT_IP_CIDR_VALIDATION = False

SUPPORTED_PORT_PROTOCOLS = ("SCTP", "TCP", "UDP")  # sorted, as sets.List prints them
IS_NEGATIVE_ERROR_MSG = "must be greater than or equal to 0"


def validate_dns1123_label(value: str, path: field.Path) -> field.ErrorList:
    return [field.invalid(path, value, msg) for msg in validation.is_dns1123_label(value)]


def validate_dns1123_subdomain(value: str, path: field.Path) -> field.ErrorList:
    return [field.invalid(path, value, msg) for msg in validation.is_dns1123_subdomain(value)]


def validate_qualified_name(value: str, path: field.Path) -> field.ErrorList:
    return [field.invalid(path, value, msg) for msg in validation.is_qualified_name(value)]


def validate_port_num_or_name(port: Any, path: field.Path) -> field.ErrorList:
    """upstream ValidatePortNumOrName: an int must be a port number, a string a port name."""
    if isinstance(port, bool) or port is None:
        port = 0
    if isinstance(port, int):
        return [field.invalid(path, port, msg) for msg in validation.is_valid_port_num(port)]
    return [field.invalid(path, port, msg) for msg in validation.is_valid_port_name(str(port))]


def validate_protocol(protocol: str, path: field.Path) -> field.ErrorList:
    if not protocol:
        return [field.required(path, "")]
    if protocol not in SUPPORTED_PORT_PROTOCOLS:
        return [field.not_supported(path, protocol, SUPPORTED_PORT_PROTOCOLS)]
    return []


def validate_legacy_ip(value: str, path: field.Path) -> field.ErrorList:
    """IsValidIPForLegacyField with the strict gate off (the IP fields of Services, Endpoints...)."""
    return validation_ip.is_valid_ip_for_legacy_field(path, value, STRICT_IP_CIDR_VALIDATION)


def validate_legacy_cidr(value: str, path: field.Path) -> field.ErrorList:
    return validation_ip.is_valid_cidr_for_legacy_field(path, value, STRICT_IP_CIDR_VALIDATION)


def parse_ip_sloppy(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """k8s.io/utils/net ParseIPSloppy: IPv4 octets may carry leading zeros (read as decimal).

    IPv4-mapped IPv6 comes back as the IPv4 address, since Go's checks treat them alike.
    """
    if not value or "%" in value:
        return None
    if ":" not in value:
        parts = value.split(".")
        if len(parts) != 4 or not all(p.isdigit() and p.isascii() for p in parts):
            return None
        octets = [int(p) for p in parts]
        if any(o > 255 for o in octets):
            return None
        return ipaddress.IPv4Address(bytes(octets))
    try:
        address = ipaddress.IPv6Address(value)
    except ValueError:
        return None
    return address.ipv4_mapped or address


def validate_non_special_ip(value: str, path: field.Path) -> field.ErrorList:
    """upstream ValidateNonSpecialIP: no unspecified, loopback or link-local addresses."""
    ip = parse_ip_sloppy(value)
    if ip is None:
        return [field.invalid(path, value, "must be a valid IP address")]
    errs: field.ErrorList = []
    if ip.is_unspecified:
        errs.append(field.invalid(path, value, f"may not be unspecified ({value})"))
    if ip.is_loopback:
        errs.append(field.invalid(path, value, "may not be in the loopback range (127.0.0.0/8, ::1/128)"))
    if _is_link_local_unicast(ip):
        errs.append(field.invalid(path, value, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"))
    if _is_link_local_multicast(ip):
        errs.append(field.invalid(path, value,
                                  "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"))
    return errs


def _is_link_local_unicast(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    raw = ip.packed
    if ip.version == 4:
        return raw[0] == 169 and raw[1] == 254
    return raw[0] == 0xFE and raw[1] & 0xC0 == 0x80


def _is_link_local_multicast(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    raw = ip.packed
    if ip.version == 4:
        return raw[0] == 224 and raw[1] == 0 and raw[2] == 0
    return raw[0] == 0xFF and raw[1] & 0x0F == 0x02


def is_ipv6_string(value: str) -> bool:
    """netutils.IsIPv6String: parses, and is not IPv4 (nor IPv4-mapped)."""
    ip = parse_ip_sloppy(value)
    return ip is not None and ip.version == 6


def int_value(value: Any) -> int:
    """A JSON number as Go's int fields hold it (missing or null is 0)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0
    return int(value)
