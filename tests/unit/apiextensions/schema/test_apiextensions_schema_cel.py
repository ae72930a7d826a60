"""CEL rules of CRD schemas: library functions (after k8s.io/apiserver pkg/cel/library tests) and rule
behaviour (after apiextensions pkg/apiserver/schema/cel/validation_test.go)."""

import pytest

from kapiserver.apiextensions.schema import compile_schema


def rule_errors(rule, props=None, obj=None, old=None, **extra):
    schema = {"type": "object", "properties": {"spec": {"type": "object", "properties": props or {},
                                                        "x-kubernetes-validations": [{"rule": rule, **extra}]}}}
    c = compile_schema(schema)
    return [str(e) for e in c.validate({"spec": obj or {}}, None if old is None else {"spec": old})]


LIBRARY_TRUE = [
    # strings (cel-go ext.Strings v2)
    "'abc'.charAt(1) == 'b'", "'abc'.charAt(3) == ''", "'hello mellow'.indexOf('ello') == 1",
    "'hello mellow'.indexOf('ello', 6) == 7", "'hello mellow'.lastIndexOf('ello') == 7",
    "'TacoCat'.lowerAscii() == 'tacocat'", "'TacoCÆt'.upperAscii() == 'TACOCÆT'",
    "'hello hello'.replace('he', 'we') == 'wello wello'", "'hello hello'.replace('he', 'we', 1) == 'wello hello'",
    "'hello hello hello'.split(' ') == ['hello', 'hello', 'hello']", "'hello hello hello'.split(' ', 2) == ['hello', 'hello hello']",
    "'tacocat'.substring(4) == 'cat'", "'tacocat'.substring(0, 4) == 'taco'", "'  \\ttrim\\n '.trim() == 'trim'",
    "['hello', 'mellow'].join() == 'hellomellow'", "['hello', 'mellow'].join(' ') == 'hello mellow'",
    "'gums'.reverse() == 'smug'", "strings.quote('first\\nsecond') == '\"first\\\\nsecond\"'",
    "'%s=%d'.format(['a', 1]) == 'a=1'",
    # lists (k8s library)
    "[1, 2, 3].isSorted()", "!['c', 'a'].isSorted()", "[1, 2, 3].sum() == 6", "[1.0, 2.5].sum() == 3.5",
    "[1, 3, 2].min() == 1", "[1, 3, 2].max() == 3", "[1, 2, 2, 3].indexOf(2) == 1", "[1, 2, 2, 3].lastIndexOf(2) == 2",
    "[quantity('1'), quantity('2Gi')].isSorted()",
    # regex
    "'abc 123'.find('[0-9]+') == '123'", "'abc'.find('[0-9]+') == ''", "'123 abc 456'.findAll('[0-9]+') == ['123', '456']",
    "'123 abc 456'.findAll('[0-9]+', 1) == ['123']",
    # urls
    "url('https://example.com:80/path?k=v').getScheme() == 'https'",
    "url('https://example.com:80/path').getHost() == 'example.com:80'",
    "url('https://example.com:80/path').getHostname() == 'example.com'",
    "url('https://example.com:80/path').getPort() == '80'", "url('https://[::1]:80/').getHostname() == '::1'",
    "url('https://example.com/a%20b').getEscapedPath() == '/a%20b'",
    "url('https://example.com/?k=a&k=b').getQuery() == {'k': ['a', 'b']}", "isURL('/relative')", "!isURL('x y')",
    # quantity
    "quantity('50k').isGreaterThan(quantity('1Mi')) == false", "quantity('200M').isLessThan(quantity('1G'))",
    "quantity('50M').compareTo(quantity('50M')) == 0", "quantity('5').asInteger() == 5",
    "quantity('1.5').asApproximateFloat() == 1.5", "quantity('50m').isInteger() == false",
    "quantity('50k').add(quantity('20k')) == quantity('70k')", "quantity('50k').add(20) == quantity('50020')",
    "quantity('50k').sub(quantity('20k')) == quantity('30k')", "quantity('-5').sign() == -1",
    "isQuantity('1.3G')", "!isQuantity('1.3Gi ')",
    # ip / cidr
    "ip('192.168.0.1').family() == 4", "ip('::1').family() == 6", "isIP('1.2.3.4')", "!isIP('1.2.3.4/8')",
    "ip('127.0.0.1').isLoopback()", "ip('0.0.0.0').isUnspecified()", "ip('169.254.1.1').isLinkLocalUnicast()",
    "ip('224.0.0.1').isLinkLocalMulticast()", "ip('8.8.8.8').isGlobalUnicast()", "ip.isCanonical('2001:db8::1')",
    "!ip.isCanonical('2001:DB8::1')", "string(ip('10.0.0.1')) == '10.0.0.1'",
    "cidr('192.168.0.0/24').containsIP(ip('192.168.0.1'))", "cidr('192.168.0.0/24').containsIP('192.168.0.1')",
    "!cidr('192.168.0.0/24').containsIP('192.168.1.1')", "cidr('192.168.0.0/16').containsCIDR('192.168.1.0/24')",
    "cidr('192.168.0.0/24').ip() == ip('192.168.0.0')", "cidr('192.168.1.5/24').masked() == cidr('192.168.1.0/24')",
    "cidr('192.168.0.0/24').prefixLength() == 24", "isCIDR('10.0.0.0/8')", "!isCIDR('10.0.0.0')",
    "string(cidr('10.0.0.0/8')) == '10.0.0.0/8'",
    # format
    "!format.dns1123Label().validate('my-label-name').hasValue()",
    "format.dns1123Label().validate('MY_LABEL').hasValue()",
    "format.named('dns1123Subdomain').hasValue()", "!format.named('nope').hasValue()",
    # semver
    "semver('1.0.0').isLessThan(semver('1.1.0'))", "semver('1.2.3').major() == 1 && semver('1.2.3').patch() == 3",
    "semver('v01.01', true) == semver('1.1.0')", "isSemver('1.0.0-alpha+001')", "!isSemver('1.0')",
    "semver('1.0.0-alpha').compareTo(semver('1.0.0')) == -1",
    # sets, bind, optionals
    "sets.contains([1, 2, 3], [3, 1])", "sets.equivalent([1, 2], [2, 1, 1])", "sets.intersects([1], [3, 1])",
    "cel.bind(x, [1, 2], x.size() == 2)", "optional.of(1).orValue(2) == 1", "optional.none().orValue(2) == 2",
    "size('héllo') == 5", "'héllo'.size() == 5",
]


