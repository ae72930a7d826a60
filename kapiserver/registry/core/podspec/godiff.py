"""A go-cmp style report of how two specs differ (what upstream appends to "pod updates may
not change fields other than ..." with cmp.Diff).

go-cmp's output is deliberately unstable upstream (it randomly swaps spaces for
non-breaking ones so nobody depends on it), so this aims at its shape, not its bytes:
Go type and field names in Go struct order, "- "/"+ " lines for changed values, two
unchanged fields of context around a change and "... // N identical fields" for the rest.
Struct layouts come from the protobuf schema table, which lists fields in Go order.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import quantity
from kapiserver.apimachinery.protobuf import table

_CONTEXT = 2
_INITIALISMS = {"id": "ID", "ip": "IP", "ips": "IPs", "dns": "DNS", "ipc": "IPC", "pid": "PID", "tty": "TTY",
                "os": "OS", "uid": "UID", "url": "URL", "uri": "URI", "http": "HTTP", "tcp": "TCP", "grpc": "GRPC",
                "api": "API", "csi": "CSI", "fc": "FC", "nfs": "NFS", "rbd": "RBD", "iscsi": "ISCSI", "qos": "QOS",
                "se": "SE", "gmsa": "GMSA", "wwns": "WWNs", "wwids": "WWIDs", "aws": "AWS", "gce": "GCE",
                "pd": "PD", "fs": "FS", "json": "JSON", "cidr": "CIDR"}


def go_field_name(json_name: str) -> str:
    """httpGet -> HTTPGet, hostIPC -> HostIPC, dnsPolicy -> DNSPolicy, podIPs -> PodIPs."""
    words: list[str] = []
    current = ""
    for ch in json_name:
        if ch.isupper() and current and not current[-1].isupper():
            words.append(current)
            current = ch
        else:
            current += ch
    words.append(current)
    out = []
    for word in words:
        lower = word.lower()
        if lower in _INITIALISMS:
            out.append(_INITIALISMS[lower])
        elif word.isupper() and len(word) > 1:
            out.append(word)
        else:
            out.append(word[:1].upper() + word[1:])
    return "".join(out)


def go_type_name(message: str) -> str:
    """"core.v1.PodSpec" -> "core.PodSpec" (upstream diffs internal types)."""
    parts = message.split(".")
    if len(parts) >= 3 and parts[-2].startswith("v"):
        return ("core" if parts[0] == "core" else parts[-3]) + "." + parts[-1]
    return parts[-1]


def _layout(message: str) -> list[tuple[str, str, int]]:
    """(json name, type, flags) of each field in Go struct order."""
    entry = table.raw_table()["messages"].get(message)
    if entry is None:
        return []
    out = []
    for _, name, ftype, flags in entry[2]:
        if flags & table.FLAG_INLINE:
            out.extend(_layout(ftype))
        else:
            out.append((name, ftype, flags))
    return out


def _is_message(ftype: str) -> bool:
    entry = table.raw_table()["messages"].get(ftype)
    return entry is not None and not entry[0]


# --- one-line values -------------------------------------------------------------------------


def _format(value: Any, ftype: str, flags: int, show_type: bool) -> str:
    if value is None:
        return _zero_text(ftype, flags)
    if flags & table.FLAG_REPEATED and isinstance(value, list):
        inner = ", ".join(_format(v, ftype, 0, False) for v in value)
        prefix = f"[]{_type_label(ftype)}" if show_type else ""
        return f"{prefix}{{{inner}}}"
    if ftype.startswith("map:") and isinstance(value, dict):
        inner = ", ".join(f"{_go_quote(str(k))}: {_format(v, ftype[4:], 0, False)}" for k, v in sorted(value.items()))
        return f"{'map[string]' + _type_label(ftype[4:]) if show_type else ''}{{{inner}}}"
    if _is_message(ftype) and isinstance(value, dict):
        fields = [f"{go_field_name(n)}: {_format(value[n], t, f, False)}" for n, t, f in _layout(ftype)
                  if value.get(n) not in (None, "", 0, False, [], {})]
        body = f"{{{', '.join(fields)}}}"
        label = go_type_name(ftype) if show_type else ""
        return ("&" if flags & table.FLAG_POINTER else "") + label + body
    return ("&" if flags & table.FLAG_POINTER else "") + _scalar(value, ftype)


def _zero_text(ftype: str, flags: int) -> str:
    """What go-cmp prints for a field the JSON left out: nil, or the value type's zero."""
    if flags & (table.FLAG_POINTER | table.FLAG_REPEATED | table.FLAG_NILLABLE) or ftype.startswith("map:"):
        return "nil"
    if _is_message(ftype):
        return "{}"
    return {"string": '""', "bool": "false"}.get(ftype, "0" if ftype.startswith("int") else "{}")


