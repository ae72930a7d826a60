"""The Kubernetes CEL library functions the evaluator lacks (k8s.io/apiserver pkg/cel/library, cel-go ext).

Each function is registered with the evaluator as `k8s_<name>` (dots become underscores)
and receives the receiver first. Values of Kubernetes' own CEL types (Quantity, IP, CIDR,
URL, Semver, a named format) cannot cross into the evaluator as Python objects, so they
travel as small maps `{"@k8s": kind, "v": canonical text}`: equal values compare equal,
and the checker has already made sure no rule can look inside them.

A function raises ValueError with upstream's message when upstream's returns an error.
"""

from __future__ import annotations

import ipaddress
import re
import urllib.parse
from collections.abc import Callable
from typing import Any

import cel

from kapiserver.apimachinery import quantity as q, validation

from .. import formats

_Fn = Callable[..., Any]
FUNCTIONS: dict[str, _Fn] = {}


def _register(*names: str) -> Callable[[_Fn], _Fn]:
    def wrap(fn: _Fn) -> _Fn:
        for name in names:
            FUNCTIONS["k8s_" + name.replace(".", "_")] = fn
        return fn
    return wrap


def _box(kind: str, value: str) -> dict[str, str]:
    return {"@k8s": kind, "v": value}


def _unbox(value: Any) -> str:
    return value["v"] if isinstance(value, dict) else value


# -- core helpers and optionals ----------------------------------------------------------------

@_register("size")
def _size(value: Any) -> int:
    return len(value)


@_register("string")
def _string(value: Any) -> str:
    return _unbox(value) if isinstance(value, dict) else str(value)


@_register("opt_select")
def _opt_select(target: Any, key: str) -> Any:
    if isinstance(target, cel.OptionalValue):
        if not target.has_value():
            return target
        target = target.value()
    if isinstance(target, dict) and key in target:
        return cel.OptionalValue.of(target[key])
    return cel.OptionalValue.none()


@_register("opt_index")
def _opt_index(target: Any, key: Any) -> Any:
    if isinstance(target, cel.OptionalValue):
        if not target.has_value():
            return target
        target = target.value()
    if isinstance(target, dict):
        return cel.OptionalValue.of(target[key]) if key in target else cel.OptionalValue.none()
    if isinstance(target, list) and isinstance(key, int) and 0 <= key < len(target):
        return cel.OptionalValue.of(target[key])
    return cel.OptionalValue.none()


# -- extended strings (cel-go ext.Strings, version 2) ------------------------------------------

@_register("charAt")
def _char_at(s: str, i: int) -> str:
    if i < 0 or i > len(s):
        raise ValueError(f"index out of range: {i}")
    return s[i] if i < len(s) else ""


@_register("indexOf")
def _index_of(container: Any, sub: Any, offset: int = 0) -> int:
    if isinstance(container, list):
        for i, item in enumerate(container):
            if item == sub and type(item) is type(sub):
                return i
        return -1
    if offset < 0 or offset > len(container):
        raise ValueError(f"index out of range: {offset}")
    return container.find(sub, offset)


@_register("lastIndexOf")
def _last_index_of(container: Any, sub: Any, offset: int | None = None) -> int:
    if isinstance(container, list):
        for i in range(len(container) - 1, -1, -1):
            if container[i] == sub and type(container[i]) is type(sub):
                return i
        return -1
    if offset is None:
        return container.rfind(sub)
    if offset < 0 or offset > len(container):
        raise ValueError(f"index out of range: {offset}")
    return container.rfind(sub, 0, offset + len(sub))


@_register("lowerAscii")
def _lower_ascii(s: str) -> str:
    return "".join(c.lower() if "A" <= c <= "Z" else c for c in s)


@_register("upperAscii")
def _upper_ascii(s: str) -> str:
    return "".join(c.upper() if "a" <= c <= "z" else c for c in s)


@_register("replace")
def _replace(s: str, old: str, new: str, n: int = -1) -> str:
    return s.replace(old, new, n if n >= 0 else -1)