@pytest.mark.parametrize("expr", LIBRARY_TRUE)
def test_library_function(expr):
    assert rule_errors(expr) == []


COMPILE_ERRORS = [
    ("self.missing == 1", "undefined field 'missing'"),
    ("self.a == 'x'", "found no matching overload for '_==_' applied to '(int, string)'"),
    ("nope(1)", "undeclared reference to 'nope' (in container '')"),
    ("self.a", "cel expression must evaluate to a bool"),
    ("self.a ==", "Syntax error"),
]


@pytest.mark.parametrize("rule,fragment", COMPILE_ERRORS)
def test_compile_errors(rule, fragment):
    errs = rule_errors(rule, {"a": {"type": "integer"}}, {"a": 1})
    assert len(errs) == 1 and errs[0].startswith('spec: Invalid value: "object": rule compile error: ')
    assert fragment in errs[0]


def test_messages_reasons_and_field_paths():
    props = {"a": {"type": "integer"}, "b": {"type": "string"}}
    assert rule_errors("self.a > 1", props, {"a": 1}) == ["spec: Invalid value: failed rule: self.a > 1"]
    assert rule_errors("self.a > 1", props, {"a": 1}, message="a too small") == ["spec: Invalid value: a too small"]
    assert rule_errors("self.a > 1", props, {"a": 1}, messageExpression="'a is ' + string(self.a)") == [
        "spec: Invalid value: a is 1"]
    assert rule_errors("self.a > 1", props, {"a": 1}, messageExpression="''", message="fallback") == [
        "spec: Invalid value: fallback"]
    assert rule_errors("self.a > 1", props, {"a": 1}, reason="FieldValueForbidden", fieldPath=".a") == [
        "spec.a: Forbidden: failed rule: self.a > 1"]
    assert rule_errors("self.a > 1", props, {"a": 1}, reason="FieldValueRequired", message="need a") == [
        "spec: Required value: need a"]


