"""String formats a schema may name (kube-openapi strfmt.Default, as apiextensions filters it).

Shared by the CRD schema validator (apiextensions/schema/openapi.py) and the CEL format
library (kapiserver/cel/library_k8s.py, library_net.py), so it lives below both.

Upstream strips every `format` it does not support before building the validator
(apiserver/validation/formats.go), so `int32`, `int64`, `float` and `double` are not
checked at all, and unknown names are ignored. The names are compared with dashes removed
("date-time" and "datetime" are one format). Each check below follows the Go function
strfmt registers for it; where Go's parser is the definition (net/url, net/mail,
time.ParseDuration) the rules are written out rather than borrowed from Python's, which
accept different strings.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable

from kapiserver.apimachinery import field, validation, validation_ip

_NOPATH = field.Path("x")


def _rx(pattern: str, flags: int = 0) -> Callable[[str], bool]:
    compiled = re.compile(pattern, flags)
    return lambda s: compiled.search(s) is not None


def _hostname(s: str) -> bool:
    # Go's pattern uses \p{L} and \p{S}: Python's \w minus digits/underscore stands in for letters.
    label = r"[^\W_]"
    pat = (rf"^({label}((-?{label}{{0,62}})?)|({label}(([{label[1:-1]}-]{{0,61}}{label})?)(\.)){{1,}}"
           rf"([^\W\d_]){{2,63}})$")
    if re.search(pat, s) is None or len(s) > 255:
        return False
    return all(len(p) <= 63 for p in s.split("."))


def _email(s: str) -> bool:
    """net/mail.ParseAddress, for the common forms: `a@b.c` or `Name <a@b.c>`."""
    m = re.fullmatch(r"\s*(?:[^<>]*<([^<>]+)>|([^<>\s]+))\s*", s)
    if m is None:
        return False
    addr = m.group(1) or m.group(2)
    local, sep, domain = addr.rpartition("@")
    if not sep or not local or not domain:
        return False
    atom = r"[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u0080-\U0010ffff]+"
    return (re.fullmatch(rf"{atom}(\.{atom})*|\"[^\"\\]*\"", local) is not None
            and re.fullmatch(rf"{atom}(\.{atom})*|\[[^\[\]\\]*\]", domain) is not None)


def _request_uri(s: str) -> bool:
    """url.ParseRequestURI: an absolute URI (scheme:...) or an absolute path, no fragment."""
    if not s or any(ord(c) < 0x20 or ord(c) == 0x7F for c in s):
        return False
    if s.startswith("/"):
        return True
    m = re.match(r"^([A-Za-z][A-Za-z0-9+.\-]*):(.*)$", s, re.DOTALL)
    if m is None:
        return False
    rest = m.group(2)
    if rest.startswith("//"):
        authority = rest[2:].split("/", 1)[0].split("?", 1)[0]
        host = authority.rpartition("@")[2]
        if host.startswith("["):
            return "]" in host
        hostname, _, port = host.partition(":")
        if port and not port.isdigit():
            return False
        return re.fullmatch(r"[A-Za-z0-9\-._~!$&'()*+,;=%]*", hostname) is not None
    return True


def _ipv4(s: str) -> bool:
    return "." in s and not validation_ip.is_valid_ip_for_legacy_field(_NOPATH, s, False) and ":" not in s


def _ipv6(s: str) -> bool:
    return ":" in s and not validation_ip.is_valid_ip_for_legacy_field(_NOPATH, s, False)


def _cidr(s: str) -> bool:
    return not validation_ip.is_valid_cidr_for_legacy_field(_NOPATH, s, False)


_MAC = re.compile(r"^([0-9A-Fa-f]{2}[:-]){5,19}[0-9A-Fa-f]{2}$|^([0-9A-Fa-f]{4}\.){2,9}[0-9A-Fa-f]{4}$")


def _mac(s: str) -> bool:
    if _MAC.search(s) is None:
        return False
    groups = len(re.split(r"[:\-.]", s))
    octets = groups if "." not in s else groups * 2
    return octets in (6, 8, 20)


def _isbn10(s: str) -> bool:
    s = re.sub(r"[\s-]", "", s)
    if re.fullmatch(r"[0-9]{9}[0-9X]", s) is None:
        return False
    total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(s))
    return total % 11 == 0


def _isbn13(s: str) -> bool:
    s = re.sub(r"[\s-]", "", s)
    if re.fullmatch(r"[0-9]{13}", s) is None:
        return False
    total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(s[:12]))
    return (10 - total % 10) % 10 == int(s[12])


_CREDIT = re.compile(r"^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|(222[1-9]|22[3-9][0-9]|2[3-6][0-9]{2}|27[01][0-9]|2720)"
                     r"[0-9]{12}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|"
                     r"(?:2131|1800|35\d{3})\d{11}|6[27][0-9]{14})$")


def _creditcard(s: str) -> bool:
    digits = re.sub(r"[^0-9]", "", s)
    if _CREDIT.search(digits) is None:
        return False
    total, double = 0, False
    for ch in reversed(digits):
        n = int(ch)
        if double:
            n = n * 2 - 9 if n * 2 > 9 else n * 2
        total += n
        double = not double
    return total % 10 == 0


def _byte(s: str) -> bool:
    if re.fullmatch(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})", s) is None:
        return False
    try:
        base64.b64decode(s, validate=True)
    except binascii.Error:
        return False
    return True


def _date(s: str) -> bool:
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", s)
    if m is None:
        return False
    year, month, day = (int(g) for g in m.groups())
    if not 1 <= month <= 12:
        return False
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return 1 <= day <= days


_DT_TIME = re.compile(r"^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$")


def _datetime(s: str) -> bool:
    if len(s) < 4:
        return False
    parts = s.lower().split("t")
    if len(parts) < 2 or not _date(parts[0]):
        return False
    m = _DT_TIME.search(parts[1])
    return m is not None and m.group(1) <= "23" and m.group(2) <= "59" and m.group(3) <= "59"


_GO_DURATION = re.compile(r"[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+|[-+]?0")
_UNIT_VARIANTS = (("ns", "nano"), ("us", "µs", "micro"), ("ms", "milli"), ("s", "sec"), ("m", "min"),
                  ("h", "hr", "hour"), ("d", "day"), ("w", "wk", "week"))


def _duration(s: str) -> bool:
    if _GO_DURATION.fullmatch(s):
        return True
    for match in re.finditer(r"((\d+)\s*([A-Za-zµ]+))", s):
        unit = match.group(3).strip().lower()
        for variants in _UNIT_VARIANTS:
            last = len(variants) - 1
            for i, variant in enumerate(variants):
                if (i == last and unit.startswith(variant)) or variant.lower() == unit:
                    return True
    return False


_CHECKS: dict[str, Callable[[str], bool]] = {
    "bsonobjectid": _rx(r"^[0-9a-fA-F]{24}$"),
    "uri": _request_uri,
    "email": _email,
    "hostname": _hostname,
    "ipv4": _ipv4,
    "ipv6": _ipv6,
    "cidr": _cidr,
    "mac": _mac,
    "uuid": _rx(r"^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$", re.IGNORECASE),
    "uuid3": _rx(r"^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$", re.IGNORECASE),
    "uuid4": _rx(r"^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$", re.IGNORECASE),
    "uuid5": _rx(r"^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$", re.IGNORECASE),
    "isbn": lambda s: _isbn10(s) or _isbn13(s),
    "isbn10": _isbn10,
    "isbn13": _isbn13,
    "creditcard": _creditcard,
    "ssn": _rx(r"^\d{3}[- ]?\d{2}[- ]?\d{4}$"),
    "hexcolor": _rx(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"),
    "rgbcolor": _rx(r"^rgb\(\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,"
                    r"\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*\)$"),
    "byte": _byte,
    "password": lambda s: True,
    "date": _date,
    "duration": _duration,
    "datetime": _datetime,
    "k8sshortname": lambda s: not validation.is_dns1123_label(s),
    "k8slongname": lambda s: not validation.is_dns1123_subdomain(s),
}


def supported(fmt: str) -> bool:
    """Whether upstream keeps this format (after removing dashes) when building the validator."""
    return fmt.replace("-", "") in _CHECKS


def check(fmt: str) -> Callable[[str], bool] | None:
    """The check for a supported format, or None (the format is then ignored, as upstream strips it)."""
    return _CHECKS.get(fmt.replace("-", ""))
