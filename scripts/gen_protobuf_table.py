#!/usr/bin/env python3
"""Generate kapiserver/apimachinery/protobuf/table.json.gz, the schema table of the protobuf codec.

Two sources are joined, because neither alone says how a message maps onto JSON:

- the ``generated.proto`` files (``--proto``, default /work/shared/upstream/proto-v1.35) give
  each message's field numbers, wire types, repetition and map-ness;
- the Go types (``--api`` and ``--apimachinery``, default /work/ref/...) give, through the
  struct tags and the Go type of each field, its JSON name, whether it is inlined, whether
  it has ``omitempty``, and whether it is a pointer, a nil-able collection or a plain value.
  Go's encoding/json emits fields in struct order, so fields are listed in that order.

The registered kinds of each group version come from ``register.go`` (``AddKnownTypes``)
and the group names from its ``GroupName`` constant. The meta types every group version
registers (WatchEvent and the options kinds) are listed once under "common".

Table format (JSON, gzipped)::

    {"messages": {NAME: [special, has_type_meta, [[number, json_name, type, flags], ...]]},
     "kinds": {"apps/v1": {"Deployment": NAME, ...}, ...},
     "common": {"WatchEvent": NAME, ...}}

NAME is the proto full name without its ``k8s.io.api.`` or ``k8s.io.apimachinery.pkg.``
prefix ("core.v1.Pod", "apis.meta.v1.Time"). ``special`` is "" for an ordinary struct or
the name of a custom wire form (time, microtime, duration, quantity, intorstring, raw,
fieldsv1, strings). ``type`` is "string", "bool", "int32", "int64", "bytes", a message
NAME, or "map:" + the value type (keys are always strings). ``flags`` is a bit set, see
the FLAG_* constants (mirrored in kapiserver/apimachinery/protobuf/table.py).

Run: python scripts/gen_protobuf_table.py [--check] [--verbose]

The script is longer than our usual module: it is one pass (parse both sources, join,
write), and splitting it would scatter a tool that is read top to bottom.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "kapiserver" / "apimachinery" / "protobuf" / "table.json.gz"

FLAG_REPEATED = 1  # a repeated proto field (a Go slice of elements)
FLAG_POINTER = 2  # Go pointer: written only when set; JSON null/omitted when nil
FLAG_NILLABLE = 4  # Go slice, map or []byte: nil when absent on the wire
FLAG_OMITEMPTY = 8  # the json tag has omitempty
FLAG_OMITZERO = 32  # the json tag has omitzero (Go 1.24: omit the zero struct, e.g. a zero Time)
FLAG_INLINE = 16  # json:",inline": the message's fields are merged into the parent

SCALARS = {"string", "bool", "int32", "int64", "bytes"}

# Messages whose Go type marshals to JSON through its own methods, not field by field.
SPECIAL = {
    "apis.meta.v1.Time": "time",
    "apis.meta.v1.MicroTime": "microtime",
    "apis.meta.v1.Duration": "duration",
    "apis.meta.v1.FieldsV1": "fieldsv1",
    "runtime.RawExtension": "raw",
    "runtime.Unknown": "unknown",  # the envelope itself, read and written by hand
    "util.intstr.IntOrString": "intorstring",
    "api.resource.Quantity": "quantity",
    "api.resource.QuantityValue": "quantity",  # embeds Quantity; same wire and JSON form
}

META_OPTIONS = (
    "ListOptions",
    "GetOptions",
    "DeleteOptions",
    "CreateOptions",
    "UpdateOptions",
    "PatchOptions",
)
UNVERSIONED = ("Status", "APIVersions", "APIGroupList", "APIGroup", "APIResourceList")


def short_name(full: str) -> str:
    for prefix in ("k8s.io.api.", "k8s.io.apimachinery.pkg."):
        if full.startswith(prefix):
            return full[len(prefix) :]
    raise ValueError(f"unexpected proto package for {full}")


# ---------------------------------------------------------------- proto files


@dataclass
class ProtoField:
    label: str
    type: str  # scalar name, or a message reference (resolved to a NAME later), or map:<value>
    name: str
    number: int


@dataclass
class ProtoMessage:
    package: str
    name: str
    go_package: str
    fields: list[ProtoField] = field(default_factory=list)

    @property
    def full(self) -> str:
        return f"{self.package}.{self.name}"


_FIELD_RE = re.compile(r"^\s*(optional|repeated|required)\s+(\S+)\s+(\w+)\s*=\s*(\d+)")
_MAP_RE = re.compile(r"^\s*map<\s*(\S+)\s*,\s*(\S+)\s*>\s+(\w+)\s*=\s*(\d+)")


def parse_proto(path: Path) -> list[ProtoMessage]:
    package = go_package = ""
    messages: list[ProtoMessage] = []
    current: ProtoMessage | None = None
    for raw in path.read_text().splitlines():
        line = raw.split("//", 1)[0].rstrip()
        if m := re.match(r"^package\s+([\w.]+);", line):
            package = m.group(1)
        elif m := re.match(r'^option go_package = "([^"]+)";', line):
            go_package = m.group(1)
        elif m := re.match(r"^message (\w+) \{", line):
            current = ProtoMessage(package, m.group(1), go_package)
            messages.append(current)
        elif line == "}":
            current = None
        elif current is not None and (m := _FIELD_RE.match(line)):
            current.fields.append(ProtoField(m.group(1), m.group(2), m.group(3), int(m.group(4))))
        elif current is not None and (m := _MAP_RE.match(line)):
            if m.group(1) != "string":
                raise ValueError(f"{path}: map key {m.group(1)} is not string")
            current.fields.append(ProtoField("map", "map:" + m.group(2), m.group(3), int(m.group(4))))
        elif current is not None and line.strip():
            raise ValueError(f"{path}: cannot parse {raw!r}")
    return messages


def resolve_type(ref: str, package: str, known: set[str]) -> str:
    """A field's proto type -> scalar name or message NAME."""
    if ref in SCALARS:
        return ref
    full = ref[1:] if ref.startswith(".") else f"{package}.{ref}"
    if full not in known:
        raise ValueError(f"unknown message {ref} in {package}")
    return short_name(full)


