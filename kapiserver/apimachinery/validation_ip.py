"""IP address and CIDR checks (upstream apimachinery/pkg/util/validation/ip.go).

Upstream validates with two Go parsers and reports where they disagree:

* the "sloppy" one (k8s.io/utils/net ParseIPSloppy / ParseCIDRSloppy, a fork of the Go 1.16
  parser) accepts IPv4 octets with leading zeros ("010.002.003.004", read as decimal) and
  prefix lengths with leading zeros ("/024"); legacy fields were validated with it and
  existing objects may hold such values;
* the strict one (net/netip) rejects those, and tells IPv4-mapped IPv6 ("::ffff:1.2.3.4")
  apart from IPv4.

Python's `ipaddress` matches neither exactly, so both grammars are written out below over
16-byte addresses, and the canonical forms are rendered the way Go renders them
(`net.IP.String()`: IPv4-mapped addresses print as dotted IPv4; IPv6 per RFC 5952).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import field

_BIG = 0xFFFFFF  # the sloppy parsers give up on numbers this large
_V4_IN_V6_PREFIX = bytes(10) + b"\xff\xff"
_HEX = "0123456789abcdefABCDEF"


@dataclass(frozen=True, slots=True)
class _Parsed:
    ip: bytes
    """Always 16 bytes; IPv4 is stored IPv4-mapped, as Go's net.IP does."""
    v6_syntax: bool
    """Written with colons (so netip would call it IPv6, or IPv4-mapped IPv6)."""
    strict: bool
    """netip would parse it too: no leading zeros in IPv4 octets, at most 4 hex digits a group."""


def _dtoi(s: str) -> tuple[int, int] | None:
    n = i = 0
    while i < len(s) and "0" <= s[i] <= "9":
        n = n * 10 + ord(s[i]) - 48
        if n >= _BIG:
            return None
        i += 1
    return (n, i) if i else None


def _xtoi(s: str) -> tuple[int, int] | None:
    n = i = 0
    while i < len(s) and s[i] in _HEX:
        n = n * 16 + int(s[i], 16)
        if n >= _BIG:
            return None
        i += 1
    return (n, i) if i else None


def _parse_ipv4(s: str) -> tuple[bytes, bool] | None:
    """Four decimal octets; returns the octets and whether none had a leading zero."""
    octets = bytearray()
    strict = True
    for i in range(4):
        if not s:
            return None
        if i > 0:
            if s[0] != ".":
                return None
            s = s[1:]
        got = _dtoi(s)
        if got is None or got[0] > 0xFF:
            return None
        n, used = got
        if used > 1 and s[0] == "0":
            strict = False
        octets.append(n)
        s = s[used:]
    if s:
        return None
    return bytes(octets), strict


def _parse_ipv6(s: str) -> tuple[bytes, bool] | None:
    ip = bytearray(16)
    strict = True
    ellipsis = -1
    if s.startswith("::"):
        ellipsis = 0
        s = s[2:]
        if not s:
            return bytes(ip), strict
    i = 0
    while i < 16:
        got = _xtoi(s)
        if got is None or got[0] > 0xFFFF:
            return None
        n, used = got
        if used < len(s) and s[used] == ".":
            # The last 32 bits may be written as dotted IPv4.
            if (ellipsis < 0 and i != 12) or i + 4 > 16:
                return None
            v4 = _parse_ipv4(s)
            if v4 is None:
                return None
            ip[i:i + 4] = v4[0]
            strict = strict and v4[1]
            s = ""
            i += 4
            break
        if used > 4:
            strict = False
        ip[i], ip[i + 1] = n >> 8, n & 0xFF
        i += 2
        s = s[used:]
        if not s:
            break
        if s[0] != ":" or len(s) == 1:
            return None
        s = s[1:]
        if s[0] == ":":
            if ellipsis >= 0:
                return None
            ellipsis = i
            s = s[1:]
            if not s:
                break
    if s:
        return None
    if i < 16:
        if ellipsis < 0:
            return None
        gap = 16 - i
        ip[ellipsis + gap:16] = ip[ellipsis:i]
        ip[ellipsis:ellipsis + gap] = bytes(gap)
    elif ellipsis >= 0:
        return None  # "::" must stand for at least one group
    return bytes(ip), strict


def _parse_ip(s: str) -> _Parsed | None:
    for ch in s:
        if ch == ".":
            v4 = _parse_ipv4(s)
            return None if v4 is None else _Parsed(_V4_IN_V6_PREFIX + v4[0], False, v4[1])
        if ch == ":":
            v6 = _parse_ipv6(s)
            return None if v6 is None else _Parsed(v6[0], True, v6[1])
    return None


def _is_4in6(p: _Parsed) -> bool:
    return p.v6_syntax and p.ip[:12] == _V4_IN_V6_PREFIX


