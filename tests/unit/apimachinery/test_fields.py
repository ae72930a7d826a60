"""Tables from upstream pkg/fields/selector_test.go, plus error texts and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapiserver.apimachinery import fields as F


@pytest.mark.parametrize("text,terms", [
    ("a", ["a"]),
    ("a=avalue", ["a=avalue"]),
    ("a=avalue,b=bvalue", ["a=avalue", "b=bvalue"]),
    ("a=avalue,b==bvalue,c!=cvalue", ["a=avalue", "b==bvalue", "c!=cvalue"]),
    ("", []),
    ("a=a,", ["a=a", ""]),
    (",a=a", ["", "a=a"]),
    (r"k=\,,k2=v2", [r"k=\,", "k2=v2"]),
    (r"k=\\,k2=v2", [r"k=\\", "k2=v2"]),
    (r"k=\\\,,k2=v2", [r"k=\\\,", "k2=v2"]),
    (r"k=\a\b" + "\\", [r"k=\a\b" + "\\"]),
    ("k=\\", ["k=\\"]),
    ("함=수,목=록", ["함=수", "목=록"]),
])
def test_split_terms(text: str, terms: list[str]) -> None:
    assert F._split_terms(text) == terms


@pytest.mark.parametrize("term,want", [
    ("a=value", ("a", "=", "value")),
    ("b==value", ("b", "==", "value")),
    ("c!=value", ("c", "!=", "value")),
    ("", None),
    ("a", None),
    (r"k=\,", ("k", "=", r"\,")),
    (r"k=\=", ("k", "=", r"\=")),
    (r"k=\\\a\b\=\," + "\\", ("k", "=", r"\\\a\b\=\," + "\\")),
    ("함=수", ("함", "=", "수")),
])
def test_split_term(term: str, want: tuple[str, str, str] | None) -> None:
    assert F._split_term(term) == want


@pytest.mark.parametrize("raw,escaped", [
    ("", ""), ("a", "a"), ("=", r"\="), (",", r"\,"), ("\\", "\\\\"), (r"\=\," + "\\", r"\\\=\\\,\\"),
])
def test_escape_value(raw: str, escaped: str) -> None:
    assert F.escape_value(raw) == escaped
    assert F.unescape_value(escaped) == raw


@pytest.mark.parametrize("value,message", [
    ("\\", "invalid field selector: invalid escape sequence: \\"),
    ("\\\\\\", "invalid field selector: invalid escape sequence: \\"),
    (r"\a", r"invalid field selector: invalid escape sequence: \a"),
])
def test_invalid_escape_sequences(value: str, message: str) -> None:
    with pytest.raises(F.InvalidEscapeSequence) as info:
        F.unescape_value(value)
    assert str(info.value) == message


def test_unescaped_rune_prints_code_point_like_upstream() -> None:
    with pytest.raises(F.UnescapedRune) as info:
        F.parse("x==a==b")
    assert str(info.value) == "invalid field selector: unescaped character in value: 61"


@pytest.mark.parametrize("text", ["x=a,y=b,z=c", "", "x!=a,y=b", r"x=a||y\=b", r"x=a\=\=b"])
def test_parse_good(text: str) -> None:
    assert str(F.parse(text)) == text


@pytest.mark.parametrize("text", ["x=a||y=b", "x==a==b", "x=a,b", "x in (a)", "x in (a,b,c)", "x"])
def test_parse_bad(text: str) -> None:
    with pytest.raises(F.SelectorError):
        F.parse(text)


@pytest.mark.parametrize("text,message", [
    ("x=a,b", "invalid selector: 'x=a,b'; can't understand 'b'"),
    ("x in (a)", "invalid selector: 'x in (a)'; can't understand 'x in (a)'"),
])
def test_parse_error_messages(text: str, message: str) -> None:
    with pytest.raises(F.SelectorError) as info:
        F.parse(text)
    assert str(info.value) == message


def test_deterministic_parse() -> None:
    assert str(F.parse("x=a,a=x")) == str(F.parse("a=x,x=a")) == "a=x,x=a"


def test_double_equals_prints_as_equals() -> None:
    assert str(F.parse("a==b")) == "a=b"
    assert F.parse("a==b").requirements == (F.Requirement("a", F.EQUALS, "b"),)


def test_empty_term_is_dropped() -> None:
    assert F.parse("=").empty()
    assert F.parse(",,").empty()


_FIELDSET = {"foo": "bar", "baz": "blah", "complex": "=value\\,\\"}


@pytest.mark.parametrize("text,fields,want", [
    ("", {"x": "y"}, True),
    ("x=y", {"x": "y"}, True),
    ("x=y,z=w", {"x": "y", "z": "w"}, True),
    ("x!=y,z!=w", {"x": "z", "z": "a"}, True),
    ("notin=in", {"notin": "in"}, True),
    ("x=y", {"x": "z"}, False),
    ("x=y,z=w", {"x": "w", "z": "w"}, False),
    ("x!=y,z!=w", {"x": "z", "z": "w"}, False),
    ("foo=bar", _FIELDSET, True),
    ("baz=blah", _FIELDSET, True),
    ("foo=bar,baz=blah", _FIELDSET, True),
    (r"foo=bar,baz=blah,complex=\=value\\\,\\", _FIELDSET, True),
    ("foo=blah", _FIELDSET, False),
    ("baz=bar", _FIELDSET, False),
    ("foo=bar,foobar=bar,baz=blah", _FIELDSET, False),
    ("missing=", {}, True),
    ("missing!=", {}, False),
])
def test_selector_matches(text: str, fields: dict[str, str], want: bool) -> None:
    assert F.parse(text).matches(fields) is want


def test_everything_nothing_and_sets() -> None:
    assert F.EVERYTHING.matches({"x": "y"}) and F.EVERYTHING.empty()
    assert not F.NOTHING.matches({}) and not F.NOTHING.empty() and str(F.NOTHING) == ""
    assert F.one_term_equal_selector("x", "y").matches({"x": "y"})
    assert not F.one_term_equal_selector("x", "y").matches({"x": "z"})
    labelset = {"foo": "bar", "baz": "blah"}
    for sel in ({}, {"foo": "bar"}, {"baz": "blah"}, {"foo": "bar", "baz": "blah"}):
        assert F.selector_from_set(sel).matches(labelset)
    for sel in ({"foo": "=blah"}, {"baz": "=bar"}, {"foo": "=bar", "foobar": "bar", "baz": "blah"}):
        assert not F.selector_from_set(sel).matches(labelset)
    assert F.selector_from_set(None).empty() and F.selector_from_set({}).empty()
    assert str(F.selector_from_set({"foo": "bar", "baz": "qup"})) == "baz=qup,foo=bar"


@pytest.mark.parametrize("selector,label,want", [
    (F.selector_from_set({}), "test", None),
    (F.one_term_equal_selector("", ""), "test", None),
    (F.one_term_equal_selector("a", "b"), "test", None),
    (F.one_term_equal_selector("test", "b"), "test", "b"),
    (F.one_term_equal_selector("test", ""), "test", ""),
    (F.one_term_not_equal_selector("test", "b"), "test", None),
    (F.one_term_not_equal_selector("test", ""), "test", None),
    (F.and_selectors(), "test", None),
    (F.and_selectors(F.and_selectors()), "test", None),
    (F.and_selectors(F.one_term_equal_selector("test", "b")), "test", "b"),
    (F.and_selectors(F.one_term_equal_selector("", ""), F.one_term_equal_selector("test", "b")), "test", "b"),
    (F.parse("test!=a,test=b"), "test", "b"),
])
def test_requires_exact_match(selector: F.Selector, label: str, want: str | None) -> None:
    assert selector.requires_exact_match(label) == want


def _rename_a(f: str, v: str) -> tuple[str, str]:
    return ("e", "f") if f == "a" else (f, v)


def _drop_c(f: str, v: str) -> tuple[str, str]:
    return ("", "") if f == "c" else (f, v)


@pytest.mark.parametrize("text,fn,result,empty", [
    ("", F._identity, "", True),
    ("a=b,c=d", F._identity, "a=b,c=d", False),
    ("a=b,c=d", _rename_a, "e=f,c=d", False),
    ("a=b", lambda f, v: ("", ""), "", True),
    ("a=b,c=d,e=f", _drop_c, "a=b,e=f", False),
])
def test_transform(text: str, fn: F.TransformFunc, result: str, empty: bool) -> None:
    sel = F.parse_and_transform(text, fn)
    assert str(sel) == result
    assert sel.empty() is empty


def test_field_label_conversion_errors() -> None:
    pods = F.field_label_conversion_func(["metadata.name", "spec.nodeName"], {"spec.host": "spec.nodeName"})
    assert str(F.parse("spec.host=n1").transform(pods)) == "spec.nodeName=n1"
    with pytest.raises(F.SelectorError) as info:
        F.parse("spec.foo=x").transform(pods)
    assert str(info.value) == "field label not supported: spec.foo"
    with pytest.raises(F.SelectorError) as info:
        F.parse("spec.foo=x").transform(F.default_meta_v1_field_selector_conversion)
    assert str(info.value) == ('"spec.foo" is not a known field selector: only "metadata.name", '
                               '"metadata.namespace"')
    ok = F.parse("metadata.namespace=a").transform(F.default_meta_v1_field_selector_conversion)
    assert str(ok) == "metadata.namespace=a"


def test_with_name() -> None:
    assert str(F.with_name(None, "x")) == "metadata.name=x"
    assert str(F.with_name(F.EVERYTHING, "x")) == "metadata.name=x"
    sel = F.parse("metadata.name=x,metadata.namespace=ns")
    assert F.with_name(sel, "x") is sel
    for bad in (F.parse("metadata.name=y"), F.parse("metadata.namespace=ns"), F.NOTHING):
        with pytest.raises(F.SelectorError, match="fieldSelector metadata.name doesn't match requested name"):
            F.with_name(bad, "x")


_FIELD = st.from_regex(r"\A[a-zA-Z][a-zA-Z0-9.]{0,10}\Z")


_OPERATOR = st.sampled_from([F.EQUALS, F.NOT_EQUALS])


@given(st.lists(st.tuples(_FIELD, _OPERATOR, st.text(max_size=8)), max_size=5))
def test_parse_round_trips_str(terms: list[tuple[str, str, str]]) -> None:
    sel = F.and_selectors(*(F.Selector((F.Requirement(f, op, v),)) for f, op, v in terms))
    reparsed = F.parse(str(sel))
    # Parsing sorts the terms, so compare as multisets and check the canonical form is a fixed point.
    assert sorted(map(str, reparsed.requirements)) == sorted(map(str, sel.requirements))
    assert str(F.parse(str(reparsed))) == str(reparsed)


@given(st.text(max_size=20))
def test_escape_round_trip(value: str) -> None:
    assert F.unescape_value(F.escape_value(value)) == value