# ---------------------------------------------------------------- Go sources


@dataclass
class GoField:
    go_name: str
    go_type: str
    json_name: str
    omitempty: bool
    omitzero: bool
    inline: bool
    proto_number: int | None
    proto_name: str | None


@dataclass
class GoPackage:
    structs: dict[str, list[GoField]] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # type X <underlying>
    group_name: str | None = None
    known_types: list[str] = field(default_factory=list)  # from AddKnownTypes, may be "metav1.Status"


_TAG_RE = re.compile(r'(\w+):"([^"]*)"')
_GO_FIELD_RE = re.compile(r"^\s*(?:(\w+)\s+)?(\*?[\w.\[\]*{}]+)\s+`([^`]*)`")


def parse_go_struct_body(lines: list[str]) -> list[GoField]:
    fields: list[GoField] = []
    depth = 0
    for raw in lines:
        line = raw.split("//", 1)[0] if not raw.lstrip().startswith("//") else ""
        if not line.strip():
            continue
        if depth:
            depth += line.count("{") - line.count("}")
            continue
        m = _GO_FIELD_RE.match(line)
        if not m:
            if "struct {" in line:  # anonymous struct field: not part of any proto message
                depth = 1
            continue
        name, go_type, tag = m.groups()
        tags = dict(_TAG_RE.findall(tag))
        json_tag = tags.get("json")
        if json_tag is None or json_tag == "-":
            continue
        json_parts = json_tag.split(",")
        proto = tags.get("protobuf")
        number = proto_name = None
        if proto and proto != "-":
            parts = proto.split(",")
            number = int(parts[1])
            proto_name = next((p[5:] for p in parts if p.startswith("name=")), None)
        fields.append(
            GoField(
                go_name=name or go_type.lstrip("*").split(".")[-1],
                go_type=go_type,
                json_name=json_parts[0],
                omitempty="omitempty" in json_parts[1:],
                omitzero="omitzero" in json_parts[1:],
                inline="inline" in json_parts[1:],
                proto_number=number,
                proto_name=proto_name,
            )
        )
    return fields


def parse_go_package(directory: Path) -> GoPackage:
    pkg = GoPackage()
    for path in sorted(directory.glob("*.go")):
        if path.name.endswith("_test.go") or path.name.startswith(("zz_generated", "generated.")):
            continue
        lines = path.read_text().splitlines()
        i = 0
        while i < len(lines):
            line = lines[i]
            if m := re.match(r"^type (\w+) struct\s*\{\s*\}\s*$", line):
                pkg.structs[m.group(1)] = []
            elif m := re.match(r"^type (\w+) struct \{\s*$", line):
                body = []
                i += 1
                while lines[i] != "}":
                    body.append(lines[i])
                    i += 1
                pkg.structs[m.group(1)] = parse_go_struct_body(body)
            elif m := re.match(r"^type (\w+) =?\s*(\S+)", line):
                pkg.aliases[m.group(1)] = m.group(2)
            elif m := re.match(r'^const GroupName = "([^"]*)"', line):
                pkg.group_name = m.group(1)
            elif "AddKnownTypes(SchemeGroupVersion" in line:
                pkg.known_types += re.findall(r"&([\w.]+)\{\}", line)
                while not lines[i].rstrip().endswith(")"):
                    i += 1
                    pkg.known_types += re.findall(r"&([\w.]+)\{\}", lines[i])
            i += 1
    return pkg


