"""Tables from upstream util/validation/validation_test.go, plus exact-message checks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapiserver.apimachinery import field
from kapiserver.apimachinery import validation as v

ROOT = field.new_path("")


@pytest.mark.parametrize("value", [
    "a", "ab", "abc", "a1", "a-1", "a--1--2--b",
    "0", "01", "012", "1a", "1-a", "1--a--b--2",
    "a" * 63,
])
def test_dns1123_label_good(value: str) -> None:
    assert v.is_dns1123_label(value) == []


@pytest.mark.parametrize("value", [
    "", "A", "ABC", "aBc", "A1", "A-1", "1-A",
    "-", "a-", "-a", "1-", "-1",
    "_", "a_", "_a", "a_b", "1_", "_1", "1_2",
    ".", "a.", ".a", "a.b", "1.", ".1", "1.2",
    " ", "a ", " a", "a b", "1 ", " 1", "1 2",
    "a" * 64, "a\n",
])
def test_dns1123_label_bad(value: str) -> None:
    assert v.is_dns1123_label(value)


def test_dns1123_label_messages() -> None:
    assert v.is_dns1123_label("a.b") == ["must not contain dots"]
    assert v.is_dns1123_label("a" * 64) == ["must be no more than 63 characters"]
    assert v.is_dns1123_label("Foo") == [
        ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
        "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
        "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")]


@pytest.mark.parametrize("value", [
    "a", "ab", "abc", "a1", "a-1", "a--1--2--b",
    "0", "01", "012", "1a", "1-a", "1--a--b--2",
    "a.a", "ab.a", "abc.a", "a1.a", "a-1.a", "a--1--2--b.a",
    "a.1", "ab.1", "abc.1", "a1.1", "a-1.1", "a--1--2--b.1",
    "0.a", "01.a", "012.a", "1a.a", "1-a.a",
    "0.1", "01.1", "012.1", "1a.1", "1-a.1", "1--a--b--2.1",
    "a.b.c.d.e", "aa.bb.cc.dd.ee", "1.2.3.4.5", "11.22.33.44.55",
    "a" * 253,
])
def test_dns1123_subdomain_good(value: str) -> None:
    assert v.is_dns1123_subdomain(value) == []


@pytest.mark.parametrize("value", [
    "", "A", "ABC", "aBc", "A1", "A-1", "1-A",
    "-", "a-", "-a", "1-", "-1",
    "_", "a_", "_a", "a_b", "1_", "_1", "1_2",
    ".", "a.", ".a", "a..b", "1.", ".1", "1..2",
    " ", "a ", " a", "a b", "1 ", " 1", "1 2",
    "A.a", "aB.a", "ab.A", "A1.a", "a1.A",
    "A.1", "aB.1", "A1.1", "1A.1",
    "0.A", "01.A", "012.A", "1A.a", "1a.A",
    "A.B.C.D.E", "AA.BB.CC.DD.EE", "a.B.c.d.e", "aa.bB.cc.dd.ee",
    "a@b", "a,b", "a;b",
    "a:b", "a%b", "a?b", "a$b",
    "a" * 254,
])
def test_dns1123_subdomain_bad(value: str) -> None:
    assert v.is_dns1123_subdomain(value)


def test_dns1123_subdomain_counts_bytes() -> None:
    assert v.is_dns1123_subdomain("é" * 127)[0] == "must be no more than 253 characters"


@pytest.mark.parametrize("value", ["a", "ab", "abc", "a1", "a-1", "a--1--2--b", "a" * 63])
def test_dns1035_label_good(value: str) -> None:
    assert v.is_dns1035_label(value) == []


@pytest.mark.parametrize("value", [
    "0", "01", "012", "1a", "1-a", "1--a--b--2",
    "", "A", "ABC", "aBc", "A1", "A-1", "1-A",
    "-", "a-", "-a", "1-", "-1",
    "_", "a_", "_a", "a_b", "1_", "_1", "1_2",
    ".", "a.", ".a", "a.b", "1.", ".1", "1.2",
    " ", "a ", " a", "a b", "1 ", " 1", "1 2",
    "a" * 64,
])
def test_dns1035_label_bad(value: str) -> None:
    assert v.is_dns1035_label(value)


@pytest.mark.parametrize("port,ok", [(1, True), (2, True), (1000, True), (16384, True), (32768, True),
                                     (65535, True), (0, False), (-1, False), (65536, False), (100000, False)])
def test_port_num(port: int, ok: bool) -> None:
    assert (v.is_valid_port_num(port) == []) is ok
    if not ok:
        assert v.is_valid_port_num(port) == ["must be between 1 and 65535, inclusive"]


@pytest.mark.parametrize("value,lo,hi,ok", [
    (1, 0, 10, True), (5, 5, 20, True), (25, 10, 25, True),
    (1, 2, 10, False), (5, -4, 2, False), (25, 100, 120, False),
])
def test_in_range(value: int, lo: int, hi: int, ok: bool) -> None:
    assert (v.is_in_range(value, lo, hi) == []) is ok


@pytest.mark.parametrize("ident,ok", [(0, True), (1, True), (1000, True), (65535, True), (2147483647, True),
                                      (-1, False), (-1003, False), (2147483648, False), (4147483647, False)])
def test_user_and_group_ids(ident: int, ok: bool) -> None:
    assert (v.is_valid_user_id(ident) == []) is ok
    assert (v.is_valid_group_id(ident) == []) is ok


@pytest.mark.parametrize("value", ["telnet", "re-mail-ck", "pop3", "a", "a-1", "1-a", "a-1-b-2-c",
                                   "1-a-2-b-3"])
def test_port_name_good(value: str) -> None:
    assert v.is_valid_port_name(value) == []


@pytest.mark.parametrize("value", ["longerthan15characters", "", "a" * 16, "12345", "1-2-3-4",
                                   "-begin", "end-", "two--hyphens", "whois++"])
def test_port_name_bad(value: str) -> None:
    assert v.is_valid_port_name(value)


def test_port_name_reports_every_rule() -> None:
    assert v.is_valid_port_name("-1--") == [
        "must contain at least one letter (a-z)",
        "must not contain consecutive hyphens",
        "must not begin or end with a hyphen",
    ]


@pytest.mark.parametrize("value", [
    "simple", "now-with-dashes", "1-starts-with-num", "1234", "simple/simple",
    "now-with-dashes/simple", "now-with-dashes/now-with-dashes", "now.with.dots/simple",
    "now-with.dashes-and.dots/simple", "1-num.2-num/3-num", "1234/5678", "1.2.3.4/5678",
    "Uppercase_Is_OK_123", "example.com/Uppercase_Is_OK_123", "requests.storage-foo",
    "a" * 63, "a" * 253 + "/" + "b" * 63,
])
def test_qualified_name_good(value: str) -> None:
    assert v.is_qualified_name(value) == []


@pytest.mark.parametrize("value", [
    "nospecialchars%^=@", "cantendwithadash-", "-cantstartwithadash-", "only/one/slash",
    "Example.com/abc", "example_com/abc", "example.com/", "/simple", "a" * 64, "a" * 254 + "/abc",
])
def test_qualified_name_bad(value: str) -> None:
    assert v.is_qualified_name(value)


def test_qualified_name_messages() -> None:
    assert v.is_qualified_name("/simple") == ["prefix part must be non-empty"]
    assert v.is_qualified_name("a" * 64) == ["name part must be no more than 63 bytes"]
    assert v.is_qualified_name("a" * 254 + "/abc") == ["prefix part must be no more than 253 bytes"]
    assert v.is_qualified_name("example.com/") == [
        "name part must be non-empty",
        ("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
        "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
        "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")]
    assert v.is_qualified_name("Example.com/abc") == [
        ("prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "
        "or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
        "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")]


@pytest.mark.parametrize("value", ["simple", "now-with-dashes", "1-starts-with-num", "end-with-num-1",
                                   "1234", "a" * 63, ""])
def test_label_value_good(value: str) -> None:
    assert v.is_valid_label_value(value) == []


@pytest.mark.parametrize("value", [
    "nospecialchars%^=@", "Tama-nui-te-rā.is.Māori.sun", "\\backslashes\\are\\bad",
    "-starts-with-dash", "ends-with-dash-", ".starts.with.dot", "ends.with.dot.", "a" * 64,
])
def test_label_value_bad(value: str) -> None:
    assert v.is_valid_label_value(value)


def test_label_value_messages() -> None:
    assert v.is_valid_label_value("a" * 64) == ["must be no more than 63 bytes"]
    assert v.is_valid_label_value("-x") == [
        ("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and "
        "must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
        "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")]


@pytest.mark.parametrize("value", [
    "Accept-Encoding", "Host", "If-Modified-Since", "X-Forwarded-For",
    "a", "ab", "abc", "a1", "-a", "a-", "a-b", "a-1", "a--1--2--b", "--abc-123",
    "A", "AB", "AbC", "A1", "-A", "A-", "A-B", "A-1", "A--1--2--B", "--123-ABC",
])
def test_http_header_name_good(value: str) -> None:
    assert v.is_http_header_name(value) == []


@pytest.mark.parametrize("value", [
    "Host:", "X-Forwarded-For:", "X-@Home",
    "", "_", "a_", "_a", "1_", "1_2", ".", "a.", ".a", "a.b", "1.", ".1", "1.2",
    " ", "a ", " a", "a b", "1 ", " 1", "1 2", "#a#", "^", ",", ";", "=", "<", "?", "@", "{",
])
def test_http_header_name_bad(value: str) -> None:
    assert v.is_http_header_name(value)


@pytest.mark.parametrize("value", ["0%", "00000%", "1%", "01%", "99%", "100%", "101%"])
def test_percent_good(value: str) -> None:
    assert v.is_valid_percent(value) == []


@pytest.mark.parametrize("value", ["", "0", "100", "0.0%", "99.9%", "hundred", " 1%", "1% ", "-0%", "-1%",
                                   "+1%"])
def test_percent_bad(value: str) -> None:
    assert v.is_valid_percent(value) == [
        ("a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', "
        "regex used for validation is '[0-9]+%')")]


@pytest.mark.parametrize("value", ["a", "good", "good-good", "still.good", "this.is.also.good", ".so.is.this",
                                   "THIS_IS_GOOD", "so_is_this_17"])
def test_config_map_key_good(value: str) -> None:
    assert v.is_config_map_key(value) == []


@pytest.mark.parametrize("value,last", [
    (".", "must not be '.'"), ("..", "must not be '..'"), ("..bad", "must not start with '..'"),
    ("b*d", None), ("bad!&bad", None),
])
def test_config_map_key_bad(value: str, last: str | None) -> None:
    errs = v.is_config_map_key(value)
    assert errs
    if last:
        assert errs[-1] == last


@pytest.mark.parametrize("value", ["*.example.com", "*.bar.com", "*.foo.bar.com"])
def test_wildcard_good(value: str) -> None:
    assert v.is_wildcard_dns1123_subdomain(value) == []


@pytest.mark.parametrize("value", ["*.*.bar.com", "*.foo.*.com", "*bar.com", "f*.bar.com", "*"])
def test_wildcard_bad(value: str) -> None:
    assert v.is_wildcard_dns1123_subdomain(value)


@pytest.mark.parametrize("value", [
    "a.com", "k8s.io", "dev.k8s.io", "dev.k8s.io.", "foo.example.com", "this.is.a.really.long.fqdn",
    "bbc.co.uk", "10.0.0.1", "hyphens-are-good.k8s.io", "a" * 63 + ".k8s.io",
    "a" * 63 + "." + "b" * 63 + "." + "c" * 63 + "." + "d" * 54 + ".k8s.io",
])
def test_fqdn_good(value: str) -> None:
    assert v.is_fully_qualified_domain_name(ROOT, value) == []


@pytest.mark.parametrize("value", [
    ".", "...", ".io", "com", ".com", "Dev.k8s.io", ".foo.example.com", "*.example.com", "*.bar.com",
    "*.foo.bar.com", "underscores_are_bad.k8s.io", "foo@bar.example.com", "http://foo.example.com",
    "a" * 64 + ".k8s.io", "a" * 63 + "." + "b" * 63 + "." + "c" * 63 + "." + "d" * 55 + ".k8s.io",
])
def test_fqdn_bad(value: str) -> None:
    assert v.is_fully_qualified_domain_name(ROOT, value)


_SUBDOMAIN_START = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters"


@pytest.mark.parametrize("value", ["dev.k8s.io", "foo.example.com", "this.is.a.really.long.fqdn", "bbc.co.uk",
                                   "10.0.0.1", "hyphens-are-good.k8s.io", "a" * 246 + ".k8s.io"])
def test_fully_qualified_name_good(value: str) -> None:
    assert v.is_fully_qualified_name(ROOT, value) == []


@pytest.mark.parametrize("value,needle", [
    ("...", None), ("dev.k8s.io.", None), (".io", None), ("Dev.k8s.io", None), ("*.example.com", None),
    ("*.bar.com", None), ("*.foo.bar.com", None), ("underscores_are_bad.k8s.io", None),
    ("foo@bar.example.com", None), ("http://foo.example.com", None), ("a" * 247 + ".k8s.io", None),
    ("k8s.io", "should be a domain with at least three segments separated by dots"),
    ("http://foo.k8s.io", _SUBDOMAIN_START),
    ("example@foo.k8s.io", _SUBDOMAIN_START),
    ("", "Required value"),
    ("A.B.C", _SUBDOMAIN_START),
])
def test_fully_qualified_name_bad(value: str, needle: str | None) -> None:
    errs = v.is_fully_qualified_name(ROOT, value)
    assert errs
    if needle:
        assert needle in field.aggregate_message(errs)


@pytest.mark.parametrize("value", [
    "a/b", "a/b/c/d", "a.com/foo", "a.b.c.d/foo", "k8s.io/foo/bar", "k8s.io/FOO/BAR", "dev.k8s.io/more/path",
    "this.is.a.really.long.fqdn/even/longer/path/just/because", "bbc.co.uk/path/goes/here", "10.0.0.1/foo",
    "hyphens-are-good.k8s.io/and-in-paths-too", "a" * 240 + ".k8s.io/a", "k8s.io/" + "a" * 240,
])
def test_domain_prefixed_path_good(value: str) -> None:
    assert v.is_domain_prefixed_path(ROOT, value) == []


@pytest.mark.parametrize("value", [
    ".", "...", "/b", "com", ".com", "a.b.c.d/foo?a=b", "a.b.c.d/foo#a", "Dev.k8s.io", ".foo.example.com",
    "*.example.com", "example.com/foo{}[]@^`", "underscores_are_bad.k8s.io", "underscores_are_bad.k8s.io/foo",
    "foo@bar.example.com", "foo@bar.example.com/foo", "a" * 247 + ".k8s.io",
])
def test_domain_prefixed_path_bad(value: str) -> None:
    assert v.is_domain_prefixed_path(ROOT, value)


_LABEL_KEY_MSG = ("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
                  "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
                  "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")


@pytest.mark.parametrize("value,expected", [
    ("example.com/foo", []),
    ("example/com", []),
    ("example", ['test: Invalid value: "example": must be a domain-prefixed key (such as "acme.io/foo")']),
    ("example/foo/bar", ['test: Invalid value: "example/foo/bar": a valid label key ' + _LABEL_KEY_MSG
                         + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]),
    ("/example/foo", ['test: Invalid value: "/example/foo": a valid label key ' + _LABEL_KEY_MSG
                      + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]),
    ("", ["test: Required value"]),
    ("example.com/_e", ['test: Invalid value: "example.com/_e": name part ' + _LABEL_KEY_MSG]),
    ("example.com/e_", ['test: Invalid value: "example.com/e_": name part ' + _LABEL_KEY_MSG]),
    ("example.com/e?", ['test: Invalid value: "example.com/e?": name part ' + _LABEL_KEY_MSG]),
    ("example.com/e_$", ['test: Invalid value: "example.com/e_$": name part ' + _LABEL_KEY_MSG]),
])
def test_domain_prefixed_key(value: str, expected: list[str]) -> None:
    assert [str(e) for e in v.is_domain_prefixed_key(field.new_path("test"), value)] == expected


@pytest.mark.parametrize("value", [
    "-", ":", "_", "+a", ">a", "<a", "a.", "a..", "*a", "%a", "?a", "a:a", "a_a",
    "aAz", "~a", "|a", "a0a", "a9", "/a", "a ", "#a", "0a", "0 a", "'a", "(a", "@a",
])
def test_relaxed_env_var_name_good(value: str) -> None:
    assert v.is_relaxed_env_var_name(value) == []


@pytest.mark.parametrize("value", ["", "=", "a=", "1=a", "a=b", "#%=&&", chr(1) + "abc", chr(130) + "abc",
                                   "Ç ç", "Ä ä", "Ñ ñ", "Ø ø"])
def test_relaxed_env_var_name_bad(value: str) -> None:
    assert v.is_relaxed_env_var_name(value)


def test_env_var_name() -> None:
    assert v.is_env_var_name("MY_ENV.NAME") == []
    assert v.is_env_var_name("..x") == ["must not start with '..'"]
    assert v.is_env_var_name("1x")[0].startswith("a valid environment variable name must consist of")


_US_MSG = v.regex_error(
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', "
    "and must start and end with an alphanumeric character",
    "_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\\._?[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*", "example.com")


@pytest.mark.parametrize("value,expected", [
    ("example.com", []), ("_example.com", []), ("sub._example.com", []), ("sub-domain.example.com", []),
    ("sub_domain.example.com", []), ("", [_US_MSG]), ("Example.com", [_US_MSG]), ("-example.com", [_US_MSG]),
    ("example.com-", [_US_MSG]), ("example@.com", [_US_MSG]),
    ("a." + "\0" * 251 + ".com", ["must be no more than 253 characters", _US_MSG]),
    ("example..com", [_US_MSG]), ("_", [_US_MSG]),
])
def test_dns1123_subdomain_with_underscore(value: str, expected: list[str]) -> None:
    assert v.is_dns1123_subdomain_with_underscore(value) == expected


def test_c_identifier() -> None:
    assert v.is_c_identifier("_x1") == []
    assert v.is_c_identifier("1x") == [
        ("a valid C identifier must start with alphabetic character or '_', followed by a string of "
        "alphanumeric characters or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName', regex used for "
        "validation is '[A-Za-z_][A-Za-z0-9_]*')")]


@given(st.from_regex(r"\A[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\Z"))
def test_generated_dns_labels_are_valid(value: str) -> None:
    assert v.is_dns1123_label(value) == []
    assert v.is_dns1123_subdomain(value) == []
    assert v.is_qualified_name(value) == []