def _format_v6(ip: bytes) -> str:
    """RFC 5952: lower-case hex, no leading zeros, the first longest run (2+) of zero groups as '::'."""
    groups = [ip[i] << 8 | ip[i + 1] for i in range(0, 16, 2)]
    best_start, best_len, start = -1, 0, -1
    for idx, group in enumerate(groups + [1]):
        if group == 0:
            start = idx if start < 0 else start
        elif start >= 0:
            if idx - start > best_len:
                best_start, best_len = start, idx - start
            start = -1
    if best_len < 2:
        return ":".join(f"{g:x}" for g in groups)
    head = ":".join(f"{g:x}" for g in groups[:best_start])
    tail = ":".join(f"{g:x}" for g in groups[best_start + best_len:])
    return f"{head}::{tail}"


def _ip_string(ip: bytes) -> str:
    """Go's net.IP.String(): anything IPv4-mapped prints as IPv4."""
    if len(ip) == 4:
        return ".".join(str(b) for b in ip)
    if ip[:12] == _V4_IN_V6_PREFIX:
        return ".".join(str(b) for b in ip[12:])
    return _format_v6(ip)


def _check_ip(path: field.Path, value: str, strict: bool) -> tuple[_Parsed | None, field.ErrorList]:
    parsed = _parse_ip(value)
    if parsed is None:
        detail = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
        return None, [field.invalid(path, value, detail)]
    errs: field.ErrorList = []
    if strict:
        if not parsed.strict:
            errs.append(field.invalid(path, value, "must not have leading 0s"))
        if _is_4in6(parsed):
            errs.append(field.invalid(path, value, "must not be an IPv4-mapped IPv6 address"))
    return parsed, errs


def is_valid_ip_for_legacy_field(path: field.Path, value: str, strict_validation: bool,
                                 valid_old_ips: list[str] | tuple[str, ...] = ()) -> field.ErrorList:
    """An IP for a field that predates strict validation; non-canonical forms are accepted.

    Without `strict_validation` (the StrictIPCIDRValidation gate off) leading zeros and
    IPv4-mapped IPv6 are accepted too. Values listed in `valid_old_ips` (from the old object
    of an update) are always accepted, so stored objects stay updatable.
    """
    if value in valid_old_ips:
        return []
    return _check_ip(path, value, strict_validation)[1]


def is_valid_ip(path: field.Path, value: str) -> field.ErrorList:
    """An IP by today's rules: strict, and in canonical form."""
    parsed, errs = _check_ip(path, value, True)
    if errs or parsed is None:
        return errs
    canonical = _ip_string(parsed.ip)
    if value != canonical:
        return [field.invalid(path, value, f"must be in canonical form ({field.go_quote(canonical)})")]
    return []


def get_warnings_for_ip(path: field.Path, value: str) -> list[str]:
    """Warnings for a legacy-validated IP in a form that a future release will reject."""
    parsed = _parse_ip(value)
    if parsed is None:
        return []  # upstream only logs: the value was supposed to be validated first
    if not parsed.strict or _is_4in6(parsed):
        return [(f"{path}: non-standard IP address {field.go_quote(value)} will be considered invalid "
                f"in a future Kubernetes release: use {field.go_quote(_ip_string(parsed.ip))}")]
    if parsed.v6_syntax and _format_v6(parsed.ip) != value:
        return [(f"{path}: IPv6 address {field.go_quote(value)} should be in RFC 5952 canonical format "
                f"({field.go_quote(_format_v6(parsed.ip))})")]
    return []


