"""String-format checks shared by every validator (upstream apimachinery/pkg/util/validation).

Each `is_*` function returns the list of problems as plain messages, worded exactly as
upstream words them (clients and people match on them); an empty list means valid. The
callers wrap each message into a `field.invalid(...)` at the path they know.

Two upstream quirks are kept on purpose:

* lengths are counted in UTF-8 bytes, as Go's `len(string)` does;
* the "too long" message says "characters" for the DNS checks of this package but "bytes"
  for label keys and values, which upstream has moved to `pkg/api/validate/content`
  (`content_max_len_error`). Both wordings reach clients, so both are here.

IP and CIDR checks live next door in `validation_ip` to keep each module small.
"""

from __future__ import annotations

import re

from . import field

DNS1123_LABEL_MAX_LENGTH = 63
DNS1123_SUBDOMAIN_MAX_LENGTH = 253
DNS1035_LABEL_MAX_LENGTH = 63
LABEL_VALUE_MAX_LENGTH = 63
_LABEL_KEY_NAME_MAX_LENGTH = 63


def byte_len(value: str) -> int:
    """Go's len(string): the UTF-8 length, which every upstream limit is measured in."""
    return len(value.encode("utf-8", "surrogateescape"))


# --- message helpers ------------------------------------------------------------------------


def max_len_error(length: int) -> str:
    return f"must be no more than {length} characters"


def content_max_len_error(length: int) -> str:
    """The label-key/label-value wording (upstream validate/content.MaxLenError)."""
    return f"must be no more than {length} bytes"


def regex_error(msg: str, fmt: str, *examples: str) -> str:
    """Explain a regex mismatch; note upstream's doubled space between examples ("',  or '")."""
    if not examples:
        return f"{msg} (regex used for validation is '{fmt}')"
    text = msg + " (e.g. "
    for i, example in enumerate(examples):
        if i > 0:
            text += " or "
        text += f"'{example}', "
    return text + f"regex used for validation is '{fmt}')"


def empty_error() -> str:
    return "must be non-empty"


def inclusive_range_error(lo: int, hi: int) -> str:
    return f"must be between {lo} and {hi}, inclusive"


def _full(fmt: str) -> re.Pattern[str]:
    # fullmatch, not `^...$`: Python's `$` also matches before a trailing newline, Go's does not.
    return re.compile(fmt)


# --- DNS names ------------------------------------------------------------------------------

DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_LABEL_ERR = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters "
                      "or '-', and must start and end with an alphanumeric character")
DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*"
_DNS1123_SUBDOMAIN_ERR = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                          "characters, '-' or '.', and must start and end with an alphanumeric character")
_DNS1123_LABEL_US_FMT = "_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?"
DNS1123_SUBDOMAIN_WITH_UNDERSCORE_FMT = _DNS1123_LABEL_US_FMT + "(\\." + _DNS1123_LABEL_US_FMT + ")*"
_DNS1123_SUBDOMAIN_US_ERR = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                             "characters, '_', '-' or '.', and must start and end with an alphanumeric "
                             "character")
DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
_DNS1035_LABEL_ERR = ("a DNS-1035 label must consist of lower case alphanumeric characters or '-', "
                      "start with an alphabetic character, and end with an alphanumeric character")
WILDCARD_DNS1123_SUBDOMAIN_FMT = "\\*\\." + DNS1123_SUBDOMAIN_FMT
_WILDCARD_ERR = ("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, "
                 "which must consist of lower case alphanumeric characters, '-' or '.' and end with an "
                 "alphanumeric character")

_DNS1123_LABEL_RE = _full(DNS1123_LABEL_FMT)
_DNS1123_SUBDOMAIN_RE = _full(DNS1123_SUBDOMAIN_FMT)
_DNS1123_SUBDOMAIN_US_RE = _full(DNS1123_SUBDOMAIN_WITH_UNDERSCORE_FMT)
_DNS1035_LABEL_RE = _full(DNS1035_LABEL_FMT)
_WILDCARD_RE = _full(WILDCARD_DNS1123_SUBDOMAIN_FMT)


