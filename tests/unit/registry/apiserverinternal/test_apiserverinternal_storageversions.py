"""StorageVersion validation (upstream pkg/apis/apiserverinternal/validation)."""

from kapiserver.registry.apiserverinternal.storageversions import (
    validate_storage_version,
    validate_storage_version_name,
)


def msgs(errs):
    return [str(e) for e in errs]


def test_names():
    assert validate_storage_version_name("apps.deployments", False) == []
    assert validate_storage_version_name("deployments", False) == ["name must be in the form of <group>.<resource>"]


def test_status():
    sv = {"metadata": {"name": "apps.deployments"}, "status": {
        "storageVersions": [{"apiServerID": "a", "encodingVersion": "v1", "decodableVersions": ["v1"],
                             "servedVersions": ["v2"]}],
        "conditions": [{"type": "AllEncodingVersionsEqual", "status": "True", "reason": "", "message": "m"}]}}
    assert msgs(validate_storage_version(sv)) == [
        ('status.storageVersions[0].servedVersions[0]: Invalid value: "v2": individual served version : v2 must be '
        'included in decodableVersions : [v1]'),
        "status.commonEncodingVersion: Invalid value: null: the common encoding version is v1",
        "status[0].reason: Required value: reason cannot be empty",
    ]
