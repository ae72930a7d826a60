"""Tables from upstream util/validation/ip_test.go."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapiserver.apimachinery import field
from kapiserver.apimachinery import validation_ip as v

ROOT = field.new_path("")

_MAPPED = "must not be an IPv4-mapped IPv6 address"
_BAD_IP = "must be a valid IP address"
# (input, strict error, legacy error, legacy strict error); "" means valid.
IP_CASES = [
    ("1.2.3.4", "", "", ""),
    ("0.0.0.0", "", "", ""),
    ("255.255.255.255", "", "", ""),
    ("1234::abcd", "", "", ""),
    ("::", "", "", ""),
    ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "", "", ""),
    ("0:0:0:0:0:0:0:0", 'must be in canonical form ("::")', "", ""),
    ("0001:002:03:4::", 'must be in canonical form ("1:2:3:4::")', "", ""),
    ("1234::ABCD", 'must be in canonical form ("1234::abcd")', "", ""),
    ("1.1.1.01", "must not have leading 0s", "", "must not have leading 0s"),
    ("::ffff:1.1.1.1", _MAPPED, "", _MAPPED),
] + [(bad, _BAD_IP, _BAD_IP, _BAD_IP) for bad in [
    "", "aaaaaaa", "myhost.mydomain", "1.2.3.0/24", "1.2.3.400", "-1.0.0.0", "2001:db8::10005", "1.2.3.4:80",
    "[2001:db8::1]", "[2001:db8::1]:80", "example.com:80", "1234::abcd%eth0", "169.254.0.0%eth0",
]]
BAD_IPS = [case[0] for case in IP_CASES if case[3]]


def _check(errs: field.ErrorList, expected: str) -> None:
    if not expected:
        assert errs == []
    else:
        assert len(errs) == 1 and expected in errs[0].detail


@pytest.mark.parametrize("value,err,legacy,legacy_strict", IP_CASES)
def test_is_valid_ip(value: str, err: str, legacy: str, legacy_strict: str) -> None:
    _check(v.is_valid_ip(ROOT, value), err)
    _check(v.is_valid_ip_for_legacy_field(ROOT, value, False), legacy)
    _check(v.is_valid_ip_for_legacy_field(ROOT, value, True), legacy_strict)
    assert v.is_valid_ip_for_legacy_field(ROOT, value, True, BAD_IPS) == []


def test_invalid_ip_message() -> None:
    assert [str(e) for e in v.is_valid_ip(field.new_path("spec", "clusterIP"), "x")] == [
        'spec.clusterIP: Invalid value: "x": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']


_CLUSTER_IP = field.new_path("spec").child("clusterIPs").index(0)


@pytest.mark.parametrize("path,value,want", [
    (_CLUSTER_IP, "192.12.2.2", []),
    (_CLUSTER_IP, "2001:db8::2", []),
    (_CLUSTER_IP, "192.012.2.2", [
        ('spec.clusterIPs[0]: non-standard IP address "192.012.2.2" will be considered '
        'invalid in a future Kubernetes release: use "192.12.2.2"')]),
    (_CLUSTER_IP, "::ffff:192.12.2.2", [
        ('spec.clusterIPs[0]: non-standard IP address "::ffff:192.12.2.2" will be '
        'considered invalid in a future Kubernetes release: use "192.12.2.2"')]),
    (field.new_path("spec").child("loadBalancerIP"), "2001:db8:0:0::2", [
        ('spec.loadBalancerIP: IPv6 address "2001:db8:0:0::2" should be in RFC 5952 canonical '
        'format ("2001:db8::2")')]),
])
def test_warnings_for_ip(path: field.Path, value: str, want: list[str]) -> None:
    assert v.get_warnings_for_ip(path, value) == want


_BAD_CIDR = "must be a valid CIDR value"
CIDR_CASES = [
    ("1.0.0.0/8", "", "", ""),
    ("0.0.0.0/0", "", "", ""),
    ("1.1.1.1/32", "", "", ""),
    ("2001:4860:4860::/48", "", "", ""),
    ("::/0", "", "", ""),
    ("::1/128", "", "", ""),
    ("2a00:79e0:2:0::/64", 'must be in canonical form ("2a00:79e0:2::/64")', "", ""),
    ("2001:DB8::/64", 'must be in canonical form ("2001:db8::/64")', "", ""),
    ("1.1.01.0/24", "must not have leading 0s in IP", "", "must not have leading 0s in IP"),
    ("::ffff:1.1.1.0/24", "must not have an IPv4-mapped IPv6 address", "",
     "must not have an IPv4-mapped IPv6 address"),
    ("::ffff:1.1.1.0/120", "must not have an IPv4-mapped IPv6 address", "",
     "must not have an IPv4-mapped IPv6 address"),
    ("1.2.3.4/24", "must not have bits set beyond the prefix length", "",
     "must not have bits set beyond the prefix length"),
    ("2001:db8::1/64", "must not have bits set beyond the prefix length", "",
     "must not have bits set beyond the prefix length"),
    ("192.168.0.0/016", "must not have leading 0s", "", "must not have leading 0s"),
] + [(bad, _BAD_CIDR, _BAD_CIDR, _BAD_CIDR) for bad in [
    "", "aaaaaaa", "1.2.3.4", "192.168.0.1/healthz", "192.168.0.1/0/99", "192.168.0.0/-16", "192.168.0.0/+16",
]]
BAD_CIDRS = [case[0] for case in CIDR_CASES if case[3]]


@pytest.mark.parametrize("value,err,legacy,legacy_strict", CIDR_CASES)
def test_is_valid_cidr(value: str, err: str, legacy: str, legacy_strict: str) -> None:
    _check(v.is_valid_cidr(ROOT, value), err)
    _check(v.is_valid_cidr_for_legacy_field(ROOT, value, False), legacy)
    _check(v.is_valid_cidr_for_legacy_field(ROOT, value, True), legacy_strict)
    assert v.is_valid_cidr_for_legacy_field(ROOT, value, True, BAD_CIDRS) == []


_LBSR = "spec.loadBalancerSourceRanges[0]"


@pytest.mark.parametrize("value,want", [
    ("192.12.2.0/24", []),
    ("2001:db8::/64", []),
    ("192.012.2.0/24", [(f'{_LBSR}: non-standard CIDR value "192.012.2.0/24" will be considered invalid in a '
                        'future Kubernetes release: use "192.12.2.0/24"')]),
    ("192.12.2.0/024", [(f'{_LBSR}: non-standard CIDR value "192.12.2.0/024" will be considered invalid in a '
                        'future Kubernetes release: use "192.12.2.0/24"')]),
    ("::ffff:192.12.2.0/120", [
        (f'{_LBSR}: non-standard CIDR value "::ffff:192.12.2.0/120" will be considered '
        'invalid in a future Kubernetes release: use "192.12.2.0/24"')]),
    ("192.12.2.8/24", [(f'{_LBSR}: CIDR value "192.12.2.8/24" is ambiguous in this context (should be '
                       '"192.12.2.0/24" or "192.12.2.8/32"?)')]),
    ("192.012.2.8/24", [(f'{_LBSR}: CIDR value "192.012.2.8/24" is ambiguous in this context (should be '
                        '"192.12.2.0/24" or "192.12.2.8/32"?)'),
                        (f'{_LBSR}: non-standard CIDR value "192.012.2.8/24" will be considered invalid in a '
                        'future Kubernetes release: use "192.12.2.0/24"')]),
    ("2001:db8:0:0::/64", [(f'{_LBSR}: IPv6 CIDR value "2001:db8:0:0::/64" should be in RFC 5952 canonical '
                           'format ("2001:db8::/64")')]),
])
def test_warnings_for_cidr(value: str, want: list[str]) -> None:
    path = field.new_path("spec").child("loadBalancerSourceRanges").index(0)
    assert v.get_warnings_for_cidr(path, value) == want


_BAD_IFADDR = "must be a valid address in CIDR form"


@pytest.mark.parametrize("value,err", [
    ("1.2.3.4/24", ""), ("1.1.1.1/32", ""), ("2001:4860:4860::1/48", ""), ("::1/128", ""),
    ("", _BAD_IFADDR), ("aaaaaaa", _BAD_IFADDR), ("1.2.3.4", _BAD_IFADDR),
    ("192.168.0.1/healthz", _BAD_IFADDR),
    ("192.168.0.1/0/99", _BAD_IFADDR), ("192.168.0.0/-16", _BAD_IFADDR), ("192.168.0.0/+16", _BAD_IFADDR),
    ("2001:0:0:0::0BCD/64", 'must be in canonical form ("2001::bcd/64")'),
    ("1.1.01.002/24", 'must be in canonical form ("1.1.1.2/24")'),
    ("::ffff:1.1.1.1/24", 'must be in canonical form ("1.1.1.1/24")'),
    ("::ffff:1.1.1.1/120", 'must be in canonical form ("1.1.1.1/24")'),
    ("192.168.0.5/016", 'must be in canonical form ("192.168.0.5/16")'),
])
def test_is_valid_interface_address(value: str, err: str) -> None:
    _check(v.is_valid_interface_address(ROOT, value), err)


@given(st.ip_addresses(v=6))
def test_canonical_ipv6_matches_rfc5952(addr: ipaddress.IPv6Address) -> None:
    if addr.ipv4_mapped is not None:
        return  # Go prints these as IPv4; covered by the tables above
    # Python's compressed form follows RFC 5952 too (first longest run of two or more zero groups).
    canonical = ipaddress.IPv6Address(int(addr)).compressed
    assert v.is_valid_ip(ROOT, canonical) == []
    exploded = addr.exploded
    if exploded != canonical:
        assert v.is_valid_ip(ROOT, exploded)[0].detail == f'must be in canonical form ("{canonical}")'


@given(st.ip_addresses(v=4))
def test_ipv4_round_trip(addr: ipaddress.IPv4Address) -> None:
    assert v.is_valid_ip(ROOT, str(addr)) == []
    assert v.is_valid_cidr(ROOT, f"{addr}/32") == []
