"""URL, IP and CIDR functions of the Kubernetes CEL library (k8s.io/apiserver pkg/cel/library urls.go, ip.go, cidr.go)."""

from __future__ import annotations

import ipaddress
import urllib.parse
from typing import Any

from kapiserver.apimachinery import strfmt

from .library import FUNCTIONS, box, go_quote, register, unbox

# -- URLs ------------------------------------------------------------------------------------------

@register("url")
def _url(s: str) -> dict[str, str]:
    if not strfmt.check("uri")(s):  # type: ignore[misc]
        raise ValueError(f"URL parse error during conversion from string: parse {go_quote(s)}: invalid URI for request")
    return box("URL", s)


@register("isURL")
def _is_url(s: str) -> bool:
    return bool(strfmt.check("uri")(s))  # type: ignore[misc]


def _split_url(u: Any) -> urllib.parse.SplitResult:
    return urllib.parse.urlsplit(unbox(u))


FUNCTIONS["k8s_getScheme"] = lambda u: _split_url(u).scheme
FUNCTIONS["k8s_getHost"] = lambda u: _split_url(u).netloc.rpartition("@")[2]
FUNCTIONS["k8s_getHostname"] = lambda u: (_split_url(u).hostname or "") if "[" not in unbox(u) else \
    _split_url(u).netloc.rpartition("@")[2].partition("]")[0].lstrip("[")


def _port(u: Any) -> str:
    host = _split_url(u).netloc.rpartition("@")[2]
    return host.rpartition(":")[2] if ":" in host.rpartition("]")[2] else ""


FUNCTIONS["k8s_getPort"] = _port
FUNCTIONS["k8s_getEscapedPath"] = lambda u: urllib.parse.quote(_split_url(u).path, safe="/!$&'()*+,;=:@%~-._")
FUNCTIONS["k8s_getQuery"] = lambda u: urllib.parse.parse_qs(_split_url(u).query, keep_blank_values=True)


# -- IP and CIDR -------------------------------------------------------------------------------------

def _parse_ip(s: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    if "%" in s:
        raise ValueError("IP address with zone value is not allowed")
    try:
        ip = ipaddress.ip_address(s)
    except ValueError:
        raise ValueError(f"IP Address {go_quote(s)} parse error during conversion from string: "
                         f"ParseAddr({go_quote(s)}): unable to parse IP") from None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        raise ValueError("IPv4-mapped IPv6 address is not allowed")
    return ip


@register("ip")
def _ip(s: str) -> dict[str, str]:
    return box("IP", str(_parse_ip(s)))


@register("isIP")
def _is_ip(s: str) -> bool:
    try:
        _parse_ip(s)
    except ValueError:
        return False
    return True


@register("ip.isCanonical")
def _ip_is_canonical(s: str) -> bool:
    return str(_parse_ip(s)) == s


def _ipv(v: Any) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    return ipaddress.ip_address(v["v"])


FUNCTIONS["k8s_family"] = lambda v: _ipv(v).version
FUNCTIONS["k8s_isUnspecified"] = lambda v: _ipv(v).is_unspecified
FUNCTIONS["k8s_isLoopback"] = lambda v: _ipv(v).is_loopback
FUNCTIONS["k8s_isLinkLocalMulticast"] = lambda v: _ipv(v).is_multicast and _ipv(v).is_link_local or \
    (_ipv(v).version == 4 and str(_ipv(v)).startswith("224.0.0.")) or \
    (_ipv(v).version == 6 and (int(_ipv(v)) >> 112) & 0xFF0F == 0xFF02)
FUNCTIONS["k8s_isLinkLocalUnicast"] = lambda v: _ipv(v).is_link_local and not _ipv(v).is_multicast
FUNCTIONS["k8s_isGlobalUnicast"] = lambda v: not (_ipv(v).is_unspecified or _ipv(v).is_loopback
                                                   or _ipv(v).is_multicast or _ipv(v).is_link_local
                                                   or str(_ipv(v)) == "255.255.255.255")


def _parse_cidr(s: str) -> ipaddress.IPv4Interface | ipaddress.IPv6Interface:
    try:
        addr, _, bits = s.partition("/")
        _parse_ip(addr)
        if not bits.isdigit() or (len(bits) > 1 and bits[0] == "0"):
            raise ValueError
        return ipaddress.ip_interface(s)
    except ValueError:
        raise ValueError(f"network address {go_quote(s)} parse error during conversion from string: "
                         f"netip.ParsePrefix({go_quote(s)}): bad bits after slash") from None


@register("cidr")
def _cidr(s: str) -> dict[str, str]:
    return box("CIDR", str(_parse_cidr(s)))


@register("isCIDR")
def _is_cidr(s: str) -> bool:
    try:
        _parse_cidr(s)
    except ValueError:
        return False
    return True


def _net(v: Any) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    return ipaddress.ip_interface(v["v"]).network


FUNCTIONS["k8s_containsIP"] = lambda c, ip: (_parse_ip(ip) if isinstance(ip, str) else _ipv(ip)) in _net(c)
FUNCTIONS["k8s_containsCIDR"] = lambda c, other: (
    (_parse_cidr(other).network if isinstance(other, str) else _net(other)).subnet_of(_net(c))  # type: ignore[arg-type]
    if (_parse_cidr(other).version if isinstance(other, str) else _net(other).version) == _net(c).version else False)
FUNCTIONS["k8s_masked"] = lambda c: box("CIDR", str(_net(c)))
FUNCTIONS["k8s_prefixLength"] = lambda c: _net(c).prefixlen
FUNCTIONS["k8s_ip"] = lambda v: box("IP", str(ipaddress.ip_interface(v["v"]).ip)) if isinstance(v, dict) else _ip(v)


