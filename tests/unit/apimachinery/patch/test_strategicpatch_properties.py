"""Property tests: a two-way strategic merge patch turns its original into its modified document.

Documents are Pod-shaped and exercise every list strategy of the Pod schema: containers,
env, ports and volume mounts merged by key, volumes merged with retainKeys, finalizers
merged as a set of scalars, args and tolerations replaced whole, plus maps.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kapiserver.apimachinery.patch import strategic

POD = "io.k8s.api.core.v1.Pod"

words = st.sampled_from(["a", "b", "c", "d", "e", "f"])
texts = st.text(alphabet="xyz01", max_size=3)
string_maps = st.dictionaries(words, texts, max_size=3)


def keyed_list(
    item: st.SearchStrategy[dict[str, Any]], key: str, max_size: int = 4
) -> st.SearchStrategy[list[Any]]:
    return st.lists(item, max_size=max_size, unique_by=lambda element: element[key])


def optional(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional=fields)


env = st.fixed_dictionaries({"name": words}, optional={"value": texts})
ports = st.fixed_dictionaries(
    {"containerPort": st.integers(1, 6)}, optional={"protocol": st.sampled_from(["TCP", "UDP"])}
)
mounts = st.fixed_dictionaries({"mountPath": st.sampled_from(["/a", "/b", "/c"]), "name": words})
container = st.fixed_dictionaries(
    {"name": st.sampled_from(["app", "side", "init", "log"])},
    optional={
        "image": texts,
        "args": st.lists(texts, max_size=3),
        "env": keyed_list(env, "name"),
        "ports": keyed_list(ports, "containerPort"),
        "volumeMounts": keyed_list(mounts, "mountPath"),
    },
)
volume = st.fixed_dictionaries({"name": words}).flatmap(
    lambda v: st.sampled_from(
        [
            v | {"emptyDir": {}},
            v | {"configMap": {"name": "cm"}},
            v | {"hostPath": {"path": "/mnt"}},
            v | {"secret": {"secretName": "s", "optional": True}},
        ]
    )
)
toleration = optional(key=words, operator=st.sampled_from(["Exists", "Equal"]), value=texts)
spec = st.fixed_dictionaries(
    {"containers": keyed_list(container, "name")},
    optional={
        "volumes": keyed_list(volume, "name"),
        "tolerations": st.lists(toleration, max_size=2),
        "nodeSelector": string_maps,
        "restartPolicy": st.sampled_from(["Always", "Never"]),
        "securityContext": optional(runAsUser=st.integers(0, 3), fsGroup=st.integers(0, 3)),
    },
)


def pods(with_finalizers: bool) -> st.SearchStrategy[dict[str, Any]]:
    metadata = {"labels": string_maps, "annotations": string_maps}
    if with_finalizers:
        metadata["finalizers"] = st.lists(words, unique=True, max_size=4)
    return st.fixed_dictionaries(
        {"apiVersion": st.just("v1"), "kind": st.just("Pod"), "metadata": optional(**metadata), "spec": spec}
    )


# The most specific key first: mounts have a name too, but merge by mountPath.
_LIST_KEYS = ("mountPath", "containerPort", "name")


def _list_key(*lists: list[Any]) -> str | None:
    items = [item for items in lists for item in items]
    for key in _LIST_KEYS:
        if items and all(isinstance(item, dict) and key in item for item in items):
            return key
    return None


@st.composite
def blend(draw: st.DrawFn, original: Any, fresh: Any) -> Any:
    """A document between `original` and `fresh`: members kept, dropped, replaced, reordered or blended."""
    if isinstance(original, dict) and isinstance(fresh, dict):
        out = {}
        for key in list(original) + [k for k in fresh if k not in original]:
            sources = [original[key]] if key in original else []
            sources += [fresh[key]] if key in fresh else []
            choice = draw(st.sampled_from(["keep", "other", "drop", "blend"]))
            if choice == "drop" and key not in ("name", "containerPort", "mountPath"):
                continue
            if choice == "blend" and len(sources) == 2:
                out[key] = draw(blend(*sources))
            else:
                out[key] = sources[-1] if choice == "other" else sources[0]
        return out
    if isinstance(original, list) and isinstance(fresh, list) and (key := _list_key(original, fresh)):
        by_key = {item[key]: item for item in fresh} | {item[key]: item for item in original}
        fresh_by_key = {item[key]: item for item in fresh}
        chosen = draw(st.permutations(list(by_key)))[: draw(st.integers(0, len(by_key)))]
        return [draw(blend(by_key[k], fresh_by_key[k])) if k in fresh_by_key else by_key[k] for k in chosen]
    return draw(st.sampled_from([original, fresh]))


@st.composite
def pod_pairs(draw: st.DrawFn, with_finalizers: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    original = draw(pods(with_finalizers))
    fresh = draw(pods(with_finalizers))
    modified = draw(st.sampled_from([fresh, None])) or draw(blend(original, fresh))
    return original, modified


@settings(max_examples=400)
@given(pod_pairs(with_finalizers=False))
def test_two_way_patch_yields_modified(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    original, modified = pair
    patch = strategic.create_two_way_merge_patch(original, modified, POD)
    assert strategic.apply_strategic_merge_patch(original, patch, POD) == modified


@settings(max_examples=300)
@given(pod_pairs(with_finalizers=True))
def test_two_way_patch_yields_modified_up_to_merge_list_order(
    pair: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    # Upstream compares this way too: the order of a merging list of scalars is not kept
    # (diffing sorts the original's copy in place, so an order-only change is no change).
    original, modified = (strategic.sort_merge_lists_by_name(doc, POD) for doc in pair)
    patch = strategic.create_two_way_merge_patch(original, modified, POD)
    result = strategic.apply_strategic_merge_patch(original, patch, POD)
    assert strategic.sort_merge_lists_by_name(result, POD) == modified


@settings(max_examples=200)
@given(pod_pairs(with_finalizers=False))
def test_three_way_patch_from_unchanged_live_object_yields_modified(
    pair: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    original, modified = pair
    patch = strategic.create_three_way_merge_patch(original, modified, original, POD)
    assert strategic.apply_strategic_merge_patch(original, patch, POD) == modified


@given(pods(with_finalizers=False))
def test_patch_of_a_document_with_itself_is_empty(document: dict[str, Any]) -> None:
    assert strategic.create_two_way_merge_patch(document, document, POD) == {}


def test_unsorted_merging_scalar_list_gets_an_order_directive_even_unchanged() -> None:
    # Diffing sorts the original's list in place and then compares it with the modified
    # one, so an unsorted finalizers list never looks unchanged (upstream does the same).
    document = {"metadata": {"finalizers": ["b", "a"]}}
    assert strategic.create_two_way_merge_patch(document, document, POD) == {
        "metadata": {"$setElementOrder/finalizers": ["b", "a"]}
    }
    document = {"metadata": {"finalizers": ["a", "b"]}}
    assert strategic.create_two_way_merge_patch(document, document, POD) == {}
    # ... and a change of order only, towards sorted order, is no change at all.
    assert (
        strategic.create_two_way_merge_patch(
            {"metadata": {"finalizers": ["b", "a"]}}, {"metadata": {"finalizers": ["a", "b"]}}, POD
        )
        == {}
    )