def is_dns1123_label(value: str) -> list[str]:
    """A DNS label (RFC 1123): namespace names, most `name`-like fields of pods and services."""
    errs = []
    if byte_len(value) > DNS1123_LABEL_MAX_LENGTH:
        errs.append(max_len_error(DNS1123_LABEL_MAX_LENGTH))
    if not _DNS1123_LABEL_RE.fullmatch(value):
        if _DNS1123_SUBDOMAIN_RE.fullmatch(value):
            # A valid subdomain that is no label: the length was checked, so it has dots.
            errs.append("must not contain dots")
        else:
            errs.append(regex_error(_DNS1123_LABEL_ERR, DNS1123_LABEL_FMT, "my-name", "123-abc"))
    return errs


def _dns1123_subdomain(value: str, too_long: str) -> list[str]:
    errs = []
    if byte_len(value) > DNS1123_SUBDOMAIN_MAX_LENGTH:
        errs.append(too_long)
    if not _DNS1123_SUBDOMAIN_RE.fullmatch(value):
        errs.append(regex_error(_DNS1123_SUBDOMAIN_ERR, DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errs


def is_dns1123_subdomain(value: str) -> list[str]:
    """A DNS subdomain (RFC 1123): the name rule of most kinds."""
    return _dns1123_subdomain(value, max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH))


def is_dns1123_subdomain_with_underscore(value: str) -> list[str]:
    errs = []
    if byte_len(value) > DNS1123_SUBDOMAIN_MAX_LENGTH:
        errs.append(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH))
    if not _DNS1123_SUBDOMAIN_US_RE.fullmatch(value):
        fmt = DNS1123_SUBDOMAIN_WITH_UNDERSCORE_FMT
        errs.append(regex_error(_DNS1123_SUBDOMAIN_US_ERR, fmt, "example.com"))
    return errs


def is_dns1035_label(value: str) -> list[str]:
    """A DNS label (RFC 1035), which must start with a letter: service names."""
    errs = []
    if byte_len(value) > DNS1035_LABEL_MAX_LENGTH:
        errs.append(max_len_error(DNS1035_LABEL_MAX_LENGTH))
    if not _DNS1035_LABEL_RE.fullmatch(value):
        errs.append(regex_error(_DNS1035_LABEL_ERR, DNS1035_LABEL_FMT, "my-name", "abc-123"))
    return errs


def is_wildcard_dns1123_subdomain(value: str) -> list[str]:
    """`*.` followed by a DNS subdomain (RFC 1034 section 4.3.3): ingress hosts."""
    errs = []
    if byte_len(value) > DNS1123_SUBDOMAIN_MAX_LENGTH:
        errs.append(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH))
    if not _WILDCARD_RE.fullmatch(value):
        errs.append(regex_error(_WILDCARD_ERR, WILDCARD_DNS1123_SUBDOMAIN_FMT, "*.example.com"))
    return errs


def is_fully_qualified_name(path: field.Path, name: str) -> field.ErrorList:
    """At least three dot-separated segments, no trailing dot (kept upstream for old callers)."""
    if not name:
        return [field.required(path, "")]
    errs = is_dns1123_subdomain(name)
    if errs:
        return [field.invalid(path, name, ",".join(errs))]
    if len(name.split(".")) < 3:
        detail = "should be a domain with at least three segments separated by dots"
        return [field.invalid(path, name, detail)]
    return []


def is_fully_qualified_domain_name(path: field.Path, name: str) -> field.ErrorList:
    """At least two segments, each a DNS label; one trailing dot is allowed."""
    if not name:
        return [field.required(path, "")]
    name = name.removesuffix(".")
    errs = is_dns1123_subdomain(name)
    if errs:
        return [field.invalid(path, name, ",".join(errs))]
    labels = name.split(".")
    if len(labels) < 2:
        return [field.invalid(path, name, "should be a domain with at least two segments separated by dots")]
    for label in labels:
        errs = is_dns1123_label(label)
        if errs:
            return [field.invalid(path, label, ",".join(errs))]
    return []


# RFC 3986 path characters: unreserved, percent-encoded octets, sub-delims and ':'.
_HTTP_PATH_FMT = r"[A-Za-z0-9/\-._~%!$&'()*+,;=:]+"
_HTTP_PATH_RE = _full(_HTTP_PATH_FMT)


