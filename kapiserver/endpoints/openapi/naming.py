"""Operation ids, tags and documentation words, as kube-apiserver derives them.

The installer names an operation `<verb><Namespaced><Kind><Subresource><Suffix>`
("listNamespacedConfigMap"); upstream's GetOperationIDAndTags (endpoints/openapi) then
splices the group and version in after the verb ("listCoreV1NamespacedConfigMap") and
tags the operation "core_v1". Client generators and `kubectl` read these names, so
every rule here is upstream's, quirks included (the shortest verb prefix wins, which
is why a delete-collection reads "deleteCoreV1Collection...").
"""

from __future__ import annotations

# Upstream's verb trie: GetPrefix returns the shortest listed prefix of the operation.
_VERBS = (
    "get",
    "log",
    "read",
    "replace",
    "patch",
    "delete",
    "deletecollection",
    "watch",
    "connect",
    "proxy",
    "list",
    "create",
)


def to_valid_operation_id(text: str, capitalize_first: bool) -> str:
    """Keep letters, '_' and (not first) digits; anything else capitalizes the next kept letter."""
    out: list[str] = []
    capitalize = capitalize_first
    for index, char in enumerate(text):
        if char.isalpha() or char == "_" or (index != 0 and char.isdigit()):
            out.append(char.upper() if capitalize else char)
            capitalize = False
        else:
            capitalize = True
    return "".join(out)


def _verb_prefix(operation: str) -> str:
    candidates = [verb for verb in _VERBS if operation.startswith(verb)]
    if not candidates:
        raise ValueError(
            f"operation names should start with a verb. Cannot determine operation verb from {operation}"
        )
    return min(candidates, key=len)


def operation_id_and_tags(operation: str, path: str) -> tuple[str, list[str]]:
    """(operationId, tags) of a route (upstream GetOperationIDAndTags)."""
    prefix = _verb_prefix(operation)
    rest = operation[len(prefix) :]
    parts = path.strip("/").split("/")
    if parts and parts[0] == "api":
        parts = ["apis", "core"] + parts[1:]
    tags: list[str] = []
    if len(parts) >= 2 and parts[0] == "apis":
        trimmed = parts[1].removesuffix(".k8s.io")
        prefix += to_valid_operation_id(trimmed, prefix != "")
        tag = to_valid_operation_id(trimmed, False)
        if len(parts) > 2:
            prefix += to_valid_operation_id(parts[2], prefix != "")
            tag += "_" + to_valid_operation_id(parts[2], False)
        tags.append(tag)
    elif parts:
        tags.append(to_valid_operation_id(parts[0], False))
    return prefix + to_valid_operation_id(rest, prefix != ""), tags


def title(word: str) -> str:
    """Go's cases.Title(language.English) for one lower-case word: "status" -> "Status"."""
    return word[:1].upper() + word[1:].lower() if word else ""


def article_for_noun(noun: str, padding: str) -> str:
    """upstream GetArticleForNoun: " a ", " an ", or just the padding for plurals."""
    if not noun.endswith("ss") and noun.endswith("s"):
        return padding
    article = "an" if noun[:1].lower() in "aeiou" else "a"
    return f"{padding}{article}{padding}"
