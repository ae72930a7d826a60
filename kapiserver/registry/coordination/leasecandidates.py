"""leasecandidates, coordination.k8s.io v1beta1 and v1alpha2 (upstream pkg/registry/coordination/leasecandidate,
ValidateLeaseCandidate*).

Both versions are off by default in v1.35 (`--runtime-config=coordination.k8s.io/v1beta1=true`
serves them). They have the same shape and share one storage, kept at v1beta1.
"""

from __future__ import annotations

import re
from typing import Any

from kapiserver.apimachinery import field, objectmeta
from kapiserver.apimachinery.types import Object
from kapiserver.registry import conversion
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

from .leases import validate_coordinated_lease_strategy

_SPEC = field.new_path("spec")
_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
                     r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
                     r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$")


def parse_tolerant(text: str) -> tuple[int, int, int, tuple[Any, ...]] | None:
    """blang/semver ParseTolerant: trims spaces and a leading `v`, pads `1.2` to `1.2.0`."""
    text = text.strip().removeprefix("v")
    core = re.split(r"[-+]", text, maxsplit=1)[0]
    parts = core.split(".")
    if len(parts) < 3 and all(p.isdigit() for p in parts):
        text = ".".join(parts + ["0"] * (3 - len(parts))) + text[len(core):]
    m = _SEMVER.match(text)
    if m is None:
        return None
    pre = tuple((0, int(p)) if p.isdigit() else (1, p) for p in (m.group(4) or "").split(".") if p)
    return int(m.group(1)), int(m.group(2)), int(m.group(3)), pre


def _less(a: tuple[int, int, int, tuple[Any, ...]], b: tuple[int, int, int, tuple[Any, ...]]) -> bool:
    if a[:3] != b[:3]:
        return a[:3] < b[:3]
    if not a[3] or not b[3]:
        return bool(a[3]) and not b[3]
    return a[3] < b[3]


def _spec(obj: Object) -> Object:
    spec = obj.get("spec")
    return spec if isinstance(spec, dict) else {}


def validate_lease_candidate_spec(spec: Object) -> field.ErrorList:
    errs: field.ErrorList = []
    if not spec.get("leaseName"):
        errs.append(field.required(_SPEC.child("leaseName"), ""))
    emulation_text, binary_text = spec.get("emulationVersion") or "", spec.get("binaryVersion") or ""
    emulation = parse_tolerant(emulation_text) if emulation_text else None
    if emulation_text and emulation is None:
        errs.append(field.invalid(_SPEC.child("emulationVersion"), emulation_text, "must be a valid semantic version"))
    binary = parse_tolerant(binary_text) if binary_text else None
    if not binary_text:
        errs.append(field.required(_SPEC.child("binaryVersion"), ""))
    elif binary is None:
        errs.append(field.invalid(_SPEC.child("binaryVersion"), binary_text, "must be a valid semantic version"))
    if binary is not None and emulation is not None and _less(binary, emulation):
        errs.append(field.invalid(_SPEC.child("binaryVersion"), binary_text,
                                  "must be greater than or equal to `emulationVersion`"))
    strategy = spec.get("strategy") or ""
    if not strategy:
        errs.append(field.required(_SPEC.child("strategy"), ""))
    else:
        errs += validate_coordinated_lease_strategy(strategy, _SPEC.child("strategy"))
    return errs


def validate_lease_candidate(obj: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(obj.get("metadata", {}), True, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))
    return errs + validate_lease_candidate_spec(_spec(obj))


class LeaseCandidateStrategy(Strategy):
    allow_create_on_update = True

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_lease_candidate(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        errs = objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                      field.new_path("metadata"))
        errs += objectmeta.validate_immutable_field(_spec(obj).get("leaseName") or "", _spec(old).get("leaseName") or "",
                                                    _SPEC.child("leaseName"))
        return errs + validate_lease_candidate_spec(_spec(obj))


DESCRIPTIONS = {
    "leaseName": "LeaseName is the name of the lease for which this candidate is contending. The limits on this "
                 "field are the same as on Lease.name. Multiple lease candidates may reference the same Lease.name. "
                 "This field is immutable.",
    "binaryVersion": "BinaryVersion is the binary version. It must be in a semver format without leading `v`. This "
                     "field is required.",
    "emulationVersion": "EmulationVersion is the emulation version. It must be in a semver format without leading "
                        "`v`. EmulationVersion must be less than or equal to BinaryVersion. This field is required "
                        "when strategy is \"OldestEmulationVersion\"",
}


def _row(obj: Object) -> list[object]:
    spec = _spec(obj)
    return [name_of(obj), spec.get("leaseName") or "", spec.get("binaryVersion") or "",
            spec.get("emulationVersion") or "", age(obj)]


LEASECANDIDATES = ResourceSpec(
    group="coordination.k8s.io", version="v1beta1", kind="LeaseCandidate", plural="leasecandidates",
    singular="leasecandidate", namespaced=True, strategy=LeaseCandidateStrategy(),
    printer=Printer((NAME_COLUMN, Column("LeaseName", "string", "", DESCRIPTIONS["leaseName"]),
                     Column("BinaryVersion", "string", "", DESCRIPTIONS["binaryVersion"]),
                     Column("EmulationVersion", "string", "", DESCRIPTIONS["emulationVersion"]), AGE_COLUMN), _row),
)
LEASECANDIDATES_V1ALPHA2 = conversion.alternate_version(LEASECANDIDATES, "v1alpha2")