@dataclass(frozen=True, slots=True)
class _ParsedCIDR:
    addr: _Parsed
    """The address as written (bits beyond the prefix kept)."""
    bits: int
    """The prefix length, counted in the address family as written (IPv4-mapped: out of 128)."""
    family_bits: int
    """32 when the address parsed as dotted IPv4, else 128."""
    prefix_strict: bool
    """netip would accept the prefix length: no sign and no leading zeros."""

    @property
    def mask(self) -> bytes:
        ones = (1 << self.family_bits) - (1 << (self.family_bits - self.bits))
        return ones.to_bytes(self.family_bits // 8, "big")

    @property
    def network(self) -> bytes:
        """The masked address (Go's IPNet.IP): 4 bytes for IPv4, else 16."""
        ip = self.addr.ip[12:] if self.family_bits == 32 else self.addr.ip
        return bytes(a & m for a, m in zip(ip, self.mask))

    def network_string(self) -> str:
        """Go's IPNet.String(); an IPv4-mapped network counts only its last 32 mask bits."""
        net = self.network
        mask = self.mask
        if len(net) == 16 and net[:12] == _V4_IN_V6_PREFIX:
            net, mask = net[12:], mask[12:]
        ones = sum(b.bit_count() for b in mask)
        return f"{_ip_string(net)}/{ones}"


def _parse_cidr(s: str) -> _ParsedCIDR | None:
    addr_text, slash, mask_text = s.partition("/")
    if not slash:
        return None
    v4 = _parse_ipv4(addr_text)
    if v4 is not None:
        addr = _Parsed(_V4_IN_V6_PREFIX + v4[0], False, v4[1])
        family_bits = 32
    else:
        v6 = _parse_ipv6(addr_text)
        if v6 is None:
            return None
        addr = _Parsed(v6[0], True, v6[1])
        family_bits = 128
    got = _dtoi(mask_text)
    if got is None or got[1] != len(mask_text) or got[0] > family_bits:
        return None
    prefix_strict = len(mask_text) == 1 or mask_text[0] != "0"
    return _ParsedCIDR(addr, got[0], family_bits, prefix_strict)


_INVALID_CIDR = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"


def _check_cidr(path: field.Path, value: str, strict: bool) -> tuple[_ParsedCIDR | None, field.ErrorList]:
    parsed = _parse_cidr(value)
    if parsed is None:
        return None, [field.invalid(path, value, _INVALID_CIDR)]
    if strict:
        if not parsed.addr.strict or not parsed.prefix_strict:
            return parsed, [field.invalid(path, value, "must not have leading 0s in IP or prefix length")]
        if _is_4in6(parsed.addr):
            return parsed, [field.invalid(path, value, "must not have an IPv4-mapped IPv6 address")]
        if _network_differs(parsed):
            return parsed, [field.invalid(path, value, "must not have bits set beyond the prefix length")]
    return parsed, []


def _network_differs(parsed: _ParsedCIDR) -> bool:
    ip = parsed.addr.ip[12:] if parsed.family_bits == 32 else parsed.addr.ip
    return ip != parsed.network


def is_valid_cidr_for_legacy_field(path: field.Path, value: str, strict_validation: bool,
                                   valid_old_cidrs: list[str] | tuple[str, ...] = ()) -> field.ErrorList:
    """A CIDR for a field that predates strict validation (see is_valid_ip_for_legacy_field).

    Without `strict_validation` an "interface address" with bits set beyond the prefix
    ("192.168.1.5/24") and a zero-padded prefix length are accepted as well.
    """
    if value in valid_old_cidrs:
        return []
    return _check_cidr(path, value, strict_validation)[1]


def is_valid_cidr(path: field.Path, value: str) -> field.ErrorList:
    """A subnet ("192.168.1.0/24") by today's rules: strict, and in canonical form."""
    parsed, errs = _check_cidr(path, value, True)
    if errs or parsed is None:
        return errs
    canonical = parsed.network_string()
    if value != canonical:
        return [field.invalid(path, value, f"must be in canonical form ({field.go_quote(canonical)})")]
    return []


def get_warnings_for_cidr(path: field.Path, value: str) -> list[str]:
    """Warnings for a legacy-validated CIDR that is ambiguous or in a non-standard form."""
    parsed = _parse_cidr(value)
    if parsed is None:
        return []  # upstream only logs: the value was supposed to be validated first
    warnings = []
    if _network_differs(parsed):
        single = f"{_ip_string(parsed.addr.ip)}/{parsed.family_bits}"
        warnings.append(f"{path}: CIDR value {field.go_quote(value)} is ambiguous in this context "
                        f"(should be {field.go_quote(parsed.network_string())} or {field.go_quote(single)}?)")
    if not parsed.addr.strict or not parsed.prefix_strict or _is_4in6(parsed.addr):
        warnings.append(f"{path}: non-standard CIDR value {field.go_quote(value)} will be considered invalid "
                        f"in a future Kubernetes release: use {field.go_quote(parsed.network_string())}")
    if not warnings and parsed.addr.v6_syntax:
        canonical = f"{_format_v6(parsed.addr.ip)}/{parsed.bits}"
        if canonical != value:
            warnings.append(f"{path}: IPv6 CIDR value {field.go_quote(value)} should be in RFC 5952 "
                            f"canonical format ({field.go_quote(canonical)})")
    return warnings


def is_valid_interface_address(path: field.Path, value: str) -> field.ErrorList:
    """An "ifaddr" CIDR ("192.168.1.5/24": a whole address and its subnet length), canonical."""
    parsed = _parse_cidr(value)
    if parsed is None:
        detail = "must be a valid address in CIDR form, (e.g. 10.9.8.7/24 or 2001:db8::1/64)"
        return [field.invalid(path, value, detail)]
    size = parsed.bits
    if parsed.addr.ip[:12] == _V4_IN_V6_PREFIX and size > 32:
        size -= 96  # "::ffff:192.168.0.1/120" is "192.168.0.1/24"
    canonical = f"{_ip_string(parsed.addr.ip)}/{size}"
    if value != canonical:
        return [field.invalid(path, value, f"must be in canonical form ({field.go_quote(canonical)})")]
    return []