def _type_label(ftype: str) -> str:
    if ftype.startswith("map:"):
        return "map[string]" + _type_label(ftype[4:])
    if _is_message(ftype):
        return go_type_name(ftype)
    return {"quantity": "resource.Quantity", "intorstring": "intstr.IntOrString"}.get(
        table.raw_table()["messages"].get(ftype, ["", 0, []])[0] or "", ftype)


def _scalar(value: Any, ftype: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str) and _type_label(ftype) == "resource.Quantity":
        try:
            parsed = quantity.from_json(value)
        except quantity.QuantityError:
            return _go_quote(value)
        return f"{{s: {_go_quote(quantity.canonical(parsed))}, Format: {_go_quote(parsed.format)}}}"
    if isinstance(value, str):
        return _go_quote(value)
    return str(value)


def _go_quote(text: str) -> str:
    from kapiserver.apimachinery import field

    return field.go_quote(text)


# --- the report ------------------------------------------------------------------------------


def _is_zero(value: Any) -> bool:
    return value in (None, "", 0, False, [], {})


def _struct_lines(old: dict[str, Any], new: dict[str, Any], message: str, depth: int) -> list[str]:
    records = [(name, ftype, flags, old.get(name), new.get(name)) for name, ftype, flags in _layout(message)]
    changed = {i for i, r in enumerate(records) if not _same(r[3], r[4])}
    shown: set[int] = set()
    for i in changed:
        shown.update(range(max(0, i - _CONTEXT), min(len(records), i + _CONTEXT + 1)))
    pad = "\t" * depth
    # (prefix, key, value) for one-line records, or a ready block of lines for nested ones.
    items: list[tuple[str, str, str] | list[str]] = []
    skipped = 0
    for i, (name, ftype, flags, before, after) in enumerate(records):
        if i not in shown:
            skipped += 1
            continue
        if skipped:
            items.append([f"  {pad}... // {skipped} identical fields"])
            skipped = 0
        key = go_field_name(name) + ":"
        if i not in changed:
            items.append(("  ", key, _format(after, ftype, flags, False)))
        else:
            items += _changed_items(key, before, after, ftype, flags, depth)
    if skipped:
        items.append([f"  {pad}... // {skipped} identical fields"])
    return _align(items, pad)


def _align(items: list[tuple[str, str, str] | list[str]], pad: str) -> list[str]:
    """go-cmp aligns the values of consecutive one-line records."""
    lines: list[str] = []
    run: list[tuple[str, str, str]] = []

    def flush() -> None:
        width = max((len(key) for _, key, _ in run), default=0)
        lines.extend(f"{prefix}{pad}{key.ljust(width)} {value}," for prefix, key, value in run)
        run.clear()

    for item in items:
        if isinstance(item, tuple):
            run.append(item)
        else:
            flush()
            lines.extend(item)
    flush()
    return lines


def _changed_items(key: str, before: Any, after: Any, ftype: str, flags: int,
                   depth: int) -> list[tuple[str, str, str] | list[str]]:
    pad = "\t" * depth
    if _is_message(ftype) and isinstance(before, dict) and isinstance(after, dict) and not flags & table.FLAG_REPEATED:
        head = "&" if flags & table.FLAG_POINTER else ""
        return [[f"  {pad}{key} {head}{go_type_name(ftype)}{{"] + _struct_lines(before, after, ftype, depth + 1)
                + [f"  {pad}}},"]]
    if flags & table.FLAG_REPEATED and _is_message(ftype) and isinstance(before, list) and isinstance(after, list) \
            and len(before) == len(after):
        lines = [f"  {pad}{key} []{go_type_name(ftype)}{{"]
        for old_item, new_item in zip(before, after):
            if _same(old_item, new_item):
                lines.append(f"  {pad}\t{_format(new_item, ftype, 0, False)},")
            elif isinstance(old_item, dict) and isinstance(new_item, dict):
                lines += [f"  {pad}\t{{"] + _struct_lines(old_item, new_item, ftype, depth + 2) + [f"  {pad}\t}},"]
            else:
                lines += [f"- {pad}\t{_format(old_item, ftype, 0, False)},",
                          f"+ {pad}\t{_format(new_item, ftype, 0, False)},"]
        return [lines + [f"  {pad}}},"]]
    out: list[tuple[str, str, str] | list[str]] = []
    if not _is_zero(before) or _is_zero(after):
        out.append(("- ", key, _format(before, ftype, flags, True)))
    if not _is_zero(after) or _is_zero(before):
        out.append(("+ ", key, _format(after, ftype, flags, True)))
    return out


def _same(a: Any, b: Any) -> bool:
    from .access import semantic_equal

    return semantic_equal(a, b)


def cmp_diff(old: dict[str, Any], new: dict[str, Any], message: str = "core.v1.PodSpec") -> str:
    """The report for two values of one struct type, ending in a newline like cmp.Diff."""
    lines = [f"  {go_type_name(message)}{{"] + _struct_lines(old, new, message, 1) + ["  }"]
    return "\n".join(lines) + "\n"
