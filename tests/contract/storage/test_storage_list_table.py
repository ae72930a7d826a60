"""get_list: upstream RunTestList, case by case, over the same seed (seedMultiLevelData).

resourceVersion semantics ("", "0", NotOlderThan, Exact), predicates, limit and continue
(token encoding, remainingItemCount), compaction and too large revisions. Upstream skips two
cases for the watch cache ("limit at resource version 0": the cache ignores the limit);
they are skipped here for the same reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from storage_contract_support import (
    PREFIX,
    decode_token,
    everything,
    field_name_is,
    field_name_is_not,
    go_continue,
    key,
    node_is,
    pod,
    rv,
    simple_update,
)

from kapiserver.storage import errors
from kapiserver.storage.interface import ListOptions, Predicate

MAX_INT64 = str(2**63 - 1)

@dataclass
class Seed:
    initial_rv: int
    created: list[dict[str, Any]]
    updated: dict[str, Any]
    list_rv: int          # upstream continueRV: the revision after the seed's last write
    current_rv: int       # list_rv + 1: one more write to another resource after compaction

    def obj(self, name: str) -> dict[str, Any]:
        return self.updated if name == "u" else self.created[int(name[1:])]

    def revision(self, name: str | int) -> int:
        if isinstance(name, int):
            return name
        fixed = {"initial": self.initial_rv, "list": self.list_rv, "current": self.current_rv,
                 "future": self.list_rv + 2}
        return fixed[name] if name in fixed else rv(self.obj(name))


async def seed_multi_level_data(storage, env) -> Seed:
    """first/bar; second/bar, second/foo, [deleted] second/baz; third/barfoo, third/foo."""
    await env.increase_rv()  # the store is never empty at revision 0 (etcd starts at 1)
    initial = await storage.get_list(PREFIX, ListOptions())
    created = []
    for ns, name in (("first", "bar"), ("second", "bar"), ("second", "foo"), ("third", "barfoo"),
                     ("third", "foo"), ("second", "baz")):
        created.append(await storage.create(key(ns, name), pod(ns, name)))
    updated = await storage.guaranteed_update(key("first", "bar"), None,
                                              simple_update(lambda o: o["spec"].update(nodeName="fakeNode")), True)
    await storage.delete(key("second", "baz"))
    listed = await storage.get_list(f"{PREFIX}/second", ListOptions())
    await env.compact(rv(created[0]))
    current = await env.increase_rv()
    assert current == listed.resource_version + 1
    return Seed(initial.resource_version, created, updated, listed.resource_version, current)


@dataclass
class ListCase:
    name: str
    prefix: str
    rv: str | int = ""
    match: str = ""
    label: str = ""           # "name=x", "name!=x", "node=x" or "" (everything)
    limit: int = 0
    cont: tuple[str, Any] | None = None   # (start after prefix, revision name or number)
    expected: list[str] | None = None
    alternatives: list[list[str]] | None = None
    expect_continue: bool = False
    continue_exact: tuple[str, Any] | None = None
    remaining: int | None = None
    error: Any = None
    expect_rv: str | None = None
    rv_at_least: str | None = None
    ignore_for_watch_cache: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


SECOND_CONT = ("foo", "list")  # upstream secondContinuation: EncodeContinue("/pods/second/foo", "/pods/second/", continueRV)
EVERY = ["u", "c1", "c2", "c3", "c4"]

LIST_CASES = [
    ListCase("rejects invalid resource version", "/", rv="abc", error=errors.InvalidResourceVersion),
    ListCase("rejects resource version and continue token", "/", limit=1, cont=SECOND_CONT, rv="1",
             error=errors.InvalidContinue),
    ListCase("rejects resource version set too high", "/", rv=MAX_INT64, error=errors.ResourceVersionTooLarge),
    ListCase("test List on existing key", "/first/", expected=["u"]),
    ListCase("test List on existing key with resource version set to 0", "/first/", rv="0",
             alternatives=[[], ["u"]]),
    ListCase("test List on existing key with resource version set before update, match=Exact", "/first/",
             rv="c0", match="Exact", expected=["c0"], expect_rv="c0"),
    ListCase("test List on existing key with resource version set before creation, match=Exact", "/second/",
             rv="c0", match="Exact", expected=[], expect_rv="c0"),
    ListCase("test List on existing key with resource version set after creation, match=Exact", "/second/",
             rv="c1", match="Exact", expected=["c1"], expect_rv="c1"),
    ListCase("test List on existing key with resource version set before first write, match=Exact", "/first/",
             rv="initial", match="Exact", error=errors.ResourceVersionTooOld),
    ListCase("test List on existing key with resource version set to 0, match=NotOlderThan", "/first/", rv="0",
             match="NotOlderThan", alternatives=[[], ["u"]]),
    ListCase("test List on existing key with resource version set before first write, match=NotOlderThan",
             "/first/", rv="initial", match="NotOlderThan", alternatives=[[], ["u"]]),
    ListCase("test List on existing key with resource version set to current resource version", "/first/",
             rv="list", expected=["u"]),
    ListCase("test List on existing key with resource version set to current resource version, match=Exact",
             "/first/", rv="list", match="Exact", expected=["u"], expect_rv="list"),
    ListCase("test List on existing key with resource version set to current resource version, "
             "match=NotOlderThan", "/first/", rv="list", match="NotOlderThan", expected=["u"]),
    ListCase("test List on non-existing key", "/non-existing/", expected=[]),
    ListCase("test List with pod name matching", "/first/", label="name!=bar", expected=[]),
    ListCase("test List with pod name matching with resource version set to current resource version, "
             "match=NotOlderThan", "/first/", label="name!=bar", rv="list", match="NotOlderThan", expected=[]),
    ListCase("test List with limit", "/second/", limit=1, expected=["c1"], expect_rv="current",
             expect_continue=True, continue_exact=("bar\x00", "current"), remaining=1),
    ListCase("test List with limit at current resource version", "/second/", limit=1, rv="list",
             expected=["c1"], expect_continue=True, continue_exact=("bar\x00", "list"), remaining=1,
             expect_rv="list"),
    ListCase("test List with limit at current resource version and match=Exact", "/second/", limit=1,
             rv="list", match="Exact", expected=["c1"], expect_continue=True,
             continue_exact=("bar\x00", "list"), remaining=1, expect_rv="list"),
    ListCase("test List with limit at current resource version and match=NotOlderThan", "/second/", limit=1,
             rv="list", match="NotOlderThan", expected=["c1"], expect_continue=True, remaining=1,
             rv_at_least="list"),
    ListCase("test List with limit at resource version 0", "/second/", limit=1, rv="0", expected=["c1"],
             expect_continue=True, remaining=1, rv_at_least="list", ignore_for_watch_cache=True),
    ListCase("test List with limit at resource version 0 match=NotOlderThan", "/second/", limit=1, rv="0",
             match="NotOlderThan", expected=["c1"], expect_continue=True, remaining=1, rv_at_least="list",
             ignore_for_watch_cache=True),
    ListCase("test List with limit at resource version before created and match=Exact", "/second/", limit=1,
             rv="c0", match="Exact", expected=[], expect_rv="c0"),
    ListCase("test List with limit at resource version after created and match=Exact", "/second/", limit=1,
             rv="c1", match="Exact", expected=["c1"], expect_rv="c1"),
    ListCase("test List with pregenerated continue token", "/second/", limit=1, cont=SECOND_CONT,
             expected=["c2"]),
    ListCase("ignores resource version 0 for List with pregenerated continue token", "/second/", limit=1,
             cont=SECOND_CONT, rv="0", expected=["c2"]),
    ListCase("test List with multiple levels of directories and expect flattened result", "/second/",
             expected=["c1", "c2"]),
    ListCase("test List with multiple levels of directories and expect flattened result with current resource "
             "version and match=NotOlderThan", "/second/", rv="list", match="NotOlderThan", expected=["c1", "c2"]),
    ListCase("test List with filter returning only one item, ensure only a single page returned", "/",
             label="name=barfoo", limit=1, expected=["c3"], expect_continue=True),
    ListCase("test List with filter returning only one item, ensure only a single page returned with current "
             "resource version and match=NotOlderThan", "/", label="name=barfoo", limit=1, rv="list",
             match="NotOlderThan", expected=["c3"], rv_at_least="list", expect_continue=True),
    ListCase("test List with filter returning only one item, covers the entire list", "/", label="name=barfoo",
             limit=2, expected=["c3"]),
    ListCase("test List with filter returning only one item, covers the entire list with current resource "
             "version and match=NotOlderThan", "/", label="name=barfoo", limit=2, rv="list",
             match="NotOlderThan", expected=["c3"], rv_at_least="list"),
    ListCase("test List with filter returning only one item, covers the entire list, with resource version 0",
             "/", label="name=barfoo", limit=2, rv="0", alternatives=[[], ["c3"]]),
    ListCase("test List with filter returning two items, more pages possible", "/", label="name=bar", limit=2,
             expected=["u", "c1"], expect_continue=True),
    ListCase("test List with filter returning two items, more pages possible with current resource version "
             "and match=NotOlderThan", "/", label="name=bar", limit=2, rv="list", match="NotOlderThan",
             expected=["u", "c1"], expect_continue=True),
    ListCase("filter returns two items split across multiple pages", "/", label="name=foo", limit=2,
             expected=["c2", "c4"]),
    ListCase("filter returns two items split across multiple pages with current resource version and "
             "match=NotOlderThan", "/", label="name=foo", limit=2, rv="list", match="NotOlderThan",
             expected=["c2", "c4"]),
    ListCase("filter returns one item for last page, ends on last item, not full", "/", label="name=foo",
             limit=2, cont=("third/barfoo", "list"), expected=["c4"]),
    ListCase("filter returns one item for last page, starts on last item, full", "/", label="name=foo",
             limit=1, cont=("third/barfoo", "list"), expected=["c4"]),
    ListCase("filter returns one item for last page, starts on last item, partial page", "/", label="name=foo",
             limit=2, cont=("third/barfoo", "list"), expected=["c4"]),
    ListCase("filter returns two items, page size equal to total list size", "/", label="name=foo", limit=5,
             expected=["c2", "c4"]),
    ListCase("filter returns two items, page size equal to total list size with current resource version and "
             "match=NotOlderThan", "/", label="name=foo", limit=5, rv="list", match="NotOlderThan",
             expected=["c2", "c4"]),
    ListCase("filter returns one item, page size equal to total list size", "/", label="name=barfoo", limit=5,
             expected=["c3"]),
    ListCase("filter returns one item, page size equal to total list size with current resource version and "
             "match=NotOlderThan", "/", label="name=barfoo", limit=5, rv="list", match="NotOlderThan",
             expected=["c3"]),
    ListCase("list all items", "/", expected=EVERY),
    ListCase("list all items with current resource version and match=NotOlderThan", "/", rv="list",
             match="NotOlderThan", expected=EVERY),
    ListCase("verify list returns updated version of object; filter returns one item, page size equal to total "
             "list size with current resource version and match=NotOlderThan", "/", label="node=fakeNode",
             limit=5, rv="list", match="NotOlderThan", expected=["u"]),
    ListCase("verify list does not return deleted object; filter for deleted object, page size equal to total "
             "list size with current resource version and match=NotOlderThan", "/", label="name=baz", limit=5,
             rv="list", match="NotOlderThan", expected=[]),
    ListCase("test consistent List", "/empty", expect_rv="current", expected=[]),
    ListCase("test non-consistent List", "/empty", rv="0", rv_at_least="initial", expected=[]),
    # match=Exact
    ListCase("test List with resource version set before first write, match=Exact", "/", rv="initial",
             match="Exact", error=errors.ResourceVersionTooOld),
    ListCase("test List with resource version of first write, match=Exact", "/", rv="c0", match="Exact",
             expected=["c0"], expect_rv="c0"),
    ListCase("test List with resource version of second write, match=Exact", "/", rv="c1", match="Exact",
             expected=["c0", "c1"], expect_rv="c1"),
    ListCase("test List with resource version of third write, match=Exact", "/", rv="c2", match="Exact",
             expected=["c0", "c1", "c2"], expect_rv="c2"),
    ListCase("test List with resource version of fourth write, match=Exact", "/", rv="c3", match="Exact",
             expected=["c0", "c1", "c2", "c3"], expect_rv="c3"),
    ListCase("test List with resource version of fifth write, match=Exact", "/", rv="c4", match="Exact",
             expected=["c0", "c1", "c2", "c3", "c4"], expect_rv="c4"),
    ListCase("test List with resource version of six write, match=Exact", "/", rv="c5", match="Exact",
             expected=["c0", "c1", "c5", "c2", "c3", "c4"], expect_rv="c5"),
    ListCase("test List with resource version of seventh write, match=Exact", "/", rv="u", match="Exact",
             expected=["u", "c1", "c5", "c2", "c3", "c4"], expect_rv="u"),
    ListCase("test List with resource version of eight write, match=Exact", "/", rv="list", match="Exact",
             expected=EVERY, expect_rv="list"),
    ListCase("test List with resource version after writes, match=Exact", "/", rv="current", match="Exact",
             expected=EVERY, expect_rv="current"),
    ListCase("test List with future resource version, match=Exact", "/", rv="future", match="Exact",
             error=errors.ResourceVersionTooLarge),
    # limit, match=Exact
    ListCase("test List with limit, resource version of second write, match=Exact", "/", limit=1, rv="c1",
             match="Exact", expected=["c0"], expect_continue=True, continue_exact=("first/bar\x00", "c1"),
             expect_rv="c1", remaining=1),
    ListCase("test List with limit, resource version of third write, match=Exact", "/", limit=2, rv="c2",
             match="Exact", expected=["c0", "c1"], expect_continue=True,
             continue_exact=("second/bar\x00", "c2"), expect_rv="c2", remaining=1),
    ListCase("test List with limit, resource version of fourth write, match=Exact", "/", limit=4, rv="c3",
             match="Exact", expected=["c0", "c1", "c2", "c3"], expect_rv="c3"),
    ListCase("test List with limit, resource version of fifth write, match=Exact", "/", limit=1, rv="c4",
             match="Exact", expected=["c0"], expect_continue=True, continue_exact=("first/bar\x00", "c4"),
             expect_rv="c4", remaining=4),
    ListCase("test List with limit, resource version of six write, match=Exact", "/", limit=2, rv="c5",
             match="Exact", expected=["c0", "c1"], expect_continue=True,
             continue_exact=("second/bar\x00", "c5"), expect_rv="c5", remaining=4),
    ListCase("test List with limit, resource version of seventh write, match=Exact", "/", limit=4, rv="u",
             match="Exact", expected=["u", "c1", "c5", "c2"], expect_continue=True,
             continue_exact=("second/foo\x00", "u"), expect_rv="u", remaining=2),
    ListCase("test List with limit, resource version of eight write, match=Exact", "/", limit=8, rv="list",
             match="Exact", expected=EVERY, expect_rv="list"),
    ListCase("test List with limit, resource version after writes, match=Exact", "/", limit=1, rv="current",
             match="Exact", expected=["u"], expect_continue=True, continue_exact=("first/bar\x00", "current"),
             expect_rv="current", remaining=4),
    # continue
    ListCase("test List with continue, resource version before first write", "/", limit=1,
             cont=("first/bar\x00", "initial"), error=errors.ContinueExpired),
    ListCase("test List with continue, resource version of first write", "/", limit=1,
             cont=("first/bar\x00", "c0"), expected=[], expect_rv="c0"),
    ListCase("test List with continue, resource version of second write", "/", limit=1,
             cont=("first/bar\x00", "c1"), expected=["c1"], expect_rv="c1"),
    ListCase("test List with continue, resource version of third write", "/", limit=2,
             cont=("second/bar\x00", "c2"), expected=["c2"], expect_rv="c2"),
    ListCase("test List with continue, resource version of fifth write", "/", limit=1,
             cont=("first/bar\x00", "c4"), expected=["c1"], expect_rv="c4", expect_continue=True,
             continue_exact=("second/bar\x00", "c4"), remaining=3),
    ListCase("test List with continue, resource version of six write", "/", limit=2,
             cont=("second/bar\x00", "c5"), expected=["c5", "c2"], expect_rv="c5", expect_continue=True,
             continue_exact=("second/foo\x00", "c5"), remaining=2),
    ListCase("test List with continue, resource version of seventh write", "/", limit=4,
             cont=("second/foo\x00", "u"), expected=["c3", "c4"], expect_rv="u"),
    ListCase("test List with continue, resource version after writes", "/", limit=1,
             cont=("first/bar\x00", "current"), expected=["c1"], expect_rv="current", expect_continue=True,
             continue_exact=("second/bar\x00", "current"), remaining=3),
    ListCase("test List with continue from second pod, negative resource version gives consistent read", "/",
             cont=("first/bar\x00", -1), expected=["c1", "c2", "c3", "c4"], expect_rv="current"),
    ListCase("test List with continue from second pod and limit, negative resource version gives consistent "
             "read", "/", limit=2, cont=("first/bar\x00", -1), expected=["c1", "c2"], expect_continue=True,
             continue_exact=("second/foo\x00", "current"), expect_rv="current", remaining=2),
    ListCase("test List with continue from third pod, negative resource version gives consistent read", "/",
             cont=("second/foo\x00", -1), expected=["c3", "c4"], expect_rv="current"),
    ListCase("test List with continue from empty fails", "/", cont=("", "list"), error=errors.InvalidContinue),
    ListCase("test List with continue from first pod, empty resource version fails", "/",
             cont=("first/bar\x00", 0), error=errors.InvalidContinue),
    ListCase("test List with negative rv fails", "/", rv="-1", error=errors.InvalidResourceVersion),
    # not upstream table cases, same seed
    ListCase("continue token escaping the prefix fails", "/", limit=1, cont=("second/../../secrets/x", "list"),
             error=errors.InvalidContinue),
    ListCase("continue token that is not base64 fails", "/", limit=1, cont=("<garbage>", None),
             error=errors.InvalidContinue),
    ListCase("continue token from a revision the store has not reached fails", "/", limit=1,
             cont=("first/bar\x00", "future"), error=errors.ResourceVersionTooLarge),
    ListCase("remainingItemCount is left out when a predicate filters", "/", label="name=bar", limit=1,
             expected=["u"], expect_continue=True, continue_exact=("first/bar\x00", "current"),
             expect_rv="current"),
]


def predicate_for(case: ListCase, seed: Seed) -> Predicate:
    token = ""
    if case.cont is not None:
        start, revision = case.cont
        token = "not-a-token!" if revision is None else go_continue(start, seed.revision(revision))
    paging = {"limit": case.limit, "continue_token": token}
    if not case.label:
        return everything(**paging)
    field_name, value = case.label.replace("!=", "=").split("=")
    if field_name == "node":
        return Predicate(matcher=node_is(value).matcher, **paging)
    if "!=" in case.label:
        return field_name_is_not(value, **paging)
    return field_name_is(value, **paging)


@pytest.mark.parametrize("case", LIST_CASES, ids=[c.name for c in LIST_CASES])
async def test_list(storage, env, case: ListCase):
    if env.cached and case.ignore_for_watch_cache:
        pytest.skip("the watch cache ignores limit at resourceVersion 0 (upstream #108003)")
    seed = await seed_multi_level_data(storage, env)
    literal = isinstance(case.rv, str) and (case.rv in ("", "abc", "-1") or case.rv.isdigit())
    requested = case.rv if literal else str(seed.revision(case.rv))
    opts = ListOptions(requested, case.match, predicate_for(case, seed), True)

    if case.error is not None:
        with pytest.raises(case.error) as exc:
            await storage.get_list(PREFIX + case.prefix, opts)
        if case.error is errors.ContinueExpired:
            assert decode_token(exc.value.token)["rv"] == -1
        return
    result = await storage.get_list(PREFIX + case.prefix, opts)

    assert bool(result.continue_token) == case.expect_continue, result.continue_token
    if case.continue_exact is not None:
        start, revision = case.continue_exact
        assert decode_token(result.continue_token) == decode_token(go_continue(start, seed.revision(revision)))
        assert result.continue_token == go_continue(start, seed.revision(revision)), "the token's exact encoding"
    if case.expect_rv is not None:
        assert result.resource_version == seed.revision(case.expect_rv)
    if case.rv_at_least is not None:
        assert result.resource_version >= seed.revision(case.rv_at_least)
    if case.alternatives is not None:
        assert result.items in [[seed.obj(n) for n in alt] for alt in case.alternatives]
    else:
        assert result.items == [seed.obj(n) for n in case.expected]
    assert result.remaining_item_count == case.remaining
