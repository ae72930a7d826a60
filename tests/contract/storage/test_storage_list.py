"""get_list beyond the RunTestList table: consistency, recursion, paging, compaction.

Carried over from upstream RunTestConsistentList, RunTestGetListNonRecursive,
RunTestGetListRecursivePrefix, RunTestListContinuation(WithFilter), RunTestListPaging,
RunTestListPaginationRareObject, RunTestListInconsistentContinuation,
RunTestListResourceVersionMatch and RunTestCompactRevision.
"""

from __future__ import annotations

import asyncio

import pytest
from storage_contract_support import (
    PREFIX,
    decode_token,
    everything,
    field_name_is,
    field_name_is_not,
    go_continue,
    key,
    label_is,
    pod,
    replace_with,
    rv,
    simple_update,
)

from kapiserver.storage import errors
from kapiserver.storage.interface import ListOptions, Predicate

MAX_INT64 = str(2**63 - 1)

async def test_consistent_list(storage, env):
    """RunTestConsistentList: a list without resourceVersion answers at the newest revision of the store."""
    created = await storage.create(key("default", "foo"), pod("default", "foo"))
    last_write = rv(created)
    consistent = await env.increase_rv()

    zero = await storage.get_list(f"{PREFIX}/empty", ListOptions("0"))
    if env.cached:
        assert zero.resource_version <= consistent
    else:
        assert zero.resource_version == consistent
    consistent = await env.increase_rv()

    fresh = await storage.get_list(f"{PREFIX}/empty", ListOptions(""))
    assert fresh.resource_version == consistent
    consistent = await env.increase_rv()

    token = go_continue("a", -1)
    continued = await storage.get_list(f"{PREFIX}/empty", ListOptions("", predicate=Predicate(continue_token=token)))
    assert continued.resource_version == consistent
    consistent = await env.increase_rv()

    after = await storage.get_list(f"{PREFIX}/empty", ListOptions("0"))
    if env.cached:
        assert fresh.resource_version <= after.resource_version <= consistent
    else:
        assert after.resource_version == consistent
    assert last_write < consistent


NON_RECURSIVE_CASES = (
    # name, key name, rv, match, predicate, expectation
    ("existing key", "foo", "", "", None, "stored"),
    ("existing key, resourceVersion=0", "foo", "0", "", None, ("none", "prev", "stored")),
    ("existing key, resourceVersion=0, resourceVersionMatch=notOlderThan", "foo", "0", "NotOlderThan", None,
     ("none", "prev", "stored")),
    ("existing key, resourceVersion=current", "foo", "obj", "", None, "stored"),
    ("existing key, resourceVersion=current, resourceVersionMatch=notOlderThan", "foo", "obj", "NotOlderThan",
     None, "stored"),
    ("existing key, resourceVersion=previous, resourceVersionMatch=notOlderThan", "foo", "prev", "NotOlderThan",
     None, ("prev", "stored")),
    ("existing key, resourceVersion=current, resourceVersionMatch=exact", "foo", "obj", "Exact", None, "stored"),
    ("existing key, resourceVersion=previous, resourceVersionMatch=exact", "foo", "prev", "Exact", None, "prev"),
    ("existing key, resourceVersion=too high", "foo", MAX_INT64, "", None, errors.ResourceVersionTooLarge),
    ("non-existing key", "non-existing", "", "", None, "none"),
    ("with matching pod name", "non-existing", "", "", "name!=foo", "none"),
    ("existing key, resourceVersion=current, with not matching pod name", "foo", "obj", "", "name!=foo", "none"),
    ("existing key, limit is ignored", "foo", "", "", "limit", "stored"),
)


