"""Index sets of Indexed Jobs ("1,3-5,7"), as upstream parses them for validation
(pkg/apis/batch/validation validateIndexesFormat, parseIndexInterval,
validateFailedIndexesNotOverlapCompleted). Errors are ValueErrors with upstream's text."""

from __future__ import annotations

import re


def _atoi(text: str) -> int:
    if re.fullmatch(r"[+-]?\d+", text) is None:
        raise ValueError(f"cannot convert string to integer for index: {_q(text)}")
    return int(text)


def _q(text: str) -> str:
    from kapiserver.apimachinery import field

    return field.go_quote(text)


def parse_index_interval(interval: str, completions: int) -> tuple[int, int]:
    limits = interval.split("-")
    if len(limits) > 2:
        raise ValueError(f"the fragment {_q(interval)} violates the requirement that an index interval can have at "
                         "most two parts separated by '-'")
    low = _atoi(limits[0])
    if low >= completions:
        raise ValueError(f"too large index: {_q(limits[0])}")
    if len(limits) == 1:
        return low, low
    high = _atoi(limits[1])
    if high >= completions:
        raise ValueError(f"too large index: {_q(limits[1])}")
    if low >= high:
        raise ValueError(f"non-increasing order, previous: {low}, current: {high}")
    return low, high


def validate_indexes_format(indexes: str, completions: int) -> int:
    """The number of indexes in the set; ValueError when it does not parse or is out of order."""
    if not indexes:
        return 0
    last: int | None = None
    total = 0
    for interval in indexes.split(","):
        low, high = parse_index_interval(interval, completions)
        if last is not None and last >= low:
            raise ValueError(f"non-increasing order, previous: {last}, current: {low}")
        total += high - low + 1
        last = high
    return total


def _parsed(intervals: list[str], pos: int, completions: int) -> tuple[int, int] | None:
    try:
        return parse_index_interval(intervals[pos], completions)
    except ValueError:
        return None


def failed_overlapping_completed(completed: str, failed: str, completions: int) -> str | None:
    """upstream validateFailedIndexesNotOverlapCompleted: the error text, or None."""
    if not completed or not failed:
        return None
    done, bad = completed.split(","), failed.split(",")
    i = j = 0
    current_done, current_bad = _parsed(done, 0, completions), _parsed(bad, 0, completions)
    while i < len(done) and j < len(bad):
        if current_done is None:
            i += 1
            current_done = _parsed(done, i, completions) if i < len(done) else None
        elif current_bad is None:
            j += 1
            current_bad = _parsed(bad, j, completions) if j < len(bad) else None
        else:
            (c_low, c_high), (f_low, f_high) = current_done, current_bad
            if c_low <= f_high and f_low <= c_high:
                return f"failedIndexes and completedIndexes overlap at index: {max(c_low, f_low)}"
            if c_low <= f_low:
                i += 1
                current_done = _parsed(done, i, completions) if i < len(done) else None
            else:
                j += 1
                current_bad = _parsed(bad, j, completions) if j < len(bad) else None
    return None
