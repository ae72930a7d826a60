"""Go's time.Parse for metav1.Time (RFC3339) and MicroTime (RFC3339Micro): what it accepts and its
error text, element by element."""

from __future__ import annotations

import datetime as dt

import pytest

from kapiserver.apimachinery import gotime
from kapiserver.apimachinery.gotime import RFC3339, RFC3339_MICRO

MICRO_AS = ' as "2006-01-02T15:04:05.000000Z07:00": cannot parse '


def unix(*args: int) -> int:
    return int(dt.datetime(*args, tzinfo=dt.UTC).timestamp())  # type: ignore[misc]


@pytest.mark.parametrize(("layout", "text", "expected"), [
    (RFC3339_MICRO, "2024-05-01T10:00:00.123456Z", (unix(2024, 5, 1, 10), 123456000)),
    (RFC3339_MICRO, "2024-05-01T12:00:00.000001+02:00", (unix(2024, 5, 1, 10), 1000)),
    (RFC3339_MICRO, "2024-05-01T07:30:00.000000-02:30", (unix(2024, 5, 1, 10), 0)),
    (RFC3339_MICRO, "2024-05-01T10:00:00,500000Z", (unix(2024, 5, 1, 10), 500000000)),  # Go takes a comma
    (RFC3339_MICRO, "2024-05-01T1:00:00.000000Z", (unix(2024, 5, 1, 1), 0)),  # and a one-digit hour
    (RFC3339_MICRO, "2024-02-29T00:00:00.000000Z", (unix(2024, 2, 29), 0)),
    (RFC3339_MICRO, "0001-01-01T00:00:00.000000Z", (-62135596800, 0)),
    (RFC3339_MICRO, "0000-03-01T00:00:00.000000Z", (-62162035200, 0)),
    (RFC3339, "2024-05-01T10:00:00Z", (unix(2024, 5, 1, 10), 0)),
    (RFC3339, "2024-05-01T10:00:00.5Z", (unix(2024, 5, 1, 10), 500000000)),  # any fraction after seconds
    (RFC3339, "2024-05-01T10:00:00.123456789987Z", (unix(2024, 5, 1, 10), 123456789)),
    (RFC3339, "9999-12-31T23:59:59+00:00", (unix(9999, 12, 31, 23, 59, 59), 0)),
])
def test_accepted(layout: str, text: str, expected: tuple[int, int]) -> None:
    assert gotime.parse(layout, text) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("2024-05-01T10:00:00Z", MICRO_AS + '"Z" as ".000000"'),
    ("2024-05-01T10:00:00.123Z", MICRO_AS + '".123Z" as ".000000"'),
    ("2024-05-01T10:00:00.1234567Z", MICRO_AS + '"7Z" as "Z07:00"'),
    ("2024-05-01T10:00:00.123456", MICRO_AS + '"" as "Z07:00"'),
    ("2024-05-01T10:00:00.123456z", MICRO_AS + '"z" as "Z07:00"'),
    ("2024-05-01T10:00:00.12a456Z", MICRO_AS + '".12a456Z" as ".000000"'),
    ("2024-05-01T10:00:00 123456Z", MICRO_AS + '" 123456Z" as ".000000"'),
    ("2024-05-01T10:00:00.123456+0200", MICRO_AS + '"+0200" as "Z07:00"'),
    ("2024-05-01t10:00:00.000000Z", MICRO_AS + '"t10:00:00.000000Z" as "T"'),
    ("2024-05-01 10:00:00.000000Z", MICRO_AS + '" 10:00:00.000000Z" as "T"'),
    ("2024-5-01T10:00:00.000000Z", MICRO_AS + '"5-01T10:00:00.000000Z" as "01"'),
    ("24-05-01T10:00:00.000000Z", MICRO_AS + '"24-05-01T10:00:00.000000Z" as "2006"'),
    ("", MICRO_AS + '"" as "2006"'),
    ("null", MICRO_AS + '"null" as "2006"'),
    ("\u0662024-05-01T10:00:00.000000Z", MICRO_AS + '"\\xd9\\xa2024-05-01T10:00:00.000000Z" as "2006"'),
    ("2024-05-01T10:00:00.123456Zjunk", ': extra text: "junk"'),
    ("2024-13-01T10:00:00.000000Z", ": month out of range"),
    ("2024-00-01T10:00:00.000000Z", ": month out of range"),
    ("2023-02-29T10:00:00.000000Z", ": day out of range"),
    ("2024-04-31T10:00:00.000000Z", ": day out of range"),
    ("2024-05-01T24:00:00.000000Z", ": hour out of range"),
    ("2024-05-01T10:60:00.000000Z", ": minute out of range"),
    ("2024-05-01T10:00:60.000000Z", ": second out of range"),
    ("2024-05-01T10:00:00.-12345Z", ": fractional second out of range"),
    ("2024-05-01T10:00:00.000000+25:00", ": time zone offset hour out of range"),
    ("2024-05-01T10:00:00.000000+01:61", ": time zone offset minute out of range"),
])
def test_micro_time_refused_with_gos_text(text: str, message: str) -> None:
    with pytest.raises(gotime.ParseError) as caught:
        gotime.parse(RFC3339_MICRO, text)
    assert str(caught.value) == f"parsing time {gotime.quote(text)}{message}"


def test_rfc3339_errors() -> None:
    with pytest.raises(gotime.ParseError) as caught:
        gotime.parse(RFC3339, "today")
    assert str(caught.value) == 'parsing time "today" as "2006-01-02T15:04:05Z07:00": cannot parse "today" as "2006"'
    with pytest.raises(gotime.ParseError) as caught:
        gotime.parse(RFC3339, "2024-05-01T10:00:00.Z")
    assert str(caught.value).endswith('cannot parse ".Z" as "Z07:00"')
    with pytest.raises(gotime.ParseError) as caught:
        gotime.parse(RFC3339, "2024-05-01")
    assert str(caught.value).endswith('cannot parse "" as "T"')


def test_quote_escapes_like_go() -> None:
    assert gotime.quote('a"b\\c') == '"a\\"b\\\\c"'
    assert gotime.quote("é\t") == '"\\xc3\\xa9\\x09"'


@pytest.mark.parametrize("text", ["2024-02-29T23:59:59.999999Z", "0000-01-01T00:00:00.000000Z",
                                  "9999-12-31T23:59:59.000001Z", "1969-12-31T23:59:59.500000Z"])
def test_canonical_forms_read_as_the_general_parse_does(text: str) -> None:
    """`Z` takes the direct path, `+00:00` the element-by-element one: the same instant."""
    for layout in (RFC3339, RFC3339_MICRO):
        assert gotime.parse(layout, text) == gotime.parse(layout, text[:-1] + "+00:00")
