"""resource.Quantity parsing, canonical form, rounding and comparison, against upstream's behaviour
(apimachinery/pkg/api/resource quantity_test.go cases)."""

from __future__ import annotations

import pytest

from kapiserver.apimachinery import quantity as q


@pytest.mark.parametrize(("text", "canonical", "fmt"), [
    ("0", "0", "DecimalSI"),
    ("00", "0", "DecimalSI"),
    ("-0", "0", "DecimalSI"),
    ("1", "1", "DecimalSI"),
    ("1000m", "1", "DecimalSI"),
    ("100m", "100m", "DecimalSI"),
    ("0.5", "500m", "DecimalSI"),
    ("1.5", "1500m", "DecimalSI"),
    ("1.0", "1", "DecimalSI"),
    ("1000000k", "1G", "DecimalSI"),
    ("3M", "3M", "DecimalSI"),
    ("1n", "1n", "DecimalSI"),
    ("0.0000000001", "1n", "DecimalSI"),
    ("5Gi", "5Gi", "BinarySI"),
    ("1024Mi", "1Gi", "BinarySI"),
    ("2048Ki", "2Mi", "BinarySI"),
    ("1000Ki", "1000Ki", "BinarySI"),
    ("1.5Gi", "1536Mi", "BinarySI"),
    ("0.1Ki", "102400m", "BinarySI"),
    ("0.3Mi", "314572800m", "BinarySI"),
    ("1Ei", "1Ei", "BinarySI"),
    ("8Ei", "9223372036854775807", "BinarySI"),
    ("+1Gi", "+1Gi", "BinarySI"),
    ("1e3", "1e3", "DecimalExponent"),
    ("12e3", "12e3", "DecimalExponent"),
    ("1.5e3", "1500", "DecimalExponent"),
    ("-1", "-1", "DecimalSI"),
    ("1.G", "1.G", "DecimalSI"),
    (".", "0", "DecimalSI"),
])
def test_parse_and_canonical(text: str, canonical: str, fmt: str) -> None:
    parsed = q.parse_quantity(text)
    assert q.canonical(parsed) == canonical
    assert parsed.format == fmt


@pytest.mark.parametrize(("text", "message"), [
    ("", q.ERR_FORMAT_WRONG),
    ("abc", q.ERR_FORMAT_WRONG),
    ("1x", q.ERR_FORMAT_WRONG),
    ("1Kib", q.ERR_FORMAT_WRONG),
    (" 1", q.ERR_FORMAT_WRONG),
    ("1 ", q.ERR_FORMAT_WRONG),
    ("1.2.3", q.ERR_FORMAT_WRONG),
    ("1e", q.ERR_SUFFIX),
    ("1e+", q.ERR_SUFFIX),
    ("--1", q.ERR_SUFFIX),
    ("1KK", q.ERR_SUFFIX),
])
def test_parse_errors(text: str, message: str) -> None:
    with pytest.raises(q.QuantityError) as info:
        q.parse_quantity(text)
    assert str(info.value) == message


def test_error_message_is_upstreams() -> None:
    assert q.ERR_FORMAT_WRONG == ("quantities must match the regular expression "
                                  "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")


@pytest.mark.parametrize(("value", "canonical"), [(" 2 ", "2"), (1, "1"), (0.5, "500m"), (1000, "1k"),
                                                  (None, "0")])
def test_from_json(value: object, canonical: str) -> None:
    assert q.canonical(q.from_json(value)) == canonical


@pytest.mark.parametrize("value", [True, [], {}, "1 1"])
def test_from_json_refuses_other_shapes(value: object) -> None:
    with pytest.raises(q.QuantityError):
        q.from_json(value)


@pytest.mark.parametrize(("text", "rounded"), [("1n", "1m"), ("0.0001", "1m"), ("1.0001", "1001m"), ("5m", "5m"),
                                               ("1Gi", "1Gi"), ("-0.0001", "-1m")])
def test_round_up_to_milli(text: str, rounded: str) -> None:
    assert q.canonical(q.round_up(q.parse_quantity(text), q.MILLI)) == rounded


def test_compare_add_and_values() -> None:
    assert q.compare(q.parse_quantity("1"), q.parse_quantity("1000m")) == 0
    assert q.compare(q.parse_quantity("1Gi"), q.parse_quantity("1G")) == 1
    assert q.compare(q.parse_quantity("500m"), q.parse_quantity("0.6")) == -1
    total = q.add(q.parse_quantity("500m"), q.parse_quantity("1"))
    assert q.canonical(total) == "1500m"
    assert q.canonical(q.add(q.parse_quantity("1Gi"), q.parse_quantity("1Gi"))) == "2Gi"
    assert q.milli_value(q.parse_quantity("1.5")) == 1500
    assert q.value(q.parse_quantity("1.2")) == 2
    assert q.value(q.parse_quantity("-1.2")) == -2
    assert q.is_integer(q.parse_quantity("2k")) and not q.is_integer(q.parse_quantity("1.5"))