class GoUniverse:
    """All Go packages that back the proto packages, loaded on demand."""

    def __init__(self, api: Path, apimachinery: Path) -> None:
        self.roots = {"k8s.io/api/": api, "k8s.io/apimachinery/": apimachinery}
        self.packages: dict[str, GoPackage] = {}

    def package(self, go_package: str) -> GoPackage:
        if go_package not in self.packages:
            for prefix, root in self.roots.items():
                if go_package.startswith(prefix):
                    self.packages[go_package] = parse_go_package(root / go_package[len(prefix) :])
                    break
            else:
                raise ValueError(f"no Go sources for {go_package}")
        return self.packages[go_package]

    def struct(self, go_package: str, name: str) -> list[GoField] | None:
        """The fields of a struct, following `type X otherpkg.Y` definitions and aliases."""
        pkg = self.package(go_package)
        if name in pkg.structs:
            return pkg.structs[name]
        target = pkg.aliases.get(name)
        if target is None or target.startswith(("[", "map[", "*")):
            return None
        if "." in target:
            alias, _, other = target.partition(".")
            return self.struct(self.import_path(go_package, alias), other)
        return self.struct(go_package, target)

    def underlying(self, go_package: str, go_type: str) -> str:
        """Reduce a named Go type to '*', '[]', 'map' or 'value' (struct or scalar)."""
        if go_type.startswith("*"):
            return "*"
        if go_type.startswith("[]"):
            return "[]"
        if go_type.startswith("map["):
            return "map"
        if "." in go_type:
            alias, _, name = go_type.partition(".")
            if alias in ("time",):
                return "value"
            return self.underlying(self.import_path(go_package, alias), name)
        target = self.package(go_package).aliases.get(go_type)
        if target is None:
            return "value"
        return self.underlying(go_package, target.lstrip("="))

    _IMPORTS: ClassVar[dict[str, str]] = {
        "metav1": "k8s.io/apimachinery/pkg/apis/meta/v1",
        "runtime": "k8s.io/apimachinery/pkg/runtime",
        "intstr": "k8s.io/apimachinery/pkg/util/intstr",
        "resource": "k8s.io/apimachinery/pkg/api/resource",
        "types": "k8s.io/apimachinery/pkg/types",
    }

    def import_path(self, go_package: str, alias: str) -> str:
        if alias in self._IMPORTS:
            return self._IMPORTS[alias]
        # packages import their siblings as v1, corev1, authenticationv1, ...
        for prefix, root in self.roots.items():
            if go_package.startswith(prefix):
                directory = root / go_package[len(prefix) :]
                break
        texts = [
            p.read_text()
            for p in sorted(directory.glob("*.go"))
            if not p.name.startswith(("generated.", "zz_"))
        ]
        for pattern in (rf'^\s*{alias}\s+"([^"]+)"', rf'^\s*"([^"]+/{alias})"'):
            for text in texts:
                if m := re.search(pattern, text, re.MULTILINE):
                    return m.group(1)
        raise ValueError(f"cannot resolve import {alias} in {go_package}")


# ---------------------------------------------------------------- joining the two


class Problems(list[str]):
    def add(self, text: str) -> None:
        self.append(text)


def build_message(msg: ProtoMessage, known: set[str], go: GoUniverse, problems: Problems) -> list[object]:
    name = short_name(msg.full)
    special = SPECIAL.get(name, "")
    go_fields = go.struct(msg.go_package, msg.name)
    if go_fields is None:
        # A named Go slice (type ExtraValue []string): a message with one repeated string.
        shape = go.underlying(msg.go_package, msg.name)
        if shape != "[]" or [(f.label, f.type, f.number) for f in msg.fields] != [("repeated", "string", 1)]:
            raise ValueError(f"{name}: no Go struct and not a string list")
        return ["strings", 0, []]
    if special:
        return [special, 0, []]
    by_number = {f.number: f for f in msg.fields}
    fields: list[list[object]] = []
    has_type_meta = 0
    for gf in go_fields:
        if gf.proto_number is None:
            if gf.inline and gf.go_type.endswith("TypeMeta"):
                has_type_meta = 1
            else:
                problems.add(f"{name}.{gf.json_name or gf.go_name}: in JSON but not on the protobuf wire")
            continue
        pf = by_number.pop(gf.proto_number, None)
        if pf is None:
            raise ValueError(
                f"{name}: Go field {gf.go_name} has number {gf.proto_number} unknown to the proto"
            )
        if gf.proto_name and gf.proto_name != pf.name:
            raise ValueError(f"{name}.{pf.name}: Go tag says name={gf.proto_name}")
        if pf.type.startswith("map:"):
            ftype = "map:" + resolve_type(pf.type[4:], msg.package, known)
        else:
            ftype = resolve_type(pf.type, msg.package, known)
        shape = go.underlying(msg.go_package, gf.go_type)
        flags = 0
        if pf.label == "repeated":
            flags |= FLAG_REPEATED
        if shape == "*":
            flags |= FLAG_POINTER
        elif shape in ("[]", "map"):
            flags |= FLAG_NILLABLE
        if gf.omitempty:
            flags |= FLAG_OMITEMPTY
        if gf.omitzero:
            flags |= FLAG_OMITZERO
        if gf.inline:
            if ftype in SCALARS or ftype.startswith("map:") or flags & (FLAG_POINTER | FLAG_REPEATED):
                raise ValueError(f"{name}.{pf.name}: inline field is not a plain message")
            flags |= FLAG_INLINE
        # A Go slice is a repeated field, except []byte and named slices carried as a message (Verbs).
        named_slice = shape == "[]" and pf.label == "optional"
        if (pf.label == "repeated") != (shape == "[]") and ftype != "bytes" and not named_slice:
            raise ValueError(f"{name}.{pf.name}: repeated={pf.label} but Go type {gf.go_type}")
        if pf.label == "map" and shape != "map":
            raise ValueError(f"{name}.{pf.name}: proto map but Go type {gf.go_type}")
        fields.append([pf.number, gf.json_name, ftype, flags])
    if by_number:
        raise ValueError(f"{name}: proto fields without Go field: {sorted(by_number)}")
    return ["", has_type_meta, fields]


