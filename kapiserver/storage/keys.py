"""Storage keys and continue tokens (upstream storage.PrepareKey, storage/continue.go).

A key is `/registry/<group-resource path>/<namespace>/<name>`. List continuation tokens
are base64url(JSON{"v": "meta.k8s.io/v1", "rv": revision, "start": key after prefix}).
"""

from __future__ import annotations

import base64
import posixpath

import orjson

from . import errors

REGISTRY_PREFIX = "/registry"


def prefix_end(prefix: str) -> str:
    """The smallest key greater than every key starting with prefix (etcd's range end)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def encode_continue(key: str, key_prefix: str, revision: int) -> str:
    if not key.startswith(key_prefix):
        raise ValueError("unable to encode next field: the key and key prefix do not match")
    token = {"v": "meta.k8s.io/v1", "rv": revision, "start": key[len(key_prefix):]}
    return base64.urlsafe_b64encode(orjson.dumps(token)).rstrip(b"=").decode()


def decode_continue(token: str, key_prefix: str) -> tuple[str, int]:
    """Return (start key, revision); revision -1 means "at the newest revision"."""
    try:
        padded = token + "=" * (-len(token) % 4)
        data = orjson.loads(base64.b64decode(padded, altchars=b"-_", validate=True))
    except (ValueError, orjson.JSONDecodeError) as exc:
        raise errors.InvalidContinue(f"continue key is not valid: {exc}") from exc
    if not isinstance(data, dict):
        raise errors.InvalidContinue("continue key is not valid")
    if data.get("v") != "meta.k8s.io/v1":
        raise errors.InvalidContinue(
            f"continue key is not valid: server does not recognize this encoded version {data.get('v', '')}")
    revision = data.get("rv")
    if not isinstance(revision, int) or revision == 0:
        raise errors.InvalidContinue(
            "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)")
    start = data.get("start")
    if not isinstance(start, str) or not start:
        raise errors.InvalidContinue("continue key is not valid: encoded start key empty (version meta.k8s.io/v1)")
    key = start if start.startswith("/") else "/" + start
    cleaned = posixpath.normpath(key)
    if cleaned != key:
        raise errors.InvalidContinue(f"continue key is not valid: {start}")
    return key_prefix + cleaned[1:], revision


def parse_resource_version(value: str) -> int:
    """resourceVersion text -> revision; "" and "0" are 0 (upstream APIObjectVersioner)."""
    if value in ("", "0"):
        return 0
    if value.isascii() and value.isdigit():
        return int(value)
    raise errors.InvalidResourceVersion(
        f'resourceVersion: Invalid value: "{value}": strconv.ParseUint: parsing "{value}": invalid syntax')
