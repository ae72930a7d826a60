"""Timestamps in the forms the API uses (metav1.Time: RFC 3339 seconds; MicroTime: microseconds)."""

from __future__ import annotations

import datetime as _dt

_UTC = _dt.UTC


def now() -> _dt.datetime:
    return _dt.datetime.now(_UTC)


def format_time(when: _dt.datetime) -> str:
    """metav1.Time's wire form: second precision, always UTC, 'Z' suffix."""
    return when.astimezone(_UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_micro_time(when: _dt.datetime) -> str:
    """metav1.MicroTime's wire form: six fractional digits, 'Z' suffix."""
    return when.astimezone(_UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def now_rfc3339() -> str:
    return format_time(now())


def parse_time(value: str) -> _dt.datetime:
    """Parse an RFC 3339 timestamp (any precision, 'Z' or an offset); raises ValueError."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = _dt.datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        raise ValueError(f"timestamp without a zone: {value!r}")
    return parsed


def human_duration(seconds: float) -> str:
    """Upstream duration.HumanDuration, the form of the AGE column ("5m23s", "3d4h", "2y")."""
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    s = int(seconds)
    if s < 60 * 2:
        return f"{s}s"
    minutes = s // 60
    if minutes < 10:
        rem = s % 60
        return f"{minutes}m{rem}s" if rem else f"{minutes}m"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = s // 3600
    if hours < 8:
        rem = minutes % 60
        return f"{hours}h{rem}m" if rem else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        rem = hours % 24
        return f"{hours // 24}d{rem}h" if rem else f"{hours // 24}d"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        days = hours // 24 % 365
        return f"{hours // 24 // 365}y{days}d" if days else f"{hours // 24 // 365}y"
    return f"{hours // 24 // 365}y"