@_register("split")
def _split(s: str, sep: str, n: int = -1) -> list[str]:
    if n == 0:
        return []
    if sep == "":
        parts = list(s)
        if n > 0 and len(parts) > n:
            parts = parts[: n - 1] + ["".join(parts[n - 1:])]
        return parts
    return s.split(sep, n - 1) if n > 0 else s.split(sep)


@_register("substring")
def _substring(s: str, start: int, end: int | None = None) -> str:
    end = len(s) if end is None else end
    if start < 0 or start > len(s):
        raise ValueError(f"index out of range: {start}")
    if end < 0 or end > len(s):
        raise ValueError(f"index out of range: {end}")
    if start > end:
        raise ValueError(f"invalid substring range. start: {start}, end: {end}")
    return s[start:end]


@_register("trim")
def _trim(s: str) -> str:
    return s.strip()


@_register("join")
def _join(items: list[str], sep: str = "") -> str:
    return sep.join(items)


@_register("strings.quote")
def _quote(s: str) -> str:
    out = ['"']
    for ch in s:
        out.append({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\a": "\\a", "\b": "\\b",
                    "\f": "\\f", "\v": "\\v"}.get(ch, ch))
    return "".join(out) + '"'


@_register("reverse")
def _reverse(s: str) -> str:
    return s[::-1]


@_register("format")
def _format(fmt: str, args: list[Any]) -> str:
    values = iter(args)

    def sub(m: re.Match[str]) -> str:
        verb = m.group(2)
        if verb == "%":
            return "%"
        value = next(values)
        if verb == "d":
            return str(int(value))
        if verb == "f":
            precision = int(m.group(1)[1:]) if m.group(1) else 6
            return f"{float(value):.{precision}f}"
        if verb in "xX":
            text = value.hex() if isinstance(value, bytes) else format(value, "x") if isinstance(value, int) \
                else str(value).encode().hex()
            return text.upper() if verb == "X" else text
        if isinstance(value, bool):
            return "true" if value else "false"
        return _unbox(value) if isinstance(value, dict) and "@k8s" in value else str(value)

    return re.sub(r"%(\.\d+)?([sdfexXbo%])", sub, fmt)


# -- sets, lists, regex ----------------------------------------------------------------------------

@_register("sets.contains")
def _sets_contains(a: list[Any], b: list[Any]) -> bool:
    return all(x in a for x in b)


@_register("sets.equivalent")
def _sets_equivalent(a: list[Any], b: list[Any]) -> bool:
    return all(x in b for x in a) and all(x in a for x in b)


@_register("sets.intersects")
def _sets_intersects(a: list[Any], b: list[Any]) -> bool:
    return any(x in b for x in a)


def _sort_key(value: Any) -> Any:
    return q.float_value(q.parse_quantity(value["v"])) if isinstance(value, dict) else value


@_register("isSorted")
def _is_sorted(items: list[Any]) -> bool:
    keys = [_sort_key(x) for x in items]
    return all(keys[i] <= keys[i + 1] for i in range(len(keys) - 1))


@_register("sum")
def _sum(items: list[Any]) -> Any:
    if not items:
        return 0
    total = items[0]
    for item in items[1:]:
        total = total + item
    return total


@_register("min")
def _min(items: list[Any]) -> Any:
    if not items:
        raise ValueError("min(list) called on empty list")
    return min(items, key=_sort_key)


@_register("max")
def _max(items: list[Any]) -> Any:
    if not items:
        raise ValueError("max(list) called on empty list")
    return max(items, key=_sort_key)


@_register("find")
def _find(s: str, pattern: str) -> str:
    m = re.search(pattern, s)
    return m.group(0) if m else ""


@_register("findAll")
def _find_all(s: str, pattern: str, n: int = -1) -> list[str]:
    found = [m.group(0) for m in re.finditer(pattern, s)]
    return found if n < 0 else found[:n]


# -- URLs ------------------------------------------------------------------------------------------