@pytest.mark.parametrize("case", NON_RECURSIVE_CASES, ids=[c[0] for c in NON_RECURSIVE_CASES])
async def test_get_list_non_recursive(storage, env, case):
    _, name, requested, match, selector, expectation = case
    prev = await storage.create(key("test-ns", "foo"), pod("test-ns", "foo"))
    stored = await storage.guaranteed_update(
        key("test-ns", "foo"), None, simple_update(lambda o: o["metadata"].update(annotations={"version": "second"})))
    await env.increase_rv()
    requested = {"obj": str(rv(stored)), "prev": str(rv(prev))}.get(requested, requested)
    predicate = everything()
    if selector == "name!=foo":
        predicate = field_name_is_not("foo")
    elif selector == "limit":
        predicate = everything(limit=1)
    opts = ListOptions(requested, match, predicate, False)

    if isinstance(expectation, type):
        with pytest.raises(expectation):
            await storage.get_list(key("test-ns", name), opts)
        return
    result = await storage.get_list(key("test-ns", name), opts)
    assert result.resource_version > 0
    assert not result.continue_token
    states = {"none": [], "prev": [prev], "stored": [stored]}
    allowed = [states[e] for e in ((expectation,) if isinstance(expectation, str) else expectation)]
    assert result.items in allowed


RECURSIVE_PREFIX_CASES = (
    ("NonRecursive on resource prefix doesn't return any objects", "/", False, []),
    ("Recursive on resource prefix returns all objects", "/", True, ["foo", "foobar", "baz"]),
    ("NonRecursive on namespace prefix doesn't return any objects", "/test-ns/", False, []),
    ("Recursive on resource prefix returns objects in the namespace", "/test-ns/", True, ["foo", "foobar"]),
    ("Recursive on namespace without trailing slash", "/test-ns", True, ["foo", "foobar"]),
    ("NonRecursive on object key (prefix) returns object and no other objects with the same prefix",
     "/test-ns/foo", False, ["foo"]),
    ("Recursive on object key (prefix) doesn't return anything", "/test-ns/foo", True, []),
    ("NonRecursive on object key (no-prefix) return object", "/test-ns/foobar", False, ["foobar"]),
    ("Recursive on object key (no-prefix) doesn't return anything", "/test-ns/foobar", True, []),
)


@pytest.mark.parametrize("list_type", ("Exact", "Consistent", "NotOlderThan"))
@pytest.mark.parametrize("case", RECURSIVE_PREFIX_CASES, ids=[c[0] for c in RECURSIVE_PREFIX_CASES])
async def test_get_list_recursive_prefix(storage, case, list_type):
    _, suffix, recursive, expected = case
    objs = {
        "foo": await storage.create(key("test-ns", "foo"), pod("test-ns", "foo")),
        "foobar": await storage.create(key("test-ns", "foobar"), pod("test-ns", "foobar")),
        "baz": await storage.create(key("test-ns2", "baz"), pod("test-ns2", "baz")),
    }
    last = str(rv(objs["baz"]))
    requested, match = {"Exact": (last, "Exact"), "Consistent": ("", ""),
                        "NotOlderThan": (last, "NotOlderThan")}[list_type]
    result = await storage.get_list(PREFIX + suffix, ListOptions(requested, match, everything(), recursive))
    assert result.items == [objs[n] for n in expected]


async def test_list_continuation(storage):
    """RunTestListContinuation: pages at the first page's revision, then whole remainders."""
    created = [await storage.create(key(ns, name), pod(ns, name))
               for ns, name in (("first", "bar"), ("second", "bar"), ("second", "foo"))]
    current = rv(created[-1])

    first = await storage.get_list(f"{PREFIX}/", ListOptions("", predicate=everything(limit=1)))
    assert first.items == created[:1]
    assert first.continue_token
    assert first.resource_version == current
    assert first.remaining_item_count == 2

    rest = await storage.get_list(PREFIX, ListOptions("", predicate=everything(continue_token=first.continue_token)))
    assert rest.items == created[1:]
    assert not rest.continue_token
    assert rest.resource_version == current

    second = await storage.get_list(PREFIX, ListOptions("", predicate=everything(
        limit=1, continue_token=first.continue_token)))
    assert second.items == created[1:2]
    assert second.continue_token
    assert second.resource_version == current
    assert second.remaining_item_count == 1

    third = await storage.get_list(PREFIX, ListOptions("", predicate=everything(
        limit=1, continue_token=second.continue_token)))
    assert third.items == created[2:]
    assert not third.continue_token
    assert third.remaining_item_count is None
    assert third.resource_version == current


