"""The text exposition, as the Go client writes it (families and label pairs sorted by name,
numbers in strconv's shortest 'g' form, HELP with the stability level)."""

from __future__ import annotations

import pytest

from kapiserver.metrics import Counter, Gauge, Histogram, Registry, Stability


def test_families_labels_and_samples_are_sorted() -> None:
    registry = Registry()
    total = Counter("b_total", "B.", ("verb", "code"), Stability.STABLE)
    gauge = Gauge("a_gauge", "A.", (), None)
    registry.register(total)
    registry.register(gauge)
    total.inc(("PUT", "200"))
    total.inc(("GET", "404"))
    total.inc(("GET", "200"), 1234566)
    total.inc(("GET", "200"))
    gauge.set((), 0.5)
    assert registry.exposition() == (
        "# HELP a_gauge A.\n# TYPE a_gauge gauge\na_gauge 0.5\n"
        "# HELP b_total [STABLE] B.\n# TYPE b_total counter\n"
        'b_total{code="200",verb="GET"} 1.234567e+06\n'
        'b_total{code="200",verb="PUT"} 1\n'
        'b_total{code="404",verb="GET"} 1\n'
    )


def test_a_family_without_samples_is_left_out() -> None:
    registry = Registry()
    registry.register(Counter("c_total", "C.", ("verb",)))
    assert registry.exposition() == ""


def test_histogram_buckets_are_cumulative_and_inclusive() -> None:
    registry = Registry()
    latency = Histogram("d_seconds", "D.", ("verb",), Stability.ALPHA, buckets=(0.005, 0.025, 1))
    registry.register(latency)
    for value in (0.005, 0.01, 3):
        latency.observe(("GET",), value)
    assert registry.exposition().splitlines()[2:] == [
        'd_seconds_bucket{verb="GET",le="0.005"} 1',
        'd_seconds_bucket{verb="GET",le="0.025"} 2',
        'd_seconds_bucket{verb="GET",le="1"} 2',
        'd_seconds_bucket{verb="GET",le="+Inf"} 3',
        'd_seconds_sum{verb="GET"} 3.015',
        'd_seconds_count{verb="GET"} 3',
    ]


def test_deprecation_is_marked_before_the_stability_level_is_prefixed() -> None:
    gauge = Gauge("e", "E.", (), Stability.STABLE, deprecated_version="1.34.0")
    assert gauge.header()[0] == "# HELP e [STABLE] (Deprecated since 1.34.0) E."


def test_label_values_are_escaped() -> None:
    registry = Registry()
    gauge = Gauge("f", "F.", ("path",))
    registry.register(gauge)
    gauge.set(('a"b\\c\nd',), 1)
    assert registry.exposition().splitlines()[-1] == 'f{path="a\\"b\\\\c\\nd"} 1'


def test_a_name_is_registered_once() -> None:
    registry = Registry()
    registry.register(Gauge("g", "G."))
    with pytest.raises(ValueError, match="duplicate metrics collector registration attempted: g"):
        registry.register(Gauge("g", "G."))
