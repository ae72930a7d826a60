"""Counters, gauges and histograms with labels, and their text exposition.

Samples live in plain dicts keyed by the tuple of label values; nothing is computed until a
scrape asks. Collectors are callables run at scrape time for figures read from elsewhere
(process memory, stored object counts).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Iterable
from enum import Enum

from kapiserver.apimachinery.golang import format_float

LabelValues = tuple[str, ...]
Collector = Callable[[], Iterable[tuple[LabelValues, float]]]


class Stability(Enum):
    ALPHA = "ALPHA"
    BETA = "BETA"
    STABLE = "STABLE"
    INTERNAL = "INTERNAL"


def _format_value(value: float) -> str:
    return format_float(float(value))


def _escape_label(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


class _Family:
    kind = ""

    def __init__(self, name: str, help_text: str, label_names: Iterable[str] = (),
                 stability: Stability | None = Stability.ALPHA, deprecated_version: str = ""):
        self.name = name
        self.label_names = tuple(label_names)
        # component-base marks deprecation first, then prefixes the stability level
        text = f"(Deprecated since {deprecated_version}) {help_text}" if deprecated_version else help_text
        self.help = f"[{stability.value}] {text}" if stability is not None else text
        self._order = sorted(range(len(self.label_names)), key=lambda i: self.label_names[i])

    def _sorted(self, samples: Iterable[LabelValues]) -> list[LabelValues]:
        """Sample keys in the Go client's order: by label values, labels taken by name."""
        return sorted(samples, key=lambda values: [values[i] for i in self._order])

    def _labels(self, values: LabelValues, extra: str = "") -> str:
        pairs = [f'{self.label_names[i]}="{_escape_label(values[i])}"' for i in self._order]
        if extra:
            pairs.append(extra)
        return "{" + ",".join(pairs) + "}" if pairs else ""

    def header(self) -> list[str]:
        return [f"# HELP {self.name} {_escape_help(self.help)}", f"# TYPE {self.name} {self.kind}"]

    def lines(self) -> list[str]:
        raise NotImplementedError


class Counter(_Family):
    kind = "counter"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.values: dict[LabelValues, float] = {}

    def inc(self, labels: LabelValues = (), amount: float = 1.0) -> None:
        self.values[labels] = self.values.get(labels, 0.0) + amount

    def lines(self) -> list[str]:
        return [f"{self.name}{self._labels(k)} {_format_value(self.values[k])}" for k in self._sorted(self.values)]


class Gauge(_Family):
    """A gauge whose samples are set directly, or read from `collect` at scrape time."""

    kind = "gauge"

    def __init__(self, *args: object, collect: Collector | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.values: dict[LabelValues, float] = {}
        self._collect = collect

    def set(self, labels: LabelValues, value: float) -> None:
        self.values[labels] = value

    def add(self, labels: LabelValues, amount: float) -> None:
        self.values[labels] = self.values.get(labels, 0.0) + amount

    def lines(self) -> list[str]:
        samples = dict(self.values)
        if self._collect is not None:
            samples.update(self._collect())
        return [f"{self.name}{self._labels(k)} {_format_value(samples[k])}" for k in self._sorted(samples)]


class Histogram(_Family):
    kind = "histogram"

    def __init__(self, *args: object, buckets: Iterable[float] = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.buckets = tuple(buckets)
        # label values -> (count per bucket, not cumulative; sum; count)
        self.values: dict[LabelValues, tuple[list[int], list[float]]] = {}

    def observe(self, labels: LabelValues, value: float) -> None:
        entry = self.values.get(labels)
        if entry is None:
            entry = self.values[labels] = ([0] * (len(self.buckets) + 1), [0.0])
        entry[0][bisect.bisect_left(self.buckets, value)] += 1
        entry[1][0] += value

    def lines(self) -> list[str]:
        out = []
        for labels in self._sorted(self.values):
            counts, total = self.values[labels]
            running = 0
            for bound, count in zip((*self.buckets, math.inf), counts, strict=True):
                running += count
                le = 'le="' + _format_value(bound) + '"'
                out.append(f"{self.name}_bucket{self._labels(labels, le)} {running}")
            out.append(f"{self.name}_sum{self._labels(labels)} {_format_value(total[0])}")
            out.append(f"{self.name}_count{self._labels(labels)} {running}")
        return out


class Registry:
    def __init__(self) -> None:
        self._families: dict[str, _Family] = {}

    def register(self, family: _Family) -> None:
        if family.name in self._families:
            raise ValueError(f"duplicate metrics collector registration attempted: {family.name}")
        self._families[family.name] = family

    def exposition(self) -> str:
        """Every family with at least one sample, sorted by name, as the Go client writes them."""
        out: list[str] = []
        for name in sorted(self._families):
            family = self._families[name]
            lines = family.lines()
            if lines:
                out += family.header() + lines
        return "\n".join(out) + "\n" if out else ""
