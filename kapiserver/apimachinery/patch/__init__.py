"""Patch engines: JSON patch, JSON merge patch and strategic merge patch, as kube-apiserver has them.

    patcher.py              apply_patch(): a PATCH body onto the current object, failures as Status
    jsonpatch.py            RFC 6902 with github.com/evanphx/json-patch v4 semantics
    mergepatch.py           RFC 7386 with the same library's semantics; create_merge_patch
    strategic.py            strategic merge patch (pkg/util/strategicpatch): apply, two- and three-way
                            creation
    strategic_merge.py      ... applying (mergeMap)
    strategic_diff.py       ... creating (diffMaps)
    strategic_conflicts.py  ... conflict detection for three-way patches
    strategic_lists.py      ... list ordering, de-duplication, directive names
    strategic_errors.py     ... errors (pkg/util/mergepatch)
    patchmeta.py            patch strategies and merge keys from the OpenAPI definitions
    gojson.py               decoding with Go encoding/json's error texts
    golang.py               Go runtime behaviours the answers depend on (%v, ==, sort.SliceStable)

Everything here is pure: no I/O, and no argument is modified.
"""
