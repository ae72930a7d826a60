"""Tables from upstream pkg/labels/selector_test.go and metav1 helpers_test.go, plus properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapiserver.apimachinery import labels as L
from kapiserver.apimachinery.labels_lexer import Tok, scan


@pytest.mark.parametrize("text", ["x=a,y=b,z=c", "", "x!=a,y=b", "x=", "x= ", "x=,z= ", "x= ,z= ", "!x",
                                  "x>1", "x>1,z<5"])
def test_parse_good_and_restring(text: str) -> None:
    assert str(L.parse(text)) == text.replace(" ", "")


@pytest.mark.parametrize("text", ["x=a||y=b", "x==a==b", "!x=a", "x<a"])
def test_parse_bad(text: str) -> None:
    with pytest.raises(L.SelectorError):
        L.parse(text)


def test_deterministic_parse() -> None:
    assert str(L.parse("x=a,a=x")) == str(L.parse("a=x,x=a")) == "a=x,x=a"


@pytest.mark.parametrize("text,labels,want", [
    ("", {"x": "y"}, True),
    ("x=y", {"x": "y"}, True),
    ("x=y,z=w", {"x": "y", "z": "w"}, True),
    ("x!=y,z!=w", {"x": "z", "z": "a"}, True),
    ("notin=in", {"notin": "in"}, True),
    ("x", {"x": "z"}, True),
    ("!x", {"y": "z"}, True),
    ("x>1", {"x": "2"}, True),
    ("x<1", {"x": "0"}, True),
    ("x=z", {}, False),
    ("x=y", {"x": "z"}, False),
    ("x=y,z=w", {"x": "w", "z": "w"}, False),
    ("x!=y,z!=w", {"x": "z", "z": "w"}, False),
    ("x", {"y": "z"}, False),
    ("!x", {"x": "z"}, False),
    ("x>1", {"x": "0"}, False),
    ("x<1", {"x": "2"}, False),
    ("foo=bar", {"foo": "bar", "baz": "blah"}, True),
    ("baz=blah", {"foo": "bar", "baz": "blah"}, True),
    ("foo=bar,baz=blah", {"foo": "bar", "baz": "blah"}, True),
    ("foo=blah", {"foo": "bar", "baz": "blah"}, False),
    ("baz=bar", {"foo": "bar", "baz": "blah"}, False),
    ("foo=bar,foobar=bar,baz=blah", {"foo": "bar", "baz": "blah"}, False),
])
def test_selector_matches(text: str, labels: dict[str, str], want: bool) -> None:
    assert L.parse(text).matches(labels) is want


def test_everything_and_sets() -> None:
    assert L.EVERYTHING.matches({"x": "y"}) and L.EVERYTHING.empty()
    labelset = {"foo": "bar", "baz": "blah"}
    for sel in ({}, {"foo": "bar"}, {"baz": "blah"}, {"foo": "bar", "baz": "blah"}):
        assert L.selector_from_set(sel).matches(labelset)
    assert L.selector_from_set(None).empty()
    assert L.selector_from_set({}).empty()
    assert str(L.selector_from_set({"app": "foo", "a": "b"})) == "a=b,app=foo"


@pytest.mark.parametrize("text,token", [
    ("", Tok.END), (",", Tok.COMMA), ("notin", Tok.NOT_IN), ("in", Tok.IN), ("=", Tok.EQUALS),
    ("==", Tok.DOUBLE_EQUALS), (">", Tok.GREATER_THAN), ("<", Tok.LESS_THAN), ("!", Tok.DOES_NOT_EXIST),
    ("!=", Tok.NOT_EQUALS), ("(", Tok.OPEN_PAR), (")", Tok.CLOSED_PAR), ("~", Tok.IDENTIFIER),
    ("||", Tok.IDENTIFIER),
])
def test_lexer(text: str, token: Tok) -> None:
    assert scan(text)[0] == (token, text)


I, IN, NI, OP, CP, CM = Tok.IDENTIFIER, Tok.IN, Tok.NOT_IN, Tok.OPEN_PAR, Tok.CLOSED_PAR, Tok.COMMA


@pytest.mark.parametrize("text,tokens", [
    ("key in ( value )", [I, IN, OP, I, CP]),
    ("key notin ( value )", [I, NI, OP, I, CP]),
    ("key in ( value1, value2 )", [I, IN, OP, I, CM, I, CP]),
    ("key", [I]),
    ("!key", [Tok.DOES_NOT_EXIST, I]),
    ("()", [OP, CP]),
    ("x in (),y", [I, IN, OP, CP, CM, I]),
    ("== != (), = notin", [Tok.DOUBLE_EQUALS, Tok.NOT_EQUALS, OP, CP, CM, Tok.EQUALS, NI]),
    ("key>2", [I, Tok.GREATER_THAN, I]),
    ("key<1", [I, Tok.LESS_THAN, I]),
])
def test_lexer_sequence(text: str, tokens: list[Tok]) -> None:
    assert [tok for tok, _ in scan(text)] == [*tokens, Tok.END]


def test_nul_like_upstream() -> None:
    # A NUL read between tokens ends the input; one read inside an identifier only ends the identifier.
    assert str(L.parse("a,b \0garbage")) == "a,b"
    with pytest.raises(L.SelectorError, match="found 'garbage'"):
        L.parse("a,b\0garbage")


_BINARY = "in, notin, =, ==, !=, gt, lt"


@pytest.mark.parametrize("text,message", [
    ("x !", f"unable to parse requirement: found '!', expected: {_BINARY}"),
    ("x exists", f"unable to parse requirement: found 'exists', expected: {_BINARY}"),
    ("x (", f"unable to parse requirement: found '(', expected: {_BINARY}"),
    ("a b", f"unable to parse requirement: found 'b', expected: {_BINARY}"),
    ("x,,y", "found ',', expected: identifier after ','"),
    (",x", "found ',', expected: !, identifier, or 'end of string'"),
    ("x=a b", "found 'b', expected: ',' or 'end of string'"),
    ("a in (xyz abc)", "unable to parse requirement: found 'abc', expected: ',' or ')'"),
    ("a notin(", "unable to parse requirement: found '', expected: ',', ')' or identifier"),
    ("a in x", "unable to parse requirement: found 'x' expected: '('"),
    ("a in (x=", "unable to parse requirement: found '=', expected: ',' or ')'"),
    ("a in (x,=", "unable to parse requirement: found '=', expected: ',', or identifier"),
    ("a=(", "unable to parse requirement: found '(', expected: identifier"),
    ("!", "unable to parse requirement: found '', expected: identifier"),
    ("x<a", ("unable to parse requirement: values[0]: Invalid value: \"a\": "
            "for 'Gt', 'Lt' operators, the value must be an integer")),
    ("a/b/c", ("unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a valid label key must "
              "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
              "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
              "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain "
              "prefix and '/' (e.g. 'example.com/MyName')")),
])
def test_parse_error_messages(text: str, message: str) -> None:
    with pytest.raises(L.SelectorError) as info:
        L.parse(text)
    assert str(info.value) == message


# (key, operator, values, [(field, bad value)]) from TestRequirementConstructor.
@pytest.mark.parametrize("key,op,vals,want", [
    ("x1", L.IN, [], [("values", [])]),
    ("x2", L.NOT_IN, [], [("values", [])]),
    ("x3", L.IN, ["foo"], []),
    ("x4", L.NOT_IN, ["foo"], []),
    ("x5", L.EQUALS, ["bar", "foo"], [("values", ["bar", "foo"])]),
    ("x6", L.EXISTS, [], []),
    ("x7", L.DOES_NOT_EXIST, [], []),
    ("x8", L.EXISTS, ["foo"], [("values", ["foo"])]),
    ("x9", L.IN, ["bar"], []),
    ("x11", L.GREATER_THAN, ["1"], []),
    ("x12", L.LESS_THAN, ["6"], []),
    ("x13", L.GREATER_THAN, [], [("values", [])]),
    ("x14", L.GREATER_THAN, ["bar"], [("values[0]", "bar")]),
    ("x15", L.LESS_THAN, ["bar"], [("values[0]", "bar")]),
    ("a" * 254, L.EXISTS, [], [("key", "a" * 254)]),
    ("x16", L.EQUALS, ["a" * 254], [("values[0][x16]", "a" * 254)]),
    ("x17", L.EQUALS, ["a b"], [("values[0][x17]", "a b")]),
    ("x18", "unsupportedOp", [], [("operator", "unsupportedOp")]),
])
def test_requirement_constructor(key: str, op: str, vals: list[str], want: list[tuple[str, object]]) -> None:
    if not want:
        assert L.new_requirement(key, op, vals) == L.Requirement(key, op, tuple(vals))
        return
    with pytest.raises(L.SelectorError) as info:
        L.new_requirement(key, op, vals)
    assert [(e.field, e.bad_value) for e in info.value.errs] == want


def test_requirement_constructor_messages() -> None:
    with pytest.raises(L.SelectorError) as info:
        L.new_requirement("x18", "unsupportedOp", [])
    assert str(info.value) == ('operator: Unsupported value: "unsupportedOp": supported values: "in", '
                               '"notin", "=", "==", "!=", "gt", "lt", "exists", "!"')
    with pytest.raises(L.SelectorError) as info:
        L.new_requirement("x", L.IN, None)
    assert str(info.value) == ("values: Invalid value: null: for 'in', 'notin' operators, "
                               "values set can't be empty")


def _req(key: str, op: str, *vals: str) -> L.Requirement:
    return L.new_requirement(key, op, sorted(set(vals)))


@pytest.mark.parametrize("reqs,out", [
    ([_req("x", L.IN, "abc", "def"), _req("y", L.NOT_IN, "jkl"), _req("z", L.EXISTS)],
     "x in (abc,def),y notin (jkl),z"),
    ([_req("x", L.NOT_IN, "abc", "def"), _req("y", L.NOT_EQUALS, "jkl"), _req("z", L.DOES_NOT_EXIST)],
     "x notin (abc,def),y!=jkl,!z"),
    ([_req("x", L.IN, "abc", "def"), L.Requirement("", "")], "x in (abc,def),"),
    ([_req("x", L.NOT_IN, "abc"), _req("y", L.IN, "jkl", "mno"), _req("z", L.NOT_IN, "")],
     "x notin (abc),y in (jkl,mno),z notin ()"),
    ([_req("x", L.EQUALS, "abc"), _req("y", L.DOUBLE_EQUALS, "jkl"), _req("z", L.NOT_EQUALS, "a"),
      _req("z", L.EXISTS)], "x=abc,y==jkl,z!=a,z"),
    ([_req("x", L.GREATER_THAN, "2"), _req("y", L.LESS_THAN, "8"), _req("z", L.EXISTS)], "x>2,y<8,z"),
])
def test_to_string(reqs: list[L.Requirement], out: str) -> None:
    assert str(L.Selector(tuple(reqs))) == out


def test_requirement_string_sorts_values_without_mutating() -> None:
    req = L.Requirement("k", L.IN, ("foo", "bar"))
    assert str(req) == "k in (bar,foo)" and req.values == ("foo", "bar")


@pytest.mark.parametrize("labels,reqs,want", [
    ({"x": "foo", "y": "baz"}, [L.Requirement("", "")], False),
    ({"x": "foo", "y": "baz"}, [_req("x", L.IN, "foo"), _req("y", L.NOT_IN, "alpha")], True),
    ({"x": "foo", "y": "baz"}, [_req("x", L.IN, "foo"), _req("y", L.IN, "alpha")], False),
    ({"y": ""}, [_req("x", L.NOT_IN, ""), _req("y", L.EXISTS)], True),
    ({"y": ""}, [_req("x", L.DOES_NOT_EXIST), _req("y", L.EXISTS)], True),
    ({"y": ""}, [_req("x", L.NOT_IN, ""), _req("y", L.DOES_NOT_EXIST)], False),
    ({"y": "baz"}, [_req("x", L.IN, "")], False),
    ({"z": "2"}, [_req("z", L.GREATER_THAN, "1")], True),
    ({"z": "v2"}, [_req("z", L.GREATER_THAN, "1")], False),
])
def test_requirement_selector_matching(labels: dict[str, str], reqs: list[L.Requirement], want: bool) -> None:
    assert L.Selector(tuple(reqs)).matches(labels) is want


@pytest.mark.parametrize("text,reqs", [
    ("", []),
    ("\rx", [_req("x", L.EXISTS)]),
    ("this-is-a-dns.domain.com/key-with-dash", [_req("this-is-a-dns.domain.com/key-with-dash", L.EXISTS)]),
    ("this-is-another-dns.domain.com/key-with-dash in (so,what)",
     [_req("this-is-another-dns.domain.com/key-with-dash", L.IN, "so", "what")]),
    ("0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)",
     [_req("0.1.2.domain/99", L.NOT_IN, "10.10.100.1", "tick.tack.clock")]),
    ("foo  in\t (abc)", [_req("foo", L.IN, "abc")]),
    ("x notin\n (abc)", [_req("x", L.NOT_IN, "abc")]),
    ("x  notin\t\t\t(abc,def)", [_req("x", L.NOT_IN, "abc", "def")]),
    ("x in (abc,def)", [_req("x", L.IN, "abc", "def")]),
    ("x in (abc,)", [_req("x", L.IN, "abc", "")]),
    ("x in (abc,abc)", [_req("x", L.IN, "abc")]),
    ("x in ()", [_req("x", L.IN, "")]),
    ("x in (a,,)", [_req("x", L.IN, "a", "")]),
    ("x in (a,,,)", [_req("x", L.IN, "a", "")]),
    ("x in (a,,,,,,)", [_req("x", L.IN, "a", "")]),
    ("x in (a,,a,,a,,a,,)", [_req("x", L.IN, "a", "")]),
    ("x notin (abc,,def),bar,z in (),w", [_req("bar", L.EXISTS), _req("w", L.EXISTS),
                                          _req("x", L.NOT_IN, "abc", "", "def"), _req("z", L.IN, "")]),
    ("x=a", [_req("x", L.EQUALS, "a")]),
    ("x>1", [_req("x", L.GREATER_THAN, "1")]),
    ("x<7", [_req("x", L.LESS_THAN, "7")]),
    ("x=a,y!=b", [_req("x", L.EQUALS, "a"), _req("y", L.NOT_EQUALS, "b")]),
    ("x=a,y!=b,z in (h,i,j)", [_req("x", L.EQUALS, "a"), _req("y", L.NOT_EQUALS, "b"),
                               _req("z", L.IN, "h", "i", "j")]),
    ("x notin ( )", [_req("x", L.NOT_IN, "")]),
    ("x notin (, a)", [_req("x", L.NOT_IN, "", "a")]),
    ("a ", [_req("a", L.EXISTS)]),
    ("a in (x,y,notin, z,in)", [_req("a", L.IN, "in", "notin", "x", "y", "z")]),
])
def test_set_selector_parser(text: str, reqs: list[L.Requirement]) -> None:
    assert L.parse(text) == L.Selector(tuple(reqs))


@pytest.mark.parametrize("text", ["x=a||y=b", "x,,y", ",x,y", "x nott in (y)", "a in (xyz),",
                                  "a in (xyz)b notin ()", "a in (xyz abc)", "a notin(", "a (", "("])
def test_set_selector_parser_invalid(text: str) -> None:
    with pytest.raises(L.SelectorError):
        L.parse(text)


def test_parse_keeps_order_of_unsorted_input_sorted_by_key() -> None:
    assert L.parse("x,y in (a)").requirements == (_req("x", L.EXISTS), _req("y", L.IN, "a"))


def test_add() -> None:
    sel = L.EVERYTHING.add(L.new_requirement("key", L.IN, ["value"]))
    assert sel == L.Selector((L.Requirement("key", L.IN, ("value",)),))
    sel = sel.add(L.new_requirement("key2", L.EQUALS, ["value2"]))
    assert sel.requirements == (L.Requirement("key", L.IN, ("value",)),
                                L.Requirement("key2", L.EQUALS, ("value2",)))
    assert L.NOTHING.add(L.new_requirement("a", L.EXISTS, [])) is L.NOTHING


@pytest.mark.parametrize("reqs,label,want", [
    ([L.Requirement("key", L.IN, ("value",))], "key", "value"),
    ([L.Requirement("key", L.IN, ("value", "value2"))], "key", None),
    ([L.Requirement("key", L.IN, ("value", "value1")), L.Requirement("key2", L.IN, ("value2",))],
     "key2", "value2"),
    ([L.Requirement("key", L.EQUALS, ("value",))], "key", "value"),
    ([L.Requirement("key", L.DOUBLE_EQUALS, ("value",))], "key", "value"),
    ([L.Requirement("key", L.NOT_EQUALS, ("value",))], "key", None),
    ([L.Requirement("key", L.IN, ("value",)), L.Requirement("key2", L.IN, ("value2",))], "key", "value"),
    ([L.Requirement("key", L.EQUALS, ("",))], "key", ""),
])
def test_requires_exact_match(reqs: list[L.Requirement], label: str, want: str | None) -> None:
    assert L.Selector(tuple(reqs)).requires_exact_match(label) == want


def test_validated_selector_from_set() -> None:
    want = L.Selector((L.Requirement("key", L.EQUALS, ("val",)),))
    assert L.validated_selector_from_set({"key": "val"}) == want
    with pytest.raises(L.SelectorError) as info:
        L.validated_selector_from_set({"Key": "axahm2EJ8Phiephe2eixohbee9eGeiyees1thuozi1xoh0"
                                              "GiuH3diewi8iem7Nui"})
    assert [e.field for e in info.value.errs] == ["values[0][Key]"]


def test_requirement_equal() -> None:
    assert L.Requirement("key", L.EQUALS, ("foo", "bar")) == L.Requirement("key", L.EQUALS, ("foo", "bar"))
    assert L.Requirement("key1", L.EQUALS, ("foo",)) != L.Requirement("key2", L.EQUALS, ("foo",))
    assert L.Requirement("key", L.EQUALS, ("foo",)) != L.Requirement("key", L.IN, ("foo",))
    assert L.Requirement("key", L.EQUALS, ("foo", "bar")) != L.Requirement("key", L.EQUALS, ("foobar",))


@pytest.mark.parametrize("text", ["", "a", "!a", "a=b", "a!=b", "a in (b)", "a notin (b)", "a,!a", "a=b,a!=b",
                                  "a in (b),a notin (b)"])
def test_matches_nothing_only_for_nothing(text: str) -> None:
    assert not L.matches_nothing(L.parse(text))
    assert L.matches_nothing(L.NOTHING)
    assert not L.matches_nothing(L.EVERYTHING)
    assert not L.matches_nothing(L.selector_from_set({"key": "value"}))


def test_nothing_is_not_empty() -> None:
    assert not L.NOTHING.empty() and not L.NOTHING.matches({}) and str(L.NOTHING) == ""


_MATCH_EXPRESSIONS = [{"key": "baz", "operator": "In", "values": ["qux", "norf"]}]


@pytest.mark.parametrize("selector,out", [
    ({"matchLabels": {"foo": "bar"}}, "foo=bar"),
    ({"matchExpressions": _MATCH_EXPRESSIONS}, "baz in (norf,qux)"),
    ({"matchLabels": {"foo": "bar"}, "matchExpressions": _MATCH_EXPRESSIONS}, "baz in (norf,qux),foo=bar"),
])
def test_label_selector_as_selector(selector: dict[str, object], out: str) -> None:
    assert str(L.selector_from_label_selector(selector)) == out
    assert selector.get("matchExpressions") in (None, _MATCH_EXPRESSIONS)  # not mutated


def test_label_selector_nil_versus_empty() -> None:
    assert L.selector_from_label_selector(None) is L.NOTHING
    assert L.selector_from_label_selector({}).empty()
    assert L.selector_from_label_selector({"matchLabels": {}, "matchExpressions": []}) == L.EVERYTHING


@pytest.mark.parametrize("selector,message", [
    ({"matchExpressions": [{"key": "baz", "operator": "Exists", "values": ["qux", "norf"]}]},
     "values: Invalid value: [\"qux\",\"norf\"]: values set must be empty for exists and does not exist"),
    ({"matchExpressions": [{"key": "baz", "operator": "In"}]},
     "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty"),
    ({"matchExpressions": [{"key": "baz", "operator": "Gt", "values": ["1"]}]},
     '"Gt" is not a valid label selector operator'),
    ({"matchLabels": {"a/b/c": "x"}}, None),
])
def test_label_selector_as_selector_errors(selector: dict[str, object], message: str | None) -> None:
    with pytest.raises(L.SelectorError) as info:
        L.selector_from_label_selector(selector)
    if message:
        assert str(info.value) == message


def test_format_labels() -> None:
    assert L.format_labels({}) == "<none>"
    assert L.format_labels({"b": "2", "a": "1"}) == "a=1,b=2"


_KEY = st.from_regex(r"\A([a-z0-9]([-a-z0-9]{0,8}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,8}[A-Za-z0-9])?\Z")
_VALUE = st.from_regex(r"\A([A-Za-z0-9]([-A-Za-z0-9_.]{0,8}[A-Za-z0-9])?)?\Z")


@st.composite
def _requirements(draw: st.DrawFn) -> L.Requirement:
    key = draw(_KEY)
    op = draw(st.sampled_from(L.VALID_REQUIREMENT_OPERATORS))
    if op in (L.EXISTS, L.DOES_NOT_EXIST):
        values: list[str] = []
    elif op in (L.IN, L.NOT_IN):
        values = sorted(draw(st.sets(_VALUE, min_size=1, max_size=4)))
    elif op in (L.GREATER_THAN, L.LESS_THAN):
        values = [str(draw(st.integers(min_value=0, max_value=10**6)))]
    else:
        values = [draw(_VALUE)]
    return L.new_requirement(key, op, values)


@given(st.lists(_requirements(), max_size=5))
def test_parse_round_trips_str(reqs: list[L.Requirement]) -> None:
    sel = L.EVERYTHING.add(*reqs)
    assert L.parse(str(sel)) == sel
    assert str(L.parse(str(sel))) == str(sel)


@given(st.dictionaries(_KEY, _VALUE, max_size=5))
def test_set_selector_matches_its_own_labels(labels: dict[str, str]) -> None:
    sel = L.selector_from_set(labels)
    assert sel.matches(labels)
    assert L.parse(str(sel)).matches(labels)
    for key, value in labels.items():
        assert sel.requires_exact_match(key) == value
