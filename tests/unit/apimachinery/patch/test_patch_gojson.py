"""Decoding patch bodies with Go encoding/json's results and error texts."""

from __future__ import annotations

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapiserver.apimachinery import gojson

SYNTAX_ERRORS = {
    b"": "unexpected end of JSON input",
    b"   ": "unexpected end of JSON input",
    b'{"a":1,': "unexpected end of JSON input",
    b'"abc': "unexpected end of JSON input",
    b"invalid json patch": "invalid character 'i' looking for beginning of value",
    b"{,}": "invalid character ',' looking for beginning of object key string",
    b'{"a" 1}': "invalid character '1' after object key",
    b'{"a":1 "b":2}': "invalid character '\"' after object key:value pair",
    b"[1 2]": "invalid character '2' after array element",
    b"[1,]": "invalid character ']' looking for beginning of value",
    b"{}}": "invalid character '}' after top-level value",
    b"01": "invalid character '1' after top-level value",
    b"-a": "invalid character 'a' in numeric literal",
    b"1.e": "invalid character 'e' after decimal point in numeric literal",
    b"1e+": "invalid character ' ' in exponent of numeric literal",
    b"tRue": "invalid character 'R' in literal true (expecting 'r')",
    b"nul": "invalid character ' ' in literal null (expecting 'l')",
    b'"\\x"': "invalid character 'x' in string escape code",
    b'"\\u12G4"': "invalid character 'G' in \\u hexadecimal character escape",
    b'"a\tb"': "invalid character '\\t' in string literal",
    b"'a'": "invalid character '\\'' looking for beginning of value",
    b"\xef\xbb\xbf{}": "invalid character '\u00ef' looking for beginning of value",
    b"\x80": "invalid character '\\u0080' looking for beginning of value",
}


@pytest.mark.parametrize(("data", "message"), SYNTAX_ERRORS.items(), ids=[repr(k) for k in SYNTAX_ERRORS])
def test_syntax_errors_read_as_go_reports_them(data: bytes, message: str) -> None:
    assert gojson.syntax_error(data) == message
    with pytest.raises(gojson.GoJSONError) as raised:
        gojson.loads(data)
    assert str(raised.value) == message


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values)
def test_valid_documents_have_no_syntax_error(value: object) -> None:
    data = orjson.dumps(value)
    assert gojson.syntax_error(data) is None
    assert gojson.syntax_error(b" \n" + data + b"\t ") is None
    assert gojson.loads(data) == value


def test_go_accepts_what_orjson_refuses() -> None:
    # Invalid UTF-8 and lone surrogates become U+FFFD, as Go's decoder makes them.
    assert gojson.loads(b'{"a":"x\xffy"}') == {"a": "x\ufffdy"}
    assert gojson.loads(b'["\\ud800"]') == ["\ufffd"]


def test_number_out_of_float_range_is_a_type_error() -> None:
    with pytest.raises(
        gojson.GoJSONError, match="^json: cannot unmarshal number 1e400 into Go value of type float64$"
    ):
        gojson.loads(b"[1e400]")


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ({}, "object"),
        ([], "array"),
        ("", "string"),
        (1, "number"),
        (1.5, "number"),
        (True, "bool"),
        (None, "null"),
    ],
)
def test_type_errors_name_the_json_kind(value: object, kind: str) -> None:
    assert str(gojson.type_error(value, "T")) == f"json: cannot unmarshal {kind} into Go value of type T"