@_register("url")
def _url(s: str) -> dict[str, str]:
    if not formats.check("uri")(s):  # type: ignore[misc]
        raise ValueError(f"URL parse error during conversion from string: parse {_goq(s)}: invalid URI for request")
    return _box("URL", s)


@_register("isURL")
def _is_url(s: str) -> bool:
    return bool(formats.check("uri")(s))  # type: ignore[misc]


def _split_url(u: Any) -> urllib.parse.SplitResult:
    return urllib.parse.urlsplit(_unbox(u))


FUNCTIONS["k8s_getScheme"] = lambda u: _split_url(u).scheme
FUNCTIONS["k8s_getHost"] = lambda u: _split_url(u).netloc.rpartition("@")[2]
FUNCTIONS["k8s_getHostname"] = lambda u: (_split_url(u).hostname or "") if "[" not in _unbox(u) else \
    _split_url(u).netloc.rpartition("@")[2].partition("]")[0].lstrip("[")
FUNCTIONS["k8s_getPort"] = lambda u: (lambda h: h.rpartition(":")[2] if ":" in h.rpartition("]")[2] else "")(
    _split_url(u).netloc.rpartition("@")[2])
FUNCTIONS["k8s_getEscapedPath"] = lambda u: _split_url(u).path
FUNCTIONS["k8s_getQuery"] = lambda u: urllib.parse.parse_qs(_split_url(u).query, keep_blank_values=True)


