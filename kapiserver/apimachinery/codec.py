"""JSON and YAML for object dicts: orjson and PyYAML's C loader where available.

Decoding follows upstream's strictness where clients notice: bodies must be one JSON
object (or one YAML document), and numbers keep their integer-ness.
"""

from __future__ import annotations

from typing import Any

import orjson
import yaml

try:  # the C implementations are several times faster
    _YamlLoader: Any = yaml.CSafeLoader
    _YamlDumper: Any = yaml.CSafeDumper
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _YamlLoader = yaml.SafeLoader
    _YamlDumper = yaml.SafeDumper


class DecodeError(ValueError):
    """A body that is not the JSON or YAML it claims to be."""


def json_dumps(value: Any) -> bytes:
    return orjson.dumps(value)


def json_loads(data: bytes | str) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise DecodeError(str(exc)) from exc


class _Loader(_YamlLoader):  # type: ignore[misc, valid-type]
    pass


# YAML 1.1 turns `2020-01-01` into a date; sigs.k8s.io/yaml converts YAML to JSON first,
# so timestamps stay strings.
_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in _YamlLoader.yaml_implicit_resolvers.items()
}


def yaml_loads(data: bytes | str) -> Any:
    try:
        return yaml.load(data, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise DecodeError(str(exc)) from exc


class _Dumper(_YamlDumper):  # type: ignore[misc, valid-type]
    pass


def _str_representer(dumper: Any, value: str) -> Any:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def yaml_dumps(value: Any) -> bytes:
    text = yaml.dump(value, Dumper=_Dumper, default_flow_style=False, sort_keys=False, allow_unicode=True)
    return text.encode()