def build_kinds(
    messages: dict[str, list[object]], by_go_package: dict[str, str], go: GoUniverse, problems: Problems
) -> dict[str, dict[str, str]]:
    kinds: dict[str, dict[str, str]] = {}
    for go_package, proto_package in sorted(by_go_package.items()):
        pkg = go.package(go_package)
        if pkg.group_name is None or not pkg.known_types:
            continue
        version = go_package.rsplit("/", 1)[1]
        gv = f"{pkg.group_name}/{version}" if pkg.group_name else version
        table = kinds.setdefault(gv, {})
        for known in pkg.known_types:
            alias, _, kind = known.rpartition(".")
            home = go.import_path(go_package, alias) if alias else go_package
            target = resolve_kind(home, kind, by_go_package, go, messages)
            if target is None:
                problems.add(f"{gv} {kind}: registered but has no protobuf message (served as JSON only)")
            else:
                table[kind] = target
    kinds["v1"].update({k: f"apis.meta.v1.{k}" for k in UNVERSIONED})
    return kinds


def resolve_kind(
    go_package: str,
    kind: str,
    by_go_package: dict[str, str],
    go: GoUniverse,
    messages: dict[str, list[object]],
) -> str | None:
    """The message of a registered Go type, following `type X = otherpkg.X` aliases."""
    name = short_name(f"{by_go_package[go_package]}.{kind}")
    if name in messages:
        return name
    target = go.package(go_package).aliases.get(kind, "")
    if "." in target:
        alias, _, other = target.partition(".")
        return resolve_kind(go.import_path(go_package, alias), other, by_go_package, go, messages)
    return None


def generate(proto_root: Path, api: Path, apimachinery: Path) -> tuple[dict[str, object], Problems]:
    protos = [m for path in sorted(proto_root.rglob("generated.proto")) for m in parse_proto(path)]
    known = {m.full for m in protos}
    go = GoUniverse(api, apimachinery)
    problems = Problems()
    messages = {short_name(m.full): build_message(m, known, go, problems) for m in protos}
    by_go_package = {m.go_package: m.package for m in protos}
    kinds = build_kinds(messages, by_go_package, go, problems)
    common = {k: f"apis.meta.v1.{k}" for k in ("WatchEvent", *META_OPTIONS)}
    return {"messages": messages, "kinds": kinds, "common": common}, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--proto", type=Path, default=Path("/work/shared/upstream/proto-v1.35"))
    parser.add_argument("--api", type=Path, default=Path("/work/ref/api"))
    parser.add_argument("--apimachinery", type=Path, default=Path("/work/ref/apimachinery"))
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--check", action="store_true", help="fail if the committed table is stale")
    parser.add_argument("--verbose", action="store_true", help="list fields and kinds left off the wire")
    args = parser.parse_args()
    table, problems = generate(args.proto, args.api, args.apimachinery)
    data = json.dumps(table, separators=(",", ":"), sort_keys=True).encode()
    if args.verbose:
        print("\n".join(problems), file=sys.stderr)
    if args.check:
        current = gzip.decompress(args.output.read_bytes()) if args.output.exists() else b""
        if current != data:
            print(f"{args.output} is stale; rerun {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    # mtime=0 keeps the file byte-identical across runs.
    args.output.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    print(
        f"{args.output}: {len(table['messages'])} messages, {sum(map(len, table['kinds'].values()))} kinds, "
        f"{len(data)} bytes JSON, {args.output.stat().st_size} bytes gzipped"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