async def test_list_continuation_with_filter(storage):
    """RunTestListContinuationWithFilter: pages filled across skipped items, no empty trailing page."""
    created = [await storage.create(key(ns, name), pod(ns, name))
               for ns, name in (("1", "foo"), ("2", "bar"), ("3", "foo"), ("4", "foo"))]
    current = rv(created[-1])
    first = await storage.get_list(PREFIX, ListOptions("", predicate=field_name_is_not("bar", limit=2)))
    assert first.items == [created[0], created[2]]
    assert first.continue_token
    assert first.resource_version == current
    assert first.remaining_item_count is None

    second = await storage.get_list(PREFIX, ListOptions("", predicate=field_name_is_not(
        "bar", limit=2, continue_token=first.continue_token)))
    assert second.items == [created[3]]
    assert not second.continue_token
    assert second.resource_version == current


async def test_list_pagination_rare_object(storage):
    """RunTestListPaginationRareObject: one match among many fills one page without a continue token."""
    count = 1000  # pod-999 is also the last key, as upstream chose it
    pods = await asyncio.gather(*(storage.create(key("", f"pod-{i}").replace("//", "/"), {
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"pod-{i}"}}) for i in range(count)))
    result = await storage.get_list(PREFIX, ListOptions("", predicate=field_name_is(f"pod-{count - 1}", limit=1)))
    assert result.items == [pods[count - 1]]
    assert not result.continue_token


async def test_list_paging_keeps_the_first_page_revision(storage):
    """RunTestListPaging: an object created between pages is not in the paged list."""
    for i in range(4):
        await storage.create(key("paging", f"test-{i}"), pod("paging", f"test-{i}"))
    seen = []
    token = ""
    calls = 0
    while True:
        calls += 1
        page = await storage.get_list(PREFIX, ListOptions("", predicate=everything(limit=1, continue_token=token)))
        seen.extend(o["metadata"]["name"] for o in page.items)
        if not page.continue_token:
            break
        if calls == 2:
            await storage.create(key("paging", "test-5"), pod("paging", "test-5"))
        token = page.continue_token
    assert calls == 4
    assert seen == ["test-0", "test-1", "test-2", "test-3"]


async def test_list_inconsistent_continuation(storage, env):
    """RunTestListInconsistentContinuation: after compaction the token expires and a new one continues."""
    created = [await storage.create(key(ns, name), pod(ns, name))
               for ns, name in (("first", "bar"), ("second", "bar"), ("second", "foo"))]
    first = await storage.get_list(PREFIX, ListOptions("", predicate=everything(limit=1)))
    assert first.items == created[:1]
    assert first.continue_token

    updated = await storage.guaranteed_update(key("second", "foo"), None,
                                              replace_with(pod("second", "foo", labels={"state": "new"})))
    await env.compact(rv(updated))

    with pytest.raises(errors.ContinueExpired) as exc:
        await storage.get_list(PREFIX, ListOptions("0", predicate=everything(continue_token=first.continue_token)))
    token = exc.value.token
    assert decode_token(token) == {"v": "meta.k8s.io/v1", "rv": -1, "start": "first/bar\x00"}

    second = await storage.get_list(PREFIX, ListOptions("0", predicate=everything(limit=1, continue_token=token)))
    assert second.items == [created[1]]
    assert second.continue_token
    assert second.resource_version >= rv(updated)

    third = await storage.get_list(PREFIX, ListOptions("0", predicate=everything(
        limit=1, continue_token=second.continue_token)))
    assert third.items == [updated]
    assert not third.continue_token
    assert third.resource_version == second.resource_version