def is_domain_prefixed_path(path: field.Path, dp_path: str) -> field.ErrorList:
    """`acme.io/foo`: a DNS subdomain, a slash, then HTTP path characters."""
    if not dp_path:
        return [field.required(path, "")]
    host, sep, rest = dp_path.partition("/")
    if not sep or not host or not rest:
        return [field.invalid(path, dp_path, 'must be a domain-prefixed path (such as "acme.io/foo")')]
    errs = [field.invalid(path, host, msg) for msg in is_dns1123_subdomain(host)]
    if not _HTTP_PATH_RE.fullmatch(rest):
        errs.append(field.invalid(path, rest, regex_error("Invalid path", _HTTP_PATH_FMT)))
    return errs


def is_domain_prefixed_key(path: field.Path, key: str) -> field.ErrorList:
    """A qualified name that must have its DNS prefix (`acme.io/foo`)."""
    if not key:
        return [field.required(path, "")]
    errs = [field.invalid(path, key, msg) for msg in is_qualified_name(key)]
    if errs:
        return errs
    if len(key.split("/")) != 2:
        return [field.invalid(path, key, 'must be a domain-prefixed key (such as "acme.io/foo")')]
    return []


# --- label keys and values (upstream moved these to validate/content) ----------------------

_LABEL_KEY_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_LABEL_KEY_ERR = ("must consist of alphanumeric characters, '-', '_' or '.', "
                  "and must start and end with an alphanumeric character")
_LABEL_KEY_RE = _full(_LABEL_KEY_FMT)
_LABEL_VALUE_FMT = "(" + _LABEL_KEY_FMT + ")?"
_LABEL_VALUE_ERR = ("a valid label must be an empty string or consist of alphanumeric characters, "
                    "'-', '_' or '.', and must start and end with an alphanumeric character")
_LABEL_VALUE_RE = _full(_LABEL_VALUE_FMT)


def _label_key_regex_error() -> str:
    return regex_error(_LABEL_KEY_ERR, _LABEL_KEY_FMT, "MyName", "my.name", "123-abc")


