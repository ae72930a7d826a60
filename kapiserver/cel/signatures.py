"""Function signatures of the CEL environment Kubernetes v1.35 gives its expressions.

The standard library, optional types, the extended strings (v2) and sets libraries,
cel.bind, and Kubernetes' lists, regex, URLs, quantity, IP, CIDR, format, semver and
authorizer libraries (k8s.io/apiserver pkg/cel/library). Each overload is written as
`receiver.name(params) -> result`; upper-case single letters are type parameters.
`BUILTIN` names the functions the evaluator already implements with the same meaning, so
calls to them are passed through; every other function is evaluated by library.py.
"""

from __future__ import annotations

from . import types as t
from .types import T

_SIGS = """
size(string)->int size(bytes)->int size(list<A>)->int size(map<K,V>)->int
string.size()->int bytes.size()->int list<A>.size()->int map<K,V>.size()->int
string.contains(string)->bool string.startsWith(string)->bool string.endsWith(string)->bool
string.matches(string)->bool matches(string,string)->bool
int(int)->int int(uint)->int int(double)->int int(string)->int int(timestamp)->int int(dyn)->int
uint(int)->uint uint(uint)->uint uint(double)->uint uint(string)->uint uint(dyn)->uint
double(int)->double double(uint)->double double(double)->double double(string)->double double(dyn)->double
string(int)->string string(uint)->string string(double)->string string(string)->string string(bytes)->string
string(bool)->string string(timestamp)->string string(duration)->string string(dyn)->string
string(IP)->string string(CIDR)->string
bytes(string)->bytes bytes(bytes)->bytes bool(bool)->bool bool(string)->bool
duration(string)->duration duration(duration)->duration timestamp(string)->timestamp timestamp(int)->timestamp
timestamp(timestamp)->timestamp dyn(A)->dyn type(A)->type
timestamp.getFullYear()->int timestamp.getFullYear(string)->int timestamp.getMonth()->int timestamp.getMonth(string)->int
timestamp.getDayOfYear()->int timestamp.getDayOfYear(string)->int timestamp.getDayOfMonth()->int
timestamp.getDayOfMonth(string)->int timestamp.getDate()->int timestamp.getDate(string)->int
timestamp.getDayOfWeek()->int timestamp.getDayOfWeek(string)->int timestamp.getHours()->int
timestamp.getHours(string)->int timestamp.getMinutes()->int timestamp.getMinutes(string)->int
timestamp.getSeconds()->int timestamp.getSeconds(string)->int timestamp.getMilliseconds()->int
timestamp.getMilliseconds(string)->int duration.getHours()->int duration.getMinutes()->int
duration.getSeconds()->int duration.getMilliseconds()->int
optional.of(A)->opt<A> optional.ofNonZeroValue(A)->opt<A> optional.none()->opt<dyn>
opt<A>.hasValue()->bool opt<A>.value()->A opt<A>.orValue(A)->A opt<A>.or(opt<A>)->opt<A>
string.charAt(int)->string string.indexOf(string)->int string.indexOf(string,int)->int
string.lastIndexOf(string)->int string.lastIndexOf(string,int)->int string.lowerAscii()->string
string.upperAscii()->string string.replace(string,string)->string string.replace(string,string,int)->string
string.split(string)->list<string> string.split(string,int)->list<string> string.substring(int)->string
string.substring(int,int)->string string.trim()->string list<string>.join()->string
list<string>.join(string)->string strings.quote(string)->string string.reverse()->string
string.format(list<dyn>)->string
sets.contains(list<A>,list<A>)->bool sets.equivalent(list<A>,list<A>)->bool sets.intersects(list<A>,list<A>)->bool
list<A>.isSorted()->bool list<A>.sum()->A list<A>.min()->A list<A>.max()->A
list<A>.indexOf(A)->int list<A>.lastIndexOf(A)->int
string.find(string)->string string.findAll(string)->list<string> string.findAll(string,int)->list<string>
url(string)->URL isURL(string)->bool URL.getScheme()->string URL.getHost()->string URL.getHostname()->string
URL.getPort()->string URL.getEscapedPath()->string URL.getQuery()->map<string,list<string>>
quantity(string)->Quantity isQuantity(string)->bool Quantity.sign()->int Quantity.isInteger()->bool
Quantity.asInteger()->int Quantity.asApproximateFloat()->double Quantity.add(Quantity)->Quantity
Quantity.add(int)->Quantity Quantity.sub(Quantity)->Quantity Quantity.sub(int)->Quantity
Quantity.isLessThan(Quantity)->bool Quantity.isGreaterThan(Quantity)->bool Quantity.compareTo(Quantity)->int
ip(string)->IP isIP(string)->bool ip.isCanonical(string)->bool IP.family()->int IP.isUnspecified()->bool
IP.isLoopback()->bool IP.isLinkLocalMulticast()->bool IP.isLinkLocalUnicast()->bool IP.isGlobalUnicast()->bool
cidr(string)->CIDR isCIDR(string)->bool CIDR.containsIP(IP)->bool CIDR.containsIP(string)->bool
CIDR.containsCIDR(CIDR)->bool CIDR.containsCIDR(string)->bool CIDR.ip()->IP CIDR.masked()->CIDR
CIDR.prefixLength()->int
format.named(string)->opt<Format> Format.validate(string)->opt<list<string>>
format.dns1123Label()->Format format.dns1123Subdomain()->Format format.dns1035Label()->Format
format.qualifiedName()->Format format.dns1123LabelPrefix()->Format format.dns1123SubdomainPrefix()->Format
format.dns1035LabelPrefix()->Format format.labelValue()->Format format.uri()->Format format.uuid()->Format
format.byte()->Format format.date()->Format format.datetime()->Format
semver(string)->Semver semver(string,bool)->Semver isSemver(string)->bool isSemver(string,bool)->bool
lists.range(int)->list<int> list<A>.reverse()->list<A> list<A>.slice(int,int)->list<A>
list<list<A>>.flatten()->list<A> list<dyn>.flatten()->list<dyn> list<dyn>.flatten(int)->list<dyn>
list<A>.sort()->list<A> list<A>.distinct()->list<A> list<A>.first()->opt<A> list<A>.last()->opt<A>
Semver.major()->int Semver.minor()->int Semver.patch()->int Semver.isLessThan(Semver)->bool
Semver.isGreaterThan(Semver)->bool Semver.compareTo(Semver)->int
Authorizer.path(string)->PathCheck Authorizer.group(string)->GroupCheck
Authorizer.serviceAccount(string,string)->Authorizer GroupCheck.resource(string)->ResourceCheck
ResourceCheck.subresource(string)->ResourceCheck ResourceCheck.namespace(string)->ResourceCheck
ResourceCheck.name(string)->ResourceCheck ResourceCheck.fieldSelector(string)->ResourceCheck
ResourceCheck.labelSelector(string)->ResourceCheck PathCheck.check(string)->Decision
ResourceCheck.check(string)->Decision Decision.errored()->bool Decision.error()->string
Decision.allowed()->bool Decision.reason()->string
"""

