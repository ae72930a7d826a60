"""The special wire forms: Go's time and duration texts, IntOrString, varints."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapiserver.apimachinery.protobuf import ProtobufError, forms, wire


@pytest.mark.parametrize(
    ("nanos", "text"),
    [
        (0, "0s"),
        (1, "1ns"),
        (999, "999ns"),
        (1_000, "1µs"),
        (1_500, "1.5µs"),
        (1_000_000, "1ms"),
        (2_500_000, "2.5ms"),
        (1_500_000_000, "1.5s"),
        (60 * 10**9, "1m0s"),
        (3600 * 10**9, "1h0m0s"),
        (5400 * 10**9, "1h30m0s"),
        (61 * 10**9 + 1, "1m1.000000001s"),
        (-90 * 10**9, "-1m30s"),
    ],
)
def test_format_duration_like_go(nanos: int, text: str) -> None:
    assert forms.format_duration(nanos) == text


@pytest.mark.parametrize(
    ("text", "nanos"),
    [
        ("0", 0),
        ("1h", 3600 * 10**9),
        ("1h30m", 5400 * 10**9),
        ("1.5h", 5400 * 10**9),
        ("-1.5s", -1_500_000_000),
        ("+3s", 3 * 10**9),
        (".5s", 500_000_000),
        ("300ms", 300_000_000),
        ("2us", 2_000),
        ("2µs", 2_000),
        ("2μs", 2_000),
        ("1h0m0s", 3600 * 10**9),
    ],
)
def test_parse_duration_like_go(text: str, nanos: int) -> None:
    assert forms.parse_duration(text) == nanos


@pytest.mark.parametrize("text", ["", "1", "h", "1x", "1.5", "-", "1h 2m"])
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(ProtobufError):
        forms.parse_duration(text)


@given(st.integers(min_value=-(2**62), max_value=2**62))
def test_duration_text_round_trips(nanos: int) -> None:
    assert forms.parse_duration(forms.format_duration(nanos)) == nanos


def _body(payload: bytes) -> tuple[bytes, int, int]:
    return payload, 0, len(payload)


def test_time_forms() -> None:
    assert forms.decode_time(*_body(b"")) is None
    seconds, _ = forms.parse_time("2008-01-01T01:01:01Z")
    assert forms.decode_time(*_body(forms.encode_time("2008-01-01T01:01:01Z"))) == "2008-01-01T01:01:01Z"
    assert forms.encode_time("2008-01-01T01:01:01Z") == b"\x08" + wire.varint(seconds) + b"\x10\x00"
    assert forms.decode_time(*_body(b"\x08\x00\x10\x00")) == "1970-01-01T00:00:00Z"
    assert forms.decode_time(*_body(b"\x08" + wire.varint(-62135596800))) == "0001-01-01T00:00:00Z"
    assert forms.parse_time("2008-01-01T03:01:01+02:00")[0] == seconds


@pytest.mark.parametrize("text", ["2008-01-01", "2008-01-01T01:01:01", "yesterday", "2008-01-01 01:01:01Z"])
def test_time_rejects_non_rfc3339(text: str) -> None:
    with pytest.raises(ProtobufError):
        forms.encode_time(text)


def test_micro_time_forms() -> None:
    body = forms.encode_micro_time("2008-01-01T03:01:01.123456+02:00")
    assert forms.decode_micro_time(*_body(body)) == "2008-01-01T01:01:01.123456Z"
    with pytest.raises(ProtobufError, match='cannot parse "789Z" as "Z07:00"'):
        forms.encode_micro_time("2008-01-01T01:01:01.123456789Z")  # exactly six digits, as RFC3339Micro says
    assert forms.decode_micro_time(*_body(b"")) is None


def test_int_or_string_forms() -> None:
    assert forms.encode_int_or_string(8080) == b"\x08\x00\x10\x90\x3f\x1a\x00"
    assert forms.encode_int_or_string("http") == b"\x08\x01\x10\x00\x1a\x04http"
    assert forms.decode_int_or_string(*_body(b"\x08\x00\x10\x90\x3f\x1a\x00")) == 8080
    assert forms.decode_int_or_string(*_body(b"\x08\x01\x10\x00\x1a\x04http")) == "http"
    assert forms.decode_int_or_string(*_body(b"")) == 0
    with pytest.raises(ProtobufError):
        forms.encode_int_or_string(True)  # type: ignore[arg-type]


def test_quantity_forms() -> None:
    assert forms.encode_quantity("100m") == b"\x0a\x04100m"
    assert forms.encode_quantity(2) == b"\x0a\x012"
    assert forms.decode_quantity(*_body(b"\x0a\x04100m")) == "100m"
    assert forms.decode_quantity(*_body(b"")) == "0"  # the zero Quantity


@given(st.integers(min_value=-(2**63), max_value=2**63 - 1))
def test_varint_round_trips_as_go_int64(value: int) -> None:
    data = wire.varint(value)
    decoded, pos = wire.read_varint(data, 0)
    assert pos == len(data) and wire.to_int64(decoded) == value
    assert len(data) == (10 if value < 0 else max(1, (value.bit_length() + 6) // 7))


def test_negative_int32_takes_ten_bytes() -> None:
    data = wire.varint(-1)
    assert data == b"\xff" * 9 + b"\x01"
    assert wire.to_int32(wire.read_varint(data, 0)[0]) == -1