def is_qualified_name(value: str) -> list[str]:
    """A label key, annotation key or finalizer: `[prefix/]name`, the prefix a DNS subdomain."""
    parts = value.split("/")
    errs: list[str] = []
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part " + empty_error())
        else:
            too_long = content_max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH)
            errs.extend("prefix part " + msg for msg in _dns1123_subdomain(prefix, too_long))
    else:
        return ["a valid label key " + _label_key_regex_error()
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
    if not name:
        errs.append("name part " + empty_error())
    elif byte_len(name) > _LABEL_KEY_NAME_MAX_LENGTH:
        errs.append("name part " + content_max_len_error(_LABEL_KEY_NAME_MAX_LENGTH))
    if not _LABEL_KEY_RE.fullmatch(name):
        errs.append("name part " + _label_key_regex_error())
    return errs


def is_valid_label_value(value: str) -> list[str]:
    errs = []
    if byte_len(value) > LABEL_VALUE_MAX_LENGTH:
        errs.append(content_max_len_error(LABEL_VALUE_MAX_LENGTH))
    if not _LABEL_VALUE_RE.fullmatch(value):
        errs.append(regex_error(_LABEL_VALUE_ERR, _LABEL_VALUE_FMT, "MyValue", "my_value", "12345"))
    return errs


_C_IDENTIFIER_FMT = "[A-Za-z_][A-Za-z0-9_]*"
_C_IDENTIFIER_RE = _full(_C_IDENTIFIER_FMT)


def is_c_identifier(value: str) -> list[str]:
    if not _C_IDENTIFIER_RE.fullmatch(value):
        return [regex_error("a valid C identifier must start with alphabetic character or '_', followed by "
                            "a string of alphanumeric characters or '_'",
                            _C_IDENTIFIER_FMT, "my_name", "MY_NAME", "MyName")]
    return []


# --- numbers --------------------------------------------------------------------------------

_MAX_INT32 = 2**31 - 1


def is_valid_port_num(port: int) -> list[str]:
    """A non-zero port number."""
    return [] if 1 <= port <= 65535 else [inclusive_range_error(1, 65535)]


def is_in_range(value: int, lo: int, hi: int) -> list[str]:
    return [] if lo <= value <= hi else [inclusive_range_error(lo, hi)]


def is_valid_group_id(gid: int) -> list[str]:
    """A Unix GID as the container runtimes accept it: 0 to 2^31-1."""
    return [] if 0 <= gid <= _MAX_INT32 else [inclusive_range_error(0, _MAX_INT32)]


def is_valid_user_id(uid: int) -> list[str]:
    """A Unix UID as the container runtimes accept it: 0 to 2^31-1."""
    return [] if 0 <= uid <= _MAX_INT32 else [inclusive_range_error(0, _MAX_INT32)]


# --- other formats --------------------------------------------------------------------------

_PORT_NAME_CHARSET_RE = _full("[-a-z0-9]+")
_ONE_LETTER_RE = re.compile("[a-z]")


def is_valid_port_name(port: str) -> list[str]:
    """An IANA_SVC_NAME (RFC 6335), lower case only: every rule that fails is reported."""
    errs = []
    if byte_len(port) > 15:
        errs.append(max_len_error(15))
    if not _PORT_NAME_CHARSET_RE.fullmatch(port):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not _ONE_LETTER_RE.search(port):
        errs.append("must contain at least one letter (a-z)")
    if "--" in port:
        errs.append("must not contain consecutive hyphens")
    if port and (port[0] == "-" or port[-1] == "-"):
        errs.append("must not begin or end with a hyphen")
    return errs


_PERCENT_FMT = "[0-9]+%"
_PERCENT_RE = _full(_PERCENT_FMT)


def is_valid_percent(percent: str) -> list[str]:
    if not _PERCENT_RE.fullmatch(percent):
        return [regex_error("a valid percent string must be a numeric string followed by an ending '%'",
                            _PERCENT_FMT, "1%", "93%")]
    return []


_HTTP_HEADER_NAME_FMT = "[-A-Za-z0-9]+"
_HTTP_HEADER_NAME_RE = _full(_HTTP_HEADER_NAME_FMT)


def is_http_header_name(value: str) -> list[str]:
    """Go's net/http notion of a header name, a stricter subset of RFC 7230."""
    if not _HTTP_HEADER_NAME_RE.fullmatch(value):
        return [regex_error("a valid HTTP header must consist of alphanumeric characters or '-'",
                            _HTTP_HEADER_NAME_FMT, "X-Header-Name")]
    return []


_ENV_VAR_NAME_FMT = "[-._a-zA-Z][-._a-zA-Z0-9]*"
_ENV_VAR_NAME_RE = _full(_ENV_VAR_NAME_FMT)


def _has_chdir_prefix(value: str) -> list[str]:
    # Names that become file names (config map keys, projected env files) must not climb directories.
    if value == ".":
        return ["must not be '.'"]
    if value == "..":
        return ["must not be '..'"]
    if value.startswith(".."):
        return ["must not start with '..'"]
    return []


def is_env_var_name(value: str) -> list[str]:
    errs = []
    if not _ENV_VAR_NAME_RE.fullmatch(value):
        errs.append(regex_error("a valid environment variable name must consist of alphabetic characters, "
                                "digits, '_', '-', or '.', and must not start with a digit",
                                _ENV_VAR_NAME_FMT, "my.env-name", "MY_ENV.NAME", "MyEnvName1"))
    return errs + _has_chdir_prefix(value)


def is_relaxed_env_var_name(value: str) -> list[str]:
    """Any printable ASCII but '=' (the RelaxedEnvironmentVariableValidation rule)."""
    errs = []
    if not value:
        errs.append("environment variable name " + empty_error())
    if any(not " " <= ch <= "~" or ch == "=" for ch in value):
        errs.append("a valid environment variable name must consist only of printable ASCII characters "
                    "other than '='")
    return errs


_CONFIG_MAP_KEY_FMT = "[-._a-zA-Z0-9]+"
_CONFIG_MAP_KEY_RE = _full(_CONFIG_MAP_KEY_FMT)


def is_config_map_key(value: str) -> list[str]:
    """A key of a ConfigMap or Secret: it becomes a file name when mounted."""
    errs = []
    if byte_len(value) > DNS1123_SUBDOMAIN_MAX_LENGTH:
        errs.append(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH))
    if not _CONFIG_MAP_KEY_RE.fullmatch(value):
        errs.append(regex_error("a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
                                _CONFIG_MAP_KEY_FMT, "key.name", "KEY_NAME", "key-name"))
    return errs + _has_chdir_prefix(value)