BUILTIN = frozenset(("contains", "startsWith", "endsWith", "matches", "int", "uint", "double", "bytes", "bool",
                     "duration", "timestamp", "dyn", "type", "getFullYear", "getMonth", "getDayOfYear",
                     "getDayOfMonth", "getDate", "getDayOfWeek", "getHours", "getMinutes", "getSeconds",
                     "getMilliseconds", "optional.of", "optional.ofNonZeroValue", "optional.none", "hasValue",
                     "value", "orValue", "or"))
NAMESPACES = frozenset(("optional", "strings", "sets", "format", "ip", "lists"))


def _parse_type(text: str) -> T:
    text = text.strip()
    if "<" in text:
        head, _, rest = text.partition("<")
        inner = rest[:-1]
        if head == "map":
            depth, split = 0, 0
            for i, ch in enumerate(inner):
                depth += ch == "<"
                depth -= ch == ">"
                if ch == "," and depth == 0:
                    split = i
            return t.map_of(_parse_type(inner[:split]), _parse_type(inner[split + 1:]))
        return T("list" if head == "list" else "opt", elem=_parse_type(inner))
    if len(text) == 1 and text.isupper():
        return T("var", name=text)
    return {"int": t.INT, "uint": t.UINT, "double": t.DOUBLE, "bool": t.BOOL, "string": t.STRING, "bytes": t.BYTES,
            "duration": t.DURATION, "timestamp": t.TIMESTAMP, "dyn": t.DYN, "type": t.TYPE}.get(text) or T(text)


def _split_params(text: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for ch in text:
        depth += ch == "<"
        depth -= ch == ">"
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    if cur:
        out.append(cur)
    return out


def _load() -> dict[str, list[tuple[T | None, list[T], T]]]:
    table: dict[str, list[tuple[T | None, list[T], T]]] = {}
    for sig in _SIGS.split():
        head, _, result = sig.partition("->")
        call, _, params = head.partition("(")
        params = params[:-1]
        receiver: T | None = None
        name = call
        dot = call.rfind(".")
        if dot > 0 and call[:dot] not in NAMESPACES:
            receiver, name = _parse_type(call[:dot]), call[dot + 1:]
        table.setdefault(name, []).append((receiver, [_parse_type(p) for p in _split_params(params)],
                                           _parse_type(result)))
    return table


FUNCTIONS = _load()