def _goq(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


# -- quantity --------------------------------------------------------------------------------------

@_register("quantity")
def _quantity(s: str) -> dict[str, str]:
    try:
        return _box("Quantity", q.canonical(q.parse_quantity(s)))
    except q.QuantityError as err:
        raise ValueError(f"quantity parse error: {err}") from None


@_register("isQuantity")
def _is_quantity(s: str) -> bool:
    try:
        q.parse_quantity(s)
    except q.QuantityError:
        return False
    return True


def _qv(value: Any) -> q.Quantity:
    return q.parse_quantity(value["v"])


def _q_arg(value: Any) -> q.Quantity:
    return q.parse_quantity(str(value)) if isinstance(value, int) else _qv(value)


FUNCTIONS["k8s_isInteger"] = lambda v: q.is_integer(_qv(v))
FUNCTIONS["k8s_asApproximateFloat"] = lambda v: q.float_value(_qv(v))
FUNCTIONS["k8s_add"] = lambda a, b: _box("Quantity", q.canonical(q.add(_qv(a), _q_arg(b))))
FUNCTIONS["k8s_isLessThan"] = lambda a, b: _compare(a, b) < 0
FUNCTIONS["k8s_isGreaterThan"] = lambda a, b: _compare(a, b) > 0
FUNCTIONS["k8s_compareTo"] = lambda a, b: _compare(a, b)


@_register("sign")
def _sign(v: Any) -> int:
    return _qv(v).sign()


@_register("asInteger")
def _as_integer(v: Any) -> int:
    value = _qv(v)
    if not q.is_integer(value) or not -(2**63) <= q.value(value) < 2**63:
        raise ValueError("cannot convert value to integer")
    return q.value(value)


@_register("sub")
def _sub(a: Any, b: Any) -> dict[str, str]:
    other = _q_arg(b)
    negated = q.Quantity(-other.mantissa, other.exponent, other.format)
    return _box("Quantity", q.canonical(q.add(_qv(a), negated)))


def _compare(a: Any, b: Any) -> int:
    if a.get("@k8s") == "Semver":
        return _semver_compare(a["v"], b["v"])
    return q.compare(_qv(a), _qv(b))


# -- IP and CIDR -------------------------------------------------------------------------------------

def _parse_ip(s: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    if "%" in s:
        raise ValueError(f"IP address with zone value is not allowed")
    try:
        ip = ipaddress.ip_address(s)
    except ValueError:
        raise ValueError(f"IP Address {_goq(s)} parse error during conversion from string: "
                         f"ParseAddr({_goq(s)}): unable to parse IP") from None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        raise ValueError("IPv4-mapped IPv6 address is not allowed")
    return ip


@_register("ip")
def _ip(s: str) -> dict[str, str]:
    return _box("IP", str(_parse_ip(s)))


@_register("isIP")
def _is_ip(s: str) -> bool:
    try:
        _parse_ip(s)
    except ValueError:
        return False
    return True


@_register("ip.isCanonical")
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
        raise ValueError(f"network address {_goq(s)} parse error during conversion from string: "
                         f"netip.ParsePrefix({_goq(s)}): bad bits after slash") from None


@_register("cidr")
def _cidr(s: str) -> dict[str, str]:
    return _box("CIDR", str(_parse_cidr(s)))


@_register("isCIDR")
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
FUNCTIONS["k8s_masked"] = lambda c: _box("CIDR", str(_net(c)))
FUNCTIONS["k8s_prefixLength"] = lambda c: _net(c).prefixlen
FUNCTIONS["k8s_ip"] = lambda v: _box("IP", str(ipaddress.ip_interface(v["v"]).ip)) if isinstance(v, dict) else _ip(v)


# -- named formats -----------------------------------------------------------------------------------

_NAMED: dict[str, Callable[[str], list[str]]] = {
    "dns1123Label": validation.is_dns1123_label,
    "dns1123Subdomain": validation.is_dns1123_subdomain,
    "dns1035Label": validation.is_dns1035_label,
    "qualifiedName": validation.is_qualified_name,
    "dns1123LabelPrefix": lambda s: validation.is_dns1123_label(s.rstrip("-") or s),
    "dns1123SubdomainPrefix": lambda s: validation.is_dns1123_subdomain(s.rstrip("-") or s),
    "dns1035LabelPrefix": lambda s: validation.is_dns1035_label(s.rstrip("-") or s),
    "labelValue": validation.is_valid_label_value if hasattr(validation, "is_valid_label_value") else (lambda s: []),
    "uri": lambda s: [] if formats.check("uri")(s) else ["invalid URI"],  # type: ignore[misc]
    "uuid": lambda s: [] if formats.check("uuid")(s) else ["does not match the UUID format"],  # type: ignore[misc]
    "byte": lambda s: [] if formats.check("byte")(s) else ["invalid base64"],  # type: ignore[misc]
    "date": lambda s: [] if formats.check("date")(s) else ["invalid date"],  # type: ignore[misc]
    "datetime": lambda s: [] if formats.check("datetime")(s) else ["invalid datetime"],  # type: ignore[misc]
}

for _name in _NAMED:
    FUNCTIONS["k8s_format_" + _name] = (lambda n: lambda: _box("Format", n))(_name)


@_register("format.named")
def _format_named(name: str) -> Any:
    return cel.OptionalValue.of(_box("Format", name)) if name in _NAMED else cel.OptionalValue.none()


@_register("validate")
def _validate(fmt: Any, s: str) -> Any:
    errs = _NAMED[fmt["v"]](s)
    return cel.OptionalValue.of(list(errs)) if errs else cel.OptionalValue.none()


# -- semver --------------------------------------------------------------------------------------------

_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$")


def _normalize(s: str) -> str:
    s = s[1:] if s.startswith("v") else s
    parts = s.split("-", 1)[0].split("+", 1)[0].split(".")
    rest = s[len(".".join(parts)):]
    parts = [p.lstrip("0") or "0" for p in parts] + ["0"] * (3 - len(parts))
    return ".".join(parts) + rest


@_register("semver")
def _semver(s: str, normalize: bool = False) -> dict[str, str]:
    text = _normalize(s) if normalize else s
    if _SEMVER.match(text) is None:
        raise ValueError(f"Semver parse error during conversion from string: {_semver_error(text)}")
    return _box("Semver", text)


def _semver_error(s: str) -> str:
    return "Version string empty" if not s else f"No Major.Minor.Patch elements found"


@_register("isSemver")
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