async def test_list_resource_version_match(storage):
    """RunTestListResourceVersionMatch: an Exact list at a list's revision returns that same list."""
    for i in range(5):
        await storage.create(key("", f"pod-{i}").replace("//", "/"), {
            "apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"pod-{i}", "labels": {"even": str(i % 2 == 0)}}})
    predicate = label_is("even", "True", limit=4)
    first = await storage.get_list(PREFIX, ListOptions("", predicate=predicate))
    exact = await storage.get_list(PREFIX, ListOptions(str(first.resource_version), "Exact", predicate))
    assert exact == first

    newer = await storage.get_list(PREFIX, ListOptions(str(first.resource_version), "NotOlderThan", predicate))
    again = await storage.get_list(PREFIX, ListOptions(str(newer.resource_version), "Exact", predicate))
    assert again == newer
    assert len(first.items) == 3


async def test_compact_revision(storage, env):
    """RunTestCompactRevision: an Exact list older than the compacted revision is too old."""
    await storage.create(key("ns", "a"), pod("ns", "a"))
    listed = await storage.get_list(PREFIX, ListOptions())
    again = await storage.get_list(PREFIX, ListOptions(str(listed.resource_version), "Exact"))
    assert again.items == listed.items

    compact_to = await env.increase_rv()
    await env.compact(compact_to)
    with pytest.raises(errors.ResourceVersionTooOld) as exc:
        await storage.get_list(PREFIX, ListOptions(str(listed.resource_version), "Exact"))
    assert exc.value.compacted == compact_to
    at_compacted = await storage.get_list(PREFIX, ListOptions(str(compact_to), "Exact"))
    assert at_compacted.items == listed.items
    assert at_compacted.resource_version == compact_to


async def test_compaction_keeps_state_for_later_revisions(storage, env):
    """After compaction every revision from the compacted one on still lists exactly as before."""
    a = await storage.create(key("ns", "a"), pod("ns", "a"))
    b = await storage.create(key("ns", "b"), pod("ns", "b"))
    a2 = await storage.guaranteed_update(key("ns", "a"), None, simple_update(lambda o: o["spec"].update(nodeName="n")))
    await storage.delete(key("ns", "b"))
    c = await storage.create(key("ns", "c"), pod("ns", "c"))
    await storage.delete(key("ns", "a"))
    b2 = await storage.create(key("ns", "b"), pod("ns", "b", labels={"again": "yes"}))
    end = rv(b2)
    before = {r: (await storage.get_list(PREFIX, ListOptions(str(r), "Exact"))).items for r in range(rv(a), end + 1)}
    assert before[rv(b)] == [a, b]
    assert before[rv(a2)] == [a2, b]
    assert before[end] == [b2, c]

    await env.compact(rv(a2) + 1)  # the delete of b
    for r in range(rv(a2) + 1, end + 1):
        assert (await storage.get_list(PREFIX, ListOptions(str(r), "Exact"))).items == before[r], r
    with pytest.raises(errors.ResourceVersionTooOld):
        await storage.get_list(PREFIX, ListOptions(str(rv(a2)), "Exact"))
    assert (await storage.get_list(PREFIX, ListOptions())).items == [b2, c]


async def test_compact_to_a_future_revision_is_refused(storage, env):
    """etcd refuses to compact past its revision; the store stays readable and watchable."""
    created = await storage.create(key("ns", "a"), pod("ns", "a"))
    current = await storage.current_revision()
    with pytest.raises(errors.ResourceVersionTooLarge):
        await env.compact(current + 10)
    at = await storage.get_list(PREFIX, ListOptions(str(current), "Exact"))
    assert at.items == [created]
    await env.compact(current)
    assert (await storage.get_list(PREFIX, ListOptions(str(current), "Exact"))).items == [created]
