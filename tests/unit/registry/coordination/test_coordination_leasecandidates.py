"""LeaseCandidate validation and printer (upstream ValidateLeaseCandidate)."""

from kapiserver.registry.coordination.leasecandidates import (
    LEASECANDIDATES,
    LEASECANDIDATES_V1ALPHA2,
    _row,
    parse_tolerant,
)
from kapiserver.registry.rest import RequestContext

CTX = RequestContext(namespace="default")
S = LEASECANDIDATES.strategy


def msgs(errs):
    return [str(e) for e in errs]


def cand(**spec):
    return {"metadata": {"name": "c", "namespace": "default"}, "spec": spec}


def test_valid_and_required():
    assert S.validate(CTX, cand(leaseName="l", binaryVersion="1.35.0", strategy="OldestEmulationVersion")) == []
    assert msgs(S.validate(CTX, cand())) == ["spec.leaseName: Required value", "spec.binaryVersion: Required value",
                                             "spec.strategy: Required value"]


def test_versions():
    assert msgs(S.validate(CTX, cand(leaseName="l", binaryVersion="x", emulationVersion="1.2",
                                     strategy="OldestEmulationVersion"))) == [
        'spec.binaryVersion: Invalid value: "x": must be a valid semantic version']
    assert parse_tolerant("v1.2") == (1, 2, 0, ())
    assert msgs(S.validate(CTX, cand(leaseName="l", binaryVersion="1.33.0", emulationVersion="1.34",
                                     strategy="OldestEmulationVersion"))) == [
        'spec.binaryVersion: Invalid value: "1.33.0": must be greater than or equal to `emulationVersion`']


def test_lease_name_immutable():
    old = cand(leaseName="a", binaryVersion="1.35.0", strategy="OldestEmulationVersion")
    new = cand(leaseName="b", binaryVersion="1.35.0", strategy="OldestEmulationVersion")
    old["metadata"]["resourceVersion"] = new["metadata"]["resourceVersion"] = "1"
    assert msgs(S.validate_update(CTX, new, old)) == ['spec.leaseName: Invalid value: "b": field is immutable']


def test_versions_share_storage_and_printer():
    assert LEASECANDIDATES_V1ALPHA2.key_root == LEASECANDIDATES.key_root
    assert LEASECANDIDATES_V1ALPHA2.storage_version == "v1beta1"
    assert _row(cand(leaseName="l", binaryVersion="1.35.0", emulationVersion="1.34.0"))[:4] == [
        "c", "l", "1.35.0", "1.34.0"]