def test_scalar_values_are_printed():
    schema = {"type": "object", "properties": {"spec": {"type": "object", "properties": {
        "n": {"type": "integer", "x-kubernetes-validations": [{"rule": "self % 2 == 1", "message": "gotta be odd"}]},
        "s": {"type": "string", "x-kubernetes-validations": [{"rule": "self == 'bar'", "message": "gotta be bar"}]}}}}}
    errs = [str(e) for e in compile_schema(schema).validate({"spec": {"n": 2, "s": "baz"}})]
    assert errs == ["spec.n: Invalid value: 2: gotta be odd", 'spec.s: Invalid value: "baz": gotta be bar']


def test_escaped_property_names():
    props = {"foo-bar": {"type": "string"}, "namespace": {"type": "string"}, "a.b": {"type": "string"}}
    obj = {"foo-bar": "x", "namespace": "ns", "a.b": "y"}
    assert rule_errors("self.foo__dash__bar == 'x' && self.__namespace__ == 'ns' && self.a__dot__b == 'y' "
                       "&& has(self.foo__dash__bar)", props, obj) == []


def test_transition_rules():
    props = {"replicas": {"type": "integer"}}
    rule = "self.replicas >= oldSelf.replicas"
    assert rule_errors(rule, props, {"replicas": 1}) == []  # no old object: not evaluated
    assert rule_errors(rule, props, {"replicas": 1}, {"replicas": 2}) == [f"spec: Invalid value: failed rule: {rule}"]
    optional = "!oldSelf.hasValue() || self.replicas >= oldSelf.value().replicas"
    assert rule_errors(optional, props, {"replicas": 1}, optionalOldSelf=True) == []
    assert rule_errors(optional, props, {"replicas": 1}, {"replicas": 2}, optionalOldSelf=True) != []


def test_ratcheting_unchanged_values():
    props = {"a": {"type": "integer"}}
    assert rule_errors("self.a > 5", props, {"a": 1}, {"a": 1}) == []
    assert rule_errors("self.a > 5", props, {"a": 2}, {"a": 1}) == ["spec: Invalid value: failed rule: self.a > 5"]


def test_runtime_errors():
    props = {"m": {"type": "object", "additionalProperties": {"type": "string"}}}
    assert rule_errors("self.m['x'] == 'y'", props, {"m": {}}) == [
        "spec: Invalid value: \"object\": no such key: x evaluating rule: self.m['x'] == 'y'"]


def test_number_fields_are_doubles():
    assert rule_errors("self.n * 2.0 == 4.0", {"n": {"type": "number"}}, {"n": 2}) == []


def test_formats_become_cel_types():
    props = {"d": {"type": "string", "format": "duration"}, "t": {"type": "string", "format": "date-time"},
             "b": {"type": "string", "format": "byte"}}
    assert rule_errors("self.d > duration('1m') && self.t.getFullYear() == 2020 && self.b == b'hi'", props,
                       {"d": "5m", "t": "2020-01-02T03:04:05Z", "b": "aGk="}) == []


def test_root_rule_and_metadata():
    schema = {"type": "object", "x-kubernetes-validations": [{"rule": "self.metadata.name.startsWith('a')"}]}
    c = compile_schema(schema)
    assert c.validate({"metadata": {"name": "abc"}}) == []
    assert [str(e) for e in c.validate({"metadata": {"name": "b"}})] == [
        "<nil>: Invalid value: failed rule: self.metadata.name.startsWith('a')"]


def test_per_call_cost_limit():
    props = {"l": {"type": "array", "items": {"type": "integer"}}}
    rule = "self.l.all(x, self.l.all(y, x + y > -1))"
    errs = rule_errors(rule, props, {"l": list(range(2000))})
    assert errs and "call cost exceeds limit" in errs[0]


def test_nested_comprehension_on_small_lists_is_cheap():
    props = {"l": {"type": "array", "items": {"type": "integer"}}}
    assert rule_errors("self.l.all(x, self.l.all(y, x + y > -1))", props, {"l": [1, 2, 3]}) == []


TWO_VARIABLE = [
    "{'a': 1, 'b': 2}.all(k, v, v > 0 && k.size() == 1)", "[1, 2].exists(i, v, i == 1 && v == 2)",
    "[1, 2, 3].existsOne(i, v, v == 2)", "[1, 2].transformList(i, v, v * 10) == [10, 20]",
    "[1, 2, 3].transformList(i, v, v > 1, v) == [2, 3]", "{'a': 1}.transformMap(k, v, v + 1) == {'a': 2}",
]


@pytest.mark.parametrize("expr", TWO_VARIABLE)
def test_two_variable_comprehensions(expr):
    assert rule_errors(expr) == []
