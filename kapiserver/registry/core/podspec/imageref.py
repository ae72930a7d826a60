"""Just enough of the docker reference grammar to default imagePullPolicy
(upstream pkg/util/parsers.ParseImageName over distribution/reference).

`image_tag` answers the tag ParseImageName would report: the explicit tag, "latest" for
a valid reference with neither tag nor digest, "" for a digest-only reference, and None
when the reference does not parse (upstream then defaults to IfNotPresent).
"""

from __future__ import annotations

import re

_ALPHA_NUMERIC = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|[-]+)"
_PATH_COMPONENT = _ALPHA_NUMERIC + r"(?:" + _SEPARATOR + _ALPHA_NUMERIC + r")*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN_NAME = _DOMAIN_COMPONENT + r"(?:\." + _DOMAIN_COMPONENT + r")*"
_IPV6 = r"\[(?:[a-fA-F0-9:]+)\]"
_DOMAIN = r"(?:" + _DOMAIN_NAME + "|" + _IPV6 + r")(?::[0-9]+)?"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}"
_NAME = r"(?:" + _DOMAIN + r"/)?" + _PATH_COMPONENT + r"(?:/" + _PATH_COMPONENT + r")*"
_REFERENCE = re.compile(r"(" + _NAME + r")(?::(" + _TAG + r"))?(?:@(" + _DIGEST + r"))?", re.ASCII)
_ANCHORED_IDENTIFIER = re.compile(r"[a-f0-9]{64}")
_NAME_TOTAL_LENGTH_MAX = 255


def _split_domain(name: str) -> tuple[str, str]:
    index = name.find("/")
    if index == -1 or not any(c in name[:index] for c in ".:") and name[:index] != "localhost" \
            and name[:index].lower() == name[:index]:
        return "docker.io", name
    return name[:index], name[index + 1:]


def image_tag(image: str) -> str | None:
    """The tag of a normalized reference, "latest" when it has neither tag nor digest."""
    if _ANCHORED_IDENTIFIER.fullmatch(image):
        return None
    _, remainder = _split_domain(image)
    path = remainder.split("@", 1)[0]
    colon = path.rfind(":")
    repository = path[:colon] if colon != -1 else path
    if repository.lower() != repository:
        return None
    match = _REFERENCE.fullmatch(image)
    if match is None or len(match.group(1)) > _NAME_TOTAL_LENGTH_MAX:
        return None
    tag, digest = match.group(2), match.group(3)
    if tag:
        return tag
    return "" if digest else "latest"


def default_pull_policy(image: str) -> str:
    """SetDefaults_Container's rule: Always for ":latest" (or no tag), IfNotPresent otherwise."""
    return "Always" if image_tag(image) == "latest" else "IfNotPresent"
